package blog_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"folio/internal/activitypub"
	"folio/internal/blog"
	"folio/internal/locale"
	"folio/internal/markdown"
	"folio/internal/store/sqlite"
	"folio/internal/testkit"
)

// inboxServer is another server's inbox on loopback: it records the
// types of the activities posted to it, and fails while failing is set.
type inboxServer struct {
	*httptest.Server
	mu      sync.Mutex
	types   []string
	failing bool
}

func newInbox(t *testing.T) *inboxServer {
	in := &inboxServer{}
	in.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		in.mu.Lock()
		defer in.mu.Unlock()
		if in.failing {
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		if r.Header.Get("Signature") == "" {
			http.Error(w, "unsigned", http.StatusUnauthorized)
			return
		}
		var a struct{ Type string }
		json.Unmarshal(body, &a)
		in.types = append(in.types, a.Type)
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(in.Close)
	return in
}

func (in *inboxServer) got() string {
	in.mu.Lock()
	defer in.mu.Unlock()
	return strings.Join(in.types, " ")
}

// TestFederation follows a post through its life on the fediverse: what
// each write sends (Create, Update, Delete; nothing for drafts, pages,
// private posts and imports), one delivery per shared inbox, follows
// held for approval when the setting asks, deliveries retried with
// growing pauses and given up on, and blocks.
func TestFederation(t *testing.T) {
	ctx := t.Context()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "folio.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	clock := testkit.NewClock(time.Now().UTC().Truncate(time.Second))
	svc, err := blog.New(ctx, st, blog.Options{Words: locale.MustLoad(), Now: clock.Now, Renderer: markdown.NewPosts(), CommentRenderer: markdown.NewComments(),
		Hasher: testkit.Hasher(), Fediverse: activitypub.NewClient(true)})
	if err != nil {
		t.Fatal(err)
	}
	admin, err := svc.Accounts.SetupAdmin(ctx, blog.UserInput{Name: "Ada", Email: "ada@example.com", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	fed := svc.Federation
	if fed.Enabled() {
		t.Fatal("a site without an address federates")
	}
	if _, err := svc.Site.SaveSettings(ctx, admin, blog.SettingsInput{"base_url": "http://blog.example"}); err != nil {
		t.Fatal(err)
	}
	if fed.Enabled() {
		t.Fatal("a site on plain http federates without private peers allowed")
	}
	if _, err := svc.Site.SaveSettings(ctx, admin, blog.SettingsInput{"base_url": "https://blog.example"}); err != nil {
		t.Fatal(err)
	}
	shared, own := newInbox(t), newInbox(t)
	follow := func(name, inbox, sharedInbox string) *blog.RemoteActor {
		t.Helper()
		a := &blog.RemoteActor{IRI: "https://" + name + ".example/users/" + name, KeyID: "k", PublicKeyPEM: "p", Inbox: inbox,
			SharedInbox: sharedInbox, Name: name, Handle: name, Host: name + ".example"}
		if err := fed.RememberActor(ctx, a, nil); err != nil {
			t.Fatal(err)
		}
		if err := fed.Follow(ctx, admin.ID, a, a.IRI+"#follow"); err != nil {
			t.Fatal(err)
		}
		return a
	}
	// Two accounts on one server share its inbox; a third has its own.
	follow("pia", shared.URL+"/users/pia/inbox", shared.URL+"/inbox")
	follow("ola", shared.URL+"/users/ola/inbox", shared.URL+"/inbox")
	follow("ivo", own.URL+"/inbox", "")
	deliver := func() {
		t.Helper()
		if _, err := fed.Deliver(ctx); err != nil {
			t.Log(err)
		}
	}
	deliver()
	if shared.got() != "Accept Accept" || own.got() != "Accept" {
		t.Fatalf("Accepts delivered: shared %q, own %q", shared.got(), own.got())
	}

	save := func(id int64, in blog.PostInput) *blog.Post {
		t.Helper()
		p, err := svc.Writing.SavePost(ctx, admin, id, in)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	in := blog.PostInput{Kind: blog.KindPost, Title: "On paper", Body: "Paper keeps.", Status: blog.StatusDraft}
	p := save(0, in)
	in.Status = blog.StatusPublished
	p = save(p.ID, in)
	in.Body = "Paper keeps, still."
	save(p.ID, in)
	svc.Writing.Trash(ctx, admin, p.ID)
	save(0, blog.PostInput{Kind: blog.KindPage, Title: "About", Body: "Me.", Status: blog.StatusPublished})
	save(0, blog.PostInput{Kind: blog.KindPost, Title: "Mine", Body: "Only me.", Status: blog.StatusPrivate})
	if _, err := svc.Moving.ImportPosts(ctx, admin, []blog.PostInput{{Kind: blog.KindPost, Title: "Old", Body: "From before.",
		Status: blog.StatusPublished, PublishedAt: time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC)}}, nil); err != nil {
		t.Fatal(err)
	}
	deliver()
	if shared.got() != "Accept Accept Create Update Delete" || own.got() != "Accept Create Update Delete" {
		t.Fatalf("a post's life: shared %q, own %q", shared.got(), own.got())
	}

	// A scheduled post goes out when it goes live.
	save(0, blog.PostInput{Kind: blog.KindPost, Title: "Later", Body: "Soon.", Status: blog.StatusPublished, PublishedAt: clock.Now().Add(time.Hour)})
	deliver()
	if own.got() != "Accept Create Update Delete" {
		t.Fatalf("a scheduled post went out early: %q", own.got())
	}
	clock.Add(time.Hour + time.Minute)
	if _, err := svc.Writing.PublishDue(ctx); err != nil {
		t.Fatal(err)
	}
	deliver()
	if own.got() != "Accept Create Update Delete Create" {
		t.Fatalf("the scheduled post: %q", own.got())
	}

	// A server that is down is tried again later, with growing pauses,
	// and given up on after about two and a half days.
	own.mu.Lock()
	own.failing = true
	own.mu.Unlock()
	save(0, blog.PostInput{Kind: blog.KindPost, Title: "Into the void", Body: "Hello?", Status: blog.StatusPublished})
	deliver()
	var waited time.Duration
	for range 30 {
		due, _ := st.DueDeliveries(ctx, clock.Now().Add(100*24*time.Hour), 10)
		if len(due) == 0 {
			break
		}
		step := due[0].NextAt.Sub(clock.Now()) + time.Second
		waited += step
		clock.Add(step)
		deliver()
	}
	if problems, _ := st.DeliveryProblems(ctx); len(problems) != 1 || problems[0].Host != strings.TrimPrefix(own.URL, "http://") || !strings.Contains(problems[0].LastError, "502") {
		t.Errorf("the server given up on: %+v", problems)
	}
	if waited < 48*time.Hour || waited > 4*24*time.Hour {
		t.Errorf("gave up after %s, want about two and a half days", waited)
	}
	if !strings.HasSuffix(shared.got(), "Create Create") {
		t.Errorf("the shared inbox missed the post while the other server was down: %q", shared.got())
	}

	// Held follows wait for approval; blocking a server removes its
	// followers.
	if _, err := svc.Site.SaveSettings(ctx, admin, blog.SettingsInput{"federation_approve_followers": "true"}); err != nil {
		t.Fatal(err)
	}
	eve := follow("eve", own.URL+"/eve", "")
	if n, _ := st.CountFollowers(ctx, admin.ID, blog.FollowerPending); n != 1 {
		t.Fatalf("held follows: %d", n)
	}
	held, _ := st.Follower(ctx, admin.ID, eve.IRI)
	if err := fed.ApproveFollower(ctx, admin, held.ID); err != nil {
		t.Fatal(err)
	}
	if due, _ := st.DueDeliveries(ctx, clock.Now(), 10); len(due) != 1 || !bytes.Contains(due[0].Activity, []byte(`"type":"Accept"`)) {
		t.Errorf("approving queued %d deliveries", len(due))
	}
	if err := fed.Block(ctx, admin, "@x@pia.example"); err != nil {
		t.Fatal(err)
	}
	fls, _ := st.Followers(ctx, admin.ID, "", 0)
	for _, f := range fls {
		if f.Remote.Host == "pia.example" {
			t.Errorf("%s still follows after their server was blocked", f.Actor)
		}
	}
	if err := fed.Follow(ctx, admin.ID, &blog.RemoteActor{IRI: "https://pia.example/users/pia", Host: "pia.example"}, ""); err != blog.ErrBlocked {
		t.Errorf("a blocked server's follow: %v", err)
	}
	for _, bad := range []string{"", "not a server", "https://", "a/b"} {
		if err := fed.Block(ctx, admin, bad); err == nil {
			t.Errorf("Block(%q) took it", bad)
		}
	}
}

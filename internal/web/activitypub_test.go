package web_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"folio/internal/activitypub"
	"folio/internal/blog"
	"folio/internal/testkit"
)

// remoteActor is an account on another server, served on loopback, that
// signs what it posts to folio's inboxes.
type remoteActor struct {
	srv        *httptest.Server
	id, keyID  string
	privatePEM string
	n          int
}

func newRemoteActor(t *testing.T) *remoteActor {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	priv, _ := x509.MarshalPKCS8PrivateKey(key)
	pub, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	a := &remoteActor{privatePEM: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: priv}))}
	pubPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}))
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/pia.png" {
			w.Header().Set("Content-Type", "image/png")
			w.Write(testkit.PNG(300, 200))
			return
		}
		if r.URL.Path != "/users/pia" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", activitypub.ContentType)
		json.NewEncoder(w).Encode(map[string]any{
			"@context": "https://www.w3.org/ns/activitystreams", "id": a.id, "type": "Person",
			"preferredUsername": "pia", "name": "Pia Remote", "url": a.srv.URL + "/@pia", "inbox": a.id + "/inbox",
			"endpoints": map[string]string{"sharedInbox": a.srv.URL + "/inbox"},
			"icon":      map[string]string{"type": "Image", "mediaType": "image/png", "url": a.srv.URL + "/pia.png"},
			"publicKey": map[string]string{"id": a.keyID, "owner": a.id, "publicKeyPem": pubPEM},
		})
	}))
	t.Cleanup(a.srv.Close)
	a.id, a.keyID = a.srv.URL+"/users/pia", a.srv.URL+"/users/pia#main-key"
	return a
}

// activity returns an activity of this actor as JSON.
func (a *remoteActor) activity(typ string, object any) []byte {
	a.n++
	b, _ := json.Marshal(map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
		"id": fmt.Sprintf("%s/activities/%d", a.srv.URL, a.n), "type": typ, "actor": a.id, "object": object})
	return b
}

// post sends body to inbox, signed unless tamper says how to spoil it.
func (a *remoteActor) post(t *testing.T, inbox string, body []byte, tamper string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, inbox, bytes.NewReader(body))
	req.Header.Set("Content-Type", activitypub.ContentType)
	if tamper != "unsigned" {
		if err := activitypub.Sign(req, a.keyID, a.privatePEM, body); err != nil {
			t.Fatal(err)
		}
	}
	switch tamper {
	case "body":
		req.Body = http.NoBody
		req.Body = readCloser(append(bytes.Clone(body), ' '))
		req.ContentLength++
	case "date":
		// Re-signed with an old date: the signature is right, the time not.
		req.Header.Del("Signature")
		old := time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)
		activitypub.Sign(req, a.keyID, a.privatePEM, body)
		req.Header.Set("Date", old)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

type bodyReader struct{ *bytes.Reader }

func (bodyReader) Close() error { return nil }

func readCloser(b []byte) bodyReader { return bodyReader{bytes.NewReader(b)} }

// TestActivityPub: discovery (WebFinger, NodeInfo, the actor, the
// author page's link, a post's Article by content negotiation), and the
// inbox: refused unsigned, tampered or stale; a Follow accepted with a
// delivery queued; a reply held in moderation; a like counted; an
// Undo and a Delete; a blocked server refused; nothing answered with
// federation off.
func TestActivityPub(t *testing.T) {
	s := newSiteWithAdmin(t)
	ctx := t.Context()
	host := strings.TrimPrefix(s.URL, "http://")
	b := s.browser(t)
	if r := b.get("/.well-known/webfinger?resource=acct:ada-lovelace@" + host); r.StatusCode != http.StatusNotFound {
		t.Errorf("WebFinger on a site without an address: %d, want 404", r.StatusCode)
	}
	if _, err := s.svc.Site.SaveSettings(ctx, s.admin, blog.SettingsInput{"base_url": s.URL, "comment_moderation": blog.ModerateHoldFirst}); err != nil {
		t.Fatal(err)
	}
	post, err := s.svc.Writing.SavePost(ctx, s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "On paper", Body: "Paper keeps.",
		Tags: []string{"paper"}, Status: blog.StatusPublished, PublishedAt: s.clock.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		resource string
		status   int
	}{
		{"acct:ada-lovelace@" + host, http.StatusOK},
		{"acct:@ada-lovelace@" + host, http.StatusOK},
		{s.URL + "/author/ada-lovelace/", http.StatusOK},
		{"acct:ada-lovelace@elsewhere.example", http.StatusNotFound},
		{"acct:nobody@" + host, http.StatusNotFound},
		{"mailto:ada@example.com", http.StatusBadRequest},
	} {
		r := b.get("/.well-known/webfinger?resource=" + url.QueryEscape(tc.resource))
		if r.StatusCode != tc.status {
			t.Errorf("WebFinger %s: %d, want %d", tc.resource, r.StatusCode, tc.status)
		}
		if tc.status == http.StatusOK {
			mustContain(t, "WebFinger", r.Body, `"rel":"self","type":"application/activity+json","href":"`+s.URL+`/ap/actors/1"`)
		}
	}
	getAS := func(path string) response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, s.URL+path, nil)
		req.Header.Set("Accept", `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`)
		return b.do(req)
	}
	actor := getAS("/ap/actors/1")
	mustContain(t, "the actor", actor.Body, `"type":"Person"`, `"preferredUsername":"ada-lovelace"`, `"inbox":"`+s.URL+`/ap/actors/1/inbox"`,
		`"sharedInbox":"`+s.URL+`/ap/inbox"`, "BEGIN PUBLIC KEY", `"id":"`+s.URL+`/ap/actors/1#main-key"`)
	if ct := actor.Header.Get("Content-Type"); !strings.HasPrefix(ct, activitypub.ContentType) {
		t.Errorf("the actor's type: %s", ct)
	}
	if r := b.get("/ap/actors/1"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/author/ada-lovelace/" {
		t.Errorf("a browser asking for the actor: %d to %s", r.StatusCode, r.Header.Get("Location"))
	}
	mustContain(t, "the author page", b.get("/author/ada-lovelace/").Body, `<link rel="alternate" type="application/activity&#43;json" title="Ada Lovelace on the fediverse" href="`+s.URL+`/ap/actors/1">`)
	if r := getAS("/author/ada-lovelace/"); !strings.Contains(r.Body, `"type":"Person"`) || !strings.Contains(r.Header.Get("Vary"), "Accept") {
		t.Errorf("the author page asked for ActivityStreams: %s", r.Body)
	}
	article := getAS(post.Path)
	mustContain(t, "the post's Article", article.Body, `"type":"Article"`, `"id":"`+s.URL+`/ap/posts/`, `"name":"On paper"`, `Paper keeps.`,
		`"type":"Hashtag"`, `"name":"#paper"`, `"url":"`+s.URL+post.Path+`"`)
	mustContain(t, "the post's page", b.get(post.Path).Body, "<!doctype html>")
	// Once the page is cached, the fediverse still gets the Article.
	mustContain(t, "the post's Article after its page", getAS(post.Path).Body, `"type":"Article"`)
	mustContain(t, "the outbox", getAS("/ap/actors/1/outbox").Body, `"totalItems":1`, `"type":"Create"`)
	mustContain(t, "NodeInfo", b.get("/nodeinfo/2.1").Body, `"protocols":["activitypub"]`, `"localPosts":1`)

	pia := newRemoteActor(t)
	inbox := s.URL + "/ap/actors/1/inbox"
	follow := pia.activity("Follow", s.URL+"/ap/actors/1")
	for _, tamper := range []string{"unsigned", "body", "date"} {
		if got := pia.post(t, inbox, follow, tamper); got != http.StatusUnauthorized {
			t.Errorf("a Follow %s: %d, want 401", tamper, got)
		}
	}
	if got := pia.post(t, inbox, []byte(strings.Repeat(" ", activitypub.MaxActivity+1)), ""); got != http.StatusRequestEntityTooLarge {
		t.Errorf("an oversized activity: %d, want 413", got)
	}
	if n, _ := s.store.CountFollowers(ctx, s.admin.ID, blog.FollowerAccepted); n != 0 {
		t.Fatalf("refused Follows made %d followers", n)
	}
	if got := pia.post(t, inbox, follow, ""); got != http.StatusAccepted {
		t.Fatalf("a signed Follow: %d, want 202", got)
	}
	if n, _ := s.store.CountFollowers(ctx, s.admin.ID, blog.FollowerAccepted); n != 1 {
		t.Errorf("followers after a Follow: %d, want 1", n)
	}
	due, _ := s.store.DueDeliveries(ctx, time.Now().Add(time.Minute), 10)
	if len(due) != 1 || due[0].Inbox != pia.id+"/inbox" || !bytes.Contains(due[0].Activity, []byte(`"type":"Accept"`)) {
		t.Errorf("the Accept queued: %+v", due)
	}

	// A reply to the post waits in the queue; a like counts.
	note := map[string]any{"id": pia.srv.URL + "/notes/1", "type": "Note", "attributedTo": pia.id, "inReplyTo": s.URL + blog.ArticlePath(post.ID),
		"content": `<p><span class="h-card"><a href="` + s.URL + `/ap/actors/1" class="u-url mention">@<span>ada</span></a></span> Paper <em>does</em> keep.</p>`,
		"url":     pia.srv.URL + "/@pia/1"}
	if got := pia.post(t, s.URL+"/ap/inbox", pia.activity("Create", note), ""); got != http.StatusAccepted {
		t.Fatalf("a reply: %d, want 202", got)
	}
	held, err := s.store.Comments(ctx, blog.CommentFilter{PostID: post.ID, Statuses: []blog.CommentStatus{blog.CommentPending}})
	if err != nil || len(held) != 1 || held[0].Body != "Paper does keep." || held[0].AuthorName != "Pia Remote" || held[0].AuthorURL != pia.srv.URL+"/@pia" {
		t.Fatalf("the held reply: %+v %v", held, err)
	}
	// The author's picture is this site's own small copy.
	if want := blog.AvatarPath(blog.AvatarKey(pia.srv.URL + "/pia.png")); held[0].AuthorPhoto != want {
		t.Errorf("the reply's picture is %q, want %q", held[0].AuthorPhoto, want)
	}
	if r := b.get(held[0].AuthorPhoto); r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "image/png" {
		t.Errorf("the picture's copy: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	} else if cfg, err := png.DecodeConfig(strings.NewReader(r.Body)); err != nil || cfg.Width != 96 || cfg.Height != 96 {
		t.Errorf("the picture's copy is %dx%d (%v), want 96x96", cfg.Width, cfg.Height, err)
	}
	forged := map[string]any{"id": pia.srv.URL + "/notes/2", "type": "Note", "attributedTo": "https://someone.else/users/x", "inReplyTo": s.URL + post.Path, "content": "Forged."}
	if got := pia.post(t, s.URL+"/ap/inbox", pia.activity("Create", forged), ""); got != http.StatusForbidden {
		t.Errorf("a note attributed to another actor: %d, want 403", got)
	}
	like := pia.activity("Like", s.URL+post.Path)
	if got := pia.post(t, s.URL+"/ap/inbox", like, ""); got != http.StatusAccepted {
		t.Fatalf("a like: %d", got)
	}
	if n, _ := s.svc.Mentions.Counts(ctx, post.ID); n[blog.MentionLike] != 1 {
		t.Errorf("likes: %v", n)
	}
	var likeAct map[string]any
	json.Unmarshal(like, &likeAct)
	if got := pia.post(t, s.URL+"/ap/inbox", pia.activity("Undo", likeAct), ""); got != http.StatusAccepted {
		t.Fatalf("undoing a like: %d", got)
	}
	if n, _ := s.svc.Mentions.Counts(ctx, post.ID); n[blog.MentionLike] != 0 {
		t.Errorf("likes after the Undo: %v", n)
	}
	if got := pia.post(t, s.URL+"/ap/inbox", pia.activity("Delete", map[string]any{"id": note["id"], "type": "Tombstone"}), ""); got != http.StatusAccepted {
		t.Fatalf("deleting the reply: %d", got)
	}
	if n, _ := s.store.CountComments(ctx, blog.CommentFilter{PostID: post.ID}); n != 0 {
		t.Errorf("replies after the Delete: %d", n)
	}

	// The admin lists the follower; blocking the server removes it and
	// refuses what it sends.
	admin := s.browser(t)
	admin.login("ada@example.com", "analytical engine")
	page := admin.get("/admin/fediverse")
	mustContain(t, "the fediverse screen", page.Body, "@ada-lovelace@"+host, "Pia Remote", "@pia@"+strings.TrimPrefix(pia.srv.URL, "http://"))
	if r := admin.post("/admin/fediverse/blocks", url.Values{"csrf_token": {admin.csrf("/admin/fediverse")}, "block": {"not a server"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("blocking nonsense: %d, want 422", r.StatusCode)
	}
	piaHost := strings.TrimPrefix(pia.srv.URL, "http://")
	if r := admin.post("/admin/fediverse/blocks", url.Values{"csrf_token": {admin.csrf("/admin/fediverse")}, "block": {"@pia@" + piaHost}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("blocking the server: %d", r.StatusCode)
	}
	if n, _ := s.store.CountFollowers(ctx, s.admin.ID, blog.FollowerAccepted); n != 0 {
		t.Errorf("followers after blocking their server: %d", n)
	}
	if got := pia.post(t, inbox, pia.activity("Follow", s.URL+"/ap/actors/1"), ""); got != http.StatusForbidden {
		t.Errorf("a Follow from a blocked server: %d, want 403", got)
	}

	// With federation off nothing answers.
	if _, err := s.svc.Site.SaveSettings(ctx, s.admin, blog.SettingsInput{"federation": "false"}); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/.well-known/webfinger?resource=acct:ada-lovelace@" + host, "/ap/actors/1", "/nodeinfo/2.1"} {
		if r := getAS(path); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s with federation off: %d, want 404", path, r.StatusCode)
		}
	}
	if got := pia.post(t, inbox, follow, ""); got != http.StatusNotFound {
		t.Errorf("the inbox with federation off: %d, want 404", got)
	}
}

package cli_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"folio/internal/activitypub"
	"folio/internal/blog"
	"folio/internal/locale"
	"folio/internal/markdown"
	"folio/internal/password"
	"folio/internal/store/postgres"
	"folio/internal/store/postgres/pgtest"
)

// TestTwoInstancesDeliverOnce runs two folio serve processes on one
// PostgreSQL database with followers on three servers, publishes posts
// and checks every server gets each activity exactly once: each
// delivery is taken by one process.
func TestTwoInstancesDeliverOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs two server processes")
	}
	t.Setenv("FOLIO_ALLOW_PRIVATE_PEERS", "1")
	dbURL := pgtest.Fresh(t)
	bin := buildFolio(t)
	ctx := t.Context()
	st, err := postgres.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, err := blog.New(ctx, st, blog.Options{Words: locale.MustLoad(), Renderer: markdown.NewPosts(), CommentRenderer: markdown.NewComments(), Hasher: password.New(),
		Fediverse: activitypub.NewClient(true), FederateOverHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	admin, err := svc.Accounts.SetupAdmin(ctx, blog.UserInput{Name: "Ada", Email: "ada@example.com", Password: "0123456789"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Site.SaveSettings(ctx, admin, blog.SettingsInput{"base_url": "https://blog.example"}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[string]int{} // server and activity id → deliveries
	for i := range 3 {
		name := fmt.Sprintf("s%d", i)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var a struct{ ID string }
			body, _ := io.ReadAll(r.Body)
			json.Unmarshal(body, &a)
			mu.Lock()
			seen[name+" "+a.ID]++
			mu.Unlock()
			w.WriteHeader(http.StatusAccepted)
		}))
		defer srv.Close()
		a := &blog.RemoteActor{IRI: srv.URL + "/users/x", KeyID: srv.URL + "/users/x#key", PublicKeyPEM: "p", Inbox: srv.URL + "/inbox", Host: srv.Listener.Addr().String()}
		if err := svc.Federation.RememberActor(ctx, a, nil); err != nil {
			t.Fatal(err)
		}
		if err := svc.Federation.Follow(ctx, admin.ID, a, a.IRI+"#follow"); err != nil {
			t.Fatal(err)
		}
	}
	a := startServe(t, bin, "--database", dbURL, "--data", t.TempDir())
	b := startServe(t, bin, "--database", dbURL, "--data", t.TempDir())
	const posts = 15
	for i := range posts {
		if _, err := svc.Writing.SavePost(ctx, admin, 0, blog.PostInput{Kind: blog.KindPost, Title: fmt.Sprintf("Post %d", i), Body: "Text.",
			Status: blog.StatusPublished}); err != nil {
			t.Fatal(err)
		}
	}
	want := 3 * (1 + posts) // an Accept and each post's Create, at each server
	count := func() (total, dup int) {
		mu.Lock()
		defer mu.Unlock()
		for _, n := range seen {
			total += n
			if n > 1 {
				dup++
			}
		}
		return total, dup
	}
	if _, ok := within(fedLatency, func() bool { n, _ := count(); return n >= want }); !ok {
		n, _ := count()
		t.Fatalf("%d of %d deliveries arrived\n%s\n%s", n, want, a.Log(), b.Log())
	}
	time.Sleep(3 * time.Second) // room for a second delivery to show
	if n, dup := count(); n != want || dup != 0 || len(seen) != want {
		t.Errorf("%d deliveries of %d activities, %d delivered more than once; want %d once each", n, len(seen), dup, want)
	}
	if left, _ := st.CountDeliveries(ctx); left != 0 {
		t.Errorf("%d deliveries left", left)
	}
}

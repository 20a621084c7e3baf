package blog_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"folio/internal/blog"
	"folio/internal/locale"
	"folio/internal/markdown"
	"folio/internal/store/sqlite"
	"folio/internal/testkit"
)

// TestRepliesSeeTheirPostChange: the post a reply goes to is kept in
// memory between replies, and an edit that closes its replies, made in
// this process or in another over the same database, is seen by the
// next reply.
func TestRepliesSeeTheirPostChange(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	path := filepath.Join(t.TempDir(), "folio.db")
	clock := testkit.NewClock(time.Now().UTC().Truncate(time.Second))
	open := func() *blog.Services {
		st, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		svc, err := blog.New(ctx, st, blog.Options{Words: locale.MustLoad(), Now: clock.Now, Renderer: markdown.NewPosts(),
			CommentRenderer: markdown.NewComments(), Hasher: testkit.Hasher()})
		if err != nil {
			t.Fatal(err)
		}
		return svc
	}
	here := open()
	admin, err := here.Accounts.SetupAdmin(ctx, blog.UserInput{Name: "Ada Admin", Email: "ada@example.com", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := here.Site.SaveSettings(ctx, admin, blog.SettingsInput{"comment_per_minute": "0", "comment_min_seconds": "0",
		"comment_moderation": "approve_all"}); err != nil {
		t.Fatal(err)
	}
	in := blog.PostInput{Kind: blog.KindPost, Title: "Talked about", Body: "Text.", Status: blog.StatusPublished, CommentsOpen: true,
		PublishedAt: clock.Now().Add(-time.Hour)}
	post, err := here.Writing.SavePost(ctx, admin, 0, in)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	reply := func(svc *blog.Services) error {
		n++
		_, err := svc.Discussion.SubmitComment(ctx, blog.CommentInput{PostID: post.ID, Name: "Reader", Email: "reader@example.com",
			Body: "Reply " + string(rune('a'+n)), FormToken: svc.Discussion.CommentFormToken(post.ID)})
		return err
	}
	setOpen := func(svc *blog.Services, open bool) {
		in.CommentsOpen = open
		if _, err := svc.Writing.SavePost(ctx, admin, post.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	closed := func(err error) bool { r, ok := err.(*blog.Refusal); return ok && r.Reason == blog.RefusedClosed }

	if err := reply(here); err != nil {
		t.Fatal(err)
	}
	setOpen(here, false)
	if err := reply(here); !closed(err) {
		t.Fatalf("after closing replies here, a reply got %v, want a refusal", err)
	}
	setOpen(here, true)
	if err := reply(here); err != nil {
		t.Fatalf("after opening replies again: %v", err)
	}

	go here.Site.Follow(ctx, func(error) {})
	there := open()
	setOpen(there, false)
	deadline := time.Now().Add(5 * time.Second)
	for err := reply(here); !closed(err); err = reply(here) {
		if time.Now().After(deadline) {
			t.Fatalf("5 s after another process closed replies, a reply here still got %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Package storetest is the conformance suite every blog.Store
// implementation must pass. Store packages call Run from their tests with
// a function that opens a fresh, empty, migrated store.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"folio/internal/blog"
)

// Opener returns a new empty store for one subtest.
type Opener func(t *testing.T) blog.Store

// Run runs every conformance test against stores made by open.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, st blog.Store)
	}{
		{"Users", testUsers},
		{"Sessions", testSessions},
		{"PostCRUD", testPostCRUD},
		{"PostSlugConflict", testPostSlugConflict},
		{"PostFilters", testPostFilters},
		{"AdjacentPost", testAdjacentPost},
		{"Terms", testTerms},
		{"Revisions", testRevisions},
		{"Settings", testSettings},
		{"AtomicRollback", testAtomicRollback},
		{"Comments", testComments},
		{"CommentPurge", testCommentPurge},
		{"Outbox", testOutbox},
		{"Search", testSearch},
		{"SlugRace", testSlugRace},
		{"ApproveDeleteRace", testApproveDeleteRace},
		{"RateHits", testRateHits},
		{"ReplyStamps", testReplyStamps},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open(t)) })
	}
}

var t0 = time.Date(2015, 11, 28, 9, 30, 0, 0, time.UTC)

func mustUser(t *testing.T, st blog.Store, email string) *blog.User {
	t.Helper()
	u := &blog.User{Name: "User " + email, Slug: blog.Slugify(email), Email: email, Role: blog.RoleAuthor, PasswordHash: "h", CreatedAt: t0}
	if err := st.CreateUser(t.Context(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

func newPost(author *blog.User, slug string, at time.Time, status blog.Status) *blog.Post {
	return &blog.Post{
		Kind: blog.KindPost, Status: status, Title: "Title " + slug, Slug: slug,
		Body: "body of " + slug, BodyHTML: "<p>body of " + slug + "</p>", Summary: "body", AuthorID: author.ID,
		PublishedAt: at, CreatedAt: at, UpdatedAt: at, CommentsOpen: true,
	}
}

func mustPost(t *testing.T, st blog.Store, p *blog.Post) *blog.Post {
	t.Helper()
	if err := st.CreatePost(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	return p
}

func testUsers(t *testing.T, st blog.Store) {
	ctx := t.Context()
	if n, err := st.CountUsers(ctx); err != nil || n != 0 {
		t.Fatalf("CountUsers on empty store = %d, %v", n, err)
	}
	u := mustUser(t, st, "ada@example.com")
	if u.ID == 0 {
		t.Fatal("CreateUser did not set ID")
	}
	for name, get := range map[string]func() (*blog.User, error){
		"User":        func() (*blog.User, error) { return st.User(ctx, u.ID) },
		"UserByEmail": func() (*blog.User, error) { return st.UserByEmail(ctx, "ada@example.com") },
		"UserBySlug":  func() (*blog.User, error) { return st.UserBySlug(ctx, u.Slug) },
	} {
		got, err := get()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got.Name != u.Name || got.Email != u.Email || got.Role != u.Role || !got.CreatedAt.Equal(t0) {
			t.Errorf("%s = %+v, want %+v", name, got, u)
		}
	}
	if _, err := st.User(ctx, 999); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("User(999) err = %v, want ErrNotFound", err)
	}
	dup := &blog.User{Name: "Other", Slug: "other", Email: "ada@example.com", Role: blog.RoleAuthor, CreatedAt: t0}
	if err := st.CreateUser(ctx, dup); !errors.Is(err, blog.ErrConflict) {
		t.Errorf("duplicate e-mail err = %v, want ErrConflict", err)
	}
	u.Name, u.Bio, u.Role = "Ada L.", "Writes.", blog.RoleEditor
	if err := st.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	mustUser(t, st, "bob@example.com")
	all, err := st.Users(ctx)
	if err != nil || len(all) != 2 || all[0].Name != "Ada L." || all[0].Bio != "Writes." || all[0].Role != blog.RoleEditor {
		t.Errorf("Users = %v, %v", all, err)
	}
	if n, _ := st.CountUsers(ctx); n != 2 {
		t.Errorf("CountUsers = %d, want 2", n)
	}
}

func testSessions(t *testing.T, st blog.Store) {
	ctx := t.Context()
	u := mustUser(t, st, "s@example.com")
	live := &blog.Session{TokenHash: "live", UserID: u.ID, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	old := &blog.Session{TokenHash: "old", UserID: u.ID, CreatedAt: t0, ExpiresAt: t0.Add(time.Minute)}
	for _, s := range []*blog.Session{live, old} {
		if err := st.CreateSession(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.Session(ctx, "live")
	if err != nil || got.UserID != u.ID || !got.ExpiresAt.Equal(live.ExpiresAt) {
		t.Fatalf("Session = %+v, %v", got, err)
	}
	if err := st.DeleteExpiredSessions(ctx, t0.Add(30*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Session(ctx, "old"); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("expired session still there: %v", err)
	}
	if err := st.DeleteSession(ctx, "live"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Session(ctx, "live"); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("deleted session still there: %v", err)
	}
}

func testPostCRUD(t *testing.T, st blog.Store) {
	ctx := t.Context()
	u := mustUser(t, st, "p@example.com")
	p := newPost(u, "first", t0, blog.StatusPublished)
	p.Lede, p.ExcerptHTML = "A lede.", "<p>ex</p>"
	p.Source = blog.Source{URL: "https://example.org/a", Title: "A", Site: "Example"}
	mustPost(t, st, p)
	if p.ID == 0 {
		t.Fatal("CreatePost did not set ID")
	}
	got, err := st.Post(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != p.Title || got.Body != p.Body || got.BodyHTML != p.BodyHTML || got.Lede != "A lede." ||
		got.ExcerptHTML != "<p>ex</p>" || got.Source != p.Source || !got.PublishedAt.Equal(t0) ||
		!got.CommentsOpen || got.Status != blog.StatusPublished || got.Kind != blog.KindPost {
		t.Errorf("Post = %+v, want %+v", got, p)
	}
	if got.Author == nil || got.Author.Name != u.Name || got.Author.Slug != u.Slug {
		t.Errorf("Post author = %+v", got.Author)
	}
	if bySlug, err := st.PostBySlug(ctx, blog.KindPost, "first"); err != nil || bySlug.ID != p.ID {
		t.Errorf("PostBySlug = %v, %v", bySlug, err)
	}
	if _, err := st.PostBySlug(ctx, blog.KindPage, "first"); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("PostBySlug(page) err = %v, want ErrNotFound", err)
	}
	p.Title, p.Status, p.CommentsOpen, p.TrashedAt = "Changed", blog.StatusTrash, false, t0.Add(time.Hour)
	if err := st.UpdatePost(ctx, p); err != nil {
		t.Fatal(err)
	}
	got, _ = st.Post(ctx, p.ID)
	if got.Title != "Changed" || got.Status != blog.StatusTrash || got.CommentsOpen || !got.TrashedAt.Equal(p.TrashedAt) {
		t.Errorf("after UpdatePost = %+v", got)
	}
	if err := st.DeletePost(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Post(ctx, p.ID); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("Post after delete err = %v", err)
	}
	if err := st.DeletePost(ctx, p.ID); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("second DeletePost err = %v, want ErrNotFound", err)
	}
	ghost := newPost(u, "ghost", t0, blog.StatusDraft)
	ghost.ID = 12345
	if err := st.UpdatePost(ctx, ghost); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("UpdatePost of missing post err = %v, want ErrNotFound", err)
	}
}

func testPostSlugConflict(t *testing.T, st blog.Store) {
	ctx := t.Context()
	u := mustUser(t, st, "c@example.com")
	a := mustPost(t, st, newPost(u, "same", t0, blog.StatusPublished))
	if err := st.CreatePost(ctx, newPost(u, "same", t0, blog.StatusDraft)); !errors.Is(err, blog.ErrConflict) {
		t.Errorf("second post with slug err = %v, want ErrConflict", err)
	}
	page := newPost(u, "same", t0, blog.StatusPublished)
	page.Kind = blog.KindPage
	if err := st.CreatePost(ctx, page); err != nil {
		t.Errorf("a page may share a post's slug: %v", err)
	}
	b := mustPost(t, st, newPost(u, "other", t0, blog.StatusDraft))
	b.Slug = "same"
	if err := st.UpdatePost(ctx, b); !errors.Is(err, blog.ErrConflict) {
		t.Errorf("renaming onto a taken slug err = %v, want ErrConflict", err)
	}
	if taken, err := st.SlugTaken(ctx, blog.KindPost, "same", 0); err != nil || !taken {
		t.Errorf("SlugTaken = %v, %v", taken, err)
	}
	if taken, _ := st.SlugTaken(ctx, blog.KindPost, "same", a.ID); taken {
		t.Error("SlugTaken counts the excepted post")
	}
}

func testPostFilters(t *testing.T, st blog.Store) {
	ctx := t.Context()
	ada, bob := mustUser(t, st, "ada@example.com"), mustUser(t, st, "bob@example.com")
	tag := &blog.Term{Kind: blog.TermTag, Name: "Go", Slug: "go"}
	if err := st.CreateTerm(ctx, tag); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i := range 5 {
		author := ada
		if i%2 == 1 {
			author = bob
		}
		p := mustPost(t, st, newPost(author, fmt.Sprintf("p%d", i), t0.AddDate(0, 0, i), blog.StatusPublished))
		ids = append(ids, p.ID)
	}
	mustPost(t, st, newPost(ada, "draft", t0.AddDate(0, 0, 10), blog.StatusDraft))
	if err := st.SetPostTerms(ctx, ids[1], []int64{tag.ID}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetPostTerms(ctx, ids[3], []int64{tag.ID}); err != nil {
		t.Fatal(err)
	}
	pub := []blog.Status{blog.StatusPublished}
	tests := []struct {
		name string
		f    blog.PostFilter
		want []string
	}{
		{"all published newest first", blog.PostFilter{Statuses: pub}, []string{"p4", "p3", "p2", "p1", "p0"}},
		{"every status", blog.PostFilter{}, []string{"draft", "p4", "p3", "p2", "p1", "p0"}},
		{"limit offset", blog.PostFilter{Statuses: pub, Limit: 2, Offset: 1}, []string{"p3", "p2"}},
		{"author", blog.PostFilter{Statuses: pub, AuthorID: bob.ID}, []string{"p3", "p1"}},
		{"term", blog.PostFilter{TermID: tag.ID}, []string{"p3", "p1"}},
		{"date range", blog.PostFilter{From: t0.AddDate(0, 0, 1), To: t0.AddDate(0, 0, 3)}, []string{"p2", "p1"}},
		{"drafts", blog.PostFilter{Statuses: []blog.Status{blog.StatusDraft}}, []string{"draft"}},
		{"title search", blog.PostFilter{Search: "p3"}, []string{"p3"}},
		{"title search escapes wildcards", blog.PostFilter{Search: "%"}, nil},
		{"kind page", blog.PostFilter{Kind: blog.KindPage}, nil},
	}
	for _, tt := range tests {
		posts, err := st.Posts(ctx, tt.f)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		var got []string
		for _, p := range posts {
			got = append(got, p.Slug)
		}
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%s: Posts = %v, want %v", tt.name, got, tt.want)
		}
		f := tt.f
		f.Limit, f.Offset = 0, 0
		n, err := st.CountPosts(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		all, _ := st.Posts(ctx, f)
		if n != len(all) {
			t.Errorf("%s: CountPosts = %d, want %d", tt.name, n, len(all))
		}
	}
	posts, _ := st.Posts(ctx, blog.PostFilter{TermID: tag.ID})
	for _, p := range posts {
		if len(p.Tags) != 1 || p.Tags[0].Slug != "go" {
			t.Errorf("post %s tags = %v, want [go]", p.Slug, p.Tags)
		}
	}
}

func testAdjacentPost(t *testing.T, st blog.Store) {
	ctx := t.Context()
	u := mustUser(t, st, "a@example.com")
	a := mustPost(t, st, newPost(u, "a", t0, blog.StatusPublished))
	b := mustPost(t, st, newPost(u, "b", t0, blog.StatusPublished)) // same time: ID breaks the tie
	mustPost(t, st, newPost(u, "hidden", t0.Add(time.Hour), blog.StatusDraft))
	c := mustPost(t, st, newPost(u, "c", t0.Add(2*time.Hour), blog.StatusPublished))
	f := blog.PostFilter{Kind: blog.KindPost, Statuses: []blog.Status{blog.StatusPublished}}
	tests := []struct {
		of    *blog.Post
		older bool
		want  string
	}{
		{b, true, "a"}, {b, false, "c"}, {a, false, "b"}, {c, true, "b"}, {a, true, ""}, {c, false, ""},
	}
	for _, tt := range tests {
		got, err := st.AdjacentPost(ctx, tt.of, f, tt.older)
		if tt.want == "" {
			if !errors.Is(err, blog.ErrNotFound) {
				t.Errorf("AdjacentPost(%s, older=%v) = %v, %v; want ErrNotFound", tt.of.Slug, tt.older, got, err)
			}
			continue
		}
		if err != nil || got.Slug != tt.want {
			t.Errorf("AdjacentPost(%s, older=%v) = %v, %v; want %s", tt.of.Slug, tt.older, got, err, tt.want)
		}
	}
}

func testTerms(t *testing.T, st blog.Store) {
	ctx := t.Context()
	u := mustUser(t, st, "t@example.com")
	parent := &blog.Term{Kind: blog.TermCategory, Name: "Essays", Slug: "essays", Description: "Long ones"}
	if err := st.CreateTerm(ctx, parent); err != nil {
		t.Fatal(err)
	}
	child := &blog.Term{Kind: blog.TermCategory, Name: "Short essays", Slug: "short", ParentID: parent.ID}
	if err := st.CreateTerm(ctx, child); err != nil {
		t.Fatal(err)
	}
	tag := &blog.Term{Kind: blog.TermTag, Name: "Essays", Slug: "essays"}
	if err := st.CreateTerm(ctx, tag); err != nil {
		t.Errorf("a tag may share a category's slug: %v", err)
	}
	if err := st.CreateTerm(ctx, &blog.Term{Kind: blog.TermCategory, Name: "Again", Slug: "essays"}); !errors.Is(err, blog.ErrConflict) {
		t.Errorf("duplicate category slug err = %v, want ErrConflict", err)
	}
	got, err := st.TermBySlug(ctx, blog.TermCategory, "short")
	if err != nil || got.ParentID != parent.ID || got.Name != "Short essays" {
		t.Errorf("TermBySlug = %+v, %v", got, err)
	}
	pub := mustPost(t, st, newPost(u, "pub", t0, blog.StatusPublished))
	draft := mustPost(t, st, newPost(u, "draft", t0, blog.StatusDraft))
	for _, p := range []*blog.Post{pub, draft} {
		if err := st.SetPostTerms(ctx, p.ID, []int64{child.ID, parent.ID, tag.ID}); err != nil {
			t.Fatal(err)
		}
	}
	p, _ := st.Post(ctx, pub.ID)
	if len(p.Categories) != 2 || p.Categories[0].Slug != "short" || p.Categories[1].Slug != "essays" || len(p.Tags) != 1 {
		t.Errorf("post terms = %v / %v, want categories in the order set", p.Categories, p.Tags)
	}
	cats, err := st.Terms(ctx, blog.TermCategory)
	if err != nil || len(cats) != 2 || cats[0].Name != "Essays" || cats[0].Count != 1 || cats[0].Description != "Long ones" {
		t.Errorf("Terms = %+v, %v (counts include published posts only)", cats, err)
	}
	parent.Name = "Long essays"
	if err := st.UpdateTerm(ctx, parent); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteTerm(ctx, child.ID); err != nil {
		t.Fatal(err)
	}
	p, _ = st.Post(ctx, pub.ID)
	if len(p.Categories) != 1 || p.Categories[0].Name != "Long essays" {
		t.Errorf("after update and delete, categories = %v", p.Categories)
	}
	if err := st.SetPostTerms(ctx, pub.ID, nil); err != nil {
		t.Fatal(err)
	}
	p, _ = st.Post(ctx, pub.ID)
	if len(p.Categories)+len(p.Tags) != 0 {
		t.Errorf("SetPostTerms(nil) left %v %v", p.Categories, p.Tags)
	}
}

func testRevisions(t *testing.T, st blog.Store) {
	ctx := t.Context()
	u := mustUser(t, st, "r@example.com")
	p := mustPost(t, st, newPost(u, "rev", t0, blog.StatusDraft))
	for i := range 3 {
		r := &blog.Revision{PostID: p.ID, Title: fmt.Sprint("v", i), Body: "b", AuthorID: u.ID, CreatedAt: t0.Add(time.Duration(i) * time.Minute)}
		if err := st.CreateRevision(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	revs, err := st.Revisions(ctx, p.ID)
	if err != nil || len(revs) != 3 || revs[0].Title != "v2" || revs[2].Title != "v0" {
		t.Fatalf("Revisions = %v, %v; want newest first", revs, err)
	}
	if err := st.DeletePost(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if revs, _ := st.Revisions(ctx, p.ID); len(revs) != 0 {
		t.Errorf("revisions outlived their post: %v", revs)
	}
}

func testSettings(t *testing.T, st blog.Store) {
	ctx := t.Context()
	if err := st.SaveSettings(ctx, map[string]string{"title": "A", "tagline": "B"}); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveSettings(ctx, map[string]string{"title": "C"}); err != nil {
		t.Fatal(err)
	}
	got, err := st.Settings(ctx)
	if err != nil || got["title"] != "C" || got["tagline"] != "B" {
		t.Errorf("Settings = %v, %v", got, err)
	}
}

func testAtomicRollback(t *testing.T, st blog.Store) {
	ctx := t.Context()
	u := mustUser(t, st, "x@example.com")
	boom := errors.New("boom")
	err := st.Atomic(ctx, func(tx blog.Tx) error {
		if err := tx.CreatePost(ctx, newPost(u, "lost", t0, blog.StatusDraft)); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Atomic err = %v, want boom", err)
	}
	if _, err := st.PostBySlug(ctx, blog.KindPost, "lost"); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("rolled-back post is visible: %v", err)
	}
	err = st.Atomic(ctx, func(tx blog.Tx) error {
		return tx.CreatePost(ctx, newPost(u, "kept", t0, blog.StatusDraft))
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.PostBySlug(context.Background(), blog.KindPost, "kept"); err != nil {
		t.Errorf("committed post missing: %v", err)
	}
}

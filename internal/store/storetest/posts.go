package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"folio/internal/blog"
)

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

func testRevisions(t *testing.T, st blog.Store) {
	ctx := t.Context()
	u := mustUser(t, st, "r@example.com")
	p := mustPost(t, st, newPost(u, "rev", t0, blog.StatusDraft))
	var ids []int64
	for i := range 4 {
		r := &blog.Revision{PostID: p.ID, Title: fmt.Sprint("v", i), Body: "b", Source: blog.Source{URL: "https://example.org/", Title: fmt.Sprint("s", i)},
			AuthorID: u.ID, CreatedAt: t0.Add(time.Duration(i) * time.Minute)}
		if err := st.CreateRevision(ctx, r); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	one, err := st.Revision(ctx, p.ID, ids[1])
	if err != nil || one.Title != "v1" || one.Source.Title != "s1" || one.AuthorName != u.Name || !one.CreatedAt.Equal(t0.Add(time.Minute)) {
		t.Errorf("Revision = %+v, %v", one, err)
	}
	if _, err := st.Revision(ctx, p.ID+1, ids[1]); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("a revision asked for under another post: %v, want ErrNotFound", err)
	}
	if err := st.PruneRevisions(ctx, p.ID, 3); err != nil {
		t.Fatal(err)
	}
	revs, err := st.Revisions(ctx, p.ID)
	if err != nil || len(revs) != 3 || revs[0].Title != "v3" || revs[2].Title != "v1" {
		t.Fatalf("Revisions after keeping 3 = %v, %v; want v3, v2, v1", revs, err)
	}
	if err := st.DeletePost(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if revs, _ := st.Revisions(ctx, p.ID); len(revs) != 0 {
		t.Errorf("revisions outlived their post: %v", revs)
	}
}

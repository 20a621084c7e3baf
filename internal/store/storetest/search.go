package storetest

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"folio/internal/blog"
	"folio/internal/store/query"
)

func testSearch(t *testing.T, st blog.Store) {
	ctx := t.Context()
	u := mustUser(t, st, "s@example.com")
	add := func(slug, title, lede, text string, status blog.Status, tags ...string) *blog.Post {
		p := newPost(u, slug, t0, status)
		p.Title, p.Lede, p.BodyText = title, lede, text
		mustPost(t, st, p)
		var ids []int64
		for _, name := range tags {
			tm := &blog.Term{Kind: blog.TermTag, Name: name, Slug: blog.Slugify(name)}
			if err := st.CreateTerm(ctx, tm); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, tm.ID)
		}
		if err := st.SetPostTerms(ctx, p.ID, ids); err != nil {
			t.Fatal(err)
		}
		return p
	}
	garden := add("garden", "Notes from the garden", "", "Tomatoes are running wild this summer. The basil is fine.", blog.StatusPublished)
	add("tomato", "Tomato sauce", "A recipe.", "Cook the garden tomatoes slowly with <b>garlic</b> & oil.", blog.StatusPublished, "kitchen")
	add("draft", "Secret garden plans", "", "tomatoes everywhere", blog.StatusDraft)
	add("cafe", "Café visits", "", "The café near the station serves good coffee.", blog.StatusPublished, "Coffee Shops")

	search := func(raw string) []string {
		t.Helper()
		q := blog.ParseSearch(raw)
		q.Limit = 10
		hits, total, err := st.Search(ctx, q)
		if err != nil {
			t.Fatalf("Search(%q): %v", raw, err)
		}
		if total != len(hits) {
			t.Errorf("Search(%q): total %d, %d hits", raw, total, len(hits))
		}
		var slugs []string
		for _, h := range hits {
			slugs = append(slugs, h.Post.Slug)
		}
		return slugs
	}
	tests := []struct {
		q    string
		want []string
	}{
		{"garden", []string{"garden", "tomato"}}, // the title match ranks first; drafts never match
		{"tomato", []string{"tomato", "garden"}}, // stemming: tomatoes ~ tomato
		{"run", []string{"garden"}},              // running ~ run
		{`"basil is fine"`, []string{"garden"}},
		{`"fine basil"`, nil},
		{"tom*", []string{"tomato", "garden"}},
		{"garden -sauce", []string{"garden"}},
		{"cafe", []string{"cafe"}}, // accents folded
		{"kitchen", []string{"tomato"}},
		{"shops", []string{"cafe"}},
		{"nothing-like-this", nil},
		{"published", nil}, // the status is not text
		{`AND OR NOT NEAR( "unbalanced`, nil},
		{`(garden)`, []string{"garden", "tomato"}}, // operators are plain words
		{"*", nil},
	}
	for _, tt := range tests {
		q := blog.ParseSearch(tt.q)
		if q.Empty() {
			if tt.want != nil {
				t.Errorf("ParseSearch(%q) is empty, want hits %v", tt.q, tt.want)
			}
			continue
		}
		if got := search(tt.q); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("Search(%q) = %v, want %v", tt.q, got, tt.want)
		}
	}

	q := blog.ParseSearch("garlic")
	q.Limit = 10
	hits, _, _ := st.Search(ctx, q)
	if len(hits) != 1 || !strings.Contains(hits[0].Snippet, "<mark>garlic</mark>") || !strings.Contains(hits[0].Snippet, "&lt;b&gt;") || !strings.Contains(hits[0].Snippet, "&amp;") {
		t.Errorf("hits = %+v, want an escaped snippet with the match marked", hits)
	}
	if hits[0].Post.Author == nil || len(hits[0].Post.Tags) != 1 {
		t.Errorf("hit post not fully loaded: %+v", hits[0].Post)
	}

	// The index follows edits, unpublishing and deletion.
	garden.Title, garden.BodyText = "Notes from the orchard", "Apples instead."
	if err := st.UpdatePost(ctx, garden); err != nil {
		t.Fatal(err)
	}
	if got := search("apples"); fmt.Sprint(got) != "[garden]" {
		t.Errorf("after edit: %v", got)
	}
	if got := search("basil"); got != nil {
		t.Errorf("old text still found: %v", got)
	}
	garden.Status = blog.StatusDraft
	st.UpdatePost(ctx, garden)
	if got := search("apples"); got != nil {
		t.Errorf("unpublished post found: %v", got)
	}
	// The admin's search finds drafts too, but not the trash.
	all := func(raw string) []int64 {
		t.Helper()
		ids, err := st.SearchAll(ctx, blog.ParseSearch(raw))
		if err != nil {
			t.Fatalf("SearchAll(%q): %v", raw, err)
		}
		return ids
	}
	if got := all("apples"); fmt.Sprint(got) != fmt.Sprint([]int64{garden.ID}) {
		t.Errorf("SearchAll finds the unpublished post as %v, want [%d]", got, garden.ID)
	}
	if got := all("secret"); len(got) != 1 {
		t.Errorf("SearchAll of a draft's title: %v", got)
	}
	garden.Status = blog.StatusTrash
	st.UpdatePost(ctx, garden)
	if got := all("apples"); got != nil {
		t.Errorf("SearchAll finds a trashed post: %v", got)
	}
	coffee, _ := st.TermBySlug(ctx, blog.TermTag, "coffee-shops")
	coffee.Name = "Espresso bars"
	if err := st.UpdateTerm(ctx, coffee); err != nil {
		t.Fatal(err)
	}
	if got := search("espresso"); fmt.Sprint(got) != "[cafe]" {
		t.Errorf("after renaming a tag: %v", got)
	}
	if err := st.DeleteTerm(ctx, coffee.ID); err != nil {
		t.Fatal(err)
	}
	if got := search("espresso"); got != nil {
		t.Errorf("deleted tag still found: %v", got)
	}
	tomato, _ := st.PostBySlug(ctx, blog.KindPost, "tomato")
	if err := st.DeletePost(ctx, tomato.ID); err != nil {
		t.Fatal(err)
	}
	if got := search("sauce"); got != nil {
		t.Errorf("deleted post found: %v", got)
	}
	// Pagination.
	for i := range 15 {
		p := newPost(u, fmt.Sprint("many-", i), t0.Add(time.Duration(i)*time.Hour), blog.StatusPublished)
		p.BodyText = "zebra"
		mustPost(t, st, p)
	}
	q = blog.ParseSearch("zebra")
	q.Limit, q.Offset = 10, 10
	hits, total, err := st.Search(ctx, q)
	if err != nil || total != 15 || len(hits) != 5 {
		t.Errorf("page 2 of 15: %d hits of %d, %v", len(hits), total, err)
	}
}

// testSearchWindow: past query.SearchWindow matches, the most recent
// that many are ranked (a title match first), the older follow newest
// first, and the pages together hold every match once.
func testSearchWindow(t *testing.T, st blog.Store) {
	ctx := t.Context()
	u := mustUser(t, st, "w@example.com")
	n := query.SearchWindow + 25
	var ids []int64
	err := st.Atomic(ctx, func(tx blog.Tx) error {
		for i := range n {
			p := newPost(u, fmt.Sprintf("window-%d", i), t0.Add(time.Duration(i)*time.Hour), blog.StatusPublished)
			p.BodyText = "A note about lanterns, number " + fmt.Sprint(i) + "."
			if i == n-10 {
				p.Title = "Lanterns"
			}
			if err := tx.CreatePost(ctx, p); err != nil {
				return err
			}
			ids = append(ids, p.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	var order []int64
	for page := 0; ; page++ {
		q := blog.ParseSearch("lanterns")
		q.Limit, q.Offset = 40, page*40
		hits, total, err := st.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if total != n {
			t.Fatalf("total %d, want %d", total, n)
		}
		if len(hits) == 0 {
			break
		}
		for _, h := range hits {
			if seen[h.Post.ID] {
				t.Fatalf("post %d on two pages", h.Post.ID)
			}
			seen[h.Post.ID] = true
			order = append(order, h.Post.ID)
		}
	}
	if len(order) != n {
		t.Fatalf("the pages hold %d matches, want %d", len(order), n)
	}
	if order[0] != ids[n-10] {
		t.Errorf("the title match is not first: %d", order[0])
	}
	// The last page holds the oldest, newest first.
	if last := order[n-25:]; last[0] != ids[24] || last[24] != ids[0] {
		t.Errorf("the older matches: %v", last)
	}
}

// testSavePost saves a post with its terms in one call, as the editor
// does, and finds it by its words and its tags before and after an edit.
func testSavePost(t *testing.T, st blog.Store) {
	ctx := t.Context()
	u := mustUser(t, st, "save@example.com")
	var ids []int64
	for _, name := range []string{"Kitchen", "Balcony"} {
		tm := &blog.Term{Kind: blog.TermTag, Name: name, Slug: blog.Slugify(name)}
		if err := st.CreateTerm(ctx, tm); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, tm.ID)
	}
	found := func(raw string) bool {
		t.Helper()
		q := blog.ParseSearch(raw)
		q.Limit = 10
		hits, _, err := st.Search(ctx, q)
		if err != nil {
			t.Fatalf("Search(%q): %v", raw, err)
		}
		return len(hits) == 1
	}
	p := newPost(u, "herbs", t0, blog.StatusPublished)
	p.Title, p.BodyText = "Herbs in pots", "Rosemary survives the winter."
	if err := st.SavePost(ctx, p, ids); err != nil || p.ID == 0 {
		t.Fatalf("SavePost (new): id %d, %v", p.ID, err)
	}
	got, err := st.Post(ctx, p.ID)
	if err != nil || len(got.Tags) != 2 || got.Tags[0].Name != "Kitchen" || got.Tags[1].Name != "Balcony" {
		t.Fatalf("after SavePost: %v, tags %v", err, got.Tags)
	}
	for q, want := range map[string]bool{"rosemary": true, "balcony": true, "kitchen": true, "thyme": false} {
		if found(q) != want {
			t.Errorf("new post: search %q found it: %v", q, !want)
		}
	}
	got.Title, got.BodyText = "Herbs on the sill", "Thyme likes the sun."
	if err := st.SavePost(ctx, got, ids[1:]); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]bool{"thyme": true, "balcony": true, "rosemary": false, "kitchen": false} {
		if found(q) != want {
			t.Errorf("edited post: search %q found it: %v", q, !want)
		}
	}
	other := newPost(u, "other", t0, blog.StatusPublished)
	mustPost(t, st, other)
	other.Slug = "herbs"
	if err := st.SavePost(ctx, other, nil); !errors.Is(err, blog.ErrConflict) {
		t.Errorf("SavePost onto a taken slug: %v, want ErrConflict", err)
	}
}

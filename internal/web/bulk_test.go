package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"folio/internal/blog"
)

// TestBulkActions ticks posts in the list and publishes them, tags them
// and trashes them, each in one go; a refused one changes nothing; the
// list filters by category and tag.
func TestBulkActions(t *testing.T) {
	s := newSiteWithAdmin(t)
	ctx := t.Context()
	if _, err := s.svc.Writing.CreateCategory(ctx, s.admin, "Birds", "", ""); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, title := range []string{"One", "Two", "Three"} {
		p, err := s.svc.Writing.SavePost(ctx, s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: title, Body: "Text.", Status: blog.StatusDraft})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, strconv.FormatInt(p.ID, 10))
	}
	b := s.browser(t)
	b.login("ada@example.com", "analytical engine")
	bulk := func(action, term string, which ...string) response {
		t.Helper()
		return b.post("/admin/posts/bulk", url.Values{"csrf_token": {b.csrf("/admin/posts?kind=post")}, "bulk": {action}, "term": {term},
			"ids": which, "back": {"/admin/posts?kind=post"}})
	}
	if r := bulk("publish", "", ids[0], ids[1]); r.StatusCode != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), "changed=2") {
		t.Fatalf("publish two: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := bulk("add-tag", "swifts", ids...); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("tag three: %d", r.StatusCode)
	}
	if r := bulk("add-category", "Birds", ids[0]); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("categorize one: %d", r.StatusCode)
	}
	if r := bulk("add-category", "No such", ids...); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("an unknown category: %d, want 422", r.StatusCode)
	}
	list := b.get("/admin/posts?kind=post&category=birds&tag=swifts").Body
	if !strings.Contains(list, ">One</a>") || strings.Contains(list, ">Two</a>") {
		t.Errorf("filtered by category and tag, the list is wrong")
	}
	if r := bulk("trash", "", ids[1], ids[2]); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("trash two: %d", r.StatusCode)
	}
	published, _, _ := s.svc.Writing.AdminPosts(ctx, s.admin, blog.PostFilter{Statuses: []blog.Status{blog.StatusPublished}})
	trashed, _, _ := s.svc.Writing.AdminPosts(ctx, s.admin, blog.PostFilter{Statuses: []blog.Status{blog.StatusTrash}})
	if len(published) != 1 || published[0].Title != "One" || len(published[0].Tags) != 1 || len(published[0].Categories) != 1 || len(trashed) != 2 {
		t.Errorf("after the bulk actions: %d published, %d trashed", len(published), len(trashed))
	}
	if r := bulk("", ""); r.StatusCode != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), "bulk-none") {
		t.Errorf("nothing ticked: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
}

// TestPostListSearch: the posts list searches the site's index, drafts
// included, by the start of words in the title or text, and an author
// finds only their own posts.
func TestPostListSearch(t *testing.T) {
	s := newSiteWithAdmin(t)
	ctx := t.Context()
	bo, err := s.svc.Accounts.CreateUser(ctx, s.admin, blog.UserInput{Name: "Bo", Email: "bo@example.com", Password: "an author's password", Role: blog.RoleAuthor})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		by          *blog.User
		title, body string
		status      blog.Status
	}{
		{s.admin, "Breakfast notes", "A marmalade that sets.", blog.StatusDraft},
		{s.admin, "Mountain walks", "We saw a marmot on the ridge.", blog.StatusPublished},
		{bo, "Marmots I have met", "Three of them.", blog.StatusDraft},
		{s.admin, "Thrown away", "Marmalade gone wrong.", blog.StatusDraft},
	} {
		post, err := s.svc.Writing.SavePost(ctx, p.by, 0, blog.PostInput{Kind: blog.KindPost, Title: p.title, Body: p.body, Status: p.status})
		if err != nil {
			t.Fatal(err)
		}
		if p.title == "Thrown away" {
			if err := s.svc.Writing.Trash(ctx, p.by, post.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	admin, author := s.browser(t), s.browser(t)
	admin.login("ada@example.com", "analytical engine")
	author.login("bo@example.com", "an author's password")
	for _, tc := range []struct {
		who       *browser
		query     string
		want, not []string
	}{
		{admin, "marm", []string{"Breakfast notes", "Mountain walks", "Marmots I have met"}, []string{"Thrown away"}},
		{admin, "marmalade", []string{"Breakfast notes"}, []string{"Mountain walks"}},
		{admin, `"on the ridge"`, []string{"Mountain walks"}, []string{"Breakfast notes"}},
		{admin, "nothing like it", nil, []string{"Breakfast notes", "Mountain walks"}},
		{author, "marm", []string{"Marmots I have met"}, []string{"Breakfast notes", "Mountain walks"}},
	} {
		body := tc.who.get("/admin/posts?kind=post&q=" + url.QueryEscape(tc.query)).Body
		mustContain(t, "searching "+tc.query, body, tc.want...)
		for _, n := range tc.not {
			if strings.Contains(body, n) {
				t.Errorf("searching %q lists %q", tc.query, n)
			}
		}
	}
	// The index leaves the trash out; its list is searched by title.
	mustContain(t, "searching the trash", admin.get("/admin/posts?kind=post&status=trash&q=thrown").Body, "Thrown away")
}

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

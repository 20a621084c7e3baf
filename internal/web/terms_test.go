package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"folio/internal/blog"
)

// TestManageTerms renames a tag's slug (its old archive and feed
// redirect), merges one tag into another (the posts carry it, the old
// address redirects) and deletes a category (its posts stay).
func TestManageTerms(t *testing.T) {
	s := newSiteWithAdmin(t)
	ctx := t.Context()
	if _, err := s.svc.Writing.CreateCategory(ctx, s.admin, "Walks", "", ""); err != nil {
		t.Fatal(err)
	}
	p, err := s.svc.Writing.SavePost(ctx, s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "By the river", Body: "Water.",
		Tags: []string{"rivers", "water"}, Categories: []string{"walks"}, Status: blog.StatusPublished})
	if err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	b.login("ada@example.com", "analytical engine")
	act := func(path string, vals url.Values) response {
		t.Helper()
		vals.Set("csrf_token", b.csrf("/admin/tags"))
		return b.post(path, vals)
	}
	reader := s.browser(t)
	reader.get("/tag/rivers/") // in the cache before the rename
	if r := act("/admin/terms/tag/rivers", url.Values{"name": {"Rivers"}, "slug": {"streams"}, "description": {"Running water."}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("rename: %d\n%s", r.StatusCode, r.Body)
	}
	movedTo(t, reader, "/tag/rivers/", "/tag/streams/")
	movedTo(t, reader, "/tag/rivers/feed/", "/tag/streams/feed/")
	mustContain(t, "the renamed archive", reader.get("/tag/streams/").Body, "Running water.", "By the river")
	if r := act("/admin/terms/tag/water/merge", url.Values{"into": {"streams"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("merge: %d\n%s", r.StatusCode, r.Body)
	}
	movedTo(t, reader, "/tag/water/", "/tag/streams/")
	if got, _ := s.svc.Writing.Post(ctx, s.admin, p.ID); len(got.Tags) != 1 || got.Tags[0].Slug != "streams" {
		t.Errorf("after the merge the post's tags are %+v", got.Tags)
	}
	if r := act("/admin/terms/category/walks/delete", url.Values{}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.StatusCode)
	}
	if got, err := s.svc.Writing.Post(ctx, s.admin, p.ID); err != nil || len(got.Categories) != 0 {
		t.Errorf("after deleting the category: %+v, %v", got, err)
	}
	if r := reader.get("/category/walks/"); r.StatusCode != http.StatusNotFound {
		t.Errorf("a deleted category's archive: %d", r.StatusCode)
	}
}

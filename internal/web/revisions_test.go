package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"folio/internal/blog"
)

// TestCompareAndRestoreRevision opens a post's oldest revision from the
// editor: the comparison strikes out what the post no longer has and
// underlines what it has now, source included; restoring it brings the
// words back and keeps the text it replaced among the revisions.
func TestCompareAndRestoreRevision(t *testing.T) {
	s := newSiteWithAdmin(t)
	ctx := t.Context()
	p, err := s.svc.Writing.SavePost(ctx, s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "On speed", Body: "I read it twice.",
		Source: blog.Source{URL: "https://example.org/speed", Title: "The case for speed"}, Status: blog.StatusPublished})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.Writing.SavePost(ctx, s.admin, p.ID, blog.PostInput{Kind: blog.KindPost, Title: "On slowness", Body: "I read it three times.",
		Status: blog.StatusPublished}); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	b.login("ada@example.com", "analytical engine")
	editor := b.get("/admin/posts/" + strconv.FormatInt(p.ID, 10)).Body
	revs, _ := s.svc.Writing.Revisions(ctx, s.admin, p.ID)
	page := "/admin/posts/" + strconv.FormatInt(p.ID, 10) + "/revisions/" + strconv.FormatInt(revs[1].ID, 10)
	mustContain(t, "the editor", editor, `href="`+page+`"`, "2 revisions")
	r := b.get(page)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d", page, r.StatusCode)
	}
	mustContain(t, "the comparison", r.Body, "On <del>speed</del><ins>slowness</ins>", "I read it <del>twice</del><ins>three times</ins>.",
		"<del>https://example.org/speed\nThe case for speed</del>", "Newer revision")
	r = b.post(page+"/restore", url.Values{"csrf_token": {b.csrf(page)}})
	if r.StatusCode != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), "done=revision-restored") {
		t.Fatalf("restore: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	now, err := s.svc.Writing.Post(ctx, s.admin, p.ID)
	if err != nil || now.Title != "On speed" || now.Source.URL != "https://example.org/speed" {
		t.Errorf("after the restore: %+v, %v", now, err)
	}
	if revs, _ := s.svc.Writing.Revisions(ctx, s.admin, p.ID); len(revs) != 3 || revs[1].Title != "On slowness" {
		t.Errorf("after the restore %d revisions; want 3, the replaced text among them", len(revs))
	}
	// Another writer's post's revisions are not an author's to see.
	if _, err := s.svc.Accounts.CreateUser(ctx, s.admin, blog.UserInput{Name: "Bo", Email: "bo@example.com", Password: "an author's password", Role: blog.RoleAuthor}); err != nil {
		t.Fatal(err)
	}
	bo := s.browser(t)
	bo.login("bo@example.com", "an author's password")
	if r := bo.get(page); r.StatusCode != http.StatusForbidden && r.StatusCode != http.StatusNotFound {
		t.Errorf("an author opening another's revision: %d", r.StatusCode)
	}
}

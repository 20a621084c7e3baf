package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"folio/internal/blog"
)

// TestManageUsers: an administrator changes a writer's role, deactivates
// them (they are signed out and cannot sign in; their posts stay), makes
// them active again, and deletes them with their posts given to another.
func TestManageUsers(t *testing.T) {
	s := newSiteWithAdmin(t)
	ctx := t.Context()
	bo, err := s.svc.Accounts.CreateUser(ctx, s.admin, blog.UserInput{Name: "Bo", Email: "bo@example.com", Password: "an author's password", Role: blog.RoleAuthor})
	if err != nil {
		t.Fatal(err)
	}
	post, err := s.svc.Writing.SavePost(ctx, bo, 0, blog.PostInput{Kind: blog.KindPost, Title: "Bo's note", Body: "Hello.", Status: blog.StatusPublished})
	if err != nil {
		t.Fatal(err)
	}
	admin, writer := s.browser(t), s.browser(t)
	admin.login("ada@example.com", "analytical engine")
	writer.login("bo@example.com", "an author's password")
	page := "/admin/users/" + strconv.FormatInt(bo.ID, 10)
	act := func(action string, vals url.Values) response {
		t.Helper()
		vals.Set("csrf_token", admin.csrf(page))
		return admin.post(page+action, vals)
	}
	mustContain(t, "the users list", admin.get("/admin/users").Body, `href="`+page+`"`)
	if r := act("", url.Values{"name": {"Bo Writer"}, "email": {"bo@example.com"}, "role": {"editor"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", r.StatusCode, r.Body)
	}
	if u, _ := s.svc.Accounts.Authenticate(ctx, "bo@example.com", "an author's password"); u == nil || u.Role != blog.RoleEditor || u.Name != "Bo Writer" {
		t.Errorf("after saving: %+v", u)
	}
	if page := admin.get(page).Body; strings.Contains(page, "/reset\"") || !strings.Contains(page, "folio user password --email bo@example.com") {
		t.Error("without e-mail the user page still offers to send a reset link")
	}
	if r := act("/reset", url.Values{}); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "E-mail is not set up") {
		t.Errorf("a reset link without e-mail: %d", r.StatusCode)
	}
	if r := act("/active", url.Values{"active": {"0"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("deactivate: %d", r.StatusCode)
	}
	if r := writer.get("/admin/posts"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("a deactivated writer's session: %d, want signed out", r.StatusCode)
	}
	if _, err := s.svc.Accounts.Authenticate(ctx, "bo@example.com", "an author's password"); err == nil {
		t.Error("a deactivated writer signs in")
	}
	if r := s.browser(t).get(post.Path); r.StatusCode != http.StatusOK {
		t.Errorf("a deactivated writer's post: %d", r.StatusCode)
	}
	if r := act("/active", url.Values{"active": {"1"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("activate: %d", r.StatusCode)
	}
	if _, err := s.svc.Accounts.Authenticate(ctx, "bo@example.com", "an author's password"); err != nil {
		t.Errorf("active again, but: %v", err)
	}
	if r := act("/delete", url.Values{"heir": {strconv.FormatInt(bo.ID, 10)}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("deleting with themselves as heir: %d", r.StatusCode)
	}
	if r := act("/delete", url.Values{"heir": {strconv.FormatInt(s.admin.ID, 10)}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d\n%s", r.StatusCode, r.Body)
	}
	moved, err := s.svc.Writing.Post(ctx, s.admin, post.ID)
	if err != nil || moved.AuthorID != s.admin.ID {
		t.Errorf("the deleted writer's post: %+v, %v; want it Ada's", moved, err)
	}
	if r := s.browser(t).get("/author/bo/"); r.StatusCode != http.StatusNotFound {
		t.Errorf("the deleted writer's author page: %d", r.StatusCode)
	}
	if err := s.svc.Accounts.DeleteUser(ctx, s.admin, s.admin.ID, bo.ID); err == nil {
		t.Error("an administrator deleted themselves")
	}
}

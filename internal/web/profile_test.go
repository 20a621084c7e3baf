package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"folio/internal/blog"
)

// TestProfile: a writer changes their name and bio (their author page
// shows them at once, at the same address), is refused another user's
// e-mail address, changes the password only with the current one, and
// signs out everywhere else.
func TestProfile(t *testing.T) {
	s := newSiteWithAdmin(t)
	ctx := t.Context()
	if _, err := s.svc.Accounts.CreateUser(ctx, s.admin, blog.UserInput{Name: "Bo", Email: "bo@example.com", Password: "an author's password", Role: blog.RoleAuthor}); err != nil {
		t.Fatal(err)
	}
	reader := s.browser(t)
	if r := reader.get("/author/ada-lovelace/"); r.StatusCode != http.StatusOK {
		t.Fatalf("author page: %d", r.StatusCode)
	}
	laptop, phone := s.browser(t), s.browser(t)
	laptop.login("ada@example.com", "analytical engine")
	phone.login("ada@example.com", "analytical engine")
	form := func(b *browser, action string, vals url.Values) response {
		vals.Set("csrf_token", b.csrf("/admin/profile"))
		return b.post(action, vals)
	}
	r := form(laptop, "/admin/profile", url.Values{"name": {"Ada King"}, "email": {"bo@example.com"}, "bio": {"Writes about engines."}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Another user has this e-mail address") || !strings.Contains(r.Body, "Writes about engines.") {
		t.Errorf("another's address: %d", r.StatusCode)
	}
	if r := form(laptop, "/admin/profile", url.Values{"name": {"Ada King"}, "email": {"ada@example.com"}, "bio": {"Writes about engines."}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", r.StatusCode, r.Body)
	}
	mustContain(t, "the author page", reader.get("/author/ada-lovelace/").Body, "Ada King", "Writes about engines.")

	if r := form(laptop, "/admin/profile/password", url.Values{"current_password": {"wrong one"}, "new_password": {"a new long password"}}); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "This is not your current password") {
		t.Errorf("a wrong current password: %d", r.StatusCode)
	}
	mustContain(t, "the sessions", laptop.get("/admin/profile").Body, "this browser", "Sign out everywhere else")
	if r := form(laptop, "/admin/profile/sessions", url.Values{}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out elsewhere: %d", r.StatusCode)
	}
	if r := phone.get("/admin/posts"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("the other session after signing out elsewhere: %d, want a redirect to sign in", r.StatusCode)
	}
	if r := laptop.get("/admin/posts"); r.StatusCode != http.StatusOK {
		t.Errorf("this session after signing out elsewhere: %d", r.StatusCode)
	}
	if r := form(laptop, "/admin/profile/password", url.Values{"current_password": {"analytical engine"}, "new_password": {"a new long password"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("change password: %d\n%s", r.StatusCode, r.Body)
	}
	if r := laptop.get("/admin/posts"); r.StatusCode != http.StatusOK {
		t.Errorf("after changing the password this browser is signed out: %d", r.StatusCode)
	}
	// The only administrator keeps the role.
	if _, err := s.svc.Accounts.UpdateProfile(ctx, s.admin, s.admin.ID, blog.ProfileInput{Name: "Ada", Email: "ada@example.com", Role: blog.RoleEditor}); err == nil ||
		!strings.Contains(err.Error(), "role_only_admin") {
		t.Errorf("demoting the only administrator: %v", err)
	}
}

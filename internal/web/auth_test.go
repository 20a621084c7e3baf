package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestSetupFlow(t *testing.T) {
	s := newSite(t)
	b := s.browser(t)

	if r := b.get("/admin/setup?token=wrong"); r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, "not valid") {
		t.Errorf("wrong token: %d", r.StatusCode)
	}
	if r := b.get("/admin/"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/admin/login") {
		t.Errorf("admin without session: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := b.get("/admin/login"); !strings.Contains(r.Body, "no administrator yet") {
		t.Errorf("login page on an empty site does not point to setup")
	}
	token := b.csrf("/admin/setup?token=" + setupToken)

	// A missing CSRF token changes nothing.
	r := b.post("/admin/setup", url.Values{"token": {setupToken}, "name": {"Ada"}, "email": {"ada@example.com"}, "password": {"analytical engine"}})
	if r.StatusCode != http.StatusForbidden {
		t.Errorf("setup without CSRF token: %d", r.StatusCode)
	}
	// A short password is refused with the other fields kept.
	r = b.post("/admin/setup", url.Values{"csrf_token": {token}, "token": {setupToken}, "name": {"Ada <Lovelace>"}, "email": {"ada@example.com"}, "password": {"short"}})
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("short password: %d", r.StatusCode)
	}
	mustContain(t, "refused setup form", r.Body, `value="Ada &lt;Lovelace&gt;"`, `value="ada@example.com"`, "at least 10 characters", `aria-invalid="true"`)
	if needs, _ := s.svc.Accounts.NeedsSetup(t.Context()); !needs {
		t.Fatal("refused setup created a user")
	}

	r = b.post("/admin/setup", url.Values{"csrf_token": {token}, "token": {setupToken}, "name": {"Ada"}, "email": {"ada@example.com"}, "password": {"analytical engine"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("setup: %d\n%s", r.StatusCode, r.Body)
	}
	var session *http.Cookie
	for _, c := range r.Cookies() {
		if c.Name == "folio_session" {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie = %+v", session)
	}
	if r := b.get("/admin/posts?kind=post"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Sign out") {
		t.Errorf("after setup the admin is not signed in: %d", r.StatusCode)
	}
	// The setup link is one-time.
	if r := b.get("/admin/setup?token=" + setupToken); r.StatusCode != http.StatusSeeOther {
		t.Errorf("setup after an admin exists: %d", r.StatusCode)
	}
}

func TestLoginLogout(t *testing.T) {
	s := newSiteWithAdmin(t)
	b := s.browser(t)
	token := b.csrf("/admin/login")
	r := b.post("/admin/login", url.Values{"csrf_token": {token}, "email": {"ada@example.com"}, "password": {"wrong one"}})
	if r.StatusCode != http.StatusUnauthorized || !strings.Contains(r.Body, "wrong") || !strings.Contains(r.Body, `value="ada@example.com"`) {
		t.Errorf("wrong password: %d", r.StatusCode)
	}
	r = b.post("/admin/login", url.Values{"csrf_token": {token}, "email": {"ada@example.com"}, "password": {"analytical engine"}, "next": {"//evil.example/"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/admin/" {
		t.Errorf("login redirect = %d %q, want a local redirect", r.StatusCode, r.Header.Get("Location"))
	}
	if r := b.get("/admin/posts"); r.StatusCode != http.StatusOK {
		t.Fatalf("signed in: %d", r.StatusCode)
	}
	logout := b.csrf("/admin/posts")
	if r := b.post("/admin/logout", url.Values{"csrf_token": {logout}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("logout: %d", r.StatusCode)
	}
	if r := b.get("/admin/posts"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("after logout: %d", r.StatusCode)
	}
}

func TestLoginRateLimit(t *testing.T) {
	s := newSiteWithAdmin(t)
	b := s.browser(t)
	token := b.csrf("/admin/login")
	var last int
	for range 12 {
		last = b.post("/admin/login", url.Values{"csrf_token": {token}, "email": {"ada@example.com"}, "password": {"guess guess"}}).StatusCode
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("12th failed login status = %d, want 429", last)
	}
	r := b.post("/admin/login", url.Values{"csrf_token": {token}, "email": {"ada@example.com"}, "password": {"analytical engine"}})
	if r.StatusCode != http.StatusTooManyRequests {
		t.Errorf("right password while limited: %d, want 429", r.StatusCode)
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	s := newSiteWithAdmin(t)
	b := s.browser(t)
	b.login("ada@example.com", "analytical engine")
	token := b.csrf("/admin/posts/new")
	form := url.Values{"csrf_token": {token}, "kind": {"post"}, "title": {"Forged"}, "action": {"publish"}}
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/admin/posts", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if r := b.do(req); r.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: %d, want 403", r.StatusCode)
	}
	// A wrong token is refused too, even from the same origin.
	form.Set("csrf_token", "forged")
	if r := b.post("/admin/posts", form); r.StatusCode != http.StatusForbidden {
		t.Errorf("forged token: %d, want 403", r.StatusCode)
	}
	posts, total, _ := s.svc.Writing.AdminPosts(t.Context(), s.admin, blankFilter)
	if total != 0 {
		t.Errorf("refused posts were stored: %v", posts)
	}
}

package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"folio/internal/blog"
)

var (
	secretRe   = regexp.MustCompile(`secret=([A-Z2-7]+)`)
	recoveryRe = regexp.MustCompile(`<code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code>`)
)

// TestTwoFactorCodes walks an authenticator app from the profile: it
// turns on only after a right code, hands out ten recovery codes once,
// and then signing in asks for a code after the password, with the
// admin closed until it is given. A code works once, a recovery code
// works once, wrong codes are limited per account, and an administrator
// can turn it all off for a writer who lost their phone.
func TestTwoFactorCodes(t *testing.T) {
	s := newSiteWithAdmin(t)
	ctx := t.Context()
	ada := s.browser(t)
	ada.login("ada@example.com", "analytical engine")
	post := func(b *browser, page, action string, vals url.Values) response {
		t.Helper()
		vals.Set("csrf_token", b.csrf(page))
		return b.post(action, vals)
	}
	code := func(secret string) string {
		c, err := totp.GenerateCode(secret, s.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	mustContain(t, "the profile", ada.get("/admin/profile").Body, "Two-factor sign-in", "<strong>Off.</strong>", "Set up an authenticator app")
	if r := post(ada, "/admin/profile", "/admin/profile/totp", url.Values{}); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/admin/profile/totp" {
		t.Fatalf("offer: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	page := ada.get("/admin/profile/totp")
	mustContain(t, "the set-up page", page.Body, `src="data:image/png;base64,`, "otpauth://totp/", `autocomplete="one-time-code"`, `inputmode="numeric"`)
	m := secretRe.FindStringSubmatch(html.UnescapeString(page.Body))
	if m == nil {
		t.Fatalf("no secret on the page:\n%s", page.Body)
	}
	secret := m[1]
	if r := post(ada, "/admin/profile/totp", "/admin/profile/totp/confirm", url.Values{"code": {"000000"}}); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "not the one your app shows") {
		t.Fatalf("a wrong first code: %d", r.StatusCode)
	}
	if st, _ := s.svc.Accounts.SecondFactors(ctx, s.admin.ID); st.TOTP {
		t.Fatal("a wrong first code turned the app on")
	}
	r := post(ada, "/admin/profile/totp", "/admin/profile/totp/confirm", url.Values{"code": {code(secret)}})
	codes := recoveryRe.FindAllStringSubmatch(r.Body, -1)
	if r.StatusCode != http.StatusOK || len(codes) != blog.RecoveryCodeCount {
		t.Fatalf("confirm: %d, %d recovery codes\n%s", r.StatusCode, len(codes), r.Body)
	}
	mustContain(t, "the profile after", ada.get("/admin/profile").Body, "<strong>On.</strong>", "10 of 10 left", "Turn off the app")

	// Signing in now takes the code too.
	phone := s.browser(t)
	r = phone.post("/admin/login", url.Values{"csrf_token": {phone.csrf("/admin/login")}, "email": {"ada@example.com"}, "password": {"analytical engine"}, "next": {"/admin/posts"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/admin/login/verify" {
		t.Fatalf("password with two factors: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := phone.get("/admin/posts"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/admin/login") {
		t.Errorf("the admin before the code: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	verify := phone.get("/admin/login/verify")
	mustContain(t, "the code page", verify.Body, "The code from your authenticator app", `autocomplete="one-time-code"`, `inputmode="numeric"`)
	if r := post(phone, "/admin/login/verify", "/admin/login/verify", url.Values{"code": {"123456"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a wrong code: %d", r.StatusCode)
	}
	// The code that turned the app on was spent: wait for the next one.
	if r := post(phone, "/admin/login/verify", "/admin/login/verify", url.Values{"code": {code(secret)}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a code used before: %d", r.StatusCode)
	}
	s.clock.Add(30 * time.Second)
	r = post(phone, "/admin/login/verify", "/admin/login/verify", url.Values{"code": {code(secret)}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/admin/posts" {
		t.Fatalf("the right code: %d %s\n%s", r.StatusCode, r.Header.Get("Location"), r.Body)
	}
	if r := phone.get("/admin/posts"); r.StatusCode != http.StatusOK {
		t.Errorf("the admin after the code: %d", r.StatusCode)
	}

	// A recovery code, once. (Codes tried so far count against the
	// limit; wait it out.)
	s.clock.Add(5 * time.Minute)
	signInWith := func(code string) response {
		t.Helper()
		b := s.browser(t)
		if r := b.post("/admin/login", url.Values{"csrf_token": {b.csrf("/admin/login")}, "email": {"ada@example.com"}, "password": {"analytical engine"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("password: %d", r.StatusCode)
		}
		return post(b, "/admin/login/verify", "/admin/login/verify", url.Values{"code": {code}})
	}
	if r := signInWith(strings.ToUpper(codes[0][1])); r.StatusCode != http.StatusSeeOther {
		t.Errorf("a recovery code: %d\n%s", r.StatusCode, r.Body)
	}
	s.clock.Add(5 * time.Minute)
	if r := signInWith(codes[0][1]); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a recovery code used twice: %d", r.StatusCode)
	}
	mustContain(t, "the profile", ada.get("/admin/profile").Body, "9 of 10 left")

	// Guessing is limited per account, whichever browser asks.
	s.clock.Add(5 * time.Minute)
	var last int
	for range blog.CodeAttempts + 1 {
		last = signInWith("000000").StatusCode
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("code %d: %d, want 429", blog.CodeAttempts+1, last)
	}

	// The pending sign-in lasts minutes, not a day.
	s.clock.Add(10 * time.Minute)
	late := s.browser(t)
	late.post("/admin/login", url.Values{"csrf_token": {late.csrf("/admin/login")}, "email": {"ada@example.com"}, "password": {"analytical engine"}})
	s.clock.Add(blog.SecondFactorTTL + time.Second)
	if r := post(late, "/admin/login", "/admin/login/verify", url.Values{"code": {code(secret)}}); r.StatusCode != http.StatusUnauthorized ||
		!strings.Contains(r.Body, "took too long") {
		t.Errorf("a code after the sign-in expired: %d", r.StatusCode)
	}

	// An administrator turns it off for a writer who lost their phone.
	bo, err := s.svc.Accounts.CreateUser(ctx, s.admin, blog.UserInput{Name: "Bo", Email: "bo@example.com", Password: "an author's password", Role: blog.RoleAuthor})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.Accounts.OfferTOTP(ctx, bo); err != nil {
		t.Fatal(err)
	}
	if err := s.svc.Accounts.ResetSecondFactors(ctx, bo, s.admin.ID); err != blog.ErrForbidden {
		t.Errorf("an author turning off an administrator's: %v", err)
	}
	if err := s.svc.Accounts.ResetSecondFactors(ctx, s.admin, s.admin.ID); err != blog.ErrForbidden {
		t.Errorf("an administrator turning off their own without the password: %v", err)
	}
	if r := post(ada, "/admin/users/"+itoa(s.admin.ID), "/admin/users/"+itoa(s.admin.ID)+"/second-factors", url.Values{}); r.StatusCode != http.StatusForbidden {
		t.Errorf("own second factors from the users page: %d", r.StatusCode)
	}
	if err := s.svc.Accounts.ResetSecondFactors(ctx, nil, s.admin.ID); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.svc.Accounts.SecondFactors(ctx, s.admin.ID); st.Any() || st.RecoveryLeft != 0 {
		t.Errorf("after the reset: %+v", st)
	}
	if r := ada.get("/admin/posts"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("a session after the reset: %d, want signed out", r.StatusCode)
	}
	ada.login("ada@example.com", "analytical engine")
	if r := ada.get("/admin/posts"); r.StatusCode != http.StatusOK {
		t.Errorf("password alone after the reset: %d", r.StatusCode)
	}
}

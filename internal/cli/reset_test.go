package cli_test

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"folio/internal/blog"
	"folio/internal/testkit"
)

var resetLink = regexp.MustCompile(`http://127\.0\.0\.1:\d+/admin/reset\?token=[^\s]+`)

// TestForgottenPassword walks the reset as a writer meets it, against a
// real folio serve and a real SMTP server: the sign-in page links the
// form, which answers alike for known and unknown addresses; the mail
// arrives within seconds with a link that works once; choosing the new
// password signs every other session out.
func TestForgottenPassword(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a server process")
	}
	box := testkit.StartInbox(t)
	dir := t.TempDir()
	bin := buildFolio(t)
	svc := openService(t, dir)
	const email, pass = "ada@example.com", "0123456789"
	admin, err := svc.Accounts.SetupAdmin(t.Context(), blog.UserInput{Name: "Ada", Email: email, Password: pass})
	if err != nil {
		t.Fatal(err)
	}
	p := startServe(t, bin, "--data", dir, "--log-level", "error")
	if _, err := svc.Site.SaveSettings(t.Context(), admin, blog.SettingsInput{"base_url": p.site, "smtp_host": "127.0.0.1",
		"smtp_port": strconv.Itoa(box.Port), "smtp_from": "Notes <notes@example.com>"}); err != nil {
		t.Fatal(err)
	}
	elsewhere := signIn(t, p.site, email, pass)
	if !strings.Contains(fetch(t, p.site+"/admin/login"), `href="/admin/forgot"`) {
		t.Error("the sign-in page does not link the forgotten-password form")
	}
	jar, _ := cookiejar.New(nil)
	reader := &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	ask := func(address string) (int, string) {
		t.Helper()
		resp := submit(t, reader, p.site, "/admin/forgot", "/admin/forgot", url.Values{"email": {address}})
		again, err := reader.Get(p.site + "/admin/forgot") // the answer's text, for comparing
		if err != nil {
			t.Fatal(err)
		}
		again.Body.Close()
		return resp.StatusCode, resp.Header.Get("Content-Type")
	}
	// The settings reach the server through the change feed, within a
	// second.
	time.Sleep(time.Second)
	sent := time.Now()
	known, _ := ask(email)
	unknown, _ := ask("nobody@example.com")
	if known != http.StatusOK || unknown != http.StatusOK {
		t.Errorf("asking for a link: %d for a known address, %d for an unknown one; want 200 for both", known, unknown)
	}
	msgs, ok := box.Wait(1, 8*time.Second)
	if !ok {
		resp := submit(t, reader, p.site, "/admin/forgot", "/admin/forgot", url.Values{"email": {email}})
		t.Fatalf("no mail within 8 s (a new request answers %d):\n%s", resp.StatusCode, p.Log())
	}
	t.Logf("the reset mail arrived %s after it was asked for", time.Since(sent).Round(10*time.Millisecond))
	if len(msgs[0].To) != 1 || msgs[0].To[0] != email {
		t.Errorf("the mail went to %v", msgs[0].To)
	}
	link := resetLink.FindString(strings.ReplaceAll(msgs[0].Data, "=\r\n", ""))
	if link == "" {
		t.Fatalf("no reset link in the mail:\n%s", msgs[0].Data)
	}
	link = html.UnescapeString(strings.ReplaceAll(link, "=3D", "="))
	u, _ := url.Parse(link)
	token := u.Query().Get("token")
	resp, err := reader.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), `autocomplete="new-password"`) {
		t.Fatalf("the link opens %d:\n%s", resp.StatusCode, page)
	}
	resp = submit(t, reader, p.site, "/admin/reset?token="+url.QueryEscape(token), "/admin/reset", url.Values{"token": {token}, "password": {"a brand new password"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("choosing the new password: %d", resp.StatusCode)
	}
	// The other session is signed out; the link is spent; the new
	// password works and the old does not.
	if resp, err := elsewhere.Get(p.site + "/admin/posts"); err != nil || resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/login") {
		t.Errorf("the session signed in before the reset still opens the admin: %v %v", resp.StatusCode, err)
	}
	if resp, err := http.Get(link); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("the link used once more: %v, %v; want 404", resp.StatusCode, err)
	}
	signIn(t, p.site, email, "a brand new password")
	if _, err := svc.Accounts.Authenticate(t.Context(), email, pass); err == nil {
		t.Error("the old password still signs in")
	}
	// One address may ask five times an hour.
	var last int
	for range blog.ResetsPerIP {
		last, _ = ask("someone@example.com")
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("the sixth request from one address in an hour: %d, want 429", last)
	}
}

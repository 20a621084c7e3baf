package web_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"folio/internal/blog"
)

var hiddenRe = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// postForm posts vals to path as an app's server would: no cookie.
func postForm(t *testing.T, base, path string, vals url.Values, bearer string) (*http.Response, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(vals.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp, out
}

// TestIndieAuth signs an app in the way IndieAuth describes: discovery
// from the home page, an authorization request with PKCE, the writer's
// approval with a scope unticked, the code traded for a token (once,
// with the right verifier only), the token used for Micropub, then
// introspected and revoked. Requests the spec forbids are refused.
func TestIndieAuth(t *testing.T) {
	s := newSiteWithAdmin(t)
	s.svc.Site.SaveSettings(t.Context(), s.admin, blog.SettingsInput{"base_url": s.URL})
	b := s.browser(t)
	home := b.get("/")
	mustContain(t, "the home page", home.Body, `<link rel="indieauth-metadata" href="/.well-known/oauth-authorization-server">`)
	if !strings.Contains(strings.Join(home.Header.Values("Link"), ", "), `rel="indieauth-metadata"`) {
		t.Errorf("no indieauth-metadata Link header: %q", home.Header.Values("Link"))
	}
	var meta map[string]any
	if err := json.Unmarshal([]byte(b.get("/.well-known/oauth-authorization-server").Body), &meta); err != nil || meta["issuer"] != s.URL+"/" ||
		meta["authorization_endpoint"] != s.URL+"/indieauth/auth" || meta["token_endpoint"] != s.URL+"/indieauth/token" {
		t.Fatalf("metadata: %v %v", meta, err)
	}

	const client, redirect = "https://app.example/", "https://app.example/callback"
	verifier := strings.Repeat("a-verifier-of-enough-length-", 2)
	sum := sha256.Sum256([]byte(verifier))
	challenge := base64.RawURLEncoding.EncodeToString(sum[:])
	request := url.Values{"response_type": {"code"}, "client_id": {client}, "redirect_uri": {redirect}, "state": {"xyz"},
		"code_challenge": {challenge}, "code_challenge_method": {"S256"}, "scope": {"create media profile nonsense"}, "me": {s.URL + "/"}}

	// Not signed in: the sign-in page first, then back here.
	if r := b.get("/indieauth/auth?" + request.Encode()); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/admin/login?next=") {
		t.Fatalf("signed out: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	b.login("ada@example.com", "analytical engine")
	for _, bad := range []struct{ name, key, value string }{
		{"no PKCE", "code_challenge_method", "plain"},
		{"a redirect to another host", "redirect_uri", "https://evil.example/steal"},
		{"no client", "client_id", "not a url"},
	} {
		q := url.Values{}
		for k, v := range request {
			q[k] = v
		}
		q.Set(bad.key, bad.value)
		if r := b.get("/indieauth/auth?" + q.Encode()); r.StatusCode != http.StatusBadRequest || strings.Contains(r.Header.Get("Location"), "evil") {
			t.Errorf("%s: %d %s", bad.name, r.StatusCode, r.Header.Get("Location"))
		}
	}
	consent := b.get("/indieauth/auth?" + request.Encode())
	mustContain(t, "the consent page", consent.Body, "app.example", `value="create" checked`, `value="media" checked`, `value="profile" checked`)
	if strings.Contains(consent.Body, `id="grant-nonsense"`) {
		t.Error("an unknown scope is offered")
	}
	// The form carries the request on; the writer unticks media.
	form := url.Values{"decision": {"approve"}, "grant": {"create", "profile"}, "csrf_token": {csrfRe.FindStringSubmatch(consent.Body)[1]}}
	for _, m := range hiddenRe.FindAllStringSubmatch(consent.Body, -1) {
		if m[1] != "csrf_token" {
			form.Set(m[1], html.UnescapeString(m[2]))
		}
	}
	r := b.post("/indieauth/auth/approve", form)
	back, _ := url.Parse(r.Header.Get("Location"))
	if r.StatusCode != http.StatusFound || back == nil || !strings.HasPrefix(back.String(), redirect) || back.Query().Get("state") != "xyz" ||
		back.Query().Get("iss") != s.URL+"/" || back.Query().Get("code") == "" {
		t.Fatalf("approve: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	code := back.Query().Get("code")

	redeem := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "client_id": {client}, "redirect_uri": {redirect}, "code_verifier": {verifier}}
	wrong := url.Values{}
	for k, v := range redeem {
		wrong[k] = v
	}
	wrong.Set("code_verifier", strings.Repeat("b", 50))
	// A wrong verifier spends the code: the spec's defence against a
	// stolen one.
	approveAgain := func() string {
		r := b.post("/indieauth/auth/approve", form)
		u, _ := url.Parse(r.Header.Get("Location"))
		return u.Query().Get("code")
	}
	if resp, out := postForm(t, s.URL, "/indieauth/token", wrong, ""); resp.StatusCode != http.StatusBadRequest || out["error"] != "invalid_grant" {
		t.Errorf("a wrong verifier: %d %v", resp.StatusCode, out)
	}
	if resp, _ := postForm(t, s.URL, "/indieauth/token", redeem, ""); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a code after a wrong verifier: %d", resp.StatusCode)
	}
	redeem.Set("code", approveAgain())
	resp, out := postForm(t, s.URL, "/indieauth/token", redeem, "")
	token, _ := out["access_token"].(string)
	profile, _ := out["profile"].(map[string]any)
	if resp.StatusCode != http.StatusOK || token == "" || out["token_type"] != "Bearer" || out["scope"] != "create profile" || out["me"] != s.URL+"/" ||
		profile["name"] != "Ada Lovelace" {
		t.Fatalf("token: %d %v", resp.StatusCode, out)
	}
	if resp, out := postForm(t, s.URL, "/indieauth/token", redeem, ""); resp.StatusCode != http.StatusBadRequest || out["error"] != "invalid_grant" {
		t.Errorf("a code used twice: %d %v", resp.StatusCode, out)
	}

	// The token posts through Micropub, within the scopes approved.
	app := micropubClient{t: t, base: s.URL, token: token}
	if resp, body := app.form(url.Values{"h": {"entry"}, "content": {"Signed in with just the address."}}); resp.StatusCode != http.StatusCreated {
		t.Errorf("micropub with the token: %d %s", resp.StatusCode, body)
	}
	if resp, body := app.form(url.Values{"action": {"delete"}, "url": {s.URL + "/"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a scope not approved: %d %s", resp.StatusCode, body)
	}
	tokens, _ := s.svc.Accounts.Tokens(t.Context(), s.admin)
	if len(tokens) != 1 || tokens[0].ClientID != client || tokens[0].Name != "app.example" {
		t.Errorf("the token as the admin lists it: %+v", tokens)
	}

	// Introspection needs a token of its own; revocation needs none.
	if resp, _ := postForm(t, s.URL, "/indieauth/introspect", url.Values{"token": {token}}, ""); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("introspection without a token: %d", resp.StatusCode)
	}
	if _, out := postForm(t, s.URL, "/indieauth/introspect", url.Values{"token": {token}}, token); out["active"] != true || out["client_id"] != client || out["scope"] != "create profile" {
		t.Errorf("introspection: %v", out)
	}
	if resp, _ := postForm(t, s.URL, "/indieauth/revoke", url.Values{"token": {token}}, ""); resp.StatusCode != http.StatusOK {
		t.Errorf("revoke: %d", resp.StatusCode)
	}
	if resp, _ := app.query("q=config"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a revoked token: %d", resp.StatusCode)
	}

	// Denied: back to the app with access_denied; signing in only: the
	// code says who, at the authorization endpoint, and buys no token.
	form.Set("decision", "deny")
	if r := b.post("/indieauth/auth/approve", form); !strings.Contains(r.Header.Get("Location"), "error=access_denied") {
		t.Errorf("deny: %s", r.Header.Get("Location"))
	}
	form.Set("decision", "approve")
	form.Del("grant")
	redeem.Set("code", approveAgain())
	if resp, _ := postForm(t, s.URL, "/indieauth/token", redeem, ""); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a token for no scope: %d", resp.StatusCode)
	}
	redeem.Set("code", approveAgain())
	if resp, out := postForm(t, s.URL, "/indieauth/auth", redeem, ""); resp.StatusCode != http.StatusOK || out["me"] != s.URL+"/" || out["access_token"] != nil {
		t.Errorf("profile redemption: %d %v", resp.StatusCode, out)
	}
}

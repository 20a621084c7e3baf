package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"folio/internal/blog"
	"folio/internal/testkit"
)

// micropubClient sends Micropub requests with a token, as an app does.
type micropubClient struct {
	t     *testing.T
	base  string
	token string
}

func (c micropubClient) do(method, path, ctype string, body io.Reader) (*http.Response, string) {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.base+path, body)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (c micropubClient) form(vals url.Values) (*http.Response, string) {
	return c.do(http.MethodPost, "/micropub", "application/x-www-form-urlencoded", strings.NewReader(vals.Encode()))
}

func (c micropubClient) json(v string) (*http.Response, string) {
	return c.do(http.MethodPost, "/micropub", "application/json", strings.NewReader(v))
}

func (c micropubClient) query(q string) (*http.Response, map[string]any) {
	c.t.Helper()
	resp, body := c.do(http.MethodGet, "/micropub?"+q, "", nil)
	var out map[string]any
	json.Unmarshal([]byte(body), &out)
	return resp, out
}

func newToken(t *testing.T, s *site, u *blog.User, scopes ...string) string {
	t.Helper()
	_, secret, err := s.svc.Accounts.CreateToken(t.Context(), nil, u.ID, blog.TokenInput{Name: "test app", Scopes: scopes})
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// TestMicropub walks the endpoint as the specification's examples use
// it: discovery, the errors it names, creating from a form, JSON and a
// multipart upload, q=config, q=source and q=category, update (replace,
// add, delete), delete and undelete, and the media endpoint.
func TestMicropub(t *testing.T) {
	s := newSiteWithAdmin(t)
	s.svc.Site.SaveSettings(t.Context(), s.admin, blog.SettingsInput{"base_url": s.URL})
	app := micropubClient{t: t, base: s.URL, token: newToken(t, s, s.admin, "create", "update", "delete", "media")}
	reader := s.browser(t)

	home := reader.get("/")
	if !strings.Contains(home.Body, `<link rel="micropub" href="/micropub">`) || !strings.Contains(home.Header.Get("Link"), `</micropub>; rel="micropub"`) {
		t.Errorf("discovery: Link %q", home.Header.Get("Link"))
	}

	// Errors, as section 3.6 names them.
	for _, tc := range []struct {
		name   string
		c      micropubClient
		status int
		code   string
	}{
		{"no token", micropubClient{t: t, base: s.URL}, http.StatusUnauthorized, "unauthorized"},
		{"a wrong token", micropubClient{t: t, base: s.URL, token: "folio_not-a-token"}, http.StatusUnauthorized, "unauthorized"},
		{"a token without create", micropubClient{t: t, base: s.URL, token: newToken(t, s, s.admin, "read")}, http.StatusForbidden, "insufficient_scope"},
	} {
		resp, body := tc.c.form(url.Values{"h": {"entry"}, "content": {"Hello"}})
		if resp.StatusCode != tc.status || !strings.Contains(body, `"error":"`+tc.code+`"`) {
			t.Errorf("%s: %d %s", tc.name, resp.StatusCode, body)
		}
	}
	if resp, body := app.json(`{"type": ["h-entry"], "properties": `); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "invalid_request") {
		t.Errorf("broken JSON: %d %s", resp.StatusCode, body)
	}

	// A note from a form (3.3.1), with categories sent as category[].
	resp, body := app.form(url.Values{"h": {"entry"}, "content": {"Reading in the rain, slowly."}, "category[]": {"reading", "weather"}})
	if resp.StatusCode != http.StatusCreated || !strings.HasPrefix(resp.Header.Get("Location"), s.URL+"/") {
		t.Fatalf("form create: %d %s %s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	note := resp.Header.Get("Location")
	page := reader.get(strings.TrimPrefix(note, s.URL))
	mustContain(t, "the note", page.Body, "Reading in the rain, slowly.", ">reading<", ">weather<")

	// A post from JSON (3.3.2): HTML content, a photo with alt text, a
	// slug, a summary, a source and a draft status.
	resp, body = app.json(`{"type": ["h-entry"], "properties": {
		"name": ["On margins"], "summary": ["Why white space matters."],
		"content": [{"html": "<p>The <b>margin</b> is where a reader answers.</p>"}],
		"photo": [{"value": "https://photos.example/desk.jpg", "alt": "A desk by a window"}],
		"in-reply-to": ["https://essays.example/space"], "mp-slug": ["margins"], "post-status": ["draft"]}}`)
	if resp.StatusCode != http.StatusCreated || !strings.HasSuffix(resp.Header.Get("Location"), "/margins/") {
		t.Fatalf("JSON create: %d %s %s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	draft := resp.Header.Get("Location")
	if r := reader.get(strings.TrimPrefix(draft, s.URL)); r.StatusCode != http.StatusNotFound {
		t.Errorf("a draft is public: %d", r.StatusCode)
	}
	_, src := app.query("q=source&url=" + url.QueryEscape(draft))
	props, _ := src["properties"].(map[string]any)
	if props == nil || first(props["name"]) != "On margins" || first(props["post-status"]) != "draft" || first(props["in-reply-to"]) != "https://essays.example/space" ||
		!strings.Contains(first(props["content"]), `![A desk by a window](<https://photos.example/desk.jpg>)`) {
		t.Errorf("q=source of the draft: %v", src)
	}
	if _, only := app.query("q=source&properties[]=name&url=" + url.QueryEscape(draft)); len(only["properties"].(map[string]any)) != 1 || only["type"] != nil {
		t.Errorf("q=source for one property: %v", only)
	}

	// Update (3.4): replace, add and delete, then publish.
	resp, body = app.json(`{"action": "update", "url": "` + draft + `", "replace": {"content": ["Rewritten."], "post-status": ["published"]},
		"add": {"category": ["margins", "paper"]}}`)
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("update: %d %s", resp.StatusCode, body)
	}
	if resp, body := app.json(`{"action": "update", "url": "` + draft + `", "delete": {"category": ["paper"]}}`); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("delete a value: %d %s", resp.StatusCode, body)
	}
	page = reader.get(strings.TrimPrefix(draft, s.URL))
	mustContain(t, "the updated post", page.Body, "Rewritten.", ">margins<")
	if strings.Contains(page.Body, ">paper<") {
		t.Error("a deleted category is still shown")
	}
	if resp, body := app.json(`{"action": "update", "url": "` + s.URL + `/no/such/post/", "replace": {"content": ["x"]}}`); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("update of an unknown url: %d %s", resp.StatusCode, body)
	}

	// Delete and undelete (3.5), form-encoded as the spec shows them.
	if resp, body := app.form(url.Values{"action": {"delete"}, "url": {note}}); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("delete: %d %s", resp.StatusCode, body)
	}
	s.web.Invalidate(blog.Change{All: true})
	if r := reader.get(strings.TrimPrefix(note, s.URL)); r.StatusCode != http.StatusNotFound && r.StatusCode != http.StatusGone {
		t.Errorf("a deleted note: %d", r.StatusCode)
	}
	if resp, body := app.form(url.Values{"action": {"undelete"}, "url": {note}}); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("undelete: %d %s", resp.StatusCode, body)
	}

	// Queries.
	if resp, cfg := app.query("q=config"); resp.StatusCode != http.StatusOK || cfg["media-endpoint"] != s.URL+"/micropub/media" {
		t.Errorf("q=config: %d %v", resp.StatusCode, cfg)
	}
	if _, cats := app.query("q=category&filter=mar"); len(cats["categories"].([]any)) != 1 {
		t.Errorf("q=category: %v", cats)
	}
	if _, syn := app.query("q=syndicate-to"); syn["syndicate-to"] == nil {
		t.Errorf("q=syndicate-to: %v", syn)
	}

	// The media endpoint, and a photo sent with the post.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "window.png")
	fw.Write(testkit.PNG(640, 480))
	mw.Close()
	resp, body = app.do(http.MethodPost, "/micropub/media", mw.FormDataContentType(), &buf)
	if resp.StatusCode != http.StatusCreated || !strings.Contains(resp.Header.Get("Location"), "/media/") {
		t.Fatalf("media endpoint: %d %s %s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	if r := reader.get(strings.TrimPrefix(resp.Header.Get("Location"), s.URL)); r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "image/png" {
		t.Errorf("the uploaded file: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
	buf.Reset()
	mw = multipart.NewWriter(&buf)
	mw.WriteField("h", "entry")
	mw.WriteField("content", "The view today.")
	fw, _ = mw.CreateFormFile("photo", "view.png")
	fw.Write(testkit.PNG(800, 600))
	mw.Close()
	resp, body = app.do(http.MethodPost, "/micropub", mw.FormDataContentType(), &buf)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("multipart create: %d %s", resp.StatusCode, body)
	}
	mustContain(t, "the photo post", reader.get(strings.TrimPrefix(resp.Header.Get("Location"), s.URL)).Body, "The view today.", `src="/media/`)

	// A token acts with its writer's role: an author cannot touch an
	// administrator's post.
	bo, _ := s.svc.Accounts.CreateUser(t.Context(), s.admin, blog.UserInput{Name: "Bo", Email: "bo@example.com", Password: "an author's password", Role: blog.RoleAuthor})
	author := micropubClient{t: t, base: s.URL, token: newToken(t, s, bo, "create", "update", "delete")}
	if resp, body := author.form(url.Values{"action": {"delete"}, "url": {draft}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("an author deleting another's post: %d %s", resp.StatusCode, body)
	}
}

func first(v any) string {
	if l, ok := v.([]any); ok && len(l) > 0 {
		s, _ := l[0].(string)
		return s
	}
	return ""
}

var secretFieldRe = regexp.MustCompile(`id="secret" type="text" readonly value="(folio_[^"]+)"`)

// TestTokenScreen: a writer makes a token on the admin screen (shown
// once, with the scopes ticked), sees it listed, and revokes it, after
// which an app using it is refused; an author sees only their own.
func TestTokenScreen(t *testing.T) {
	s := newSiteWithAdmin(t)
	b := s.browser(t)
	b.login("ada@example.com", "analytical engine")
	if r := b.post("/admin/tokens", url.Values{"csrf_token": {b.csrf("/admin/tokens")}, "name": {"Kitchen script"}}); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "at least one scope") || !strings.Contains(r.Body, `value="Kitchen script"`) {
		t.Errorf("no scope: %d", r.StatusCode)
	}
	r := b.post("/admin/tokens", url.Values{"csrf_token": {b.csrf("/admin/tokens")}, "name": {"Kitchen script"}, "scope": {"create", "media"}})
	m := secretFieldRe.FindStringSubmatch(r.Body)
	if r.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("make a token: %d\n%s", r.StatusCode, r.Body)
	}
	list := b.get("/admin/tokens").Body
	mustContain(t, "the list", list, "Kitchen script", "create media", "never")
	if strings.Contains(list, m[1]) {
		t.Error("the token is shown again")
	}
	app := micropubClient{t: t, base: s.URL, token: m[1]}
	if resp, _ := app.query("q=config"); resp.StatusCode != http.StatusOK {
		t.Errorf("the new token: %d", resp.StatusCode)
	}
	if _, err := s.svc.Accounts.CreateUser(t.Context(), s.admin, blog.UserInput{Name: "Bo", Email: "bo@example.com", Password: "an author's password", Role: blog.RoleAuthor}); err != nil {
		t.Fatal(err)
	}
	author := s.browser(t)
	author.login("bo@example.com", "an author's password")
	if strings.Contains(author.get("/admin/tokens").Body, "Kitchen script") {
		t.Error("an author sees another writer's token")
	}
	tokens, _ := s.svc.Accounts.Tokens(t.Context(), s.admin)
	if r := author.post("/admin/tokens/"+itoa(tokens[0].ID)+"/revoke", url.Values{"csrf_token": {author.csrf("/admin/tokens")}}); r.StatusCode != http.StatusNotFound {
		t.Errorf("an author revoking another's token: %d", r.StatusCode)
	}
	if r := b.post("/admin/tokens/"+itoa(tokens[0].ID)+"/revoke", url.Values{"csrf_token": {b.csrf("/admin/tokens")}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.StatusCode)
	}
	if resp, _ := app.query("q=config"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a revoked token: %d", resp.StatusCode)
	}
}

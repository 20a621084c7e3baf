package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	"folio/internal/blog"
	"folio/internal/testkit"
	"folio/internal/web"
)

// apiClient calls the JSON API and checks every request and response
// against the OpenAPI document, with a validator nobody here wrote.
type apiClient struct {
	t     *testing.T
	base  string
	token string
	v     validator.Validator
	seen  map[string]bool // "METHOD /path/pattern" exercised
	// wrong marks requests sent against the document on purpose: only
	// the answer is checked.
	wrong bool
}

// sending returns c for requests the document does not allow, to see
// how they are refused.
func (c *apiClient) sending() *apiClient {
	w := *c
	w.wrong = true
	return &w
}

func newAPIClient(t *testing.T, base, token string) *apiClient {
	t.Helper()
	spec, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		t.Fatal(err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatalf("the OpenAPI document: %v", errs)
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		for _, e := range verrs {
			t.Errorf("the OpenAPI document: %s", e.Message)
		}
		t.FailNow()
	}
	return &apiClient{t: t, base: base, token: token, v: v, seen: map[string]bool{}}
}

var idSegment = regexp.MustCompile(`/[0-9]+(/|$)`)

// do sends a request and returns the response with its body read; a
// request or response the document does not allow fails the test.
func (c *apiClient) do(method, path, ctype string, body []byte, header ...string) (*http.Response, []byte) {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	check, _ := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	check.Header = req.Header.Clone()
	resp.Body = io.NopCloser(bytes.NewReader(got))
	validate := c.v.ValidateHttpRequestResponse
	if c.wrong {
		validate = c.v.ValidateHttpResponse
	}
	if ok, errs := validate(check, resp); !ok {
		for _, e := range errs {
			c.t.Errorf("%s %s (%d) breaks the OpenAPI document: %s %s", method, path, resp.StatusCode, e.Message, e.Reason)
		}
	}
	p, _, _ := strings.Cut(path, "?")
	c.seen[method+" "+idSegment.ReplaceAllString(p, "/{id}$1")] = true
	return resp, got
}

func (c *apiClient) json(method, path string, v any, header ...string) (*http.Response, map[string]any) {
	c.t.Helper()
	var body []byte
	ctype := ""
	if v != nil {
		body, _ = json.Marshal(v)
		ctype = "application/json"
	}
	resp, got := c.do(method, path, ctype, body, header...)
	var out map[string]any
	json.Unmarshal(got, &out)
	return resp, out
}

// TestAPI exercises every route of the JSON API with a token, checking
// each exchange against /api/openapi.json (so the document and the
// server agree), and checks that the document describes exactly the
// routes the server has: pagination, conditional requests, problems,
// scopes and the writer's role.
func TestAPI(t *testing.T) {
	s := newSiteWithAdmin(t)
	ctx := t.Context()
	all := newToken(t, s, s.admin, blog.ScopeCreate, blog.ScopeUpdate, blog.ScopeDelete, blog.ScopeMedia, blog.ScopeRead, blog.ScopeModerate)
	c := newAPIClient(t, s.URL, all)

	if r := s.browser(t).get("/api/openapi.json"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `"openapi": "3.1.0"`) {
		t.Errorf("the document: %d", r.StatusCode)
	}
	anon := &apiClient{t: t, base: s.URL, v: c.v, seen: c.seen, wrong: true}
	if resp, out := anon.json(http.MethodGet, "/api/posts", nil); resp.StatusCode != http.StatusUnauthorized || out["status"] != float64(401) ||
		resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("no token: %d %v", resp.StatusCode, out)
	}
	reader := &apiClient{t: t, base: s.URL, token: newToken(t, s, s.admin, blog.ScopeRead), v: c.v, seen: c.seen}
	if resp, _ := reader.json(http.MethodPost, "/api/posts", map[string]any{"title": "x"}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("create with a read token: %d", resp.StatusCode)
	}

	// Posts: create, read (with ETag and 304), change (If-Match), list
	// with pagination, trash.
	resp, post := c.json(http.MethodPost, "/api/posts", map[string]any{"title": "From a script", "body": "Some *Markdown*.",
		"tags": []string{"scripts"}, "status": "published", "source": map[string]string{"url": "https://example.org/a", "title": "An article"},
		"language": "en-GB"})
	if resp.StatusCode != http.StatusCreated || post["html"] == nil || !strings.Contains(post["html"].(string), "<em>Markdown</em>") || post["language"] != "en-GB" {
		t.Fatalf("create: %d %v", resp.StatusCode, post)
	}
	loc := resp.Header.Get("Location")
	if resp, out := c.json(http.MethodPost, "/api/posts", map[string]any{"title": "", "body": "x", "status": "published"}); resp.StatusCode != http.StatusUnprocessableEntity ||
		out["errors"] == nil {
		t.Errorf("an invalid post: %d %v", resp.StatusCode, out)
	}
	if resp, _ := c.sending().json(http.MethodPost, "/api/posts", map[string]any{"titel": "typo"}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("an unknown field: %d", resp.StatusCode)
	}
	resp, _ = c.json(http.MethodGet, loc, nil)
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != http.StatusOK || etag == "" {
		t.Fatalf("get: %d %q", resp.StatusCode, etag)
	}
	if resp, _ := c.json(http.MethodGet, loc, nil, "If-None-Match", etag); resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", resp.StatusCode)
	}
	resp, changed := c.json(http.MethodPatch, loc, map[string]any{"title": "From a script, renamed"}, "If-Match", etag)
	if resp.StatusCode != http.StatusOK || changed["title"] != "From a script, renamed" || changed["body"] != "Some *Markdown*." {
		t.Fatalf("patch: %d %v", resp.StatusCode, changed)
	}
	if resp, _ := c.json(http.MethodPatch, loc, map[string]any{"title": "Stale"}, "If-Match", etag); resp.StatusCode != http.StatusPreconditionFailed {
		t.Errorf("a stale If-Match: %d", resp.StatusCode)
	}
	for i := range 3 {
		c.json(http.MethodPost, "/api/posts", map[string]any{"title": "Draft " + itoa(int64(i)), "body": "x"})
	}
	resp, list := c.json(http.MethodGet, "/api/posts?per_page=2", nil)
	if resp.StatusCode != http.StatusOK || list["total"] != float64(4) || list["pages"] != float64(2) || !strings.Contains(strings.Join(resp.Header.Values("Link"), ","), `rel="next"`) {
		t.Errorf("list: %d %v %q", resp.StatusCode, list, resp.Header.Values("Link"))
	}
	if resp, _ := c.sending().json(http.MethodGet, "/api/posts?per_page=1000", nil); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("per_page out of range: %d", resp.StatusCode)
	}
	if resp, _ := c.json(http.MethodGet, "/api/posts/999", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("no such post: %d", resp.StatusCode)
	}
	// The change reached readers through the same change feed.
	mustContain(t, "the home page", s.browser(t).get("/").Body, "From a script, renamed")

	// An author's token acts as the author.
	bo, _ := s.svc.Accounts.CreateUser(ctx, s.admin, blog.UserInput{Name: "Bo", Email: "bo@example.com", Password: "an author's password", Role: blog.RoleAuthor})
	author := &apiClient{t: t, base: s.URL, token: newToken(t, s, bo, blog.ScopeRead, blog.ScopeUpdate), v: c.v, seen: c.seen}
	if resp, _ := author.json(http.MethodPatch, loc, map[string]any{"title": "Mine now"}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("an author changing another's post: %d", resp.StatusCode)
	}
	if _, out := author.json(http.MethodGet, "/api/posts", nil); out["total"] != float64(0) {
		t.Errorf("an author lists others' posts: %v", out)
	}
	if resp, _ := author.json(http.MethodGet, "/api/settings", nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("an author reading settings: %d", resp.StatusCode)
	}

	// Replies: list and moderate.
	s.svc.Site.SaveSettings(ctx, s.admin, blog.SettingsInput{"comment_moderation": blog.ModerateHoldAll, "comment_min_seconds": "0"})
	id := int64(post["id"].(float64))
	if _, err := s.svc.Discussion.SubmitComment(ctx, blog.CommentInput{PostID: id, Name: "Ola", Email: "ola@example.com", Body: "Nice script.",
		IP: "192.0.2.5", FormToken: s.svc.Discussion.CommentFormToken(id)}); err != nil {
		t.Fatal(err)
	}
	_, replies := c.json(http.MethodGet, "/api/replies?status=pending", nil)
	items, _ := replies["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("pending replies: %v", replies)
	}
	rid := itoa(int64(items[0].(map[string]any)["id"].(float64)))
	if resp, out := c.json(http.MethodPatch, "/api/replies/"+rid, map[string]any{"status": "approved"}); resp.StatusCode != http.StatusOK || out["status"] != "approved" {
		t.Errorf("approve: %d %v", resp.StatusCode, out)
	}
	if resp, _ := c.sending().json(http.MethodPatch, "/api/replies/"+rid, map[string]any{"status": "deleted"}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("an unknown status: %d", resp.StatusCode)
	}

	// Tags, categories, media, settings.
	if _, out := c.json(http.MethodGet, "/api/tags", nil); len(out["items"].([]any)) != 1 {
		t.Errorf("tags: %v", out)
	}
	s.svc.Writing.CreateCategory(ctx, s.admin, "Notes", "notes", "Short ones.")
	if _, out := c.json(http.MethodGet, "/api/categories", nil); len(out["items"].([]any)) != 1 {
		t.Errorf("categories: %v", out)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "desk.png")
	fw.Write(testkit.PNG(400, 300))
	mw.WriteField("alt", "A desk")
	mw.Close()
	if resp, got := c.do(http.MethodPost, "/api/media", mw.FormDataContentType(), buf.Bytes()); resp.StatusCode != http.StatusCreated || !strings.Contains(string(got), `"alt":"A desk"`) {
		t.Errorf("upload: %d %s", resp.StatusCode, got)
	}
	if _, out := c.json(http.MethodGet, "/api/media", nil); out["total"] != float64(1) {
		t.Errorf("media: %v", out)
	}
	if resp, out := c.json(http.MethodGet, "/api/settings", nil); resp.StatusCode != http.StatusOK || out["title"] == nil || out["smtp_password"] != nil {
		t.Errorf("settings: %d %v", resp.StatusCode, out)
	}
	if resp, out := c.json(http.MethodPatch, "/api/settings", map[string]string{"tagline": "Written by scripts"}); resp.StatusCode != http.StatusOK || out["tagline"] != "Written by scripts" {
		t.Errorf("change settings: %d %v", resp.StatusCode, out)
	}
	if resp, _ := c.json(http.MethodPatch, "/api/settings", map[string]string{"no_such": "x"}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("an unknown setting: %d", resp.StatusCode)
	}
	if resp, _ := c.json(http.MethodDelete, loc, nil); resp.StatusCode != http.StatusNoContent {
		t.Errorf("trash: %d", resp.StatusCode)
	}

	// The document and the server describe the same routes, and each
	// route was exercised above.
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	spec, _ := os.ReadFile("openapi.json")
	json.Unmarshal(spec, &doc)
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			if method != "parameters" {
				documented[strings.ToUpper(method)+" "+path] = true
			}
		}
	}
	for _, route := range web.APIRoutes() {
		if !documented[route] {
			t.Errorf("%s is not in the OpenAPI document", route)
		}
		if !c.seen[route] {
			t.Errorf("%s was not exercised", route)
		}
		delete(documented, route)
	}
	for route := range documented {
		t.Errorf("the document describes %s, which the server does not answer", route)
	}
}

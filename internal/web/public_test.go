package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"folio/internal/blog"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// seed fills a site with a small, fixed blog.
func seed(t testing.TB, s *site) {
	t.Helper()
	ctx := t.Context()
	if _, err := s.svc.Site.SaveSettings(ctx, s.admin, blog.SettingsInput{"base_url": "https://blog.example", "posts_per_page": "2", "title": "Margins & Notes"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.Writing.CreateCategory(ctx, s.admin, "Essays", "", "Longer pieces."); err != nil {
		t.Fatal(err)
	}
	posts := []blog.PostInput{
		{Title: "Reading slowly", Lede: "A reply to an essay about speed.", PublishedAt: time.Date(2015, 11, 1, 9, 0, 0, 0, time.UTC),
			Body:   "I read it twice.\n\n> Reading faster is reading more.\n\nI am not sure \"more\" is the point.\n\n## What slowness buys\n\nAttention[^1].\n\n[^1]: And memory.",
			Source: blog.Source{URL: "https://example.org/speed", Title: "The Case for Speed", Site: "Example Review"},
			Tags:   []string{"Reading", "Attention"}, Categories: []string{"Essays"}},
		{Title: "A short note", PublishedAt: time.Date(2015, 11, 22, 9, 0, 0, 0, time.UTC), Body: "Just a line.\n\n<!--more-->\n\nAnd more.", Tags: []string{"Reading"}},
		{Title: "Fishing & <thinking>", PublishedAt: time.Date(2015, 11, 28, 9, 0, 0, 0, time.UTC), Body: "Rivers.", CommentsOpen: true},
		{Title: "Unfinished", Status: blog.StatusDraft, Body: "Not yet."},
		{Kind: blog.KindPage, Title: "About", Body: "Who writes here."},
	}
	for _, in := range posts {
		if in.Kind == "" {
			in.Kind = blog.KindPost
		}
		if in.Status == "" {
			in.Status = blog.StatusPublished
		}
		if _, err := s.svc.Writing.SavePost(ctx, s.admin, 0, in); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPublicRoutes(t *testing.T) {
	s := newSiteWithAdmin(t)
	seed(t, s)
	b := s.browser(t)
	tests := []struct {
		path   string
		status int
		want   []string
	}{
		{"/", 200, []string{"Fishing &amp; &lt;thinking&gt;", "A short note", "Just a line.", `href="/page/2/" rel="next"`, "Page 1 of 2"}},
		{"/page/2/", 200, []string{"Reading slowly", "A reply to an essay about speed.", `href="/" rel="prev"`}},
		{"/page/3/", 404, nil},
		{"/page/1/", 404, nil},
		{"/2015/11/01/reading-slowly/", 200, []string{`<h1 class="p-name">Reading slowly</h1>`, "Sunday, November 1st, 2015", `<blockquote cite="https://example.org/speed">`, `<cite><a href="https://example.org/speed">The Case for Speed</a></cite>, Example Review`, `id="replies"`, `rel="next"`, `href="/tag/reading/" rel="tag"`, `href="/category/essays/" rel="category"`, `<a rel="author" class="p-author h-card" href="/author/ada-lovelace/">Ada Lovelace</a>`, `<link rel="canonical" href="https://blog.example/2015/11/01/reading-slowly/">`, `<meta name="description" content="A reply to an essay about speed.">`}},
		{"/2015/11/22/a-short-note/", 200, []string{"Sunday, November 22nd, 2015", `rel="prev"`, `rel="next"`, "And more."}},
		{"/2015/11/28/fishing-thinking/", 200, []string{"Saturday, November 28th, 2015", "No replies yet", `<form id="commentform"`, "Leave a Reply"}},
		{"/2015/11/02/reading-slowly/", 301, nil},
		{"/2015/11/28/unfinished/", 404, nil},
		{"/about/", 200, []string{`<h1 class="p-name">About</h1>`, "Who writes here."}},
		{"/about", 301, nil},
		{"/tag/reading/", 200, []string{"Posts tagged “Reading”", "A short note", "Reading slowly"}},
		{"/tag/nothing/", 404, nil},
		{"/category/essays/", 200, []string{"Posts filed under “Essays”", "Longer pieces.", "Reading slowly"}},
		{"/author/ada-lovelace/", 200, []string{`Posts by <a class="p-name u-url u-uid" href="/author/ada-lovelace/">Ada Lovelace</a>`, "Page 1 of 2"}},
		{"/author/ada-lovelace/page/2/", 200, []string{"Reading slowly"}},
		{"/2015/", 200, []string{"Posts from 2015"}},
		{"/2015/11/", 200, []string{"Posts from November 2015"}},
		{"/2015/11/22/", 200, []string{"Posts from Sunday, November 22nd, 2015", "A short note"}},
		{"/2015/13/", 404, nil},
		{"/2015/02/30/", 404, nil},
		{"/no/such/thing/", 404, []string{"Nothing here", "<code>/no/such/thing/</code>", "Recent posts", "Fishing &amp; &lt;thinking&gt;", "Essays"}},
		{"/healthz", 200, []string{"ok"}},
	}
	for _, tt := range tests {
		r := b.get(tt.path)
		if r.StatusCode != tt.status {
			t.Errorf("GET %s: status %d, want %d", tt.path, r.StatusCode, tt.status)
			continue
		}
		mustContain(t, "GET "+tt.path, r.Body, tt.want...)
	}
	if loc := b.get("/2015/11/02/reading-slowly/").Header.Get("Location"); loc != "/2015/11/01/reading-slowly/" {
		t.Errorf("outdated permalink redirects to %q", loc)
	}
}

func TestPublicHeaders(t *testing.T) {
	s := newSiteWithAdmin(t)
	seed(t, s)
	r := s.browser(t).get("/")
	for k, want := range map[string]string{
		"Content-Type":           "text/html; charset=utf-8",
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "DENY",
	} {
		if got := r.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP = %q", csp)
	}
	// Assets are content-addressed and cached for good.
	css := between(r.Body, `<link rel="stylesheet" href="`, `"`)
	a := s.browser(t).get(css)
	if a.StatusCode != 200 || a.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || !strings.HasPrefix(a.Header.Get("Content-Type"), "text/css") {
		t.Errorf("GET %s: %d %v", css, a.StatusCode, a.Header)
	}
	if r := s.browser(t).get("/static/style.css"); r.StatusCode != 404 {
		t.Errorf("unhashed asset: %d", r.StatusCode)
	}
}

func between(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	s = s[i+len(start):]
	j := strings.Index(s, end)
	if j < 0 {
		return ""
	}
	return s[:j]
}

// TestPostPageGolden pins the exact HTML of a post page that quotes its
// source and has a threaded conversation, in English, German and Arabic.
func TestPostPageGolden(t *testing.T) {
	for _, lang := range []string{"en", "de", "ar"} {
		t.Run(lang, func(t *testing.T) {
			s := newSiteWithAdmin(t)
			seed(t, s)
			ctx := t.Context()
			if _, err := s.svc.Site.SaveSettings(ctx, s.admin, blog.SettingsInput{"language": lang}); err != nil {
				t.Fatal(err)
			}
			p, err := s.svc.Writing.SavePost(ctx, s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "Reading slowly, again", Lede: "A second look at speed.",
				Body:   "> Reading faster is reading more.\n\nMore of what?",
				Source: blog.Source{URL: "https://example.org/speed", Title: "The Case for Speed", Site: "Example Review"},
				Status: blog.StatusPublished, CommentsOpen: true, PublishedAt: time.Date(2015, 11, 28, 9, 0, 0, 0, time.UTC),
				Tags: []string{"Reading"}, Categories: []string{"Essays"}})
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.svc.Moving.Import(ctx, s.admin, "golden", false, func(im *blog.Importer) error {
				for i, c := range []struct{ id, parent, name, body string }{
					{"1", "", "Grace", "Memory, I think."},
					{"2", "1", "Ada Lovelace", "And *attention*."},
					{"3", "", "Linus", "I read faster now."},
				} {
					_, err := im.Comment(c.id, p, c.parent, blog.Comment{AuthorName: c.name, AuthorEmail: strings.ToLower(c.name[:1]) + "@example.com",
						Body: c.body, Status: blog.CommentApproved, Kind: blog.CommentKindComment,
						CreatedAt: time.Date(2015, 11, 28, 15+i, 4, 0, 0, time.UTC)})
					if err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			s.web.Invalidate(blog.Change{All: true})
			r := s.browser(t).get("/2015/11/28/reading-slowly-again/")
			if r.StatusCode != 200 {
				t.Fatalf("status %d", r.StatusCode)
			}
			// The form's signed token changes with every render, and the
			// pictures' names with the site's secret.
			body := regexp.MustCompile(`name="form_token" value="[^"]*"`).ReplaceAllString(r.Body, `name="form_token" value=""`)
			body = regexp.MustCompile(`/identicon/[0-9a-f]+\.svg`).ReplaceAllString(body, "/identicon/x.svg")
			golden := filepath.Join("testdata", "post."+lang+".golden.html")
			if *update {
				if err := os.WriteFile(golden, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if body != string(want) {
				t.Errorf("post page differs from %s (run go test ./internal/web -run TestPostPageGolden -update to accept):\n%s", golden, body)
			}
		})
	}
}

// TestThemeOverride checks that a template in --theme replaces the
// embedded one by name.
func TestThemeOverride(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "templates"), 0o755); err != nil {
		t.Fatal(err)
	}
	page := `{{define "content"}}<p class="custom">Custom page for {{.Post.Title}}</p>{{end}}`
	if err := os.WriteFile(filepath.Join(dir, "templates", "page.html"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	s := newSiteWithTheme(t, dir)
	if _, err := s.svc.Writing.SavePost(t.Context(), s.admin, 0, blog.PostInput{Kind: blog.KindPage, Title: "Colophon", Status: blog.StatusPublished}); err != nil {
		t.Fatal(err)
	}
	r := s.browser(t).get("/colophon/")
	mustContain(t, "overridden page", r.Body, `<p class="custom">Custom page for Colophon</p>`, `<a class="skip-link"`)
}

func TestRedirectTable(t *testing.T) {
	s := newSiteWithAdmin(t)
	seed(t, s)
	b := s.browser(t)
	b.login("ada@example.com", "analytical engine")
	token := b.csrf("/admin/redirects")
	for _, f := range []url.Values{
		{"csrf_token": {token}, "from": {"/?p=12"}, "to": {"/2015/11/01/reading-slowly/"}},
		{"csrf_token": {token}, "from": {"/old/path/"}, "to": {"/about/"}},
	} {
		if r := b.post("/admin/redirects", f); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("save redirect: %d %s", r.StatusCode, r.Body)
		}
	}
	if r := b.post("/admin/redirects", url.Values{"csrf_token": {token}, "from": {"https://evil.example/"}, "to": {"/x/"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("redirect from another site: %d", r.StatusCode)
	}
	mustContain(t, "redirect list", b.get("/admin/redirects").Body, "/?p=12", "/old/path/")
	reader := s.browser(t)
	for from, to := range map[string]string{"/?p=12": "/2015/11/01/reading-slowly/", "/old/path/": "/about/"} {
		r := reader.get(from)
		if r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != to {
			t.Errorf("GET %s: %d %s", from, r.StatusCode, r.Header.Get("Location"))
		}
	}
	if r := reader.get("/?p=999"); r.StatusCode != http.StatusOK {
		t.Errorf("unknown ?p= shows the front page: %d", r.StatusCode)
	}
	if r := b.post("/admin/redirects", url.Values{"csrf_token": {token}, "delete": {"/old/path/"}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("delete: %d", r.StatusCode)
	}
	if r := reader.get("/old/path/"); r.StatusCode != http.StatusNotFound {
		t.Errorf("deleted redirect: %d", r.StatusCode)
	}
}

func TestUploadsServed(t *testing.T) {
	s := newSite(t)
	os.MkdirAll(filepath.Join(s.uploads, "2014", "03"), 0o755)
	os.WriteFile(filepath.Join(s.uploads, "2014", "03", "note.txt"), []byte("hello"), 0o644)
	b := s.browser(t)
	if r := b.get("/uploads/2014/03/note.txt"); r.StatusCode != 200 || r.Body != "hello" {
		t.Errorf("GET a file: %d %q", r.StatusCode, r.Body)
	}
	for _, p := range []string{"/uploads/", "/uploads/2014/", "/uploads/missing.jpg"} {
		if r := b.get(p); r.StatusCode != 404 {
			t.Errorf("GET %s: %d", p, r.StatusCode)
		}
	}
}

func TestImportUpload(t *testing.T) {
	s := newSiteWithAdmin(t)
	b := s.browser(t)
	b.login("ada@example.com", "analytical engine")
	token := b.csrf("/admin/import")
	upload := func(doc string, dry bool) response {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("csrf_token", token)
		if dry {
			mw.WriteField("dry_run", "1")
		}
		fw, _ := mw.CreateFormFile("file", "export.xml")
		fw.Write([]byte(doc))
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/admin/import", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		return b.do(req)
	}
	r := upload(importedThread, true)
	mustContain(t, "dry run", r.Body, "nothing was changed", "<td>Posts</td><td>1</td>", "<td>Replies</td><td>4</td>")
	if _, _, err := s.svc.Reading.PostAt(t.Context(), "/2012/06/01/swifts/"); err == nil {
		t.Error("a dry run imported the post")
	}
	r = upload(importedThread, false)
	mustContain(t, "import", r.Body, "Imported", "<td>Posts</td><td>1</td>")
	if _, _, err := s.svc.Reading.PostAt(t.Context(), "/2012/06/01/swifts/"); err != nil {
		t.Errorf("imported post: %v", err)
	}
	r = upload("<rss><channel><title>x</wrong>", false)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "malformed XML at line 1") {
		t.Errorf("malformed upload: %d", r.StatusCode)
	}
}

package web_test

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"folio/internal/blog"
	"folio/internal/web"
)

func TestSitemapSplitsAtTheLimit(t *testing.T) {
	s := newSiteWithAdmin(t)
	ctx := t.Context()
	s.svc.Site.SaveSettings(ctx, s.admin, blog.SettingsInput{"base_url": "https://blog.example"})
	b := s.browser(t)
	type loc struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	}
	type urlset struct {
		URLs []loc `xml:"url"`
	}
	var small urlset
	r := b.get("/sitemap.xml")
	if err := xml.Unmarshal([]byte(r.Body), &small); err != nil || r.Header.Get("Content-Type") != "application/xml; charset=utf-8" {
		t.Fatalf("small sitemap: %v %s", err, r.Header.Get("Content-Type"))
	}
	if len(small.URLs) != 1 || small.URLs[0].Loc != "https://blog.example/" {
		t.Errorf("empty site sitemap = %+v", small.URLs)
	}
	for i := range 9 {
		s.svc.Writing.SavePost(ctx, s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: fmt.Sprint("Post ", i), Status: blog.StatusPublished,
			PublishedAt: time.Date(2015, 1, 1+i, 0, 0, 0, 0, time.UTC)})
	}
	s.svc.Writing.SavePost(ctx, s.admin, 0, blog.PostInput{Kind: blog.KindPage, Title: "About", Status: blog.StatusPublished})
	s.svc.Writing.SavePost(ctx, s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "Draft", Status: blog.StatusDraft})
	var idx struct {
		XMLName  xml.Name
		Sitemaps []loc `xml:"sitemap"`
	}
	if err := xml.Unmarshal([]byte(b.get("/sitemap.xml").Body), &idx); err != nil {
		t.Fatal(err)
	}
	// 11 URLs (front page, 9 posts, 1 page) at 5 a file: 3 files.
	if idx.XMLName.Local != "sitemapindex" || len(idx.Sitemaps) != 3 || idx.Sitemaps[2].Loc != "https://blog.example/sitemap-3.xml" {
		t.Fatalf("index = %+v", idx)
	}
	seen := map[string]bool{}
	for i, sm := range idx.Sitemaps {
		var part urlset
		r := b.get(strings.TrimPrefix(sm.Loc, "https://blog.example"))
		if err := xml.Unmarshal([]byte(r.Body), &part); err != nil || r.StatusCode != 200 {
			t.Fatalf("part %d: %d %v", i+1, r.StatusCode, err)
		}
		if len(part.URLs) > testSitemapLimit || sm.LastMod == "" {
			t.Errorf("part %d has %d URLs, lastmod %q", i+1, len(part.URLs), sm.LastMod)
		}
		for _, u := range part.URLs {
			if seen[u.Loc] {
				t.Errorf("%s listed twice", u.Loc)
			}
			seen[u.Loc] = true
			if u.Loc != "https://blog.example/" && u.LastMod == "" {
				t.Errorf("%s has no lastmod", u.Loc)
			}
		}
	}
	if len(seen) != 11 || !seen["https://blog.example/about/"] || !seen["https://blog.example/2015/01/09/post-8/"] {
		t.Errorf("sitemaps list %d URLs: %v", len(seen), seen)
	}
	if strings.Contains(fmt.Sprint(seen), "draft") {
		t.Error("a draft is in the sitemap")
	}
	if r := b.get("/sitemap-4.xml"); r.StatusCode != 404 {
		t.Errorf("sitemap past the end: %d", r.StatusCode)
	}
}

func TestRobots(t *testing.T) {
	s := newSiteWithAdmin(t)
	s.svc.Site.SaveSettings(t.Context(), s.admin, blog.SettingsInput{"base_url": "https://blog.example", "robots_txt": "User-agent: *\nDisallow: /private/"})
	r := s.browser(t).get("/robots.txt")
	if r.Body != "User-agent: *\nDisallow: /private/\n\nSitemap: https://blog.example/sitemap.xml\n" || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
		t.Errorf("robots.txt = %q", r.Body)
	}
}

func TestMetadataEscaped(t *testing.T) {
	s := newSiteWithAdmin(t)
	ctx := t.Context()
	s.svc.Site.SaveSettings(ctx, s.admin, blog.SettingsInput{"base_url": "https://blog.example", "posts_per_page": "1"})
	hostile := `</script><script>alert("x")</script> & "quotes" 'too'`
	p, err := s.svc.Writing.SavePost(ctx, s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: hostile, Lede: hostile, Status: blog.StatusPublished,
		Tags: []string{`<b>tag</b>`}, PublishedAt: time.Date(2015, 5, 5, 5, 5, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	s.svc.Writing.SavePost(ctx, s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "Older", Status: blog.StatusPublished, PublishedAt: time.Date(2014, 5, 5, 5, 5, 0, 0, time.UTC)})
	page, _ := s.svc.Writing.SavePost(ctx, s.admin, 0, blog.PostInput{Kind: blog.KindPage, Title: hostile, Lede: "About <me>", Status: blog.StatusPublished})
	b := s.browser(t)
	for _, path := range []string{p.Path, page.Path, "/", "/page/2/", "/tag/b-tag-b/"} {
		r := b.get(path)
		if r.StatusCode != 200 {
			t.Fatalf("GET %s: %d", path, r.StatusCode)
		}
		if strings.Contains(r.Body, `<script>alert`) {
			t.Errorf("GET %s: unescaped script in the page", path)
		}
		head := r.Body[:strings.Index(r.Body, "</head>")]
		mustContain(t, "head of "+path, head, `<meta property="og:site_name"`, `<meta name="twitter:card" content="summary">`, `<meta property="og:title"`)
	}
	r := b.get(p.Path)
	mustContain(t, "post head", r.Body,
		`<meta name="description" content="&lt;/script&gt;&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;quotes&#34; &#39;too&#39;">`,
		`<meta property="og:type" content="article">`, `<meta property="og:url" content="https://blog.example`+p.Path+`">`,
		`<meta property="article:published_time" content="2015-05-05T05:05:00Z">`, `<meta property="article:tag" content="&lt;b&gt;tag&lt;/b&gt;">`)
	ld := between(r.Body, `<script type="application/ld+json">`, `</script>`)
	var data map[string]any
	if err := json.Unmarshal([]byte(ld), &data); err != nil {
		t.Fatalf("JSON-LD does not parse: %v\n%s", err, ld)
	}
	if data["@type"] != "BlogPosting" || data["headline"] != hostile || data["datePublished"] != "2015-05-05T05:05:00Z" {
		t.Errorf("JSON-LD = %v", data)
	}
	if author, _ := data["author"].(map[string]any); author["name"] != "Ada Lovelace" {
		t.Errorf("JSON-LD author = %v", data["author"])
	}
	home := b.get("/").Body
	mustContain(t, "home head", home, `<link rel="next" href="/page/2/">`, `<meta property="og:type" content="website">`, `<link rel="alternate" type="application/rss&#43;xml"`)
	mustContain(t, "page 2 head", b.get("/page/2/").Body, `<link rel="prev" href="/">`)
	if strings.Contains(b.get(page.Path).Body, "application/ld+json") {
		t.Error("a page carries BlogPosting data")
	}
}

func TestSearchPage(t *testing.T) {
	s := newSiteWithAdmin(t)
	ctx := t.Context()
	for i := range 12 {
		s.svc.Writing.SavePost(ctx, s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: fmt.Sprint("River walk ", i), Body: "We walked by the river & the mill.", Status: blog.StatusPublished})
	}
	s.svc.Writing.SavePost(ctx, s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "Mountains", Body: "High & cold.", Status: blog.StatusPublished})
	b := s.browser(t)
	r := b.get("/search?q=" + url.QueryEscape("walking river"))
	mustContain(t, "results", r.Body, "12 results", "River walk", "<mark>", "&amp; the mill", `rel="next"`, "Search results for “walking river”")
	if strings.Count(r.Body, `class="summary search-hit"`) != 10 {
		t.Errorf("page 1 shows %d hits", strings.Count(r.Body, `class="summary search-hit"`))
	}
	if r.Header.Get("X-Robots-Tag") != "noindex" {
		t.Error("search results are indexable")
	}
	p2 := b.get("/search?q=walking+river&page=2")
	if strings.Count(p2.Body, `class="summary search-hit"`) != 2 {
		t.Errorf("page 2 shows %d hits", strings.Count(p2.Body, `class="summary search-hit"`))
	}
	none := b.get("/search?q=volcano")
	mustContain(t, "no results", none.Body, "Nothing matched “volcano”", `&#34;quotes&#34;`)
	if !strings.Contains(b.get("/").Body, `action="/search"`) {
		t.Error("the theme has no search box")
	}
	hostile := []string{`"`, `"unbalanced`, `AND OR NOT`, `NEAR(a b)`, `title:x`, `*`, `-`, `--`, `a*b*c`, "\x00\x01\x02", strings.Repeat("ü", 10000),
		`<script>alert(1)</script>`, `'; DROP TABLE posts; --`, `^$.|?*+()[]{}`, "%", "\xff\xfe", `"a" "b" "c" "d" "e" "f" "g" "h" "i" "j" "k" "l" "m" "n"`}
	for _, q := range hostile {
		r := b.get("/search?q=" + url.QueryEscape(q))
		if r.StatusCode != http.StatusOK {
			t.Errorf("search %.30q: %d", q, r.StatusCode)
		}
		if strings.Contains(r.Body, "<script>alert(1)</script>") {
			t.Errorf("search %.30q echoes script", q)
		}
	}
}

// TestSearchResultsAreCached serves a repeated search from the cache,
// the same key for the query however it is spaced, and drops it when a
// post that matches is published.
func TestSearchResultsAreCached(t *testing.T) {
	s := newSiteWithAdmin(t)
	ctx := t.Context()
	if _, err := s.svc.Writing.SavePost(ctx, s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "Herons", Body: "Two herons by the weir.", Status: blog.StatusPublished}); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	first := b.get("/search?q=weir")
	etag := first.Header.Get("ETag")
	if etag == "" || !strings.Contains(first.Body, "Herons") {
		t.Fatalf("first search: ETag %q, body has Herons: %v", etag, strings.Contains(first.Body, "Herons"))
	}
	for _, q := range []string{"/search?q=weir", "/search?q=++weir+&utm_source=x", "/search?q=weir&page=1"} {
		req, _ := http.NewRequest(http.MethodGet, s.URL+q, nil)
		req.Header.Set("If-None-Match", etag)
		if r := b.do(req); r.StatusCode != http.StatusNotModified {
			t.Errorf("%s: %d, want 304 from the cache", q, r.StatusCode)
		}
	}
	if _, err := s.svc.Writing.SavePost(ctx, s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "Kingfisher", Body: "A flash of blue at the weir.", Status: blog.StatusPublished}); err != nil {
		t.Fatal(err)
	}
	if r := b.get("/search?q=weir"); !strings.Contains(r.Body, "Kingfisher") || r.Header.Get("ETag") == etag {
		t.Errorf("after a matching post was published the results were not searched again: %s", r.Header.Get("ETag"))
	}
}

// TestSearchLimitPerAddress lets one address run a minute's worth of
// searches that reach the database, then answers 429 with a reason;
// results already cached are still served.
func TestSearchLimitPerAddress(t *testing.T) {
	s := newSiteWithAdmin(t)
	get := func(path, from string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.RemoteAddr = from
		rec := httptest.NewRecorder()
		s.web.ServeHTTP(rec, req)
		return rec
	}
	const reader = "192.0.2.7:40000"
	for i := range web.SearchesPerMinute {
		if r := get(fmt.Sprintf("/search?q=word%d", i), reader); r.Code != http.StatusOK {
			t.Fatalf("search %d: %d", i, r.Code)
		}
	}
	r := get("/search?q=one+more", reader)
	if r.Code != http.StatusTooManyRequests || r.Header().Get("Retry-After") == "" || !strings.Contains(r.Body.String(), "Wait a minute") {
		t.Errorf("search past the limit: %d, Retry-After %q", r.Code, r.Header().Get("Retry-After"))
	}
	for _, tt := range []struct{ name, path, from string }{
		{"a cached search", "/search?q=word0", reader},
		{"the empty search page", "/search", reader},
		{"another address", "/search?q=one+more", "198.51.100.9:5000"},
		{"a proxy on this machine", "/search?q=yet+another", "127.0.0.1:5000"},
	} {
		if r := get(tt.path, tt.from); r.Code != http.StatusOK {
			t.Errorf("%s past the limit: %d", tt.name, r.Code)
		}
	}
}

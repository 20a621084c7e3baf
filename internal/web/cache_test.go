package web_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"folio/internal/blog"
)

func TestCachedPageHeadersAndEncodings(t *testing.T) {
	s := newSiteWithAdmin(t)
	seed(t, s)
	b := s.browser(t)
	first := b.get("/2015/11/01/reading-slowly/")
	second := b.get("/2015/11/01/reading-slowly/")
	etag := second.Header.Get("ETag")
	if first.Body != second.Body || !strings.HasPrefix(etag, `"`) || second.Header.Get("Last-Modified") == "" {
		t.Fatalf("cached response: etag %q, headers %v", etag, second.Header)
	}
	if cc := second.Header.Get("Cache-Control"); cc != "public, no-cache" {
		t.Errorf("Cache-Control = %q", cc)
	}
	get := func(h map[string]string) response {
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/2015/11/01/reading-slowly/", nil)
		// Go's transport would decompress gzip itself; ask explicitly.
		req.Header.Set("Accept-Encoding", "identity")
		for k, v := range h {
			req.Header.Set(k, v)
		}
		return b.do(req)
	}
	if r := get(nil); r.Header.Get("Content-Length") != fmt.Sprint(len(first.Body)) || r.Header.Get("Content-Encoding") != "" {
		t.Errorf("identity: Content-Length %q, encoding %q", r.Header.Get("Content-Length"), r.Header.Get("Content-Encoding"))
	}
	if r := get(map[string]string{"If-None-Match": etag}); r.StatusCode != http.StatusNotModified || r.Body != "" {
		t.Errorf("If-None-Match: %d", r.StatusCode)
	}
	if r := get(map[string]string{"If-Modified-Since": second.Header.Get("Last-Modified")}); r.StatusCode != http.StatusNotModified {
		t.Errorf("If-Modified-Since: %d", r.StatusCode)
	}
	gz := get(map[string]string{"Accept-Encoding": "gzip"})
	if gz.Header.Get("Content-Encoding") != "gzip" || gz.Header.Get("Vary") != "Accept-Encoding" {
		t.Fatalf("gzip: %v", gz.Header)
	}
	zr, err := gzip.NewReader(strings.NewReader(gz.Body))
	if err != nil {
		t.Fatal(err)
	}
	if plain, _ := io.ReadAll(zr); string(plain) != first.Body {
		t.Error("gzip body differs from the page")
	}
	br := get(map[string]string{"Accept-Encoding": "gzip, br"})
	if br.Header.Get("Content-Encoding") != "br" {
		t.Fatalf("brotli: %v", br.Header)
	}
	if plain, _ := io.ReadAll(brotli.NewReader(bytes.NewReader([]byte(br.Body)))); string(plain) != first.Body {
		t.Error("brotli body differs from the page")
	}
	// Each encoding is sent with its own length, the page's one validator
	// and one Vary, however often it is served.
	for _, r := range []response{gz, br, get(map[string]string{"Accept-Encoding": "br"}), get(nil)} {
		if r.Header.Get("Content-Length") != fmt.Sprint(len(r.Body)) || r.Header.Get("ETag") != etag || len(r.Header.Values("Vary")) != 1 {
			t.Errorf("%q: Content-Length %q for %d bytes, ETag %q, Vary %q", r.Header.Get("Content-Encoding"),
				r.Header.Get("Content-Length"), len(r.Body), r.Header.Get("ETag"), r.Header.Values("Vary"))
		}
	}
	head, _ := http.NewRequest(http.MethodHead, s.URL+"/2015/11/01/reading-slowly/", nil)
	if r := b.do(head); r.StatusCode != 200 || r.Body != "" || r.Header.Get("ETag") != etag {
		t.Errorf("HEAD: %d %q", r.StatusCode, r.Header.Get("ETag"))
	}
}

// TestCacheNeverServesStale makes each kind of write and checks the next
// request shows it.
func TestCacheNeverServesStale(t *testing.T) {
	s := newSiteWithAdmin(t)
	seed(t, s)
	ctx := t.Context()
	b := s.browser(t)
	warm := func() {
		for _, p := range []string{"/", "/2015/11/01/reading-slowly/", "/tag/reading/", "/feed/atom/", "/sitemap-1.xml", "/about/"} {
			b.get(p)
		}
	}
	warm()
	p, err := s.svc.Writing.SavePost(ctx, s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "Fresh news", Status: blog.StatusPublished, Tags: []string{"Reading"}, CommentsOpen: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/tag/reading/", "/feed/atom/", "/sitemap-1.xml"} {
		if !strings.Contains(b.get(path).Body, "fresh-news") && !strings.Contains(b.get(path).Body, "Fresh news") {
			t.Errorf("%s is stale after publishing", path)
		}
	}
	warm()
	old, _, _ := s.svc.Reading.PostAt(ctx, "/2015/11/01/reading-slowly/")
	if _, err := s.svc.Writing.SavePost(ctx, s.admin, old.ID, blog.PostInput{Title: "Reading slowly, revised", Slug: old.Slug, Status: blog.StatusPublished, PublishedAt: old.PublishedAt}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.get(old.Path).Body, "Reading slowly, revised") {
		t.Error("the post page is stale after an edit")
	}
	s.svc.Site.SaveSettings(ctx, s.admin, blog.SettingsInput{"comment_moderation": blog.ModerateApproveAll, "comment_min_seconds": "0"})
	warm()
	c, err := s.svc.Discussion.SubmitComment(ctx, blog.CommentInput{PostID: p.ID, Name: "Quick", Email: "q@example.com", Body: "First!", FormToken: s.svc.Discussion.CommentFormToken(p.ID)})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.get(p.Path).Body, "First!") {
		t.Error("the post page is stale after a reply")
	}
	if err := s.svc.Discussion.ModerateComment(ctx, s.admin, c.ID, blog.ActionSpam); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.get(p.Path).Body, "First!") {
		t.Error("a reply marked as spam is still served")
	}
	s.svc.Site.SaveSettings(ctx, s.admin, blog.SettingsInput{"title": "Renamed site"})
	if !strings.Contains(b.get("/about/").Body, "Renamed site") {
		t.Error("pages are stale after a settings change")
	}
	s.svc.Writing.Trash(ctx, s.admin, p.ID)
	if r := b.get(p.Path); r.StatusCode != 404 {
		t.Errorf("a trashed post is still served: %d", r.StatusCode)
	}
}

// TestCacheKeepsVisitorsApart checks that what one visitor sees of their
// own never reaches another through the shared cache.
func TestCacheKeepsVisitorsApart(t *testing.T) {
	s := newReplySite(t)
	writer, stranger, admin := s.browser(t), s.browser(t), s.browser(t)
	stranger.get(s.post.Path) // the public version is cached
	r := s.send(t, writer, s.replyForm(t, writer, s.post.Path), map[string]string{"author": "Nia", "email": "nia@example.com", "comment": "Held words"})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatal(r.Status)
	}
	stranger.get(s.post.Path)
	if got := writer.get(s.post.Path); !strings.Contains(got.Body, "Held words") {
		t.Error("the writer does not see their held reply")
	}
	for range 3 {
		if got := stranger.get(s.post.Path); strings.Contains(got.Body, "Held words") || strings.Contains(got.Body, "awaiting moderation") {
			t.Fatal("a stranger got the writer's page")
		}
	}
	admin.login("ada@example.com", "analytical engine")
	if got := admin.get(s.post.Path); !strings.Contains(got.Body, "Replying as Ada Lovelace") {
		t.Error("the signed-in writer does not get their own form")
	}
	if got := stranger.get(s.post.Path); strings.Contains(got.Body, "Replying as") {
		t.Error("a stranger got the signed-in writer's form")
	}
}

// TestCacheDropsExactlyWhatChanged warms the cache with every kind of
// page, makes each kind of write, and checks which pages the cache still
// holds: those that do not show what changed, and only those.
func TestCacheDropsExactlyWhatChanged(t *testing.T) {
	s := newSiteWithAdmin(t)
	ctx := t.Context()
	if _, err := s.svc.Site.SaveSettings(ctx, s.admin, blog.SettingsInput{"posts_per_page": "2", "comment_min_seconds": "0",
		"comment_moderation": blog.ModerateApproveAll}); err != nil {
		t.Fatal(err)
	}
	day := s.clock.Now().Add(-10 * 24 * time.Hour)
	var posts []*blog.Post
	for i, tag := range []string{"alpha", "beta", "beta", "omega"} { // oldest first
		p, err := s.svc.Writing.SavePost(ctx, s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: fmt.Sprint("Post ", i+1), Body: "Text.",
			Status: blog.StatusPublished, Tags: []string{tag}, CommentsOpen: true, PublishedAt: day.Add(time.Duration(i) * 24 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		posts = append(posts, p)
	}
	p1, p2, p3, p4 := posts[0], posts[1], posts[2], posts[3]
	if _, err := s.svc.Writing.SavePost(ctx, s.admin, 0, blog.PostInput{Kind: blog.KindPage, Title: "About", Body: "Me.", Status: blog.StatusPublished}); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	// The home page shows p4 and p3, its page 2 p2 and p1.
	pages := map[string]string{
		"home": "/", "home 2": "/page/2/", "p1": p1.Path, "p2": p2.Path, "p3": p3.Path, "p4": p4.Path,
		"alpha": "/tag/alpha/", "omega": "/tag/omega/", "feed": "/feed/atom/", "p1 replies": p1.Path + "feed/",
		"replies": "/comments/feed/", "sitemap": "/sitemap.xml", "robots": "/robots.txt", "about": "/about/",
		"search": "/search?q=text",
	}
	warm := func() {
		for _, path := range pages {
			if r := b.get(path); r.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", path, r.StatusCode)
			}
		}
	}
	kept := func() string {
		cached := map[string]bool{}
		for _, p := range s.web.CachedPaths() {
			cached[p] = true
		}
		var names []string
		for name, path := range pages {
			if cached[path] {
				names = append(names, name)
			}
		}
		sort.Strings(names)
		return strings.Join(names, ", ")
	}
	tests := []struct {
		name  string
		write func() error
		kept  string
	}{
		{"a reply approved on the oldest post", func() error {
			_, err := s.svc.Discussion.SubmitComment(ctx, blog.CommentInput{PostID: p1.ID, Name: "R", Email: "r@example.com", Body: "Hello.",
				FormToken: s.svc.Discussion.CommentFormToken(p1.ID)})
			return err
		}, "about, home, omega, p3, p4, robots, search"}, // p2 links to p1; results show no reply counts
		{"the newest post's text edited", func() error {
			_, err := s.svc.Writing.SavePost(ctx, s.admin, p4.ID, blog.PostInput{Kind: blog.KindPost, Title: "Post 4", Body: "New text.",
				Status: blog.StatusPublished, Tags: []string{"omega"}, CommentsOpen: true, PublishedAt: p4.PublishedAt})
			return err
		}, "about, alpha, home 2, p1, p1 replies, p2, replies, robots"}, // p3 links to p4
		{"a draft saved", func() error {
			_, err := s.svc.Writing.SavePost(ctx, s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "Not yet", Body: "Draft.", Status: blog.StatusDraft})
			return err
		}, "about, alpha, feed, home, home 2, omega, p1, p1 replies, p2, p3, p4, replies, robots, search, sitemap"},
		{"a post moved to another tag", func() error {
			_, err := s.svc.Writing.SavePost(ctx, s.admin, p4.ID, blog.PostInput{Kind: blog.KindPost, Title: "Post 4", Body: "New text.",
				Status: blog.StatusPublished, Tags: []string{"alpha"}, CommentsOpen: true, PublishedAt: p4.PublishedAt})
			return err
		}, "about, p1, p1 replies, p2, replies, robots"}, // every list may change
		{"a setting changed", func() error {
			_, err := s.svc.Site.SaveSettings(ctx, s.admin, blog.SettingsInput{"tagline": "New"})
			return err
		}, ""},
	}
	for _, tt := range tests {
		warm()
		if got := kept(); len(strings.Split(got, ", ")) != len(pages) {
			t.Fatalf("before %s the cache holds only %s", tt.name, got)
		}
		if err := tt.write(); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := kept(); got != tt.kept {
			t.Errorf("after %s the cache kept\n  %s\nwant\n  %s", tt.name, got, tt.kept)
		}
	}
}

// TestCacheKeyHoldsOnlyWhatPagesRead checks that neither a made-up query
// string nor a made-up Host header gets past the page cache or fills it:
// only the parameters a page reads make pages of their own.
func TestCacheKeyHoldsOnlyWhatPagesRead(t *testing.T) {
	s := newSiteWithAdmin(t)
	ctx := t.Context()
	if _, err := s.svc.Site.SaveSettings(ctx, s.admin, blog.SettingsInput{"base_url": "https://blog.example",
		"comments_per_page": "1", "comment_moderation": blog.ModerateApproveAll, "comment_min_seconds": "0"}); err != nil {
		t.Fatal(err)
	}
	p, err := s.svc.Writing.SavePost(ctx, s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "Talked about", Body: "Text.",
		Status: blog.StatusPublished, CommentsOpen: true, PublishedAt: s.clock.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{"First.", "Second."} {
		if _, err := s.svc.Discussion.SubmitComment(ctx, blog.CommentInput{PostID: p.ID, Name: "R", Email: "r@example.com", Body: body,
			FormToken: s.svc.Discussion.CommentFormToken(p.ID)}); err != nil {
			t.Fatal(err)
		}
	}
	b := s.browser(t)
	for i := range 40 {
		req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/?utm_source=feed%d&fbclid=%d", s.URL, i, i), nil)
		req.Host = fmt.Sprintf("h%d.attacker.example", i)
		r := b.do(req)
		if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `href="https://blog.example/"`) {
			t.Fatalf("GET / as host %s: %d, canonical not the site's", req.Host, r.StatusCode)
		}
	}
	for _, path := range []string{p.Path, p.Path + "?cpage=2", p.Path + "?cpage=2&utm_medium=x"} {
		if r := b.get(path); r.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, r.StatusCode)
		}
	}
	if r := b.get(p.Path + "?cpage=2"); !strings.Contains(r.Body, "Second.") || strings.Contains(r.Body, "First.") {
		t.Error("the second page of replies does not show the second reply alone")
	}
	// An old WordPress address still redirects, though "/" is cached.
	if r := b.get(fmt.Sprintf("/?p=%d", p.ID)); r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != p.Path {
		t.Errorf("/?p=%d: %d to %q, want 301 to the post", p.ID, r.StatusCode, r.Header.Get("Location"))
	}
	got := strings.Join(s.web.CachedPaths(), " ")
	if want := strings.Join([]string{"/", p.Path, p.Path + "?cpage=2"}, " "); got != want {
		t.Errorf("the cache holds %q, want %q", got, want)
	}
}

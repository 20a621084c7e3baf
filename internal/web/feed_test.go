package web_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"folio/internal/blog"
)

// feedSite is a site whose posts have titles that need escaping.
func feedSite(t *testing.T) (*site, []*blog.Post) {
	s := newSiteWithAdmin(t)
	ctx := t.Context()
	if _, err := s.svc.Site.SaveSettings(ctx, s.admin, blog.SettingsInput{"base_url": "https://blog.example", "title": "Tom & Jerry's <Notes>", "time_zone": "Europe/Berlin",
		"comment_moderation": blog.ModerateApproveAll, "comment_min_seconds": "0"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.Writing.CreateCategory(ctx, s.admin, "Essays", "", ""); err != nil {
		t.Fatal(err)
	}
	var posts []*blog.Post
	for i, in := range []blog.PostInput{
		{Title: `Fish & "Chips" <at> 5 🐟`, Body: "A [link home](/about/) and ![pic](/static/x.png) & **bold**.\n\n> quoted", Tags: []string{"Food & Drink"}, Categories: []string{"Essays"}},
		{Title: "Plain second", Body: "Second body.", Lede: "The second one.", Tags: []string{"Food & Drink"}},
	} {
		in.Kind, in.Status, in.CommentsOpen = blog.KindPost, blog.StatusPublished, true
		in.PublishedAt = time.Date(2015, 11, 20+i, 9, 30, 0, 0, time.UTC)
		p, err := s.svc.Writing.SavePost(ctx, s.admin, 0, in)
		if err != nil {
			t.Fatal(err)
		}
		posts = append(posts, p)
	}
	_, err := s.svc.Discussion.SubmitComment(ctx, blog.CommentInput{PostID: posts[0].ID, Name: "Ann <Critic>", Email: "ann@example.com",
		Body: "Nice & <tasty>", FormToken: s.svc.Discussion.CommentFormToken(posts[0].ID)})
	if err != nil {
		t.Fatal(err)
	}
	return s, posts
}

func TestFeedsRoundTrip(t *testing.T) {
	s, posts := feedSite(t)
	b := s.browser(t)
	parser := gofeed.NewParser()
	tests := []struct {
		path, ctype, kind string
		entries           int
	}{
		{"/feed/", "application/rss+xml; charset=utf-8", "rss", 2},
		{"/feed/atom/", "application/atom+xml; charset=utf-8", "atom", 2},
		{"/feed/json/", "application/feed+json; charset=utf-8", "json", 2},
		{"/tag/food-drink/feed/", "application/rss+xml; charset=utf-8", "rss", 2},
		{"/tag/food-drink/feed/atom/", "application/atom+xml; charset=utf-8", "atom", 2},
		{"/category/essays/feed/json/", "application/feed+json; charset=utf-8", "json", 1},
		{"/category/essays/feed/atom/", "application/atom+xml; charset=utf-8", "atom", 1},
		{"/author/ada-lovelace/feed/", "application/rss+xml; charset=utf-8", "rss", 2},
		{"/author/ada-lovelace/feed/json/", "application/feed+json; charset=utf-8", "json", 2},
		{"/comments/feed/", "application/rss+xml; charset=utf-8", "rss", 1},
		{"/comments/feed/atom/", "application/atom+xml; charset=utf-8", "atom", 1},
		{posts[0].Path + "feed/json/", "application/feed+json; charset=utf-8", "json", 1},
		{posts[1].Path + "feed/atom/", "application/atom+xml; charset=utf-8", "atom", 0},
	}
	for _, tt := range tests {
		r := b.get(tt.path)
		if r.StatusCode != 200 || r.Header.Get("Content-Type") != tt.ctype {
			t.Errorf("GET %s: %d %s", tt.path, r.StatusCode, r.Header.Get("Content-Type"))
			continue
		}
		f, err := parser.ParseString(r.Body)
		if err != nil {
			t.Errorf("GET %s: gofeed: %v", tt.path, err)
			continue
		}
		if f.FeedType != tt.kind || len(f.Items) != tt.entries {
			t.Errorf("GET %s: %s feed with %d items, want %s with %d", tt.path, f.FeedType, len(f.Items), tt.kind, tt.entries)
			continue
		}
		if !strings.HasPrefix(f.Title, "Tom & Jerry's <Notes>") && !strings.HasPrefix(f.Title, "Replies to") {
			t.Errorf("GET %s: feed title %q", tt.path, f.Title)
		}
		if strings.Contains(r.Body, "ann@example.com") {
			t.Errorf("GET %s: a reader's e-mail address is in the feed", tt.path)
		}
		if tt.entries == 0 || strings.Contains(tt.path, "comment") || strings.HasPrefix(tt.path, posts[0].Path) {
			continue
		}
		last := f.Items[len(f.Items)-1]
		if tt.entries == 2 {
			first := f.Items[1]
			if first.Title != `Fish & "Chips" <at> 5 🐟` {
				t.Errorf("GET %s: title %q", tt.path, first.Title)
			}
			if first.Link != "https://blog.example"+posts[0].Path {
				t.Errorf("GET %s: link %q", tt.path, first.Link)
			}
			if first.PublishedParsed == nil || !first.PublishedParsed.Equal(posts[0].PublishedAt) {
				t.Errorf("GET %s: published %v, want %v", tt.path, first.PublishedParsed, posts[0].PublishedAt)
			}
			if !strings.Contains(first.Content, `<a href="https://blog.example/about/">link home</a>`) || !strings.Contains(first.Content, `src="https://blog.example/static/x.png"`) || !strings.Contains(first.Content, "<blockquote>") {
				t.Errorf("GET %s: content %q", tt.path, first.Content)
			}
			if len(first.Authors) == 0 || first.Authors[0].Name != "Ada Lovelace" {
				t.Errorf("GET %s: authors %v", tt.path, first.Authors)
			}
			if !contains(first.Categories, "Food & Drink") {
				t.Errorf("GET %s: categories %v", tt.path, first.Categories)
			}
		}
		if !strings.HasPrefix(last.GUID, "tag:blog.example,") {
			t.Errorf("GET %s: id %q", tt.path, last.GUID)
		}
	}
	// Dates carry the site's zone.
	atom := b.get("/feed/atom/").Body
	if !strings.Contains(atom, "<published>2015-11-20T10:30:00+01:00</published>") {
		t.Errorf("Atom published date not in the site's zone:\n%s", atom)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestFeedIDsSurviveEdits(t *testing.T) {
	s, posts := feedSite(t)
	parse := func() map[string]string {
		f, err := gofeed.NewParser().ParseString(s.browser(t).get("/feed/atom/").Body)
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]string{}
		for _, it := range f.Items {
			ids[it.GUID] = it.Link
		}
		return ids
	}
	before := parse()
	if _, err := s.svc.Writing.SavePost(t.Context(), s.admin, posts[1].ID, blog.PostInput{Title: "Renamed entirely", Slug: "renamed", Status: blog.StatusPublished,
		PublishedAt: posts[1].PublishedAt}); err != nil {
		t.Fatal(err)
	}
	after := parse()
	if len(before) != 2 || len(after) != 2 {
		t.Fatalf("ids before %v after %v", before, after)
	}
	for id, link := range before {
		if _, ok := after[id]; !ok {
			t.Errorf("id %s (was %s) changed after an edit", id, link)
		}
	}
}

func TestFeedConditionalGet(t *testing.T) {
	s, _ := feedSite(t)
	b := s.browser(t)
	r := b.get("/feed/atom/")
	etag, lm := r.Header.Get("ETag"), r.Header.Get("Last-Modified")
	if !strings.HasPrefix(etag, `"`) || strings.HasPrefix(etag, `W/`) || lm == "" {
		t.Fatalf("ETag %q, Last-Modified %q", etag, lm)
	}
	for name, hdr := range map[string][2]string{
		"If-None-Match":      {"If-None-Match", etag},
		"If-None-Match list": {"If-None-Match", `"other", ` + etag},
		"If-Modified-Since":  {"If-Modified-Since", lm},
	} {
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/feed/atom/", nil)
		req.Header.Set(hdr[0], hdr[1])
		if r := b.do(req); r.StatusCode != http.StatusNotModified || r.Body != "" {
			t.Errorf("%s: %d", name, r.StatusCode)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/feed/atom/", nil)
	req.Header.Set("If-None-Match", `"stale"`)
	if r := b.do(req); r.StatusCode != 200 {
		t.Errorf("stale ETag: %d", r.StatusCode)
	}
	head, _ := http.NewRequest(http.MethodHead, s.URL+"/feed/", nil)
	if r := b.do(head); r.StatusCode != 200 || r.Body != "" || r.Header.Get("Content-Length") == "" {
		t.Errorf("HEAD: %d %q", r.StatusCode, r.Header.Get("Content-Length"))
	}
	// A new post changes the ETag.
	s.svc.Writing.SavePost(t.Context(), s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "Third", Status: blog.StatusPublished})
	if r := b.get("/feed/atom/"); r.Header.Get("ETag") == etag {
		t.Error("ETag unchanged after a new post")
	}
	// Summary-only feeds leave the HTML out.
	s.svc.Site.SaveSettings(t.Context(), s.admin, blog.SettingsInput{"feed_full": "false", "feed_items": "1"})
	f, _ := gofeed.NewParser().ParseString(b.get("/feed/json/").Body)
	if len(f.Items) != 1 || f.Items[0].Content != "" || f.Items[0].Description == "" {
		t.Errorf("summary feed item = %+v", f.Items)
	}
}

// TestFeedGolden pins the exact Atom document.
func TestFeedGolden(t *testing.T) {
	s, _ := feedSite(t)
	body := s.browser(t).get("/feed/atom/").Body
	golden := filepath.Join("testdata", "atom.golden.xml")
	if *update {
		os.WriteFile(golden, []byte(body), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if body != string(want) {
		t.Errorf("Atom feed differs from %s:\n%s", golden, body)
	}
}

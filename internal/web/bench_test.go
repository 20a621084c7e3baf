package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"folio/internal/blog"
	"folio/internal/testkit"
)

// benchBody is a post of typical length: headings, a list, a quote, code
// and a footnote.
var benchBody = strings.Repeat("A paragraph of ordinary prose that runs on for a while, with *emphasis* and a [link](https://example.org/).\n\n", 8) +
	"## A heading\n\n- one\n- two\n- three\n\n> A quoted line from somewhere else.\n\n```go\nfunc main() { println(\"hi\") }\n```\n\nA claim.[^1]\n\n[^1]: The note.\n"

// benchSite is a site with n published posts and no page cache, so
// requests render from the store.
func benchSite(b *testing.B, n int) (*site, string) {
	return benchSiteCache(b, n, -1)
}

func benchSiteCache(b *testing.B, n int, cacheBytes int64) (*site, string) {
	s := startSiteCache(b, "", cacheBytes)
	s.addAdmin(b)
	ctx := b.Context()
	ins := make([]blog.PostInput, n)
	start := time.Date(2014, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := range ins {
		ins[i] = blog.PostInput{Kind: blog.KindPost, Status: blog.StatusPublished, Title: fmt.Sprintf("Post number %d", i),
			Body: benchBody, PublishedAt: start.Add(time.Duration(i) * 7 * time.Hour),
			Tags: []string{fmt.Sprint("tag", i%20), fmt.Sprint("topic", i%7)}, Lede: "A one-line introduction."}
	}
	if _, err := s.svc.Moving.ImportPosts(ctx, s.admin, ins, nil); err != nil {
		b.Fatal(err)
	}
	p, err := s.svc.Reading.Listing(ctx, blog.PostFilter{}, 1)
	if err != nil {
		b.Fatal(err)
	}
	return s, p.Posts[3].Path
}

func benchGet(b *testing.B, h http.Handler, path string) {
	b.ReportAllocs()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d", path, rec.Code)
		}
	}
}

// BenchmarkPostPage renders one post page from the store: post, author,
// terms, neighbours and navigation, with the stored HTML body.
func BenchmarkPostPage(b *testing.B) {
	s, path := benchSite(b, 500)
	benchGet(b, s.Config.Handler, path)
}

// BenchmarkHomePage renders the first page of the home listing.
func BenchmarkHomePage(b *testing.B) {
	s, _ := benchSite(b, 500)
	benchGet(b, s.Config.Handler, "/")
}

// BenchmarkCommentSubmit posts accepted replies through the real handler
// into SQLite (WAL, synchronous commits), from many clients at once.
func BenchmarkCommentSubmit(b *testing.B) {
	s := newSiteWithAdmin(b)
	ctx := b.Context()
	post, err := s.svc.Writing.SavePost(ctx, s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "Busy thread", Status: blog.StatusPublished,
		CommentsOpen: true, PublishedAt: s.clock.Now().Add(-time.Hour)})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.svc.Site.SaveSettings(ctx, s.admin, blog.SettingsInput{"comment_moderation": blog.ModerateApproveAll,
		"comment_min_seconds": "0", "comment_per_minute": "1000", "comments_per_page": "50"}); err != nil {
		b.Fatal(err)
	}
	token := s.svc.Discussion.CommentFormToken(post.ID)
	h := s.Config.Handler
	var n atomic.Int64
	b.ReportAllocs()
	// Sixteen clients per core, as when a post is popular.
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			form := url.Values{"comment_post_ID": {itoa(post.ID)}, "form_token": {token}, "author": {"Reader"},
				"email": {fmt.Sprintf("r%d@example.com", i%500)}, "comment": {fmt.Sprintf("Reply number %d with a few words.", i)}}
			req := httptest.NewRequest(http.MethodPost, "/comments", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			// Each client its own address, so the per-address limit does
			// not throttle the benchmark.
			req.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:1234", i>>16&255, i>>8&255, i&255)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusSeeOther {
				b.Fatalf("reply %d: %d %s", i, rec.Code, rec.Body)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "replies/s")
}

// BenchmarkCachedPostPage serves a post page from the page cache, as
// every request after the first does.
func BenchmarkCachedPostPage(b *testing.B) {
	s, path := benchSiteCache(b, 500, 0)
	h := s.Config.Handler
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Accept-Encoding", "gzip, br")
	h.ServeHTTP(httptest.NewRecorder(), req)
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, req)
		if w.code != http.StatusOK {
			b.Fatalf("status %d", w.code)
		}
	}
}

// BenchmarkCachedPicture serves a library copy from the cache, as
// BenchmarkCachedPostPage serves a page: the 800-pixel copy of a
// photo, sent as it is.
func BenchmarkCachedPicture(b *testing.B) {
	s, _ := benchSiteCache(b, 4, 0)
	m, err := s.svc.Library.Upload(b.Context(), s.admin, "photo.jpg", testkit.Photo(1600, 1200))
	if err != nil {
		b.Fatal(err)
	}
	h := s.Config.Handler
	req := httptest.NewRequest(http.MethodGet, m.SizeURL(800), nil)
	req.Header.Set("Accept-Encoding", "gzip, br")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("status %d", rec.Code)
	}
	b.SetBytes(int64(rec.Body.Len()))
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, req)
		if w.code != http.StatusOK {
			b.Fatalf("status %d", w.code)
		}
	}
}

// discard is a ResponseWriter that keeps nothing, so the benchmark
// measures the server, not the recorder.
type discard struct {
	h    http.Header
	code int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) WriteHeader(code int)        { d.code = code }

// BenchmarkBigThread renders, uncached, the post page of a post with
// 20,000 approved replies (half of them answers), at 50 top-level
// replies a page and at the setting's "all" (the 1,000 bound).
func BenchmarkBigThread(b *testing.B) {
	s := startSiteCache(b, "", -1)
	s.addAdmin(b)
	ctx := b.Context()
	var post *blog.Post
	_, err := s.svc.Moving.Import(ctx, s.admin, "bench", false, func(im *blog.Importer) error {
		p, err := im.Post("p", blog.PostInput{Kind: blog.KindPost, Title: "Much discussed", Body: benchBody, Status: blog.StatusPublished,
			CommentsOpen: true, PublishedAt: s.clock.Now().Add(-time.Hour)}, nil)
		if err != nil {
			return err
		}
		post = p
		at := s.clock.Now().Add(-30 * time.Minute)
		for i := range 20000 {
			parent := ""
			if i%2 == 1 {
				parent = fmt.Sprint(i - 1)
			}
			if _, err := im.Comment(fmt.Sprint(i), p, parent, blog.Comment{AuthorName: "Reader", AuthorEmail: "r@example.com",
				Body: "A reply of a sentence or two, as most are.", Status: blog.CommentApproved, Kind: blog.CommentKindComment, CreatedAt: at}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, per := range []string{"50", "0"} {
		b.Run("per_page="+per, func(b *testing.B) {
			if _, err := s.svc.Site.SaveSettings(ctx, s.admin, blog.SettingsInput{"comments_per_page": per}); err != nil {
				b.Fatal(err)
			}
			benchGet(b, s.Config.Handler, post.Path)
		})
	}
}

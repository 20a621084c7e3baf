package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"folio/internal/blog"
	"folio/internal/locale"
	"folio/internal/markdown"
	"folio/internal/password"
	"folio/internal/store/sqlite"
)

func TestCacheRendersOnceUnderConcurrency(t *testing.T) {
	var renders atomic.Int32
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		renders.Add(1)
		time.Sleep(50 * time.Millisecond)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, strings.Repeat("<p>page</p>", 200))
	})
	s := &Server{site: testSite(t), cache: newPageCache(1 << 20)}
	h := s.cached(next, Shows{})
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/2015/11/28/post/", nil))
			if rec.Code != 200 || rec.Body.Len() != 2200 {
				t.Errorf("response %d, %d bytes", rec.Code, rec.Body.Len())
			}
		}()
	}
	wg.Wait()
	if n := renders.Load(); n != 1 {
		t.Errorf("20 concurrent first requests rendered %d times, want 1", n)
	}
	s.cache.Invalidate(blog.Change{All: true})
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/2015/11/28/post/", nil))
	if n := renders.Load(); n != 2 {
		t.Errorf("after Purge: %d renders, want 2", n)
	}
}

// testSite returns the site service of a fresh SQLite store, which
// the cache consults for the site's address.
func testSite(t *testing.T) *blog.Site {
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "folio.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc, err := blog.New(t.Context(), st, blog.Options{Words: locale.MustLoad(), Renderer: markdown.NewPosts(), CommentRenderer: markdown.NewComments(), Hasher: &password.Hasher{Params: password.Params{Memory: 64, Time: 1, Threads: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	return svc.Site
}

func TestCacheMemoryBound(t *testing.T) {
	c := newPageCache(64 << 10)
	for i := range 100 {
		c.put(fmt.Sprint("/p/", i), &page{status: 200, body: make([]byte, 4000), created: time.Now()}, c.gen)
		if _, bytes := c.stats(); bytes > 64<<10 {
			t.Fatalf("cache holds %d bytes, over its 64 KiB limit", bytes)
		}
	}
	pages, _ := c.stats()
	if pages == 0 || pages > 16 {
		t.Errorf("cache holds %d pages", pages)
	}
	if p, _ := c.get("/p/0"); p != nil {
		t.Error("the coldest page was not evicted")
	}
	if p, _ := c.get("/p/99"); p == nil {
		t.Error("the newest page was evicted")
	}
	// A page rendered before a purge is not stored after it.
	_, gen := c.get("/x")
	c.Invalidate(blog.Change{All: true})
	c.put("/x", &page{status: 200, body: []byte("old"), created: time.Now()}, gen)
	if p, _ := c.get("/x"); p != nil {
		t.Error("a page from before a purge was stored")
	}
	// Old pages expire.
	c.put("/y", &page{status: 200, body: []byte("y"), created: time.Now().Add(-cacheTTL - time.Second)}, c.gen)
	if p, _ := c.get("/y"); p != nil {
		t.Error("an expired page was served")
	}
}

func TestAcceptsEncoding(t *testing.T) {
	tests := []struct {
		header, enc string
		want        bool
	}{
		{"gzip, deflate, br", "br", true}, {"gzip", "br", false}, {"br;q=0", "br", false}, {"br;q=0.5, gzip", "br", true}, {"GZIP", "gzip", true}, {"", "gzip", false},
	}
	for _, tt := range tests {
		if got := acceptsEncoding(tt.header, tt.enc); got != tt.want {
			t.Errorf("acceptsEncoding(%q, %q) = %v", tt.header, tt.enc, got)
		}
	}
}

// TestCacheKeepsRendersAChangeDoesNotTouch checks what happens to a
// render when changes are made while it runs: it is stored unless one of
// them alters what it shows, so steady writes elsewhere on the site do
// not keep a cold cache from filling.
func TestCacheKeepsRendersAChangeDoesNotTouch(t *testing.T) {
	post1 := showingPosts(&blog.Post{ID: 1})
	listing := showingListing([]*blog.Post{{ID: 1}})
	many := make([]blog.Change, recentChanges+1)
	for i := range many {
		many[i] = blog.Change{Posts: []int64{2}}
	}
	tests := []struct {
		name    string
		shows   Shows
		changes []blog.Change
		stored  bool
	}{
		{"no change", post1, nil, true},
		{"another post", post1, []blog.Change{{Posts: []int64{2}}, {Posts: []int64{3}, Replies: true}}, true},
		{"its post", post1, []blog.Change{{Posts: []int64{2}}, {Posts: []int64{1}}}, false},
		{"lists, on a post", post1, []blog.Change{{Posts: []int64{2}, Listings: true}}, true},
		{"lists, on a listing", listing, []blog.Change{{Posts: []int64{2}, Listings: true}}, false},
		{"everything", post1, []blog.Change{{All: true}}, false},
		{"unknown page", Shows{}, []blog.Change{{Posts: []int64{2}}}, false},
		{"more changes than remembered", post1, many, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newPageCache(1 << 20)
			for range 3 {
				c.Invalidate(blog.Change{Posts: []int64{9}}) // before the render began
			}
			_, gen := c.get("/p/")
			for _, ch := range tt.changes {
				c.Invalidate(ch)
			}
			c.put("/p/", &page{status: 200, body: []byte("page"), created: time.Now(), shows: &tt.shows}, gen)
			if p, _ := c.get("/p/"); (p != nil) != tt.stored {
				t.Errorf("stored %v, want %v", p != nil, tt.stored)
			}
		})
	}
}

// BenchmarkCompressPage compresses a rendered post page (the golden
// one) both ways the cache stores it, as every render of a cacheable
// page does.
func BenchmarkCompressPage(b *testing.B) {
	body, err := os.ReadFile(filepath.Join("testdata", "post.golden.html"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	var gz, br int
	for b.Loop() {
		gz, br = len(gzipBytes(body)), len(brotliBytes(body))
	}
	b.ReportMetric(float64(gz), "gzip-bytes")
	b.ReportMetric(float64(br), "brotli-bytes")
}

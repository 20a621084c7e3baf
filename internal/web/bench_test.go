package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"folio/internal/blog"
)

// benchBody is a post of typical length: headings, a list, a quote, code
// and a footnote.
var benchBody = strings.Repeat("A paragraph of ordinary prose that runs on for a while, with *emphasis* and a [link](https://example.org/).\n\n", 8) +
	"## A heading\n\n- one\n- two\n- three\n\n> A quoted line from somewhere else.\n\n```go\nfunc main() { println(\"hi\") }\n```\n\nA claim.[^1]\n\n[^1]: The note.\n"

// benchSite is a site with n published posts.
func benchSite(b *testing.B, n int) (*site, string) {
	s := newSiteWithAdmin(b)
	ctx := b.Context()
	ins := make([]blog.PostInput, n)
	start := time.Date(2014, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := range ins {
		ins[i] = blog.PostInput{Kind: blog.KindPost, Status: blog.StatusPublished, Title: fmt.Sprintf("Post number %d", i),
			Body: benchBody, PublishedAt: start.Add(time.Duration(i) * 7 * time.Hour),
			Tags: []string{fmt.Sprint("tag", i%20), fmt.Sprint("topic", i%7)}, Lede: "A one-line introduction."}
	}
	if _, err := s.svc.ImportPosts(ctx, s.admin, ins, nil); err != nil {
		b.Fatal(err)
	}
	p, err := s.svc.Listing(ctx, blog.PostFilter{}, 1)
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

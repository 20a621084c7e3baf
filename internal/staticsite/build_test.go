package staticsite

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLocalLinks(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{`<a href="/2015/11/28/post/">x</a><img src="/static/a.svg">`, []string{"/2015/11/28/post/", "/static/a.svg"}},
		{`<a href="/tag/x/?page=2#top">`, []string{"/tag/x/"}},
		{`<a href="/a/../b/">`, []string{"/b/"}},
		{`<a href="https://example.com/">, <link rel="x" data="/no">`, nil},
		{`<form action="/comments"><a href="/">`, []string{"/"}},
		{`<a href="/unterminated`, nil},
		{`<link href="/feed/atom/"><a title="/" href='/single'>`, []string{"/feed/atom/"}},
		{`<img src="/media/k/a.jpg" srcset="/media/k/a-480.jpg 480w, /media/k/a.jpg 800w, https://x.example/b.jpg 2x, //cdn/c.jpg 3x">`,
			[]string{"/media/k/a.jpg", "/media/k/a-480.jpg", "/media/k/a.jpg"}},
	}
	for _, tt := range tests {
		if got := localLinks([]byte(tt.in)); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("localLinks(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDateArchives(t *testing.T) {
	got := DateArchives([]string{"/2015/11/28/a/", "/2015/11/30/b/", "/about/"})
	want := "[/2015/ /2015/11/ /2015/11/28/ /2015/11/30/]"
	if fmt.Sprint(got) != want {
		t.Errorf("DateArchives = %v, want %v", got, want)
	}
}

// TestRunManyPages builds a site with more addresses than a build once
// queued at a time (65,536: workers adding a page's links to a full
// queue waited on each other for ever), from seeds and from links,
// and checks every page is written.
func TestRunManyPages(t *testing.T) {
	const seeds, linked = 40_000, 30_000
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch {
		case r.URL.Path == "/":
			var b strings.Builder
			for i := range linked {
				fmt.Fprintf(&b, `<a href="/linked/%d/">%d</a>`, i, i)
			}
			fmt.Fprint(w, b.String())
		case strings.HasPrefix(r.URL.Path, "/seed/"), strings.HasPrefix(r.URL.Path, "/linked/"):
			fmt.Fprint(w, "<p>page</p>")
		default:
			http.NotFound(w, r)
		}
	})
	paths := make([]string, seeds)
	for i := range paths {
		paths[i] = fmt.Sprintf("/seed/%d/", i)
	}
	out := t.TempDir()
	// Before, this build never ended: the test's time limit fails it.
	res, err := Run(h, Options{Out: out, Seeds: paths})
	if err != nil {
		t.Fatal(err)
	}
	if want := 1 + seeds + linked; res.Written != want {
		t.Errorf("written %d pages, want %d", res.Written, want)
	}
	for _, f := range []string{"index.html", "seed/39999/index.html", "linked/29999/index.html"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
}

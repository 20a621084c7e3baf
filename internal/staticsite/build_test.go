package staticsite

import (
	"fmt"
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

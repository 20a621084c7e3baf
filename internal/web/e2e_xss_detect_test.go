package web_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestSweepDetects serves pages with script in them, each a way the
// sweep must notice, to the sweep's own tabs: a sweep that cannot see
// an execution could never fail. With the CSP on, the inline cases are
// blocked and only their leftovers count; with it off, they run.
func TestSweepDetects(t *testing.T) {
	pages := map[string]string{
		"/clean":      `<p>Nothing runs here.</p><a href="/clean">a link</a>`,
		"/inline":     `<script>alert("inline")</script>`,
		"/onerror":    `<img src="/missing.png" onerror="alert('onerror')">`,
		"/onclick":    `<b onclick="confirm('onclick')">bold</b>`,
		"/animation":  `<style>@keyframes k{}</style><i style="animation:k 1ms" onanimationstart="prompt('anim')">i</i>`,
		"/jsurl":      `<a href="java&#x09;script:alert('href')">a link</a>`,
		"/frame":      `<iframe src="data:text/html,hello"></iframe>`,
		"/navigates":  `<script>location.replace("/clean")</script>`,
		"/script.js":  `alert("same origin")`,
		"/own-script": `<script src="/script.js"></script>`,
		"/svg":        `<svg><a href="javascript:alert('svg')"><text y="20">svg</text></a></svg>`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Security-Policy", "script-src 'self'; frame-src 'none'")
		if r.URL.Path == "/script.js" {
			w.Header().Set("Content-Type", "text/javascript")
			w.Write([]byte(body))
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<!doctype html><title>t</title>" + body))
	}))
	defer srv.Close()
	root := newChromeFor(t, 2*time.Minute)
	tests := []struct {
		path            string
		ranOn, ranOff   bool
		leftOn, leftOff bool
	}{
		{"/clean", false, false, false, false},
		{"/inline", false, true, true, true},
		{"/onerror", false, true, true, true},
		{"/onclick", false, true, true, true},
		{"/animation", false, true, true, true},
		{"/jsurl", false, false, true, true},
		{"/frame", false, true, true, true},
		// Once the script has run, the page checked is the clean one.
		{"/navigates", false, true, true, false},
		{"/own-script", true, true, false, false},
		{"/svg", false, false, true, true},
	}
	tabs := []*sweepTab{newSweepTab(t, root, srv.URL, "", false), newSweepTab(t, root, srv.URL, "", true)}
	for _, tt := range tests {
		for _, tb := range tabs {
			tb.ran, tb.left, tb.problems = nil, nil, nil
			tb.open(tt.path)
			want, wantLeft := tt.ranOn, tt.leftOn
			if tb.cspOff {
				want, wantLeft = tt.ranOff, tt.leftOff
			}
			if got := len(tb.ran) > 0; got != want {
				t.Errorf("%s, %s: ran %v (%q), want %v", tt.path, tb.name(), got, tb.ran, want)
			}
			if got := len(tb.left) > 0; got != wantLeft {
				t.Errorf("%s, %s: leftovers %q, want some: %v", tt.path, tb.name(), tb.left, wantLeft)
			}
			if len(tb.problems) > 0 {
				t.Errorf("%s, %s: %q", tt.path, tb.name(), tb.problems)
			}
		}
	}
}

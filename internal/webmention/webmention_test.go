package webmention_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"folio/internal/blog"
	"folio/internal/webmention"
)

const target = "https://blog.example/2026/12/01/paper/"

// pages serves the source pages and targets the tests read.
func pages() http.Handler {
	mux := http.NewServeMux()
	entry := func(props string) string {
		return `<!doctype html><title>x</title><div class="h-entry">` + props + `</div>`
	}
	mux.HandleFunc("/reply", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, entry(`<a class="u-in-reply-to" href="`+target+`">a post</a>
			<span class="p-author h-card"><img class="u-photo" src="/me.png" alt=""><a class="p-name u-url" href="https://ola.example/">Ola</a></span>
			<time class="dt-published" datetime="2026-12-01T10:00:00Z">today</time>
			<div class="e-content">Paper <b>keeps</b>.</div>`))
	})
	mux.HandleFunc("/like", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, entry(`<a class="u-like-of" href="`+target+`">liked</a><span class="p-author">Pia</span>`))
	})
	mux.HandleFunc("/mention", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, entry(`<p class="e-content">I read <a href="`+target+`">this</a>.</p>`))
	})
	mux.HandleFunc("/unrelated", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, entry(`<p class="e-content">Nothing about it.</p>`))
	})
	mux.HandleFunc("/gone", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "gone", http.StatusGone) })
	mux.HandleFunc("/by-header", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Link", `<https://other.example/>; rel="alternate"`)
		w.Header().Add("Link", `</endpoint?x=1>; rel="webmention"`)
		fmt.Fprint(w, `<!doctype html><title>x</title>`)
	})
	mux.HandleFunc("/by-link", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><title>x</title><link rel="webmention" href="/wm"><a rel="webmention" href="/not-first">x</a>`)
	})
	mux.HandleFunc("/none", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `<!doctype html><title>x</title>`) })
	return mux
}

// TestVerify reads the kinds of source pages from a real server on
// loopback, with private peers allowed.
func TestVerify(t *testing.T) {
	srv := httptest.NewServer(pages())
	defer srv.Close()
	c := webmention.NewClient(true)
	for _, tc := range []struct {
		path   string
		want   blog.SourcePage
		author bool
	}{
		{"/reply", blog.SourcePage{Links: true, Kind: blog.MentionReply, AuthorName: "Ola", AuthorURL: "https://ola.example/",
			AuthorPhoto: srv.URL + "/me.png", Content: "Paper keeps."}, true},
		{"/like", blog.SourcePage{Links: true, Kind: blog.MentionLike, AuthorName: "Pia"}, true},
		{"/mention", blog.SourcePage{Links: true, Kind: blog.MentionMention, Content: "I read this."}, false},
		{"/unrelated", blog.SourcePage{Kind: blog.MentionMention, Content: "Nothing about it."}, false},
		{"/gone", blog.SourcePage{Gone: true}, false},
	} {
		got, err := c.Verify(t.Context(), srv.URL+tc.path, target)
		if err != nil {
			t.Errorf("%s: %v", tc.path, err)
			continue
		}
		got.Published = tc.want.Published
		if *got != tc.want {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.path, *got, tc.want)
		}
	}
}

// TestEndpoint discovers endpoints from a Link header (the first with
// rel=webmention, relative to the page), from the first <link> or <a>,
// or finds none.
func TestEndpoint(t *testing.T) {
	srv := httptest.NewServer(pages())
	defer srv.Close()
	c := webmention.NewClient(true)
	for path, want := range map[string]string{"/by-header": srv.URL + "/endpoint?x=1", "/by-link": srv.URL + "/wm", "/none": ""} {
		if got, err := c.Endpoint(t.Context(), srv.URL+path); err != nil || got != want {
			t.Errorf("%s: %q, %v; want %q", path, got, err, want)
		}
	}
}

// TestRefusesPrivatePeers: without FOLIO_ALLOW_PRIVATE_PEERS the client
// fetches https only, and refuses a loopback address even over https,
// at connection time, for fetching and for sending alike.
func TestRefusesPrivatePeers(t *testing.T) {
	plain := httptest.NewServer(pages())
	defer plain.Close()
	tlsSrv := httptest.NewTLSServer(pages())
	defer tlsSrv.Close()
	c := webmention.NewClient(false)
	if _, err := c.Verify(t.Context(), plain.URL+"/reply", target); err == nil || !strings.Contains(err.Error(), "only https") {
		t.Errorf("plain http: %v", err)
	}
	if _, err := c.Verify(t.Context(), tlsSrv.URL+"/reply", target); err == nil || !strings.Contains(err.Error(), "private") {
		t.Errorf("https on loopback: %v", err)
	}
	if _, err := c.Endpoint(t.Context(), "https://localhost:1/"); err == nil || !strings.Contains(err.Error(), "private") {
		t.Errorf("localhost: %v", err)
	}
	if err := c.Send(t.Context(), "https://10.0.0.1/webmention", "https://a.example/", target); err == nil || !strings.Contains(err.Error(), "private") {
		t.Errorf("sending to a private network: %v", err)
	}
}

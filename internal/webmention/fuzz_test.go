package webmention

import (
	"net/url"
	"testing"

	"folio/internal/blog"
)

// FuzzReadSource reads arbitrary pages as mention sources: it never
// fails, and says a page is a reply, like or repost only when it names
// the target.
func FuzzReadSource(f *testing.F) {
	const target = "https://blog.example/post/"
	for _, seed := range []string{
		`<div class="h-entry"><a class="u-in-reply-to" href="https://blog.example/post/">re</a><div class="e-content">Hi</div></div>`,
		`<div class="h-entry"><div class="u-like-of h-cite"><a class="u-url" href="/post/">x</a></div><span class="p-author h-card">Pia</span></div>`,
		`<a href='https://blog.example/post'>plain</a>`,
		`<div class="h-entry"><time class="dt-published">not a date</time>`,
		`<a href="`,
	} {
		f.Add([]byte(seed))
	}
	base, _ := url.Parse("https://blog.example/")
	f.Fuzz(func(t *testing.T, body []byte) {
		page := readSource(body, base, target)
		if page.Kind != blog.MentionMention && !page.Links {
			t.Fatalf("a %s that does not link the target", page.Kind)
		}
	})
}

// FuzzRelHas checks Link header parameters are read without failing.
func FuzzRelHas(f *testing.F) {
	for _, seed := range []string{`rel="webmention"`, ` rel=webmention; type="text/html"`, `rel="me webmention"`, `rel`, `;;=`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, params string) {
		relHas(params, "webmention")
	})
}

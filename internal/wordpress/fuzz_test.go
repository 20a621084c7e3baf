package wordpress_test

import (
	"errors"
	"strings"
	"testing"

	"folio/internal/htmlcheck"
	"folio/internal/markdown"
	"folio/internal/wordpress"
)

// FuzzRead feeds the export reader arbitrary documents: it must never
// panic, and must fail only with a syntax error or ErrNotWXR.
func FuzzRead(f *testing.F) {
	f.Add(site)
	f.Add(wxr(""))
	f.Add(`<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "b">]><rss><channel>&a;</channel></rss>`)
	f.Add(`<rss><channel><wp:wxr_version>1.2</wp:wxr_version><item><wp:comment></item></channel></rss>`)
	f.Fuzz(func(t *testing.T, doc string) {
		err := wordpress.Read(strings.NewReader(doc), wordpress.Handler{
			Item: func(*wordpress.Item) error { return nil }, Author: func(*wordpress.Author) error { return nil },
			Term: func(*wordpress.Term) error { return nil }})
		var se *wordpress.SyntaxError
		if err != nil && !errors.As(err, &se) && !errors.Is(err, wordpress.ErrNotWXR) {
			t.Fatalf("Read failed with %T: %v", err, err)
		}
	})
}

// FuzzConvert runs WordPress post text through the conversion an
// import applies (shortcodes, then wpautop) and the post renderer: the
// HTML a reader gets must be safe whatever the text.
func FuzzConvert(f *testing.F) {
	for _, seed := range []string{
		"Line one\nline two\n\nPara", `[caption id="a" align="alignleft" width="300"]<img src="x.jpg"> A caption[/caption]`,
		`[gallery ids="1,2"]`, `[embed]javascript:alert(1)[/embed]`, "<pre>keep\n\nthis</pre>", `[caption]<img src=x onerror=alert(1)>[/caption]`,
	} {
		f.Add(seed)
	}
	r := markdown.NewPosts()
	f.Fuzz(func(t *testing.T, text string) {
		content, _ := wordpress.Shortcodes(text, func(int64) string { return "/uploads/pic.jpg" })
		got, err := r.Render(wordpress.Autop(content), nil)
		if err != nil {
			return
		}
		if problem := htmlcheck.Unsafe(got.HTML); problem != "" {
			t.Fatalf("%q became %s: %q", text, problem, got.HTML)
		}
	})
}

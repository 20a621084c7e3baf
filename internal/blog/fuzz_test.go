package blog_test

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"folio/internal/blog"
)

// FuzzLocalPath checks that a path LocalPath accepts stays on the site
// when a browser resolves it against the site's address.
func FuzzLocalPath(f *testing.F) {
	for _, seed := range []string{"/a/b/", "//evil.example", "/\\evil.example", "/\t/evil.example", "/%2F/x", "/a?b=//c", "https://x"} {
		f.Add(seed)
	}
	base, _ := url.Parse("https://blog.example/2015/")
	f.Fuzz(func(t *testing.T, p string) {
		if !blog.LocalPath(p) {
			return
		}
		ref, err := url.Parse(p)
		if err != nil {
			t.Fatalf("LocalPath accepted unparseable %q", p)
		}
		if got := base.ResolveReference(ref); got.Host != "blog.example" || got.Scheme != "https" {
			t.Fatalf("LocalPath accepted %q, which leads to %s", p, got)
		}
	})
}

// FuzzWebAddress checks WebAddress returns only absolute http and https
// addresses.
func FuzzWebAddress(f *testing.F) {
	for _, seed := range []string{"https://a.example/x", "javascript:alert(1)", " http://b.example ", "//c.example", "data:text/html,x", "HTTPS://D.example"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := blog.WebAddress(in)
		if out == "" {
			return
		}
		u, err := url.Parse(out)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			t.Fatalf("WebAddress(%q) = %q", in, out)
		}
	})
}

// FuzzSlugify checks a slug is a clean URL segment whatever the title:
// lower-case letters, digits and single hyphens inside, within bounds.
func FuzzSlugify(f *testing.F) {
	for _, seed := range []string{"Hello, World!", "Ça va? Ünïcödé", "日本語のタイトル", "--x--", "don't stop", "a\u0301b"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, title string) {
		s := blog.Slugify(title)
		if s == "" {
			return
		}
		if strings.HasPrefix(s, "-") || strings.HasSuffix(s, "-") || strings.Contains(s, "--") || utf8.RuneCountInString(s) > 80 ||
			!utf8.ValidString(s) || strings.ContainsAny(s, "/?#%&<>\"' ") || s != strings.ToLower(s) {
			t.Fatalf("Slugify(%q) = %q", title, s)
		}
	})
}

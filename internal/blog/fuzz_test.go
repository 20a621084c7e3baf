package blog_test

import (
	"net/url"
	"slices"
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

// FuzzParseAuthRequest checks that an IndieAuth request ParseAuthRequest
// accepts sends the writer back only to the app's own host, carries a
// PKCE challenge of the allowed length, and asks only for known scopes.
func FuzzParseAuthRequest(f *testing.F) {
	for _, seed := range []string{
		"response_type=code&client_id=https://app.example/&redirect_uri=https://app.example/cb&code_challenge=" + strings.Repeat("a", 43) + "&code_challenge_method=S256&scope=create+media",
		"client_id=https://app.example/&redirect_uri=https://evil.example/&code_challenge_method=S256",
		"client_id=https://user:pw@app.example/&redirect_uri=https://app.example/",
		"client_id=http://app.example:8080/&redirect_uri=http://APP.example:8080/cb&code_challenge_method=S256&code_challenge=" + strings.Repeat("b", 128),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		r, err := blog.ParseAuthRequest(q)
		if err != nil {
			return
		}
		client, err1 := url.Parse(r.ClientID)
		redirect, err2 := url.Parse(r.RedirectURI)
		if err1 != nil || err2 != nil || !strings.EqualFold(client.Host, redirect.Host) || client.Scheme != redirect.Scheme || client.User != nil {
			t.Fatalf("accepted a redirect off the client's host: %+v", r)
		}
		if n := len(r.CodeChallenge); n < 43 || n > 128 {
			t.Fatalf("accepted a challenge of %d characters", n)
		}
		for _, s := range r.Scopes {
			if !slices.Contains(blog.Scopes, s) {
				t.Fatalf("accepted the unknown scope %q", s)
			}
		}
	})
}

// FuzzParseScopes checks that parsed scopes are known and listed once.
func FuzzParseScopes(f *testing.F) {
	for _, seed := range []string{"create media", "create,create", "CREATE+read", "", "admin", " , "} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		scopes, err := blog.ParseScopes(in)
		if err != nil {
			return
		}
		if len(scopes) == 0 {
			t.Fatal("no scopes and no error")
		}
		seen := map[string]bool{}
		for _, s := range scopes {
			if !slices.Contains(blog.Scopes, s) || seen[s] {
				t.Fatalf("ParseScopes(%q) = %v", in, scopes)
			}
			seen[s] = true
		}
	})
}

// FuzzShownInFull checks that a listing shows a post whole exactly when
// its text has no more words than a summary, as strings.Fields counts
// them, and answers the same of the post a build's snapshot holds.
func FuzzShownInFull(f *testing.F) {
	for _, seed := range []string{"", "one", strings.Repeat("word ", 55), strings.Repeat("word ", 56), " \u00a0x\u2003y\n", "\xff \xfe"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		p := &blog.Post{BodyHTML: "<p>x</p>", BodyText: text}
		want := len(strings.Fields(text)) <= 55
		if got := p.ShownInFull(); got != want {
			t.Fatalf("ShownInFull(%q) = %v, want %v", text, got, want)
		}
		// A build's snapshot keeps only the start of the text.
		blog.Shown(p)
		if got := p.ShownInFull(); got != want || !strings.HasPrefix(text, p.BodyText) {
			t.Fatalf("ShownInFull of the snapshot's %q (of %q) = %v, want %v", p.BodyText, text, got, want)
		}
	})
}

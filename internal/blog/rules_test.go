package blog_test

import (
	"strings"
	"testing"
	"time"

	"folio/internal/blog"
)

func TestSlugify(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Hello, World", "hello-world"},
		{"Go 1.22 routing", "go-1-22-routing"},
		{"  --Leading and trailing--  ", "leading-and-trailing"},
		{"Don't panic", "dont-panic"},
		{"Café déjà vu", "cafe-deja-vu"},
		{"Straße in Köln", "strasse-in-koln"},
		{"Łódź and Ærø", "lodz-and-aero"},
		{"日本語のブログ", "日本語のブログ"},
		{"Привет, мир", "привет-мир"},
		{"Ελληνικά κείμενα", "ελληνικά-κείμενα"},
		{"emoji 🎉 party", "emoji-party"},
		{"!!!", ""},
		{"a/b\\c?d#e", "a-b-c-d-e"},
		{strings.Repeat("long ", 40), strings.TrimSuffix(strings.Repeat("long-", 16), "-")},
	}
	for _, tt := range tests {
		got := blog.Slugify(tt.in)
		if got != tt.want {
			t.Errorf("Slugify(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got != "" && !blog.ValidSlug(got) {
			t.Errorf("Slugify(%q) = %q is not a ValidSlug", tt.in, got)
		}
	}
}

func TestValidSlug(t *testing.T) {
	for s, want := range map[string]bool{
		"ok": true, "ok-2": true, "日本": true, "": false, "-x": false, "x-": false, "a--b": false, "Upper": false, "a b": false, "a/b": false,
	} {
		if got := blog.ValidSlug(s); got != want {
			t.Errorf("ValidSlug(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestPermalink(t *testing.T) {
	post := &blog.Post{ID: 42, Slug: "hello", PublishedAt: time.Date(2015, 11, 28, 23, 30, 0, 0, time.UTC),
		Author: &blog.User{Slug: "ada"}, Categories: []blog.Term{{Slug: "essays"}}}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	tests := []struct {
		pattern string
		loc     *time.Location
		want    string
	}{
		{blog.DefaultPermalink, time.UTC, "/2015/11/28/hello/"},
		{blog.DefaultPermalink, berlin, "/2015/11/29/hello/"},
		{"/%year%/%monthnum%/%postname%/", time.UTC, "/2015/11/hello/"},
		{"/archives/%post_id%/", time.UTC, "/archives/42/"},
		{"/%category%/%postname%-%post_id%/", time.UTC, "/essays/hello-42/"},
		{"/by/%author%/%postname%/", time.UTC, "/by/ada/hello/"},
		{"/%year%/%monthnum%/%day%/%hour%%minute%%second%/%postname%/", time.UTC, "/2015/11/28/233000/hello/"},
	}
	for _, tt := range tests {
		p, err := blog.ParsePermalink(tt.pattern)
		if err != nil {
			t.Fatalf("ParsePermalink(%q): %v", tt.pattern, err)
		}
		got := p.Build(post, tt.loc)
		if got != tt.want {
			t.Errorf("Build(%q) = %q, want %q", tt.pattern, got, tt.want)
		}
		m, ok := p.Match(got)
		if !ok || (m.Slug != "hello" && m.ID != 42) {
			t.Errorf("Match(%q) = %+v, %v", got, m, ok)
		}
	}
	p, _ := blog.ParsePermalink(blog.DefaultPermalink)
	for _, path := range []string{"/2015/11/28/", "/2015/11/hello/", "/tag/x/", "/2015/11/28/hello/extra/", "/15/11/28/hello/"} {
		if m, ok := p.Match(path); ok {
			t.Errorf("Match(%q) = %+v, want no match", path, m)
		}
	}
	for _, bad := range []string{"", "no-slash", "/%year%/", "/%postname%", "/%nope%/%postname%/", "/%postname%/%", "/%category%/%postname%/"} {
		if _, err := blog.ParsePermalink(bad); err == nil {
			t.Errorf("ParsePermalink(%q) succeeded, want an error", bad)
		}
	}
}

func TestSettingsApply(t *testing.T) {
	def := blog.DefaultSettings()
	st, err := blog.SettingsInput{"title": " Notes ", "posts_per_page": "5", "time_zone": "Europe/Berlin", "base_url": "https://example.com/"}.Apply(def)
	if err != nil {
		t.Fatal(err)
	}
	if st.Title != "Notes" || st.PostsPerPage != 5 || st.Location().String() != "Europe/Berlin" || st.BaseURL != "https://example.com" || !st.Secure() {
		t.Errorf("Apply = %+v", st)
	}
	_, err = blog.SettingsInput{"title": "", "posts_per_page": "0", "time_zone": "Mars/Olympus", "base_url": "ftp://x",
		"language": "e", "permalink": "/x/"}.Apply(def)
	v, ok := err.(*blog.ValidationError)
	if !ok {
		t.Fatalf("Apply err = %v, want *ValidationError", err)
	}
	for _, f := range []string{"title", "posts_per_page", "time_zone", "base_url", "language", "permalink"} {
		if v.Fields[f].ID == "" {
			t.Errorf("no message for %s", f)
		}
	}
	// Wording left empty, or the English default an older site stored,
	// follows the language; anything else the writer typed stays.
	worded := blog.SettingsFromValues(map[string]string{"date_layout": "l, F jS, Y", "time_layout": "", "comment_heading": "Leave a Reply"})
	if worded.DateLayout != "" || worded.TimeLayout != "" || worded.Discussion.Heading != "" {
		t.Errorf("default wording kept: %q %q %q", worded.DateLayout, worded.TimeLayout, worded.Discussion.Heading)
	}
	if own := blog.SettingsFromValues(map[string]string{"date_layout": "j.n.Y", "comment_heading": "Talk back"}); own.DateLayout != "j.n.Y" || own.Discussion.Heading != "Talk back" {
		t.Errorf("the writer's wording was dropped: %q %q", own.DateLayout, own.Discussion.Heading)
	}
	// Stored values that no longer parse fall back to defaults.
	got := blog.SettingsFromValues(map[string]string{"title": "Kept", "time_zone": "Nowhere/Else", "posts_per_page": "x"})
	if got.Title != "Kept" || got.TimeZone != "UTC" || got.PostsPerPage != def.PostsPerPage {
		t.Errorf("SettingsFromValues = %+v", got)
	}
}

func TestCreditSource(t *testing.T) {
	src := blog.Source{URL: "https://example.org/a?x=1&y=2", Title: "The <Original>", Site: "Example Times"}
	body := "<p>Intro</p>\n<blockquote>\n<p>Outer</p>\n<blockquote>\n<p>Inner</p>\n</blockquote>\n</blockquote>\n<p>After</p>\n<blockquote><p>Second</p></blockquote>\n"
	got := blog.CreditSource(body, src, "Source:")
	want := "<p>Intro</p>\n<blockquote cite=\"https://example.org/a?x=1&amp;y=2\">\n<p>Outer</p>\n<blockquote>\n<p>Inner</p>\n</blockquote>\n</blockquote>\n" +
		"<p class=\"source\">— <cite><a href=\"https://example.org/a?x=1&amp;y=2\">The &lt;Original&gt;</a></cite>, Example Times</p>\n\n<p>After</p>\n<blockquote><p>Second</p></blockquote>\n"
	if got != want {
		t.Errorf("CreditSource =\n%s\nwant\n%s", got, want)
	}
	noQuote := blog.CreditSource("<p>Only text</p>", blog.Source{URL: "https://example.org/b"}, "Source:")
	if !strings.Contains(noQuote, `<p class="source">Source: <cite><a href="https://example.org/b">example.org</a></cite></p>`) {
		t.Errorf("CreditSource without blockquote = %s", noQuote)
	}
	if got := blog.CreditSource("<p>x</p>", blog.Source{}, "Source:"); got != "<p>x</p>" {
		t.Errorf("CreditSource with no source changed the body: %s", got)
	}
}

func TestSummarize(t *testing.T) {
	short := "one two three"
	if got := blog.Summarize(short); got != short {
		t.Errorf("Summarize(short) = %q", got)
	}
	long := strings.Repeat("word ", 100)
	got := blog.Summarize(long)
	if !strings.HasSuffix(got, "…") || len(strings.Fields(got)) != 55 {
		t.Errorf("Summarize(long) = %q", got)
	}
}

package wordpress_test

import (
	"strings"
	"testing"

	"folio/internal/wordpress"
)

func TestAutop(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"One paragraph.", "<p>One paragraph.</p>\n"},
		{"First.\n\nSecond.", "<p>First.</p>\n<p>Second.</p>\n"},
		{"Line one\nline two", "<p>Line one<br />\nline two</p>\n"},
		{"First.\r\n\r\n\r\n\r\nSecond.", "<p>First.</p>\n<p>Second.</p>\n"},
		{"Before\n<blockquote>Quoted</blockquote>\nAfter", "<p>Before</p>\n<blockquote><p>Quoted</p></blockquote>\n<p>After</p>\n"},
		{"<h2>Title</h2>\nText", "<h2>Title</h2>\n<p>Text</p>\n"},
		{"<ul>\n<li>a</li>\n<li>b</li>\n</ul>", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"},
		{"Code:\n<pre>line 1\n\nline 3</pre>\nDone", "<p>Code:</p>\n<pre>line 1\n\nline 3</pre>\n<p>Done</p>\n"},
		{"A <a href=\"x\"\ntitle=\"y\">link</a> here", "<p>A <a href=\"x\"\ntitle=\"y\">link</a> here</p>\n"},
		{"Hard<br><br>break", "<p>Hard</p>\n<p>break</p>\n"},
	}
	for _, tt := range tests {
		if got := wordpress.Autop(tt.in); got != tt.want {
			t.Errorf("Autop(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
		}
	}
}

// TestCaptionFigureHasNoStrayParagraph converts a [caption] around an
// image, as the import does (shortcodes, then wpautop): the figure comes
// out whole, with no </p> inside it.
func TestCaptionFigureHasNoStrayParagraph(t *testing.T) {
	for _, in := range []string{
		"Before.\n\n[caption id=\"attachment_5\" align=\"alignright\" width=\"300\"]<img src=\"a.jpg\" alt=\"A\"> A lake at dawn[/caption]\n\nAfter.",
		"[caption align=\"alignnone\"]<a href=\"b.jpg\"><img src=\"a.jpg\" alt=\"A\" /></a> A lake\nat dawn[/caption]",
	} {
		c, _ := wordpress.Shortcodes(in, func(int64) string { return "" })
		got := wordpress.Autop(c)
		start, end := strings.Index(got, "<figure"), strings.Index(got, "</figure>")
		if start < 0 || end < start {
			t.Fatalf("no figure in %q", got)
		}
		if fig := got[start:end]; strings.Contains(fig, "<p>") || strings.Contains(fig, "</p>") {
			t.Errorf("the figure holds paragraph tags: %q", fig)
		}
	}
}

func TestShortcodes(t *testing.T) {
	urls := map[int64]string{10: "https://old.example/wp-content/uploads/a.jpg", 11: "https://old.example/wp-content/uploads/b.jpg"}
	tests := []struct {
		in, want string
		unknown  []string
	}{
		{`[caption id="attachment_5" align="alignright" width="300"]<img src="a.jpg" alt="A"> A lake at dawn[/caption]`,
			`<figure class="wp-caption alignright"><img src="a.jpg" alt="A"><figcaption>A lake at dawn</figcaption></figure>`, nil},
		{`[caption align="aligncenter"]<a href="big.jpg"><img src="small.jpg"></a> Linked[/caption]`,
			`<figure class="wp-caption aligncenter"><a href="big.jpg"><img src="small.jpg"></a><figcaption>Linked</figcaption></figure>`, nil},
		{`[gallery ids="10,11,99"]`, `<ul class="gallery"><li><a href="https://old.example/wp-content/uploads/a.jpg"><img src="https://old.example/wp-content/uploads/a.jpg" alt=""></a></li><li><a href="https://old.example/wp-content/uploads/b.jpg"><img src="https://old.example/wp-content/uploads/b.jpg" alt=""></a></li></ul>`, nil},
		{`[embed]https://video.example/watch?v=1&t=2[/embed]`, `<a href="https://video.example/watch?v=1&amp;t=2">https://video.example/watch?v=1&amp;t=2</a>`, nil},
		{"Watch:\nhttps://video.example/v/42\nNice.", "Watch:\n<a href=\"https://video.example/v/42\">https://video.example/v/42</a>\nNice.", nil},
		{`[contact-form-7 id="3"] and [audio src="x.mp3"] and [contact-form-7 id="4"]`, `[contact-form-7 id="3"] and [audio src="x.mp3"] and [contact-form-7 id="4"]`, []string{"contact-form-7", "audio"}},
		{`Use [[gallery]] to show a gallery.`, `Use [gallery] to show a gallery.`, nil},
	}
	for _, tt := range tests {
		got, unknown := wordpress.Shortcodes(tt.in, func(id int64) string { return urls[id] })
		if got != tt.want || strings.Join(unknown, ",") != strings.Join(tt.unknown, ",") {
			t.Errorf("Shortcodes(%q) =\n%q %v\nwant\n%q %v", tt.in, got, unknown, tt.want, tt.unknown)
		}
	}
}

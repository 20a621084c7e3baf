package wordpress_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"

	"folio/internal/htmlcheck"
	"folio/internal/markdown"
	"folio/internal/wordpress"
)

// TestCommentText imports WordPress replies' HTML and checks what a
// reader is shown: the HTML folio's reply renderer makes of it.
func TestCommentText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"WordPress's first reply", `Hi, this is a comment.<br />To delete a comment, just log in and view the post&#039;s comments.`,
			"<p>Hi, this is a comment.<br>\nTo delete a comment, just log in and view the post&#39;s comments.</p>\n"},
		{"plain lines", "First line\nsecond line\n\nNext paragraph",
			"<p>First line<br>\nsecond line</p>\n<p>Next paragraph</p>\n"},
		{"paragraphs", "<p>One</p><p>Two</p>", "<p>One</p>\n<p>Two</p>\n"},
		{"emphasis", "<b>bold</b>, <strong>strong</strong>, <i>it</i>, <em> em </em> and <del>gone</del>",
			"<p><strong>bold</strong>, <strong>strong</strong>, <em>it</em>,  <em>em</em>  and <del>gone</del></p>\n"},
		{"a link", `See <a href="https://example.com/a_(b)" rel="nofollow">the *notes*</a>.`,
			`<p>See <a href="https://example.com/a_%28b%29" rel="nofollow ugc noopener">the *notes*</a>.</p>` + "\n"},
		{"a script link keeps its text", `<a href="javascript:alert(1)">click</a>`, "<p>click</p>\n"},
		{"a bare address link", `<a href="https://example.com/x"></a>`,
			`<p><a href="https://example.com/x" rel="nofollow ugc noopener">https://example.com/x</a></p>` + "\n"},
		{"marks in the text stay text", `2 * 3 = 6, [not a link](x) and snake_case`,
			"<p>2 * 3 = 6, [not a link](x) and snake_case</p>\n"},
		{"a line that looks like a list", "1. not a list\n- nor this\n> nor a quote",
			"<p>1. not a list<br>\n- nor this<br>\n&gt; nor a quote</p>\n"},
		{"escaped markup stays text", "&lt;b&gt;not bold&lt;/b&gt;", "<p>&lt;b&gt;not bold&lt;/b&gt;</p>\n"},
		{"code", "Run <code>go test ./...</code> or <code>a`b</code>", "<p>Run <code>go test ./...</code> or <code>a`b</code></p>\n"},
		{"a quote", "<blockquote>Quoted <em>words</em><br>two lines</blockquote>Reply",
			"<blockquote>\n<p>Quoted <em>words</em><br>\ntwo lines</p>\n</blockquote>\n<p>Reply</p>\n"},
		{"a preformatted block", "<pre>  indented\n*raw*</pre>", "<pre><code>  indented\n*raw*\n</code></pre>\n"},
		{"a list", "<ul><li>one</li><li>two</li></ul>", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"},
		{"indented text is not code", "    four spaces", "<p>four spaces</p>\n"},
		{"scripts and images drop", `<script>alert(1)</script><img src=x onerror=alert(1)>Text`, "<p>Text</p>\n"},
	}
	r := markdown.NewComments()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			md := wordpress.CommentText(tt.in)
			got, err := r.RenderComment(md)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("CommentText(%q) = %q\nrenders %q\nwant    %q", tt.in, md, got, tt.want)
			}
		})
	}
}

// FuzzCommentText: whatever a WordPress reply holds, converting it never
// panics, and what a reader gets stays safe and keeps the reply's words.
func FuzzCommentText(f *testing.F) {
	for _, seed := range []string{
		"Hi<br />there", "<p>a</p><p>b</p>", `<a href="https://x.example/">x</a>`, "<blockquote><blockquote>deep</blockquote></blockquote>",
		"<code>``</code>", "<pre>```</pre>", "1) two\n# three", `<a href="javascript:x">y</a>`, "<b><i>both</i></b>", "<li>",
	} {
		f.Add(seed)
	}
	r := markdown.NewComments()
	f.Fuzz(func(t *testing.T, in string) {
		out, err := r.RenderComment(wordpress.CommentText(in))
		if err != nil {
			t.Fatal(err)
		}
		if problem := htmlcheck.Unsafe(out); problem != "" {
			t.Fatalf("CommentText(%q) renders unsafe HTML (%s): %s", in, problem, out)
		}
		if strings.Contains(in, "<") {
			return
		}
		// Text without markup: every word the reply has is shown.
		for _, w := range strings.Fields(in) {
			if strings.ContainsAny(w, "&\\") || !utf8.ValidString(w) || strings.ContainsFunc(w, unicode.IsControl) {
				continue
			}
			if !strings.Contains(htmlText(out), w) {
				t.Fatalf("%q: the word %q is lost: %s", in, w, out)
			}
		}
	})
}

// htmlText is the text of an HTML fragment, its entities read.
func htmlText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
		if tt == html.TextToken {
			b.Write(z.Text())
		}
	}
	return b.String()
}

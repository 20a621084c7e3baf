package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"folio/internal/wordpress"
)

// importedThread is a WordPress export of one post with a threaded
// conversation, a pingback and a held reply.
const importedThread = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Old blog</title><link>https://old.example</link><wp:wxr_version>1.2</wp:wxr_version><wp:base_blog_url>https://old.example</wp:base_blog_url>
<wp:author><wp:author_login>wren</wp:author_login><wp:author_email>wren@example.com</wp:author_email><wp:author_display_name>Wren</wp:author_display_name></wp:author>
<item><title>Swifts over the river</title><link>https://old.example/2012/06/swifts/</link><dc:creator>wren</dc:creator>
<content:encoded><![CDATA[They came back on the first warm evening.

[caption align="alignnone"]<img src="https://old.example/wp-content/uploads/swifts.jpg" alt="Swifts"> Screaming parties[/caption]

Dozens of them, low over the water.]]></content:encoded>
<wp:post_id>7</wp:post_id><wp:post_date_gmt>2012-06-01 19:00:00</wp:post_date_gmt><wp:comment_status>open</wp:comment_status>
<wp:post_name>swifts</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<wp:comment><wp:comment_id>70</wp:comment_id><wp:comment_author>Ola</wp:comment_author><wp:comment_author_email>ola@example.com</wp:comment_author_email><wp:comment_date_gmt>2012-06-02 08:00:00</wp:comment_date_gmt><wp:comment_content>How many did you count?</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent></wp:comment>
<wp:comment><wp:comment_id>71</wp:comment_id><wp:comment_author>Wren</wp:comment_author><wp:comment_author_email>wren@example.com</wp:comment_author_email><wp:comment_date_gmt>2012-06-02 09:00:00</wp:comment_date_gmt><wp:comment_content>About forty.</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>70</wp:comment_parent></wp:comment>
<wp:comment><wp:comment_id>72</wp:comment_id><wp:comment_author>Birding Weekly</wp:comment_author><wp:comment_author_url>https://birding.example/links</wp:comment_author_url><wp:comment_date_gmt>2012-06-03 09:00:00</wp:comment_date_gmt><wp:comment_content>[...] a lovely note on swifts [...]</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_type>pingback</wp:comment_type><wp:comment_parent>0</wp:comment_parent></wp:comment>
<wp:comment><wp:comment_id>73</wp:comment_id><wp:comment_author>Spammer</wp:comment_author><wp:comment_date_gmt>2012-06-04 09:00:00</wp:comment_date_gmt><wp:comment_content>cheap pills</wp:comment_content><wp:comment_approved>spam</wp:comment_approved><wp:comment_parent>0</wp:comment_parent></wp:comment>
</item></channel></rss>`

// TestBrowserImportedThread checks that an imported post reads as it did
// in WordPress, with its conversation nested, and that the old address
// leads there.
func TestBrowserImportedThread(t *testing.T) {
	ctx := newChrome(t)
	s := newSiteWithAdmin(t)
	if _, err := wordpress.Import(t.Context(), s.svc.Moving, nil, strings.NewReader(importedThread), wordpress.Options{}); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "open the old address",
		chromedp.Navigate(s.URL+"/2012/06/swifts/"),
		chromedp.WaitVisible(chromedp.CSS("article.post h1")),
	)
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.HasSuffix(loc, "/2012/06/01/swifts/") {
		t.Errorf("the old address led to %s", loc)
	}
	checks := []struct{ what, sel, want string }{
		{"title", "article.post h1", "Swifts over the river"},
		{"paragraphs", ".post-body p:first-of-type", "They came back on the first warm evening."},
		{"caption", ".post-body figure figcaption", "Screaming parties"},
		{"reply count", "#replies-heading", "3 replies"},
		{"first reply", "#replies .comment-list > li.comment:first-child > article .comment-body", "How many did you count?"},
		{"nested answer", "#replies .comment-list > li.comment:first-child > ol.children > li.comment .comment-body", "About forty."},
		{"pingback", "#replies .comment-list > li.comment:nth-child(2) .comment-author", "Birding Weekly"},
	}
	for _, c := range checks {
		if got := strings.TrimSpace(text(t, ctx, c.sel)); !strings.Contains(got, c.want) {
			t.Errorf("%s = %q, want %q", c.what, got, c.want)
		}
	}
	if body := text(t, ctx, "#replies"); strings.Contains(body, "cheap pills") {
		t.Error("a spam reply is shown")
	}
}

package wordpress

import (
	"strings"
	"testing"

	"folio/internal/htmlcheck"
	"folio/internal/markdown"
)

// FuzzBlocks feeds block markup of any shape (unbalanced, crossed,
// nested, with broken JSON attributes, reusable blocks that use
// themselves) through the import's conversion and the post renderer: it
// must not panic, no complete delimiter may reach the text, and the
// HTML a reader gets must be safe.
func FuzzBlocks(f *testing.F) {
	for _, seed := range []string{
		"<!-- wp:paragraph -->\n<p>a</p>\n<!-- /wp:paragraph -->",
		`<!-- wp:group --><div><!-- wp:columns --><!-- wp:column -->x<!-- /wp:group --><!-- /wp:column -->`,
		`<!-- wp:image {"id":1,"nested":{"a":[1,{"b":"}"}]}} /-->`,
		`<!-- wp:block {"ref":1} /--><!-- wp:block {"ref":1} /-->`,
		`<!-- wp:embed {"url":"javascript:alert(1)"} --><figure>https://x.example</figure><!-- /wp:embed -->`,
		`<!-- wp:quote --><blockquote><p>q</p><cite><a href="https://a.example/">A</a></cite></blockquote><!-- /wp:quote -->`,
		`<!-- wp:footnotes /--><sup data-fn="a" class="fn"><a href="#a" id="a-link">1</a></sup>`,
		`<!-- /wp:x --><!-- wp:y {"a": --> <!-- wp:z`,
		`<!-- wp:shortcode -->[gallery ids="1"]<!-- /wp:shortcode -->`,
	} {
		f.Add(seed)
	}
	r := markdown.NewPosts()
	f.Fuzz(func(t *testing.T, s string) {
		c := &blockConversion{counts: map[string]int{}, wantCite: true, footnotes: `[{"id":"a","content":"<b onclick=x()>n</b>"}]`,
			reusable: func(int64) (string, bool) { return s, true }}
		out := footnoteMarks(c.convert(s))
		for i := 0; ; {
			loc := delimStart.FindStringIndex(out[i:])
			if loc == nil {
				break
			}
			if strings.Contains(out[i+loc[1]:], "-->") {
				t.Fatalf("%q kept a block delimiter: %q", s, out)
			}
			i += loc[1]
		}
		got, err := r.Render(out, nil)
		if err != nil {
			return
		}
		if problem := htmlcheck.Unsafe(got.HTML); problem != "" {
			t.Fatalf("%q became %s: %q", s, problem, got.HTML)
		}
	})
}

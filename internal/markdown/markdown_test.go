package markdown_test

import (
	"regexp"
	"strings"
	"testing"

	"folio/internal/blog"
	"folio/internal/htmlcheck"
	"folio/internal/markdown"
)

func TestRenderFeatures(t *testing.T) {
	r := markdown.NewPosts()
	tests := []struct {
		name, in string
		want     []string
	}{
		{"typographer", `"Quotes" -- and --- dashes...`, []string{"“Quotes” – and — dashes…"}},
		{"heading anchor", "## A Section", []string{`<h2 id="a-section">A Section <a class="anchor" href="#a-section">#</a></h2>`}},
		{"table", "| a | b |\n|:--|--:|\n| 1 | 2 |", []string{"<table>", `<th style="text-align: left">a</th>`, `<td style="text-align: right">2</td>`}},
		{"strikethrough", "~~gone~~", []string{"<del>gone</del>"}},
		{"autolink", "see https://example.com/x now", []string{`<a href="https://example.com/x">https://example.com/x</a>`}},
		{"task list", "- [x] done\n- [ ] todo", []string{`<input checked="" disabled="" type="checkbox"> done`, `<input disabled="" type="checkbox"> todo`}},
		{"footnote", "Text[^1].\n\n[^1]: The note.", []string{`<a class="footnote-ref" href="#fn:1" role="doc-noteref">1</a>`, `<div class="footnotes" role="doc-endnotes">`, "The note."}},
		{"code highlighted with classes", "```go\nfunc main() {}\n```", []string{`<pre class="chroma">`, `<span class="kd">func</span>`}},
		{"blockquote", "> quoted\n> words", []string{"<blockquote>\n<p>quoted\nwords</p>\n</blockquote>"}},
		{"raw html kept when safe", "<figure><figcaption>Cap</figcaption></figure>", []string{"<figure><figcaption>Cap</figcaption></figure>"}},
	}
	for _, tt := range tests {
		got, err := r.Render(tt.in, nil)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		for _, w := range tt.want {
			if !strings.Contains(got.HTML, w) {
				t.Errorf("%s: HTML\n%s\nlacks %q", tt.name, got.HTML, w)
			}
		}
		if strings.Contains(got.HTML, "style=\"color") {
			t.Errorf("%s: inline colour styles in %s", tt.name, got.HTML)
		}
	}
}

func TestRenderExcerptAndText(t *testing.T) {
	got, err := markdown.NewPosts().Render("First *para*.\n\nSecond.\n\n<!--more-->\n\nHidden part.", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got.ExcerptHTML, "<em>para</em>") || strings.Contains(got.ExcerptHTML, "Hidden") {
		t.Errorf("ExcerptHTML = %q", got.ExcerptHTML)
	}
	if strings.Contains(got.HTML, "more") {
		t.Errorf("the more marker leaked into HTML: %q", got.HTML)
	}
	if got.Text != "First para. Second. Hidden part." {
		t.Errorf("Text = %q", got.Text)
	}
	none, _ := markdown.NewPosts().Render("No marker.", nil)
	if none.ExcerptHTML != "" {
		t.Errorf("ExcerptHTML without marker = %q", none.ExcerptHTML)
	}
}

// TestRenderRemovesScript checks that raw HTML in a post cannot run
// script, whoever wrote it.
func TestRenderRemovesScript(t *testing.T) {
	r := markdown.NewPosts()
	for _, in := range []string{
		"<script>alert(1)</script>",
		`<img src=x onerror="alert(1)">`,
		`[click](javascript:alert(1))`,
		`<a href="javascript:alert(1)">x</a>`,
		`<iframe src="https://evil.example"></iframe>`,
		`<div style="background:url(javascript:alert(1))">x</div>`,
		`<svg onload=alert(1)>`,
		"```\n</code></pre><script>alert(1)</script>\n```",
		`<a href="data:text/html,<script>alert(1)</script>">x</a>`,
	} {
		got, err := r.Render(in, nil)
		if err != nil {
			t.Fatal(err)
		}
		if problem := htmlcheck.Unsafe(got.HTML); problem != "" {
			t.Errorf("Render(%q) = %q: %s", in, got.HTML, problem)
		}
	}
}

func FuzzRender(f *testing.F) {
	for _, seed := range []string{"# Title", "<script>x</script>", "[a](javascript:b)", "> q\n\n```go\nx\n```", "| a |\n|---|\n| <b onclick=x> |"} {
		f.Add(seed)
	}
	r := markdown.NewPosts()
	f.Fuzz(func(t *testing.T, in string) {
		got, err := r.Render(in, nil)
		if err != nil {
			return
		}
		if problem := htmlcheck.Unsafe(got.HTML); problem != "" {
			t.Fatalf("Render(%q) produced %s: %q", in, problem, got.HTML)
		}
	})
}

// FuzzPictures renders any text with every picture address taken for a
// library item: the sizes it adds point into the library only, and the
// output stays free of script.
func FuzzPictures(f *testing.F) {
	for _, seed := range []string{"![a](/media/k/x.jpg \"cap\")", "<p><img src=\"/media/k/y.png\" title=\"<b>t</b>\"></p>",
		"[![a](/m.jpg)](/x)", "<img src=\"javascript:alert(1)\">", "![](/a.jpg)\n\n![b](/b.jpg)"} {
		f.Add(seed)
	}
	item := &blog.Media{Key: "00000000000000000000", Name: "x", CopyType: "image/jpeg", Width: 1000, Height: 800}
	r := markdown.NewPosts()
	f.Fuzz(func(t *testing.T, src string) {
		out, err := r.Render(src, func(string) *blog.Media { return item })
		if err != nil {
			return
		}
		for _, m := range srcsetAttr.FindAllStringSubmatch(out.HTML, -1) {
			if m[1] != item.Srcset() {
				t.Fatalf("srcset %q in %q", m[1], out.HTML)
			}
		}
		if strings.Contains(strings.ToLower(out.HTML), "<script") || strings.Contains(strings.ToLower(out.HTML), "=\"javascript:") {
			t.Fatalf("script in %q", out.HTML)
		}
	})
}

var srcsetAttr = regexp.MustCompile(`srcset="([^"]*)"`)

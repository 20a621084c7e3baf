package markdown_test

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"folio/internal/htmlcheck"
	"folio/internal/markdown"
)

func TestRenderCommentSubset(t *testing.T) {
	r := markdown.NewComments()
	tests := []struct{ in, want string }{
		{"Hello *world*", "<p>Hello <em>world</em></p>\n"},
		{"line one\nline two", "<p>line one<br>\nline two</p>\n"},
		{"para one\n\npara two", "<p>para one</p>\n<p>para two</p>\n"},
		{"use `x := 1` here", "<p>use <code>x := 1</code> here</p>\n"},
		{"```\nfunc() {}\n```", "<pre><code>func() {}\n</code></pre>\n"},
		{"> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>\n"},
		{"[site](https://example.com)", `<p><a href="https://example.com" rel="nofollow ugc noopener">site</a></p>` + "\n"},
		{"see https://example.com/a", `<p>see <a href="https://example.com/a" rel="nofollow ugc noopener">https://example.com/a</a></p>` + "\n"},
		{"<b>bold</b> & more", "<p>&lt;b&gt;bold&lt;/b&gt; &amp; more</p>\n"},
		{"<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"},
		{"![cat](https://img.example/cat.png)", `<p><a href="https://img.example/cat.png" rel="nofollow ugc noopener">cat</a></p>` + "\n"},
		{"# not a heading", "<p># not a heading</p>\n"},
		{"[x](javascript:alert(1))", "<p>x</p>\n"},
		{"[rel](/relative/path)", "<p>rel</p>\n"},
	}
	for _, tt := range tests {
		got, err := r.RenderComment(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("RenderComment(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
		}
	}
}

// hostileInputs reads testdata/hostile.txt and adds inputs too large to
// check in.
func hostileInputs(t testing.TB) []string {
	f, err := os.Open("testdata/hostile.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var s string
		if err := json.Unmarshal([]byte(line), &s); err != nil {
			t.Fatalf("testdata/hostile.txt: %q: %v", line, err)
		}
		out = append(out, s)
	}
	return append(out,
		strings.Repeat("<script>", 20000),
		strings.Repeat("[a](javascript:alert(1)) ", 5000),
		strings.Repeat("> ", 5000)+"<img src=x onerror=alert(1)>",
		strings.Repeat("*", 100000),
		strings.Repeat("`", 50000)+"<script>",
		strings.Repeat("[", 30000)+"x"+strings.Repeat("](javascript:x)", 3000),
	)
}

func TestHostileCorpus(t *testing.T) {
	inputs := hostileInputs(t)
	if len(inputs) < 200 {
		t.Fatalf("the hostile corpus has %d inputs, want at least 200", len(inputs))
	}
	comments, posts := markdown.NewComments(), markdown.NewPosts()
	for _, in := range inputs {
		out, err := comments.RenderComment(in)
		if err != nil {
			t.Errorf("RenderComment(%.60q): %v", in, err)
			continue
		}
		if problem := htmlcheck.Unsafe(out); problem != "" {
			t.Errorf("RenderComment(%.80q) has %s:\n%.300s", in, problem, out)
		}
		if strings.Contains(out, "<a ") && strings.Count(out, "<a ") != strings.Count(out, `rel="nofollow ugc noopener"`) {
			t.Errorf("RenderComment(%.80q) has a link without rel=\"nofollow ugc noopener\": %.300s", in, out)
		}
		if strings.Contains(out, "<a ") && strings.Count(out, "<a ") != strings.Count(out, "<a href=") {
			t.Errorf("RenderComment(%.80q) has a link without an address: %.300s", in, out)
		}
		for _, tag := range []string{"<img", "<iframe", "<h1", "<table", "<input"} {
			if strings.Contains(out, tag) {
				t.Errorf("RenderComment(%.80q) has %s", in, tag)
			}
		}
		post, err := posts.Render(in, nil)
		if err != nil {
			t.Errorf("Render(%.60q): %v", in, err)
			continue
		}
		if problem := htmlcheck.Unsafe(post.HTML); problem != "" {
			t.Errorf("Render(%.80q) has %s", in, problem)
		}
	}
}

func FuzzRenderComment(f *testing.F) {
	for _, s := range hostileInputs(f)[:60] {
		f.Add(s)
	}
	r := markdown.NewComments()
	f.Fuzz(func(t *testing.T, in string) {
		out, err := r.RenderComment(in)
		if err != nil {
			return
		}
		if problem := htmlcheck.Unsafe(out); problem != "" {
			t.Fatalf("RenderComment(%q) has %s: %q", in, problem, out)
		}
	})
}

package blog_test

import (
	"strings"
	"testing"

	"folio/internal/blog"
)

// TestSnippet cuts the passage with the most matches and marks them,
// escaped.
func TestSnippet(t *testing.T) {
	long := strings.Repeat("filler ", 40)
	for _, tc := range []struct{ text, q, want string }{
		{"Cook the garden tomatoes slowly with <b>garlic</b> & oil.", "garlic",
			"Cook the garden tomatoes slowly with &lt;b&gt;<mark>garlic</mark>&lt;/b&gt; &amp; oil."},
		{"Tomatoes are running wild.", "tomato run*", "<mark>Tomatoes</mark> are <mark>running</mark> wild."},
		{long + "the river bends here" + " " + long, `"river bends"`, "…filler filler filler filler filler filler filler filler filler filler the <mark>river</mark> <mark>bends</mark> here filler filler filler filler filler filler filler filler filler filler…"},
		{"No match at all in this text.", "absent", "No match at all in this text."},
		{"A cat sat.", "a -cat", "<mark>A</mark> cat sat."},
		{"", "x", ""},
	} {
		if got := blog.Snippet(tc.text, blog.ParseSearch(tc.q)); got != tc.want {
			t.Errorf("Snippet(%q, %q)\n got %q\nwant %q", tc.text, tc.q, got, tc.want)
		}
	}
}

// FuzzSnippet: whatever the text and query, the snippet holds no markup
// but <mark>.
func FuzzSnippet(f *testing.F) {
	f.Add("Cook <b>garlic</b> & oil", "garlic")
	f.Add("é\u0301 ü <script>", `"é" -x*`)
	f.Fuzz(func(t *testing.T, text, q string) {
		out := blog.Snippet(text, blog.ParseSearch(q))
		rest := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(out)
		if strings.ContainsAny(rest, "<>") {
			t.Fatalf("Snippet(%q, %q) = %q", text, q, out)
		}
	})
}

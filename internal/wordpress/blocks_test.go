package wordpress_test

import (
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"folio/internal/wordpress"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestBlockExport imports a block-editor export written by hand (one
// post per core block, nested columns and groups, a reusable block that
// comes after the post using it, classic posts and a post mixing both)
// and compares every imported text, its source and the report with a
// golden file.
func TestBlockExport(t *testing.T) {
	svc, _ := newSite(t)
	doc, err := os.ReadFile(filepath.Join("testdata", "blocks.xml"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := importString(t, svc, string(doc), false)
	if err != nil {
		t.Fatal(err)
	}
	posts, err := svc.Reading.SitemapPosts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(posts, func(i, j int) bool { return posts[i].Slug < posts[j].Slug })
	var b strings.Builder
	for _, p := range posts {
		if p, err = svc.Reading.PublicPost(t.Context(), p.ID); err != nil {
			t.Fatal(err)
		}
		b.WriteString("== " + p.Slug + "\n")
		if !p.Source.IsZero() {
			b.WriteString("source: " + p.Source.Title + " <" + p.Source.URL + ">\n")
		}
		b.WriteString(p.BodyHTML + "\n")
		if strings.Contains(p.BodyHTML, "wp:") || strings.Contains(p.BodyHTML, "<!--") {
			t.Errorf("%s: a block delimiter reached the page: %s", p.Slug, p.BodyHTML)
		}
	}
	b.WriteString("== report\n" + strings.Join(englishNotes(rep), "\n") + "\n")
	golden := filepath.Join("testdata", "blocks.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if b.String() != string(want) {
		t.Errorf("the imported texts differ from %s (go test -update rewrites it after a deliberate change); got:\n%s", golden, b.String())
	}
}

// TestParseBlocks checks the block parser on the shapes WordPress
// writes and on broken ones.
func TestParseBlocks(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"paragraph", "<!-- wp:paragraph -->\n<p>a</p>\n<!-- /wp:paragraph -->", "core/paragraph[\"\\n<p>a</p>\\n\"]"},
		{"void with attributes", `<!-- wp:latest-posts {"postsToShow":3} /-->`, "core/latest-posts{postsToShow}"},
		{"namespaced", `<!-- wp:jetpack/markdown --><p>x</p><!-- /wp:jetpack/markdown -->`, `jetpack/markdown["<p>x</p>"]`},
		{"nested", `<!-- wp:group --><div><!-- wp:paragraph --><p>x</p><!-- /wp:paragraph --></div><!-- /wp:group -->`,
			`core/group["<div>" core/paragraph["<p>x</p>"] "</div>"]`},
		{"freeform between", `a<!-- wp:separator --><hr><!-- /wp:separator -->b`, `"a" core/separator["<hr>"] "b"`},
		{"closer without opener", `x<!-- /wp:paragraph -->y`, `"x" "y"`},
		{"opener left open", `<!-- wp:quote --><blockquote>q`, `core/quote["<blockquote>q"]`},
		{"crossed closers", `<!-- wp:group --><!-- wp:column -->a<!-- /wp:group -->b<!-- /wp:column -->`, `core/group[core/column["a"]] "b"`},
		{"attributes not JSON", `<!-- wp:image {"id": -->x`, `"x"`},
		{"attributes not an object", `<!-- wp:image [1,2] -->x`, `"x"`},
		{"no space before the end", `<!-- wp:paragraph-->x`, `"<!-- wp:paragraph-->x"`},
		{"unterminated", `<!-- wp:paragraph {"a":1}`, `"<!-- wp:paragraph {\"a\":1}"`},
		{"a comment that is not a block", `<!-- more --><!-- wp:more --><!--more--><!-- /wp:more -->`, `"<!-- more -->" core/more["<!--more-->"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := describe(wordpress.ParseBlocks(tt.in)); got != tt.want {
				t.Errorf("%q\n got %s\nwant %s", tt.in, got, tt.want)
			}
		})
	}
}

// describe writes blocks compactly: name{attribute keys}[inner].
func describe(blocks []*wordpress.Block) string {
	parts := make([]string, len(blocks))
	for i, b := range blocks {
		if b.Name == "" {
			parts[i] = strconv.Quote(b.HTML)
			continue
		}
		s := b.Name
		if len(b.Attrs) > 0 {
			keys := make([]string, 0, len(b.Attrs))
			for k := range b.Attrs {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			s += "{" + strings.Join(keys, ",") + "}"
		}
		if len(b.Inner) > 0 {
			s += "[" + describe(b.Inner) + "]"
		}
		parts[i] = s
	}
	return strings.Join(parts, " ")
}

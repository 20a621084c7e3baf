package blog_test

import (
	"fmt"
	"strings"
	"testing"

	"folio/internal/blog"
)

func TestParseSearch(t *testing.T) {
	tests := []struct {
		in   string
		want string // terms as text: +word, "phrase", word*, -word
	}{
		{"garden tomato", "garden tomato"},
		{`"basil is fine" summer`, `"basil is fine" summer`},
		{"tom*", "tom*"},
		{"garden -sauce", "garden -sauce"},
		{`-"bad phrase" good`, `-"bad phrase" good`},
		{`unbalanced "quote here`, "unbalanced quote here"},
		{`AND OR NOT NEAR(a, b)`, "and or not near a b"},
		{`title:garden`, "title garden"},
		{`"""`, ""},
		{`""`, ""},
		{"-", ""},
		{"- spaced", "spaced"},
		{"*", ""},
		{"go-lang*", "go lang*"},
		{"\x00\x1b[31mred\x07", "31mred"},
		{"Ünïcödé ÄÖÜ", "ünïcödé äöü"},
		{"日本語 検索", "日本語 検索"},
		{"\xff\xfe bad utf8", "bad utf8"},
		{strings.Repeat("word ", 50), strings.TrimSpace(strings.Repeat("word ", 12))},
		{strings.Repeat("x", 10000), strings.Repeat("x", 256)},
		{"^near(", "near"},
		{"'quoted' `code`", "quoted code"},
	}
	for _, tt := range tests {
		q := blog.ParseSearch(tt.in)
		var parts []string
		for _, term := range q.Terms {
			s := term.Text
			if term.Phrase {
				s = `"` + s + `"`
			}
			if term.Prefix {
				s += "*"
			}
			if term.Exclude {
				s = "-" + s
			}
			parts = append(parts, s)
		}
		if got := strings.Join(parts, " "); got != tt.want {
			t.Errorf("ParseSearch(%.40q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if !blog.ParseSearch("-only -exclusions").Empty() {
		t.Error("a query of exclusions only is not Empty")
	}
}

func TestServiceSearch(t *testing.T) {
	f := newFixture(t)
	for i := range 12 {
		f.save(t, f.admin, 0, blog.PostInput{Title: fmt.Sprint("Walk ", i), Body: "A long *walk* by the river."})
	}
	f.save(t, f.admin, 0, blog.PostInput{Title: "Unrelated", Body: "Nothing here."})
	res, err := f.svc.Reading.Search(t.Context(), "walking river", 1)
	if err != nil || res.Total != 12 || len(res.Hits) != 10 || res.Pages != 2 {
		t.Fatalf("Search = %+v, %v", res, err)
	}
	if res.Hits[0].Post.Path == "" || !strings.Contains(res.Hits[0].Snippet, "<mark>") {
		t.Errorf("hit = %+v", res.Hits[0])
	}
	for _, q := range []string{"", "   ", "-river", `"`, "\x00"} {
		res, err := f.svc.Reading.Search(t.Context(), q, 1)
		if err != nil || len(res.Hits) != 0 {
			t.Errorf("Search(%q) = %+v, %v", q, res, err)
		}
	}
}

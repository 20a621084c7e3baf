package diff_test

import (
	"strings"
	"testing"

	"folio/internal/diff"
)

func TestWords(t *testing.T) {
	tests := []struct {
		a, b string
		html string
	}{
		{"the same", "the same", "the same"},
		{"I read it twice.", "I read it three times.", "I read it <del>twice</del><ins>three times</ins>."},
		{"", "New text", "<ins>New text</ins>"},
		{"Old text", "", "<del>Old text</del>"},
		{"a <b> & c", "a <i> & c", "a &lt;<del>b</del><ins>i</ins>&gt; &amp; c"},
		{"Straße und Café", "Strasse und Café", "<del>Straße</del><ins>Strasse</ins> und Café"},
		{"one\n\ntwo", "one\n\ntwo\n\nthree", "one\n\ntwo<ins>\n\nthree</ins>"},
	}
	for _, tt := range tests {
		parts := diff.Words(tt.a, tt.b)
		if got := string(diff.HTML(parts)); got != tt.html {
			t.Errorf("Words(%q, %q) = %q, want %q", tt.a, tt.b, got, tt.html)
		}
		if diff.Changed(parts) != (tt.a != tt.b) {
			t.Errorf("Changed(%q, %q) = %v", tt.a, tt.b, diff.Changed(parts))
		}
	}
}

// FuzzWords checks that the parts of any comparison give back both
// texts.
func FuzzWords(f *testing.F) {
	f.Add("I read it twice.", "I read it three times.")
	f.Add("", "x")
	f.Add("a\x00b", "a b")
	f.Fuzz(func(t *testing.T, a, b string) {
		var ga, gb strings.Builder
		for _, p := range diff.Words(a, b) {
			if p.Op != diff.Inserted {
				ga.WriteString(p.Text)
			}
			if p.Op != diff.Deleted {
				gb.WriteString(p.Text)
			}
		}
		if ga.String() != a || gb.String() != b {
			t.Fatalf("Words(%q, %q) gives back %q and %q", a, b, ga.String(), gb.String())
		}
	})
}

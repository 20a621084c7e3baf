package markdown

import (
	"regexp"
	"testing"
)

// spaceRe is the regexp collapseSpace stands in for.
var spaceRe = regexp.MustCompile(`\s+`)

func TestCollapseSpace(t *testing.T) {
	for _, in := range []string{"", " ", "a", "  a \t\n b\r\n", "no\u00a0break\u2003em", "x\fy\vz", "end   "} {
		if got, want := collapseSpace(in), spaceRe.ReplaceAllString(in, " "); got != want {
			t.Errorf("collapseSpace(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzCollapseSpace(f *testing.F) {
	f.Add("  a \t\n b\r\n\u00a0")
	f.Fuzz(func(t *testing.T, in string) {
		if got, want := collapseSpace(in), spaceRe.ReplaceAllString(in, " "); got != want {
			t.Errorf("collapseSpace(%q) = %q, want %q", in, got, want)
		}
	})
}

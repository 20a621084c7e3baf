package sqlite

import (
	"testing"

	"folio/internal/blog"
)

func TestRankQuery(t *testing.T) {
	tests := []struct{ in, want string }{
		// No status: every published item holds it.
		{"garden", `{title lede body tags} : ("garden")`},
		{"garden shed", `{title lede body tags} : ("garden" "shed")`},
		{"garden -weeds", `{title lede body tags} : ("garden" NOT "weeds")`},
		{`"garden shed"`, `{title lede body tags} : ("garden" "shed")`},
		{`"garden shed" roses -weeds`, `{title lede body tags} : ("garden" "shed" "roses")`},
		{`-"garden shed" roses`, `{title lede body tags} : ("roses" NOT "garden shed")`},
	}
	for _, tt := range tests {
		if got := rankQuery(blog.ParseSearch(tt.in)); got != tt.want {
			t.Errorf("rankQuery(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

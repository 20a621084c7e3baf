package cli

import (
	"fmt"
	"testing"

	"folio/internal/blog"
)

// TestChangeNotices checks what one process tells the others: a change
// survives the trip, a change too large for a notice becomes
// "everything", and anything unreadable (or the empty notice after a
// lost connection) is read as everything.
func TestChangeNotices(t *testing.T) {
	many := make([]int64, maxChangePosts+1)
	tests := []struct {
		sent blog.Change
		want blog.Change
	}{
		{blog.Change{Posts: []int64{3, 9}, Replies: true}, blog.Change{Posts: []int64{3, 9}, Replies: true}},
		{blog.Change{Posts: []int64{4}, Listings: true}, blog.Change{Posts: []int64{4}, Listings: true}},
		{blog.Change{All: true}, blog.Change{All: true}},
		{blog.Change{Posts: many}, blog.Change{All: true}},
	}
	for _, tt := range tests {
		payload := encodeChange(tt.sent)
		if len(payload) > 8000 {
			t.Errorf("notice of %d bytes is over PostgreSQL's limit", len(payload))
		}
		if got := decodeChange(payload); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%+v arrived as %+v", tt.sent, got)
		}
	}
	for _, payload := range []string{"", "{", "null-ish"} {
		if got := decodeChange(payload); !got.All {
			t.Errorf("decodeChange(%q) = %+v, want everything", payload, got)
		}
	}
}

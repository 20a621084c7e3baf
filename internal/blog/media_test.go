package blog_test

import (
	"slices"
	"testing"

	"folio/internal/blog"
)

// TestMediaAddresses: a picture gets copies at the library's widths
// narrower than itself and one at its own width up to the widest; each
// has one address, which ParseMediaPath reads back.
func TestMediaAddresses(t *testing.T) {
	key := "0123456789abcdef0123"
	for _, tt := range []struct {
		width  int
		widths []int
	}{
		{300, []int{300}},
		{480, []int{480}},
		{1000, []int{480, 800, 1000}},
		{4000, []int{480, 800, 1200, 1600, 2400}},
	} {
		m := &blog.Media{Key: key, Name: "img-2041", CopyType: "image/jpeg", Width: tt.width, Height: tt.width / 2}
		if got := m.Widths(); !slices.Equal(got, tt.widths) {
			t.Errorf("%d px: widths %v, want %v", tt.width, got, tt.widths)
		}
		seen := map[string]bool{}
		for _, w := range m.Widths() {
			u := m.SizeURL(w)
			if seen[u] {
				t.Errorf("%d px: two copies at %s", tt.width, u)
			}
			seen[u] = true
			k, pw, ok := blog.ParseMediaPath(u)
			if !ok || k != key || (pw != w && !(pw == 0 && w == m.Widest())) {
				t.Errorf("ParseMediaPath(%s) = %s, %d, %v; want width %d", u, k, pw, ok, w)
			}
		}
	}
	for _, bad := range []string{"/media/", "/media/" + key, "/media/" + key + "/", "/media/0123/x.jpg", "/media/" + key + "/0480/x.jpg",
		"/media/" + key + "/-480/x.jpg", "/media/" + key + "/a/b/c.jpg", "/media/" + key + "/480/", "/other/" + key + "/x.jpg",
		"/media/0123456789ABCDEF0123/x.jpg"} {
		if _, _, ok := blog.ParseMediaPath(bad); ok {
			t.Errorf("ParseMediaPath(%q) accepted", bad)
		}
	}
	m := &blog.Media{Key: key, Name: "rose", CopyType: "image/png", Width: 10, Height: 10, Alt: "A [red] rose", Caption: `June "late"`}
	if got, want := m.Markdown(), `![A \[red\] rose](/media/`+key+`/rose.png "June \"late\"")`; got != want {
		t.Errorf("Markdown = %s, want %s", got, want)
	}
}

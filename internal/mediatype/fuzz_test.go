package mediatype_test

import (
	"bytes"
	"testing"

	"folio/internal/mediatype"
)

// FuzzSniff checks Sniff names a type for any bytes and never calls
// markup (anything starting with "<", as HTML, SVG and XML do) inert.
func FuzzSniff(f *testing.F) {
	for _, seed := range []string{"\x89PNG\r\n\x1a\n", "<svg xmlns='http://www.w3.org/2000/svg'>", " <!DOCTYPE html><script>", "GIF89a", "%PDF-1.4", "", "\x00\x00\x00\x1cftypavif"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, head []byte) {
		typ := mediatype.Sniff(head)
		if typ == "" {
			t.Fatalf("Sniff(%q) named no type", head)
		}
		if mediatype.Inert(typ) && bytes.HasPrefix(bytes.TrimLeft(head, "\t\n\f\r "), []byte("<")) {
			t.Fatalf("Sniff(%q) = %s, called inert", head, typ)
		}
	})
}

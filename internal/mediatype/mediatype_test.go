package mediatype_test

import (
	"testing"

	"folio/internal/mediatype"
)

func TestSniffAndInert(t *testing.T) {
	tests := []struct {
		name  string
		head  string
		want  string
		inert bool
	}{
		{"png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png", true},
		{"jpeg", "\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg", true},
		{"gif", "GIF89a\x01\x00", "image/gif", true},
		{"webp", "RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp", true},
		{"avif", "\x00\x00\x00\x1cftypavif\x00\x00\x00\x00", "image/avif", true},
		{"pdf", "%PDF-1.7\n", "application/pdf", true},
		{"mp3", "ID3\x03\x00\x00\x00", "audio/mpeg", true},
		{"html named .jpg", "<!doctype html><script>alert(1)</script>", "text/html", false},
		{"svg", `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`, "text/xml", false},
		{"bare svg", `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`, "text/plain", false},
		{"script", "document.cookie", "text/plain", false},
		{"unknown", "\x00\x01\x02\x03", "application/octet-stream", false},
	}
	for _, tt := range tests {
		got := mediatype.Sniff([]byte(tt.head))
		if got != tt.want || mediatype.Inert(got) != tt.inert {
			t.Errorf("%s: Sniff = %q (inert %v), want %q (inert %v)", tt.name, got, mediatype.Inert(got), tt.want, tt.inert)
		}
	}
}

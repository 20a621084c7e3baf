// Package mediatype decides, from a file's first bytes and never from its
// name, what kind of file it is, and whether a browser shows it inertly:
// images, audio, video and PDF, which the site may serve from its own
// origin. Anything else (HTML, SVG, scripts, XML, unknown bytes) could run
// in the site's origin, so it is served only as a sandboxed download.
package mediatype

import (
	"bytes"
	"net/http"
	"strings"
)

// SniffLen is how many leading bytes Sniff reads.
const SniffLen = 512

// inert lists the types a browser shows without running anything.
var inert = map[string]bool{
	"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true, "image/avif": true,
	"image/bmp": true, "image/x-icon": true,
	"audio/mpeg": true, "audio/wave": true, "audio/aiff": true, "audio/basic": true, "audio/midi": true,
	"audio/ogg": true, "audio/mp4": true, "audio/flac": true,
	"video/mp4": true, "video/webm": true, "video/ogg": true, "video/avi": true,
	"application/pdf": true,
}

// Sniff returns the content type of a file that starts with head (up to
// SniffLen bytes): the standard content sniffing, with AVIF and HEIF
// images, Ogg and FLAC told apart.
func Sniff(head []byte) string {
	if len(head) >= 12 && string(head[4:8]) == "ftyp" {
		switch string(head[8:12]) {
		case "avif", "avis":
			return "image/avif"
		case "heic", "heix", "mif1":
			return "image/heic"
		case "M4A ":
			return "audio/mp4"
		}
	}
	if bytes.HasPrefix(head, []byte("fLaC")) {
		return "audio/flac"
	}
	t := http.DetectContentType(head)
	if t == "application/ogg" {
		// Ogg holds either; a page shows both inertly.
		if bytes.Contains(head, []byte("theora")) {
			return "video/ogg"
		}
		return "audio/ogg"
	}
	t, _, _ = strings.Cut(t, ";")
	return t
}

// Inert reports whether a file of content type t is shown by browsers
// without running anything: images (SVG excepted), audio, video, PDF.
func Inert(t string) bool { return inert[t] }

package peer_test

import (
	"bytes"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"folio/internal/peer"
)

// TestPicture makes the small square copy of a remote picture, and
// refuses what is not one, what is too large, and private addresses.
func TestPicture(t *testing.T) {
	pic := func(w, h int) []byte {
		var b bytes.Buffer
		png.Encode(&b, image.NewRGBA(image.Rect(0, 0, w, h)))
		return b.Bytes()
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/wide.png":
			w.Write(pic(300, 120))
		case "/huge.png":
			w.Write(pic(5000, 4000)) // past the pixel bound, refused before decoding
		case "/page.png":
			w.Write([]byte("<!doctype html><title>not a picture</title>"))
		case "/big.png":
			w.Write(bytes.Repeat([]byte{0}, 2<<20))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	c := peer.New(true)
	out, err := c.Picture(t.Context(), srv.URL+"/wide.png", "test")
	if err != nil {
		t.Fatal(err)
	}
	if cfg, err := png.DecodeConfig(bytes.NewReader(out)); err != nil || cfg.Width != 96 || cfg.Height != 96 {
		t.Errorf("the copy is %dx%d (%v), want 96x96", cfg.Width, cfg.Height, err)
	}
	for path, want := range map[string]string{"/huge.png": "too large", "/page.png": "not a picture", "/big.png": "too large", "/none.png": "404"} {
		if _, err := c.Picture(t.Context(), srv.URL+path, "test"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error saying %q", path, err, want)
		}
	}
	if _, err := peer.New(false).Picture(t.Context(), srv.URL+"/wide.png", "test"); err == nil {
		t.Error("a loopback picture was fetched with private peers refused")
	}
}

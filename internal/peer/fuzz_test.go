package peer

import (
	"bytes"
	"image"
	"image/png"
	"testing"
)

// FuzzSquareCopy: any bytes from a remote server become a 96-pixel
// PNG or an error, never a panic or a huge allocation.
func FuzzSquareCopy(f *testing.F) {
	for _, size := range []image.Point{{30, 20}, {1, 300}} {
		var b bytes.Buffer
		png.Encode(&b, image.NewGray(image.Rectangle{Max: size}))
		f.Add(b.Bytes())
	}
	f.Add([]byte("GIF89a"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if out, err := squareCopy(b); err == nil && len(out) == 0 {
			t.Fatal("no error and no picture")
		}
	})
}

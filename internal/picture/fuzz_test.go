package picture_test

import (
	"testing"

	"folio/internal/picture"
	"folio/internal/testkit"
)

// FuzzInspect feeds Inspect any bytes: it never panics, and what it
// accepts Resize can turn into copies at its own width.
func FuzzInspect(f *testing.F) {
	for _, seed := range [][]byte{testkit.PNG(3, 2), testkit.GIF(2, 2), testkit.WebP(2, 3), testkit.PhoneJPEG(4, 3, 6),
		testkit.PixelBomb(9000, 9000), []byte("<svg/>"), []byte("GIF89a"), []byte("RIFF\x00\x00\x00\x00WEBPVP8 ")} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m := picture.Maker{}
		info, err := m.Inspect(t.Context(), data)
		if err != nil {
			return
		}
		if info.Width <= 0 || info.Height <= 0 || info.Orientation < 1 || info.Orientation > 8 {
			t.Fatalf("accepted with %+v", info)
		}
		if int64(info.Width)*int64(info.Height) > 1<<20 {
			return // large pictures cost the fuzzer too much time
		}
		copies, err := m.Resize(t.Context(), data, info, []int{info.Width})
		if err != nil || len(copies) != 1 || copies[0].Width != info.Width {
			t.Fatalf("an accepted picture gave %d copies, %v", len(copies), err)
		}
	})
}

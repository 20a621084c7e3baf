package picture_test

import (
	"testing"

	"folio/internal/blog"
	"folio/internal/picture"
	"folio/internal/testkit"
)

// BenchmarkPhoneUpload times what an upload of a 12-megapixel phone
// photo costs before it is acknowledged: Inspect, which decodes it
// whole.
func BenchmarkPhoneUpload(b *testing.B) {
	data := testkit.Photo(4000, 3000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := (picture.Maker{}).Inspect(b.Context(), data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPhoneCopies times making every copy of a 12-megapixel photo
// at the library's widths.
func BenchmarkPhoneCopies(b *testing.B) { benchCopies(b, 4000, 3000) }

// BenchmarkLargestCopies makes every copy of the largest phone JPEG the
// library decodes (40 megapixels), the memory bound's worst case.
func BenchmarkLargestCopies(b *testing.B) { benchCopies(b, 7740, 5160) }

func benchCopies(b *testing.B, w, h int) {
	data := testkit.Photo(w, h)
	m := picture.Maker{}
	info, err := m.Inspect(b.Context(), data)
	if err != nil {
		b.Fatal(err)
	}
	item := blog.Media{Width: info.Width, Height: info.Height}
	for b.Loop() {
		if _, err := m.Resize(b.Context(), data, info, item.Widths()); err != nil {
			b.Fatal(err)
		}
	}
}

package picture_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"folio/internal/blog"
	"folio/internal/picture"
	"folio/internal/testkit"
)

// TestInspect tells each kind of file from its bytes: the four picture
// types are taken with their upright size; the rest are refused with a
// message for the writer.
func TestInspect(t *testing.T) {
	phone := testkit.PhoneJPEG(60, 40, 6)
	tests := []struct {
		name     string
		data     []byte
		typ      string
		copyType string
		w, h, o  int
		refusal  string // the message ID of the refusal; "" for accepted
	}{
		{"phone JPEG turned a quarter", phone, "image/jpeg", "image/jpeg", 40, 60, 6, ""},
		{"PNG", testkit.PNG(30, 20), "image/png", "image/png", 30, 20, 1, ""},
		{"GIF", testkit.GIF(16, 8), "image/gif", "image/png", 16, 8, 1, ""},
		{"WebP", testkit.WebP(24, 12), "image/webp", "image/jpeg", 24, 12, 1, ""},
		{"truncated JPEG", phone[:len(phone)/2], "", "", 0, 0, 0, "picture_damaged"},
		{"HTML named .jpg", []byte("<!DOCTYPE html><script>alert(1)</script>"), "", "", 0, 0, 0, "picture_not_picture"},
		{"SVG with a script", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "", "", 0, 0, 0, "picture_svg"},
		{"pixel bomb", testkit.PixelBomb(30000, 30000), "", "", 0, 0, 0, "picture_too_many_pixels"},
		{"empty PNG header", []byte("\x89PNG\r\n\x1a\n"), "", "", 0, 0, 0, "picture_damaged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := picture.Maker{}.Inspect(t.Context(), tt.data)
			if tt.refusal != "" {
				var v *blog.ValidationError
				if !errors.As(err, &v) || v.Fields["file"].ID != tt.refusal {
					t.Fatalf("Inspect = %+v, %v; want a refusal saying %q", info, err, tt.refusal)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := blog.PictureInfo{Type: tt.typ, CopyType: tt.copyType, Width: tt.w, Height: tt.h, Orientation: tt.o}
			if info != want {
				t.Errorf("Inspect = %+v, want %+v", info, want)
			}
		})
	}
}

// TestCopiesOfPhonePhoto checks what readers get of a phone's photo: upright
// (the red half, left as stored, on top), at the sizes asked, with its
// colour profile and none of its EXIF, GPS, XMP or IPTC data.
func TestCopiesOfPhonePhoto(t *testing.T) {
	data := testkit.PhoneJPEG(1000, 600, 6)
	m := picture.Maker{}
	info, err := m.Inspect(t.Context(), data)
	if err != nil {
		t.Fatal(err)
	}
	copies, err := m.Resize(t.Context(), data, info, []int{480, 600})
	if err != nil {
		t.Fatal(err)
	}
	if len(copies) != 2 {
		t.Fatalf("%d copies, want 2", len(copies))
	}
	for _, c := range copies {
		for _, s := range testkit.Secrets {
			if bytes.Contains(c.Data, []byte(s)) {
				t.Errorf("the %d px copy carries %q", c.Width, s)
			}
		}
		if !bytes.Contains(c.Data, testkit.ICCProfile) {
			t.Errorf("the %d px copy lost its colour profile", c.Width)
		}
		img, err := jpeg.Decode(bytes.NewReader(c.Data))
		if err != nil {
			t.Fatal(err)
		}
		b := img.Bounds()
		if b.Dx() != c.Width || b.Dy() != c.Height || c.Height != c.Width*1000/600 {
			t.Errorf("copy %d × %d (said %d × %d); want upright, %d × %d", b.Dx(), b.Dy(), c.Width, c.Height, c.Width, c.Width*1000/600)
		}
		if top, bottom := img.At(b.Dx()/2, b.Dy()/8), img.At(b.Dx()/2, b.Dy()*7/8); !reddish(top) || reddish(bottom) {
			t.Errorf("copy %d: top %v, bottom %v; want the red half on top", c.Width, top, bottom)
		}
	}
}

func reddish(c color.Color) bool {
	r, _, b, _ := c.RGBA()
	return r > 2*b
}

// TestCopiesByType: PNG, GIF (its first frame) and WebP copies come out
// as the copy type Inspect chose, the size asked.
func TestCopiesByType(t *testing.T) {
	for _, tt := range []struct {
		name string
		data []byte
	}{{"png", testkit.PNG(900, 300)}, {"gif", testkit.GIF(900, 300)}, {"webp", testkit.WebP(900, 300)}} {
		t.Run(tt.name, func(t *testing.T) {
			m := picture.Maker{}
			info, err := m.Inspect(t.Context(), tt.data)
			if err != nil {
				t.Fatal(err)
			}
			copies, err := m.Resize(t.Context(), tt.data, info, []int{480, 800})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range copies {
				var img image.Image
				if info.CopyType == "image/png" {
					img, err = png.Decode(bytes.NewReader(c.Data))
				} else {
					img, err = jpeg.Decode(bytes.NewReader(c.Data))
				}
				if err != nil {
					t.Fatalf("copy %d is not %s: %v", c.Width, info.CopyType, err)
				}
				if got := img.Bounds().Dx(); got != c.Width {
					t.Errorf("copy %d is %d wide", c.Width, got)
				}
			}
		})
	}
}

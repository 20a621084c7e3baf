// Package picture checks uploaded pictures and makes the copies readers
// get: JPEG, PNG, GIF (its first frame) and WebP are told from their
// bytes, checked whole before anything is kept, turned upright by their
// EXIF orientation, scaled with a Lanczos filter and encoded again, so
// no copy carries the original's EXIF, GPS, XMP or IPTC data; only an
// ICC colour profile is carried over. One picture is decoded at a time
// in the whole process, and pictures whose decoded pixels would not fit
// the memory budget are refused before decoding, so processing stays
// within a fixed amount of memory whatever is uploaded.
package picture

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"runtime"
	"slices"

	"github.com/disintegration/imaging"
	"github.com/rwcarlsen/goexif/exif"
	"golang.org/x/image/webp"

	"folio/internal/blog"
)

// Limits of what is decoded: MaxPixels against decompression bombs,
// and maxDecoded for the memory a decoded picture takes (a 16-bit PNG
// takes eight bytes a pixel where a phone's JPEG takes one and a half),
// so 40 megapixels for a phone's JPEG, 20 for an 8-bit PNG with alpha.
// With them, making the copies of the largest picture accepted keeps the
// whole process under 256 MiB.
const (
	MaxPixels  = 40_000_000
	maxDecoded = 80 << 20
)

// JPEGQuality is the quality JPEG copies are encoded at.
const JPEGQuality = 82

// decoding lets one picture be decoded at a time, so memory stays
// bounded however many uploads arrive together.
var decoding = make(chan struct{}, 1)

// Maker implements blog.PictureMaker.
type Maker struct{}

var _ blog.PictureMaker = Maker{}

// Inspect checks that data is a whole picture folio can show and
// returns what it is. A file it refuses gets a *blog.ValidationError
// for the writer, saying why.
func (Maker) Inspect(ctx context.Context, data []byte) (blog.PictureInfo, error) {
	typ := sniff(data)
	switch typ {
	case "":
		return blog.PictureInfo{}, blog.FieldError("file", "picture_not_picture")
	case "image/svg+xml":
		return blog.PictureInfo{}, blog.FieldError("file", "picture_svg")
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return blog.PictureInfo{}, damaged(err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return blog.PictureInfo{}, blog.FieldError("file", "picture_no_pixels")
	}
	pixels := float64(cfg.Width) * float64(cfg.Height)
	if most := min(MaxPixels, maxDecoded/bytesPerPixel(data, typ, cfg.ColorModel)); pixels > most {
		return blog.PictureInfo{}, blog.FieldError("file", "picture_too_many_pixels", "Width", cfg.Width, "Height", cfg.Height, "Megapixels", int(most/1e6))
	}
	img, err := decode(ctx, data, typ)
	if err != nil {
		return blog.PictureInfo{}, err
	}
	info := blog.PictureInfo{Type: typ, Width: cfg.Width, Height: cfg.Height, Orientation: orientation(data, typ),
		CopyType: "image/png"}
	if typ == "image/jpeg" || (typ == "image/webp" && opaque(img)) {
		info.CopyType = "image/jpeg"
	}
	if info.Orientation >= 5 {
		info.Width, info.Height = info.Height, info.Width
	}
	return info, nil
}

// Resize makes the reader's copies of a picture Inspect accepted, one
// per width (of the upright picture, none wider than it), encoded as
// info.CopyType with the original's colour profile and nothing else.
func (Maker) Resize(ctx context.Context, data []byte, info blog.PictureInfo, widths []int) ([]blog.PictureCopy, error) {
	img, err := decode(ctx, data, info.Type)
	if err != nil {
		return nil, err
	}
	profile := iccProfile(data, info.Type)
	out := make([]blog.PictureCopy, 0, len(widths))
	// Widest first, each copy scaled from the one before: every step
	// reads fewer pixels than the last.
	src := img
	for _, w := range sortedDown(widths) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if w > info.Width {
			return nil, fmt.Errorf("picture: a copy %d pixels wide of a picture %d wide", w, info.Width)
		}
		var scaled image.Image
		if info.Orientation >= 5 { // the stored picture lies on its side
			scaled = imaging.Resize(src, 0, w, imaging.Lanczos)
		} else {
			scaled = imaging.Resize(src, w, 0, imaging.Lanczos)
		}
		src = scaled
		b, err := encode(upright(scaled, info.Orientation), info.CopyType, profile)
		if err != nil {
			return nil, err
		}
		up := upright(scaled, info.Orientation).Bounds()
		out = append(out, blog.PictureCopy{Width: up.Dx(), Height: up.Dy(), Data: b})
	}
	return out, nil
}

// sniff tells a picture's type from its first bytes: one of the four
// folio shows, SVG, or "" for anything else.
func sniff(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return "image/jpeg"
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return "image/gif"
	case len(data) >= 16 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return "image/webp"
	}
	head := bytes.ToLower(data[:min(len(data), 1024)])
	if bytes.Contains(head, []byte("<svg")) {
		return "image/svg+xml"
	}
	return ""
}

// bytesPerPixel is what one pixel takes once decoded.
func bytesPerPixel(data []byte, typ string, m color.Model) float64 {
	switch {
	case typ == "image/jpeg":
		return jpegBytesPerPixel(data)
	case m == color.GrayModel:
		return 1
	case m == color.Gray16Model:
		return 2
	case m == color.RGBA64Model, m == color.NRGBA64Model:
		return 8
	case typ == "image/gif":
		return 1
	}
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	return 4
}

// jpegBytesPerPixel reads a JPEG's frame header for what a pixel takes
// decoded: one byte per component, less for subsampled chroma (1.5 for a
// phone's 4:2:0), four for CMYK. Without a header it assumes the most.
func jpegBytesPerPixel(data []byte) float64 {
	for i := 2; i+4 <= len(data) && data[i] == 0xff; {
		marker := data[i+1]
		n := int(data[i+2])<<8 | int(data[i+3])
		if n < 2 || i+2+n > len(data) {
			break
		}
		// SOF0–SOF15 but DHT (c4), JPG (c8) and DAC (cc).
		if marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc {
			seg := data[i+4 : i+2+n]
			if len(seg) < 6 || len(seg) < 6+3*int(seg[5]) {
				break
			}
			comps := int(seg[5])
			var hmax, vmax int
			for c := range comps {
				f := seg[6+3*c+1]
				hmax, vmax = max(hmax, int(f>>4)), max(vmax, int(f&15))
			}
			if hmax == 0 || vmax == 0 {
				break
			}
			var sum float64
			for c := range comps {
				f := seg[6+3*c+1]
				sum += float64(int(f>>4)*int(f&15)) / float64(hmax*vmax)
			}
			return max(sum, 1)
		}
		if marker == 0xda {
			break
		}
		i += 2 + n
	}
	return 4
}

// decode decodes a whole picture (a GIF's first frame), one at a time
// in the process.
func decode(ctx context.Context, data []byte, typ string) (image.Image, error) {
	select {
	case decoding <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-decoding }()
	// The last picture's pixels are garbage by now: collecting them
	// before decoding the next keeps the heap at one picture's size,
	// where the collector's pacing would let it grow to two.
	runtime.GC()
	r := bytes.NewReader(data)
	var img image.Image
	var err error
	switch typ {
	case "image/jpeg":
		img, err = jpeg.Decode(r)
	case "image/png":
		img, err = png.Decode(r)
	case "image/gif":
		img, err = gif.Decode(r)
	case "image/webp":
		img, err = webp.Decode(r)
	default:
		err = fmt.Errorf("type %s", typ)
	}
	if err != nil {
		return nil, damaged(err)
	}
	return img, nil
}

func damaged(err error) error {
	v := blog.FieldError("file", "picture_damaged")
	v.Cause = err
	return v
}

// opaque reports whether no pixel of img is see-through.
func opaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}

// orientation returns a JPEG's EXIF orientation, 1 (upright) when it has
// none or it cannot be read.
func orientation(data []byte, typ string) (o int) {
	if typ != "image/jpeg" {
		return 1
	}
	defer func() {
		if recover() != nil {
			o = 1
		}
	}()
	x, err := exif.Decode(bytes.NewReader(data))
	if err != nil {
		return 1
	}
	tag, err := x.Get(exif.Orientation)
	if err != nil {
		return 1
	}
	v, err := tag.Int(0)
	if err != nil || v < 1 || v > 8 {
		return 1
	}
	return v
}

// upright turns a picture stored with EXIF orientation o the way its
// camera was held.
func upright(img image.Image, o int) image.Image {
	switch o {
	case 2:
		return imaging.FlipH(img)
	case 3:
		return imaging.Rotate180(img)
	case 4:
		return imaging.FlipV(img)
	case 5:
		return imaging.Transpose(img)
	case 6:
		return imaging.Rotate270(img)
	case 7:
		return imaging.Transverse(img)
	case 8:
		return imaging.Rotate90(img)
	}
	return img
}

func encode(img image.Image, typ string, profile []byte) ([]byte, error) {
	var b bytes.Buffer
	var err error
	if typ == "image/jpeg" {
		err = jpeg.Encode(&b, img, &jpeg.Options{Quality: JPEGQuality})
	} else {
		err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&b, img)
	}
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", typ, err)
	}
	if len(profile) == 0 {
		return b.Bytes(), nil
	}
	if typ == "image/jpeg" {
		return withJPEGProfile(b.Bytes(), profile), nil
	}
	return withPNGProfile(b.Bytes(), profile)
}

// sortedDown returns widths from widest to narrowest.
func sortedDown(ws []int) []int {
	out := slices.Sorted(slices.Values(ws))
	slices.Reverse(out)
	return out
}

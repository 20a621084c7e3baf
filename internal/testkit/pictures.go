package testkit

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"

	"github.com/HugoSmits86/nativewebp"
)

// Halves returns a w × h picture whose left half is red and right half
// blue, so a test can tell which way a copy was turned.
func Halves(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.NRGBA{R: 220, G: 20, B: 20, A: 255}
			if x >= w/2 {
				c = color.NRGBA{R: 20, G: 20, B: 220, A: 255}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

// PNG returns a w × h PNG file of Halves.
func PNG(w, h int) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, Halves(w, h)); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// GIF returns a w × h GIF file of two frames.
func GIF(w, h int) []byte {
	pal := color.Palette{color.NRGBA{220, 20, 20, 255}, color.NRGBA{20, 20, 220, 255}}
	frame := func(i uint8) *image.Paletted {
		img := image.NewPaletted(image.Rect(0, 0, w, h), pal)
		for k := range img.Pix {
			img.Pix[k] = i
		}
		return img
	}
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, &gif.GIF{Image: []*image.Paletted{frame(0), frame(1)}, Delay: []int{10, 10}}); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// WebP returns a w × h lossless WebP file of Halves.
func WebP(w, h int) []byte {
	var b bytes.Buffer
	if err := nativewebp.Encode(&b, Halves(w, h), nil); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// Secrets are the words PhoneJPEG hides in its metadata; no copy of it
// may carry any of them.
var Secrets = []string{"Exif", "GPS-SECRET-CAMERA", "xmpmeta", "IPTC-SECRET", "Photoshop 3.0"}

// ICCProfile is the colour profile PhoneJPEG carries, which copies keep.
var ICCProfile = bytes.Repeat([]byte("folio-test-icc-profile "), 40)

// PhoneJPEG returns a JPEG as a phone takes it: stored w × h with EXIF
// orientation o (6: the phone was held upright, turned a quarter
// clockwise), GPS coordinates and the camera's name in EXIF, XMP and
// IPTC blocks, and an ICC colour profile.
func PhoneJPEG(w, h, o int) []byte {
	var body bytes.Buffer
	if err := jpeg.Encode(&body, Halves(w, h), &jpeg.Options{Quality: 90}); err != nil {
		panic(err)
	}
	jpg := body.Bytes()
	var out bytes.Buffer
	out.Write(jpg[:2]) // SOI
	segment(&out, 0xe1, append([]byte("Exif\x00\x00"), exifTIFF(o)...))
	segment(&out, 0xe1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><rdf:Description exif:GPSLatitude='52,31N'/></x:xmpmeta>"))
	segment(&out, 0xed, []byte("Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x0fIPTC-SECRET-CITY"))
	segment(&out, 0xe2, append(append([]byte("ICC_PROFILE\x00"), 1, 1), ICCProfile...))
	out.Write(jpg[2:])
	return out.Bytes()
}

func segment(b *bytes.Buffer, marker byte, payload []byte) {
	b.Write([]byte{0xff, marker})
	binary.Write(b, binary.BigEndian, uint16(len(payload)+2))
	b.Write(payload)
}

// exifTIFF is a big-endian TIFF block: IFD0 with the orientation, the
// camera's make and a pointer to a GPS IFD with a latitude.
func exifTIFF(o int) []byte {
	var b bytes.Buffer
	be := binary.BigEndian
	b.WriteString("MM\x00\x2a")
	binary.Write(&b, be, uint32(8))
	// IFD0 at 8: three entries.
	const ifd0 = 8
	const ifd0Len = 2 + 3*12 + 4
	makeOff := uint32(ifd0 + ifd0Len)
	camera := []byte("GPS-SECRET-CAMERA\x00")
	gpsOff := makeOff + uint32(len(camera))
	entry := func(tag, typ uint16, count, value uint32) {
		binary.Write(&b, be, tag)
		binary.Write(&b, be, typ)
		binary.Write(&b, be, count)
		binary.Write(&b, be, value)
	}
	binary.Write(&b, be, uint16(3))
	entry(0x010f, 2, uint32(len(camera)), makeOff) // Make, ASCII
	entry(0x0112, 3, 1, uint32(o)<<16)             // Orientation, SHORT, left-justified
	entry(0x8825, 4, 1, gpsOff)                    // GPS IFD pointer
	binary.Write(&b, be, uint32(0))
	b.Write(camera)
	// GPS IFD: latitude ref and latitude (three rationals after it).
	latOff := gpsOff + 2 + 2*12 + 4
	binary.Write(&b, be, uint16(2))
	entry(0x0001, 2, 2, uint32('N')<<24)
	entry(0x0002, 5, 3, latOff)
	binary.Write(&b, be, uint32(0))
	for _, v := range []uint32{52, 1, 31, 1, 0, 1} {
		binary.Write(&b, be, v)
	}
	return b.Bytes()
}

// PixelBomb returns a PNG that claims to be w × h pixels but holds
// almost nothing: decoding it would take w·h·4 bytes.
func PixelBomb(w, h int) []byte {
	small := PNG(1, 1)
	// The IHDR's width and height sit right after the signature and the
	// chunk's length and type; its CRC must be made again.
	out := bytes.Clone(small)
	binary.BigEndian.PutUint32(out[16:], uint32(w))
	binary.BigEndian.PutUint32(out[20:], uint32(h))
	binary.BigEndian.PutUint32(out[29:], crc32.ChecksumIEEE(out[12:29]))
	return out
}

// Photo returns a w × h JPEG with detail everywhere, as a camera's
// photo has, so decoding and scaling it cost what a real one costs.
func Photo(w, h int) []byte {
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	seed := uint32(1)
	for i := range img.Y {
		seed = seed*1664525 + 1013904223
		x, y := i%w, i/w
		img.Y[i] = uint8((x*7+y*3)/16%200) + uint8(seed>>27)
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = uint8(100+i%50), uint8(140-i%40)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		panic(err)
	}
	return b.Bytes()
}

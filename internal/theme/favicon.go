package theme

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
)

// faviconSize is the ICO's width and height in pixels.
const faviconSize = 32

// drawnFavicon is the default theme's icon as an ICO file, for browsers,
// feed readers and crawlers that ask for /favicon.ico without reading
// the page's <link rel="icon">. It draws favicon.svg's shapes: a rounded
// square and the letter F as a polygon, in the same 32-unit grid.
var drawnFavicon = drawFavicon()

// letterF is favicon.svg's path "M10 7h13v4h-8.5v4H21v4h-6.5v7H10z".
var letterF = [][2]float64{{10, 7}, {23, 7}, {23, 11}, {14.5, 11}, {14.5, 15}, {21, 15}, {21, 19}, {14.5, 19}, {14.5, 26}, {10, 26}}

func drawFavicon() []byte {
	img := image.NewNRGBA(image.Rect(0, 0, faviconSize, faviconSize))
	back := color.NRGBA{0x8a, 0x2b, 0x06, 0xff}
	fore := color.NRGBA{0xfd, 0xfc, 0xfa, 0xff}
	const samples = 4 // per axis, for smooth edges
	for y := range faviconSize {
		for x := range faviconSize {
			var inSquare, inLetter int
			for sy := range samples {
				for sx := range samples {
					px, py := float64(x)+(float64(sx)+0.5)/samples, float64(y)+(float64(sy)+0.5)/samples
					if inRoundedSquare(px, py, faviconSize, 6) {
						inSquare++
						if inPolygon(px, py, letterF) {
							inLetter++
						}
					}
				}
			}
			if inSquare == 0 {
				continue
			}
			mix := float64(inLetter) / float64(inSquare)
			blend := func(a, b uint8) uint8 { return uint8(float64(a)*(1-mix) + float64(b)*mix + 0.5) }
			img.SetNRGBA(x, y, color.NRGBA{blend(back.R, fore.R), blend(back.G, fore.G), blend(back.B, fore.B),
				uint8(255 * inSquare / (samples * samples))})
		}
	}
	var pic bytes.Buffer
	png.Encode(&pic, img)
	// An ICO holding one PNG image: the header, one directory entry, the
	// image.
	var ico bytes.Buffer
	binary.Write(&ico, binary.LittleEndian, struct{ Reserved, Type, Count uint16 }{0, 1, 1})
	binary.Write(&ico, binary.LittleEndian, struct {
		Width, Height, Colors, Reserved uint8
		Planes, Bits                    uint16
		Size, Offset                    uint32
	}{faviconSize, faviconSize, 0, 0, 1, 32, uint32(pic.Len()), 6 + 16})
	ico.Write(pic.Bytes())
	return ico.Bytes()
}

// inRoundedSquare reports whether (x, y) lies in a square of side size
// with corners of radius r.
func inRoundedSquare(x, y, size, r float64) bool {
	cx := min(max(x, r), size-r)
	cy := min(max(y, r), size-r)
	dx, dy := x-cx, y-cy
	return x >= 0 && y >= 0 && x <= size && y <= size && dx*dx+dy*dy <= r*r
}

// inPolygon reports whether (x, y) lies inside the polygon, by the
// even-odd rule.
func inPolygon(x, y float64, poly [][2]float64) bool {
	in := false
	for i, j := 0, len(poly)-1; i < len(poly); j, i = i, i+1 {
		a, b := poly[i], poly[j]
		if (a[1] > y) != (b[1] > y) && x < (b[0]-a[0])*(y-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}

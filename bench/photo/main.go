// Command photo writes a picture for bench/pictures.sh: a JPEG with
// detail everywhere, as a camera's photo has, or with "png" an 8-bit PNG
// with alpha, the type that takes the most memory decoded.
//
// Usage: go run ./bench/photo WIDTH HEIGHT FILE [png]
package main

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"log"
	"os"
	"strconv"

	"folio/internal/testkit"
)

func main() {
	if len(os.Args) < 4 {
		log.Fatal("usage: photo WIDTH HEIGHT FILE [png]")
	}
	w, err1 := strconv.Atoi(os.Args[1])
	h, err2 := strconv.Atoi(os.Args[2])
	if err1 != nil || err2 != nil || w <= 0 || h <= 0 {
		log.Fatal("photo: WIDTH and HEIGHT are pixels")
	}
	data := testkit.Photo(w, h)
	if len(os.Args) > 4 && os.Args[4] == "png" {
		img := image.NewNRGBA(image.Rect(0, 0, w, h))
		seed := uint32(1)
		for y := range h {
			for x := range w {
				seed = seed*1664525 + 1013904223
				img.SetNRGBA(x, y, color.NRGBA{uint8(x), uint8(y), uint8(seed >> 30), uint8(128 + x%100)})
			}
		}
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			log.Fatal(err)
		}
		data = b.Bytes()
	}
	if err := os.WriteFile(os.Args[3], data, 0o644); err != nil {
		log.Fatal(err)
	}
}

package peer

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/gif"  // pictures may be GIFs,
	_ "image/jpeg" // JPEGs,
	"image/png"
	"net/http"

	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // or WebP
)

// Limits on a remote author's picture: the file, its size in pixels
// (checked before decoding), and the side of the square copy kept.
const (
	maxAvatarBytes  = 1 << 20
	maxAvatarPixels = 4096 * 4096
	avatarSide      = 96
)

// Picture fetches the picture at raw (an author's, for a reply from
// another site) and returns a square PNG copy, 96 pixels a side, cut
// from its middle: readers' browsers then ask this site, not the other
// server, and what they get is an image folio wrote.
func (c *Client) Picture(ctx context.Context, raw, userAgent string) ([]byte, error) {
	u, err := c.CheckRaw(raw)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "image/png, image/jpeg, image/gif, image/webp")
	req.Header.Set("User-Agent", userAgent)
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("%s answered %s", u.Host, resp.Status)
	}
	body, err := ReadBody(resp, maxAvatarBytes)
	if err != nil {
		return nil, err
	}
	return squareCopy(body)
}

// squareCopy decodes a picture and returns the middle square of it,
// scaled to avatarSide, as PNG.
func squareCopy(b []byte) ([]byte, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("not a picture: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxAvatarPixels {
		return nil, fmt.Errorf("a %d×%d picture is too large", cfg.Width, cfg.Height)
	}
	src, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	r := src.Bounds()
	side := min(r.Dx(), r.Dy())
	from := image.Rect(r.Min.X+(r.Dx()-side)/2, r.Min.Y+(r.Dy()-side)/2, 0, 0)
	from.Max = from.Min.Add(image.Pt(side, side))
	dst := image.NewRGBA(image.Rect(0, 0, avatarSide, avatarSide))
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, from, draw.Src, nil)
	var out bytes.Buffer
	if err := png.Encode(&out, dst); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

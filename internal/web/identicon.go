package web

import (
	"encoding/hex"
	"fmt"
	"strings"
)

// identicon draws a 5×5 mirrored pattern in one colour from a hex key, the
// kind of avatar GitHub and WordPress show, made here so no reader's
// address reaches another site.
func identicon(key string) ([]byte, bool) {
	b, err := hex.DecodeString(key)
	if err != nil || len(b) < 8 {
		return nil, false
	}
	hue := (int(b[0])<<8 | int(b[1])) % 360
	var svg strings.Builder
	fmt.Fprintf(&svg, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="-1 -1 7 7" width="80" height="80">`+
		`<rect x="-1" y="-1" width="7" height="7" fill="hsl(%d,30%%,92%%)"/><g fill="hsl(%d,55%%,45%%)">`, hue, hue)
	bit := 16
	for y := range 5 {
		for x := range 3 {
			on := b[bit/8]>>(bit%8)&1 == 1
			bit++
			if !on {
				continue
			}
			fmt.Fprintf(&svg, `<rect x="%d" y="%d" width="1" height="1"/>`, x, y)
			if x < 2 {
				fmt.Fprintf(&svg, `<rect x="%d" y="%d" width="1" height="1"/>`, 4-x, y)
			}
		}
	}
	svg.WriteString(`</g></svg>`)
	return []byte(svg.String()), true
}

package picture

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"io"
)

// maxProfile bounds the colour profile carried into copies; a larger
// one is left out.
const maxProfile = 1 << 20

var iccMarker = []byte("ICC_PROFILE\x00")

// iccProfile returns the ICC colour profile a picture carries, or nil.
func iccProfile(data []byte, typ string) []byte {
	var p []byte
	switch typ {
	case "image/jpeg":
		p = jpegProfile(data)
	case "image/png":
		p = pngProfile(data)
	case "image/webp":
		p = webpProfile(data)
	}
	if len(p) > maxProfile {
		return nil
	}
	return p
}

// jpegProfile joins the APP2 ICC_PROFILE segments before the scan, in
// their sequence order.
func jpegProfile(data []byte) []byte {
	parts := map[byte][]byte{}
	var count byte
	for i := 2; i+4 <= len(data) && data[i] == 0xff; {
		marker := data[i+1]
		if marker == 0xda || marker == 0xd9 { // start of scan, end of image
			break
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			break
		}
		seg := data[i+4 : i+2+n]
		if marker == 0xe2 && len(seg) > len(iccMarker)+2 && bytes.HasPrefix(seg, iccMarker) {
			seq, total := seg[len(iccMarker)], seg[len(iccMarker)+1]
			parts[seq] = seg[len(iccMarker)+2:]
			count = total
		}
		i += 2 + n
	}
	if count == 0 || len(parts) != int(count) {
		return nil
	}
	var p []byte
	for seq := byte(1); seq <= count; seq++ {
		part, ok := parts[seq]
		if !ok {
			return nil
		}
		p = append(p, part...)
	}
	return p
}

// pngProfile returns the profile of a PNG's iCCP chunk, uncompressed.
func pngProfile(data []byte) []byte {
	for i := 8; i+12 <= len(data); {
		n := int(binary.BigEndian.Uint32(data[i:]))
		if n < 0 || i+12+n > len(data) {
			return nil
		}
		typ, body := string(data[i+4:i+8]), data[i+8:i+8+n]
		switch typ {
		case "IDAT", "IEND":
			return nil
		case "iCCP":
			nul := bytes.IndexByte(body, 0)
			if nul < 0 || nul+2 > len(body) || body[nul+1] != 0 {
				return nil
			}
			zr, err := zlib.NewReader(bytes.NewReader(body[nul+2:]))
			if err != nil {
				return nil
			}
			p, err := io.ReadAll(io.LimitReader(zr, maxProfile+1))
			if err != nil {
				return nil
			}
			return p
		}
		i += 12 + n
	}
	return nil
}

// webpProfile returns the body of a WebP's ICCP chunk.
func webpProfile(data []byte) []byte {
	for i := 12; i+8 <= len(data); {
		n := int(binary.LittleEndian.Uint32(data[i+4:]))
		if n < 0 || i+8+n > len(data) {
			return nil
		}
		if string(data[i:i+4]) == "ICCP" {
			return data[i+8 : i+8+n]
		}
		i += 8 + n + n&1
	}
	return nil
}

// withJPEGProfile puts profile into a JPEG as APP2 segments right after
// its start marker.
func withJPEGProfile(jpg, profile []byte) []byte {
	const room = 0xffff - 2 - 14 // a segment's length field counts itself
	count := (len(profile) + room - 1) / room
	if count > 255 {
		return jpg
	}
	out := make([]byte, 0, len(jpg)+len(profile)+18*count)
	out = append(out, jpg[:2]...)
	for seq := 1; seq <= count; seq++ {
		part := profile[(seq-1)*room : min(seq*room, len(profile))]
		out = append(out, 0xff, 0xe2)
		out = binary.BigEndian.AppendUint16(out, uint16(2+len(iccMarker)+2+len(part)))
		out = append(out, iccMarker...)
		out = append(out, byte(seq), byte(count))
		out = append(out, part...)
	}
	return append(out, jpg[2:]...)
}

// withPNGProfile puts profile into a PNG as an iCCP chunk after IHDR.
func withPNGProfile(pngData, profile []byte) ([]byte, error) {
	var body bytes.Buffer
	body.WriteString("icc\x00\x00")
	zw := zlib.NewWriter(&body)
	if _, err := zw.Write(profile); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	const afterIHDR = 8 + 4 + 4 + 13 + 4
	chunk := binary.BigEndian.AppendUint32(nil, uint32(body.Len()))
	chunk = append(chunk, "iCCP"...)
	chunk = append(chunk, body.Bytes()...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	out := make([]byte, 0, len(pngData)+len(chunk))
	out = append(out, pngData[:afterIHDR]...)
	out = append(out, chunk...)
	return append(out, pngData[afterIHDR:]...), nil
}

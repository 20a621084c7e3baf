package markdown

import (
	"slices"
	"strconv"
	"strings"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"folio/internal/blog"
)

// pictureSet shows the pictures of one rendered text and records which
// library items it shows.
type pictureSet struct {
	find       blog.PictureFinder
	keys       []string
	unlabelled int
	seen       bool // a picture came before
}

// show gives every library picture under root its size, its copies and
// lazy loading (the first picture loads at once), and makes a library
// picture alone in its paragraph a figure, its title the caption.
// Pictures from elsewhere keep what the writer gave them.
func (ps *pictureSet) show(root *xhtml.Node) {
	var imgs []*xhtml.Node
	var walk func(n *xhtml.Node)
	walk = func(n *xhtml.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == xhtml.ElementNode && c.DataAtom == atom.Img {
				imgs = append(imgs, c)
			}
			walk(c)
		}
	}
	walk(root)
	for _, img := range imgs {
		if strings.TrimSpace(attr(img, "alt")) == "" {
			ps.unlabelled++
		}
		first := !ps.seen
		ps.seen = true
		var m *blog.Media
		if ps.find != nil {
			m = ps.find(attr(img, "src"))
		}
		if m == nil {
			continue
		}
		if !slices.Contains(ps.keys, m.Key) {
			ps.keys = append(ps.keys, m.Key)
		}
		ws := m.Widths()
		widest := ws[len(ws)-1]
		setAttr(img, "src", m.URL())
		setAttr(img, "width", strconv.Itoa(widest))
		setAttr(img, "height", strconv.Itoa(m.HeightAt(widest)))
		setAttr(img, "srcset", m.Srcset())
		setAttr(img, "sizes", blog.PictureSizes)
		setAttr(img, "decoding", "async")
		if first {
			setAttr(img, "loading", "eager")
			setAttr(img, "fetchpriority", "high")
		} else {
			setAttr(img, "loading", "lazy")
		}
		figure(img)
	}
}

// figure turns the paragraph a picture stands alone in (perhaps inside
// a link) into a figure, the picture's title its caption.
func figure(img *xhtml.Node) {
	box := img
	if p := img.Parent; p != nil && p.DataAtom == atom.A && alone(p, img) {
		box = p
	}
	p := box.Parent
	if p == nil || p.DataAtom != atom.P || !alone(p, box) {
		return
	}
	p.Data, p.DataAtom, p.Attr = "figure", atom.Figure, nil
	if title := strings.TrimSpace(attr(img, "title")); title != "" {
		removeAttr(img, "title")
		cap := &xhtml.Node{Type: xhtml.ElementNode, Data: "figcaption", DataAtom: atom.Figcaption}
		cap.AppendChild(&xhtml.Node{Type: xhtml.TextNode, Data: title})
		p.AppendChild(cap)
	}
}

// alone reports whether child is parent's only child but blank text.
func alone(parent, child *xhtml.Node) bool {
	for c := parent.FirstChild; c != nil; c = c.NextSibling {
		if c != child && !(c.Type == xhtml.TextNode && strings.TrimSpace(c.Data) == "") {
			return false
		}
	}
	return true
}

func attr(n *xhtml.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func setAttr(n *xhtml.Node, key, val string) {
	for i, a := range n.Attr {
		if a.Key == key {
			n.Attr[i].Val = val
			return
		}
	}
	n.Attr = append(n.Attr, xhtml.Attribute{Key: key, Val: val})
}

func removeAttr(n *xhtml.Node, key string) {
	n.Attr = slices.DeleteFunc(n.Attr, func(a xhtml.Attribute) bool { return a.Key == key })
}

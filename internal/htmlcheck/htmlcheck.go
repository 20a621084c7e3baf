// Package htmlcheck tells tests whether rendered HTML is safe to show:
// the fuzz targets and hostile-input tables of every renderer of
// untrusted text use it.
package htmlcheck

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Unsafe parses an HTML fragment as a browser would inside a <div> and
// names the first thing in it that could run script or restyle the page:
// a script-capable element, an on* attribute, a style attribute other
// than text alignment, or a javascript:, vbscript: or data: URL. It
// returns "" for a safe fragment.
func Unsafe(fragment string) string {
	nodes, err := html.ParseFragment(strings.NewReader(fragment), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return "unparseable: " + err.Error()
	}
	var walk func(n *html.Node) string
	walk = func(n *html.Node) string {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "iframe", "object", "embed", "style", "svg", "math":
				return "<" + n.Data + "> element"
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				val := strings.ToLower(strings.TrimSpace(a.Val))
				if strings.HasPrefix(key, "on") {
					return key + " attribute"
				}
				if key == "style" && !strings.HasPrefix(val, "text-align") {
					return "style attribute"
				}
				if (key == "href" || key == "src" || key == "cite" || key == "action" || key == "poster") && (strings.HasPrefix(val, "javascript:") || strings.HasPrefix(val, "data:") || strings.HasPrefix(val, "vbscript:")) {
					return key + "=" + val
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if p := walk(c); p != "" {
				return p
			}
		}
		return ""
	}
	for _, n := range nodes {
		if p := walk(n); p != "" {
			return p
		}
	}
	return ""
}

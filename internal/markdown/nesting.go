package markdown

import (
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// maxNesting unwraps blockquotes and lists nested deeper than its limit,
// keeping their text. Thousands of nested "> " would otherwise make a
// page that browsers struggle to lay out.
type maxNesting int

func (m maxNesting) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	var deep []ast.Node
	var walk func(n ast.Node, depth int)
	walk = func(n ast.Node, depth int) {
		switch n.Kind() {
		case ast.KindBlockquote, ast.KindList, ast.KindListItem:
			depth++
			if depth > int(m) {
				deep = append(deep, n)
			}
		}
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			walk(c, depth)
		}
	}
	walk(doc, 0)
	for _, n := range deep {
		parent := n.Parent()
		if parent == nil {
			continue
		}
		for c := n.FirstChild(); c != nil; {
			next := c.NextSibling()
			parent.InsertBefore(parent, n, c)
			c = next
		}
		parent.RemoveChild(parent, n)
	}
}

package markdown

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"folio/internal/blog"
)

// Comments renders readers' replies: paragraphs, line breaks, emphasis,
// inline code and code blocks, links, lists and blockquotes. There is no
// raw HTML parser, so markup a reader types is shown as text; images
// become links; every link is marked rel="nofollow ugc noopener". The
// output passes a strict bluemonday policy. It is safe for concurrent
// use.
type Comments struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

var _ blog.CommentRenderer = (*Comments)(nil)

// linkRel is the rel of every link in a reply.
const linkRel = "nofollow ugc noopener"

// NewComments returns the renderer for replies.
func NewComments() *Comments {
	p := parser.NewParser(
		parser.WithBlockParsers(
			util.Prioritized(parser.NewListParser(), 300),
			util.Prioritized(parser.NewListItemParser(), 400),
			util.Prioritized(parser.NewCodeBlockParser(), 500),
			util.Prioritized(parser.NewFencedCodeBlockParser(), 700),
			util.Prioritized(parser.NewBlockquoteParser(), 800),
			util.Prioritized(parser.NewParagraphParser(), 1000),
		),
		parser.WithInlineParsers(
			util.Prioritized(parser.NewCodeSpanParser(), 100),
			util.Prioritized(parser.NewLinkParser(), 200),
			util.Prioritized(parser.NewAutoLinkParser(), 300),
			util.Prioritized(parser.NewEmphasisParser(), 500),
		),
		parser.WithParagraphTransformers(util.Prioritized(parser.LinkReferenceParagraphTransformer, 100)),
		parser.WithASTTransformers(util.Prioritized(ugcLinks{}, 100), util.Prioritized(maxNesting(8), 200)),
	)
	md := goldmark.New(
		goldmark.WithParser(p),
		goldmark.WithExtensions(extension.Linkify, extension.Strikethrough),
		goldmark.WithRendererOptions(
			gmhtml.WithHardWraps(),
			renderer.WithNodeRenderers(util.Prioritized(imageAsLink{}, 10)),
		),
	)
	pol := bluemonday.NewPolicy()
	pol.AllowElements("p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "del")
	pol.AllowAttrs("href").OnElements("a")
	pol.AllowAttrs("rel").Matching(regexp.MustCompile(`^` + linkRel + `$`)).OnElements("a")
	pol.AllowURLSchemes("http", "https", "mailto")
	pol.RequireParseableURLs(true)
	pol.AllowRelativeURLs(false)
	return &Comments{md: md, policy: pol}
}

// RenderComment turns a reply's text into safe HTML.
func (c *Comments) RenderComment(src string) (string, error) {
	var buf bytes.Buffer
	if err := c.md.Convert([]byte(src), &buf); err != nil {
		return "", err
	}
	return dropControls(c.policy.Sanitize(buf.String())), nil
}

// ugcLinks marks every link as user content that search engines should
// not follow and that gets no window.opener, and turns links to anything
// but http, https and mailto addresses into plain text.
type ugcLinks struct{}

func (ugcLinks) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	src := reader.Source()
	var unsafe []*ast.Link
	var unsafeAuto []*ast.AutoLink
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch l := n.(type) {
		case *ast.Link:
			if !allowedURL(l.Destination) {
				unsafe = append(unsafe, l)
			}
			l.SetAttributeString("rel", []byte(linkRel))
		case *ast.AutoLink:
			url := l.URL(src)
			if l.AutoLinkType == ast.AutoLinkEmail {
				url = append([]byte("mailto:"), url...)
			}
			if !allowedURL(url) {
				unsafeAuto = append(unsafeAuto, l)
			}
			l.SetAttributeString("rel", []byte(linkRel))
		}
		return ast.WalkContinue, nil
	})
	for _, l := range unsafe {
		parent := l.Parent()
		for c := l.FirstChild(); c != nil; {
			next := c.NextSibling()
			parent.InsertBefore(parent, l, c)
			c = next
		}
		parent.RemoveChild(parent, l)
	}
	for _, l := range unsafeAuto {
		l.Parent().ReplaceChild(l.Parent(), l, ast.NewString(l.Label(src)))
	}
}

// allowedURL reports whether a link destination is an absolute http,
// https or mailto address.
func allowedURL(dest []byte) bool {
	u, err := url.Parse(strings.TrimSpace(string(dest)))
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return u.Host != ""
	case "mailto":
		return u.Opaque != ""
	}
	return false
}

// imageAsLink renders ![alt](src) as a plain link to the image, so a
// reply cannot load images into the page.
type imageAsLink struct{}

func (imageAsLink) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindImage, func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		img := n.(*ast.Image)
		var alt bytes.Buffer
		for c := img.FirstChild(); c != nil; c = c.NextSibling() {
			if t, ok := c.(*ast.Text); ok {
				alt.Write(t.Segment.Value(source))
			}
		}
		if alt.Len() == 0 {
			alt.WriteString("image")
		}
		if !allowedURL(img.Destination) {
			w.Write(util.EscapeHTML(alt.Bytes()))
			return ast.WalkSkipChildren, nil
		}
		w.WriteString(`<a href="`)
		w.Write(util.EscapeHTML(util.URLEscape(img.Destination, true)))
		w.WriteString(`" rel="` + linkRel + `">`)
		w.Write(util.EscapeHTML(alt.Bytes()))
		w.WriteString(`</a>`)
		return ast.WalkSkipChildren, nil
	})
}

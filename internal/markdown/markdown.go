// Package markdown renders the Markdown writers type into safe HTML with
// goldmark: GitHub Flavored Markdown, footnotes, typographic quotes and
// dashes, heading anchors and chroma-highlighted code (CSS classes, no
// inline styles). Output passes through a bluemonday policy, so even raw
// HTML in a post cannot run script.
package markdown

import (
	"bytes"
	"html"
	"regexp"
	"strings"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"folio/internal/blog"
)

// Posts renders post and page bodies. It is safe for concurrent use.
type Posts struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
	strip  *bluemonday.Policy
}

var _ blog.Renderer = (*Posts)(nil)

// NewPosts returns the renderer for author content.
func NewPosts() *Posts {
	md := goldmark.New(
		goldmark.WithExtensions(
			extension.GFM,
			extension.Footnote,
			extension.Typographer,
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignStyle)),
			highlighting.NewHighlighting(
				highlighting.WithFormatOptions(chromahtml.WithClasses(true)),
				highlighting.WithGuessLanguage(false),
			),
		),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			parser.WithASTTransformers(util.Prioritized(headingAnchors{}, 100), util.Prioritized(maxNesting(32), 200)),
		),
		goldmark.WithRendererOptions(gmhtml.WithUnsafe()),
	)
	return &Posts{md: md, policy: authorPolicy(), strip: bluemonday.StrictPolicy()}
}

// Render turns a post body into sanitized HTML, the excerpt before
// <!--more--> (when present) and plain text for summaries.
func (p *Posts) Render(src string) (blog.Rendered, error) {
	full, err := p.html(src)
	if err != nil {
		return blog.Rendered{}, err
	}
	r := blog.Rendered{HTML: full, Text: p.Text(full), Prose: p.Text(notProse.ReplaceAllString(full, " "))}
	if before, ok := blog.SplitMore(src); ok && strings.TrimSpace(before) != "" {
		if r.ExcerptHTML, err = p.html(before); err != nil {
			return blog.Rendered{}, err
		}
	}
	return r, nil
}

func (p *Posts) html(src string) (string, error) {
	var buf bytes.Buffer
	if err := p.md.Convert([]byte(src), &buf); err != nil {
		return "", err
	}
	return p.policy.Sanitize(buf.String()), nil
}

var spaces = regexp.MustCompile(`\s+`)

// notProse matches what a summary leaves out: code blocks, the "#" of
// heading anchors, footnote marks and the footnotes themselves.
var notProse = regexp.MustCompile(`(?s)<pre[ >].*?</pre>|<a class="anchor"[^>]*>#</a>|<sup id="fnref[^"]*">.*?</sup>|<div class="footnotes".*?</div>\s*$|<section class="footnotes".*?</section>`)

// Text returns the visible text of an HTML fragment on one line.
func (p *Posts) Text(fragment string) string {
	// Block ends become spaces so words of adjacent paragraphs stay apart.
	fragment = strings.NewReplacer("</p>", " </p>", "</li>", " </li>", "<br>", " ", "</h", " </h").Replace(fragment)
	return strings.TrimSpace(spaces.ReplaceAllString(html.UnescapeString(p.strip.Sanitize(fragment)), " "))
}

// authorPolicy allows what goldmark produces for posts, and nothing that
// can run script or restyle the page.
func authorPolicy() *bluemonday.Policy {
	pol := bluemonday.UGCPolicy()
	pol.RequireNoFollowOnLinks(false)
	pol.AllowAttrs("class").Matching(regexp.MustCompile(`^[a-zA-Z0-9_\- ]+$`)).OnElements("a", "code", "pre", "span", "div", "sup", "li", "ol", "section")
	pol.AllowAttrs("id").Matching(regexp.MustCompile(`^[\p{L}\p{N}_:\-]+$`)).OnElements("h1", "h2", "h3", "h4", "h5", "h6", "li", "sup", "div")
	pol.AllowAttrs("role").Matching(regexp.MustCompile(`^doc-(noteref|endnotes|backlink)$`)).OnElements("a", "div", "section")
	pol.AllowAttrs("aria-label").OnElements("a")
	pol.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	pol.AllowAttrs("checked", "disabled").Matching(regexp.MustCompile(`^$`)).OnElements("input")
	pol.AllowStyles("text-align").MatchingEnum("left", "right", "center").OnElements("th", "td")
	pol.AllowElements("figure", "figcaption", "mark", "kbd", "details", "summary")
	pol.AllowAttrs("cite").OnElements("blockquote", "q")
	return pol
}

// headingAnchors adds a "#" link to every heading that has an ID, so a
// reader can copy a link to a section.
type headingAnchors struct{}

func (headingAnchors) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		h, ok := n.(*ast.Heading)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		id, ok := h.AttributeString("id")
		if !ok {
			return ast.WalkSkipChildren, nil
		}
		idb, _ := id.([]byte)
		link := ast.NewLink()
		link.Destination = append([]byte("#"), idb...)
		link.SetAttributeString("class", []byte("anchor"))
		link.SetAttributeString("aria-label", []byte("Link to this section"))
		link.AppendChild(link, ast.NewString([]byte("#")))
		h.AppendChild(h, ast.NewString([]byte(" ")))
		h.AppendChild(h, link)
		return ast.WalkSkipChildren, nil
	})
}

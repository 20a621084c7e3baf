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
	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

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
// <!--more--> (when present) and plain text for summaries. Pictures of
// the library, found by pictures (nil: none), get their sizes.
func (p *Posts) Render(src string, pictures blog.PictureFinder) (blog.Rendered, error) {
	shown := &pictureSet{find: pictures}
	full, err := p.html(src, shown)
	if err != nil {
		return blog.Rendered{}, err
	}
	r := blog.Rendered{HTML: full, Text: p.Text(full), Prose: p.Text(notProse.ReplaceAllString(full, " ")),
		Pictures: shown.keys, Unlabelled: shown.unlabelled}
	if before, ok := blog.SplitMore(src); ok && strings.TrimSpace(before) != "" {
		if r.ExcerptHTML, err = p.html(before, &pictureSet{find: pictures}); err != nil {
			return blog.Rendered{}, err
		}
	}
	return r, nil
}

func (p *Posts) html(src string, pictures *pictureSet) (string, error) {
	var buf bytes.Buffer
	if err := p.md.Convert([]byte(src), &buf); err != nil {
		return "", err
	}
	return dropControls(balance(p.policy.Sanitize(modernize(buf.String())), pictures)), nil
}

// dropControls removes the control characters HTML forbids (DEL and
// U+0080–U+009F) from rendered HTML. The text folio stores has none, but
// a character reference such as &#x9f; in Markdown becomes one.
func dropControls(s string) string {
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return -1
		}
		return r
	}, s)
}

func isControl(r rune) bool { return r >= 0x7f && r <= 0x9f }

// obsolete maps the elements HTML no longer has, which old posts (and
// WordPress) still hold, to the ones that mean the same now. The
// attributes of font and center only styled; acronym keeps its title.
var obsolete = map[string]string{"acronym": "abbr", "tt": "code", "strike": "s", "big": "strong", "center": "div", "font": "span"}

var obsoleteRe = regexp.MustCompile(`(?i)<(/?)(acronym|tt|strike|big|center|font)(\s[^>]*)?>`)

// modernize renames obsolete elements before the sanitizer, which would
// otherwise drop them and keep only their text.
func modernize(s string) string {
	return obsoleteRe.ReplaceAllStringFunc(s, func(tag string) string {
		m := obsoleteRe.FindStringSubmatch(tag)
		name := strings.ToLower(m[2])
		attrs := m[3]
		if name != "acronym" {
			attrs = ""
		}
		return "<" + m[1] + obsolete[name] + attrs + ">"
	})
}

// collapseSpace turns each run of the whitespace regexp's \s matches
// (tab, newline, form feed, carriage return, space) into one space, in
// one pass: the regexp took a fifth of an import's time on long posts.
func collapseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	run := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\t', '\n', '\f', '\r', ' ':
			if !run {
				b.WriteByte(' ')
			}
			run = true
		default:
			b.WriteByte(c)
			run = false
		}
	}
	return b.String()
}

// notProse matches what a summary leaves out: code blocks, the "#" of
// heading anchors, footnote marks and the footnotes themselves.
var notProse = regexp.MustCompile(`(?s)<pre[ >].*?</pre>|<a class="anchor"[^>]*>#</a>|<sup id="fnref[^"]*">.*?</sup>|<div class="footnotes".*?</div>\s*$|<section class="footnotes".*?</section>`)

// Text returns the visible text of an HTML fragment on one line.
func (p *Posts) Text(fragment string) string {
	// Block ends become spaces so words of adjacent paragraphs stay apart.
	fragment = strings.NewReplacer("</p>", " </p>", "</li>", " </li>", "<br>", " ", "</h", " </h").Replace(fragment)
	return strings.TrimSpace(collapseSpace(html.UnescapeString(p.strip.Sanitize(fragment))))
}

// postElements is the post sanitizer's allow-list, element by element:
// what goldmark and chroma produce, and the plain HTML writers (and
// WordPress) put in posts, audio and video included. There are no form
// controls (a writer could otherwise put a "sign in again" form on the
// site's own origin), no scripts, styles, frames, objects or embeds; the
// only input is a task list's disabled checkbox.
var postElements = []string{
	"a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col", "colgroup",
	"dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
	"h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins", "kbd", "li", "mark",
	"ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "section", "small", "span", "strong",
	"sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
	"var", "wbr", "audio", "video", "source",
}

var (
	classRe = regexp.MustCompile(`^[a-zA-Z0-9_\- ]+$`)
	idRe    = regexp.MustCompile(`^[\p{L}\p{N}_:\-]+$`)
	numRe   = regexp.MustCompile(`^[0-9]{1,4}$`)
)

// authorPolicy allows postElements with the attributes each needs, and
// nothing that can run script or restyle the page. Links and images may
// point at http, https and mailto addresses, or on the site.
func authorPolicy() *bluemonday.Policy {
	pol := bluemonday.NewPolicy()
	pol.AllowURLSchemes("http", "https", "mailto")
	pol.AllowRelativeURLs(true)
	pol.RequireParseableURLs(true)
	pol.AllowElements(postElements...)
	pol.AllowAttrs("title").Matching(bluemonday.Paragraph).Globally()
	pol.AllowAttrs("lang").Matching(regexp.MustCompile(`^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$`)).Globally()
	pol.AllowAttrs("dir").Matching(bluemonday.Direction).Globally()
	pol.AllowAttrs("href").OnElements("a")
	pol.AllowAttrs("src").OnElements("img", "audio", "video", "source")
	// Audio and video play only when the reader asks: no autoplay.
	pol.AllowAttrs("controls", "loop", "muted", "playsinline").Matching(regexp.MustCompile(`^$`)).OnElements("audio", "video")
	pol.AllowAttrs("preload").Matching(regexp.MustCompile(`^(none|metadata|auto)$`)).OnElements("audio", "video")
	// The sanitizer checks the schemes of src and href, not of poster.
	pol.AllowAttrs("poster").Matching(regexp.MustCompile(`^(https?://|/[^/\\])[^\s"'<>\\]*$`)).OnElements("video")
	pol.AllowAttrs("width", "height").Matching(numRe).OnElements("video")
	pol.AllowAttrs("type").Matching(regexp.MustCompile(`^(audio|video)/[a-z0-9.+-]+$`)).OnElements("source")
	pol.AllowAttrs("alt").Matching(bluemonday.Paragraph).OnElements("img")
	pol.AllowAttrs("width", "height").Matching(numRe).OnElements("img")
	pol.AllowAttrs("loading").Matching(regexp.MustCompile(`^(lazy|eager)$`)).OnElements("img")
	pol.AllowAttrs("cite").OnElements("blockquote", "q", "del", "ins")
	pol.AllowAttrs("datetime").Matching(bluemonday.ISO8601).OnElements("del", "ins", "time")
	pol.AllowAttrs("start").Matching(numRe).OnElements("ol")
	pol.AllowAttrs("reversed").Matching(regexp.MustCompile(`^$`)).OnElements("ol")
	pol.AllowAttrs("colspan", "rowspan").Matching(numRe).OnElements("td", "th")
	pol.AllowAttrs("span").Matching(numRe).OnElements("col", "colgroup")
	pol.AllowAttrs("scope").Matching(regexp.MustCompile(`^(row|col|rowgroup|colgroup)$`)).OnElements("th")
	pol.AllowAttrs("open").Matching(regexp.MustCompile(`^(|open)$`)).OnElements("details")
	pol.AllowAttrs("class").Matching(classRe).OnElements("a", "code", "pre", "span", "div", "sup", "li", "ol", "section", "figure", "img")
	pol.AllowAttrs("id").Matching(idRe).OnElements("h1", "h2", "h3", "h4", "h5", "h6", "li", "sup", "div")
	pol.AllowAttrs("role").Matching(regexp.MustCompile(`^doc-(noteref|endnotes|backlink)$`)).OnElements("a", "div", "section")
	pol.AllowAttrs("aria-label").Matching(bluemonday.Paragraph).OnElements("a")
	pol.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	pol.AllowAttrs("checked", "disabled").Matching(regexp.MustCompile(`^$`)).OnElements("input")
	pol.AllowStyles("text-align").MatchingEnum("left", "right", "center").OnElements("th", "td")
	return pol
}

// balance parses sanitized HTML the way a browser would and writes it
// again, so every element it opens is closed inside it: an unclosed <a>
// or <table> in a post cannot swallow the page after it. An input that
// is not a disabled checkbox is dropped on the way, and pictures (when
// not nil) shows the library's pictures at their sizes.
func balance(fragment string, pictures *pictureSet) string {
	ctx := &xhtml.Node{Type: xhtml.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := xhtml.ParseFragment(strings.NewReader(fragment), ctx)
	if err != nil {
		return ""
	}
	root := &xhtml.Node{Type: xhtml.ElementNode, Data: "div", DataAtom: atom.Div}
	for _, n := range nodes {
		if activeInput(n) {
			continue
		}
		dropActiveInputs(n)
		root.AppendChild(n)
	}
	if pictures != nil {
		pictures.show(root)
	}
	var b strings.Builder
	for n := root.FirstChild; n != nil; n = n.NextSibling {
		xhtml.Render(&b, n)
	}
	// Render closes void elements XML's way (<hr/>); attribute values
	// and text have < and > escaped, so "/>" is only ever that.
	return strings.ReplaceAll(b.String(), "/>", ">")
}

// dropActiveInputs removes the inputs under n a reader could type into or
// tick.
func dropActiveInputs(n *xhtml.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if activeInput(c) {
			n.RemoveChild(c)
		} else {
			dropActiveInputs(c)
		}
		c = next
	}
}

// activeInput reports whether n is an input that is not disabled.
func activeInput(n *xhtml.Node) bool {
	return n.Type == xhtml.ElementNode && n.DataAtom == atom.Input && !hasAttr(n, "disabled")
}

func hasAttr(n *xhtml.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
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

package wordpress

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// CommentText turns a WordPress reply's text into the Markdown folio's
// replies are written in. WordPress keeps a reply as the HTML its
// readers typed (links, emphasis, quotes, code; the line breaks wpautop
// turns into <br> and <p>) and shows it as HTML; folio shows a reply's
// markup as text, so an imported "<br />" would be shown as typed. Each
// element becomes its Markdown (links only to http, https and mailto
// addresses), any other element its text, and the text's own Markdown
// marks are escaped so that they stay text.
func CommentText(src string) string {
	nodes, err := html.ParseFragment(strings.NewReader(src), &html.Node{Type: html.ElementNode, DataAtom: atom.Body, Data: "body"})
	if err != nil {
		return src
	}
	var w commentWriter
	for _, n := range nodes {
		w.node(n)
	}
	return tidyLines(w.b.String())
}

// commentWriter writes the Markdown of a reply's nodes.
type commentWriter struct {
	b strings.Builder
}

func (w *commentWriter) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return
	case html.ElementNode:
	default:
		return
	}
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Template, atom.Img:
		return
	case atom.Br:
		w.b.WriteString("\n")
		return
	case atom.P, atom.Div, atom.Ul, atom.Ol:
		w.b.WriteString("\n\n")
		w.children(n)
		w.b.WriteString("\n\n")
		return
	case atom.B, atom.Strong:
		w.wrap(n, "**")
		return
	case atom.I, atom.Em:
		w.wrap(n, "*")
		return
	case atom.Del, atom.S, atom.Strike:
		w.wrap(n, "~~")
		return
	case atom.Q:
		w.wrap(n, `"`)
		return
	case atom.Code:
		w.code(n)
		return
	case atom.Pre:
		w.b.WriteString("\n\n```\n")
		w.b.WriteString(strings.Trim(strings.ReplaceAll(textOf(n), "```", "` ` `"), "\n"))
		w.b.WriteString("\n```\n\n")
		return
	case atom.A:
		w.link(n)
		return
	case atom.Blockquote, atom.Li:
		prefix := "> "
		if n.DataAtom == atom.Li {
			prefix = "- "
		}
		var inner commentWriter
		inner.children(n)
		// A quote stands apart; a list's items follow each other, and an
		// item's later lines continue its paragraph unmarked.
		gap, after := "", ""
		switch {
		case n.DataAtom == atom.Blockquote:
			gap, after = "\n\n", "\n"
		case !strings.HasSuffix(w.b.String(), "\n"):
			gap = "\n"
		}
		w.b.WriteString(gap)
		for i, line := range strings.Split(tidyLines(inner.b.String()), "\n") {
			if i == 0 || n.DataAtom == atom.Blockquote {
				line = strings.TrimRight(prefix+line, " ")
			}
			w.b.WriteString(line + "\n")
		}
		w.b.WriteString(after)
		return
	}
	w.children(n)
}

func (w *commentWriter) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.node(c)
	}
}

// wrap writes n's content between marks, or just its content when it
// has no text (an empty pair of marks would be shown as typed).
func (w *commentWriter) wrap(n *html.Node, mark string) {
	var inner commentWriter
	inner.children(n)
	s := inner.b.String()
	t := strings.TrimSpace(s)
	if t == "" || strings.Contains(s, "\n") {
		w.b.WriteString(s)
		return
	}
	// Marks must touch the text they hold.
	at := strings.Index(s, t)
	lead, trail := s[:at], s[at+len(t):]
	w.b.WriteString(lead + mark + t + mark + trail)
}

// code writes a code span long enough not to be closed by the
// backticks inside it.
func (w *commentWriter) code(n *html.Node) {
	t := strings.ReplaceAll(textOf(n), "\n", " ")
	if strings.TrimSpace(t) == "" {
		w.b.WriteString(t)
		return
	}
	fence := "`"
	for strings.Contains(t, fence) {
		fence += "`"
	}
	pad := ""
	if strings.HasPrefix(t, "`") || strings.HasSuffix(t, "`") {
		pad = " "
	}
	w.b.WriteString(fence + pad + t + pad + fence)
}

// link writes a link to a web or mail address as Markdown; any other
// keeps only its text.
func (w *commentWriter) link(n *html.Node) {
	var inner commentWriter
	inner.children(n)
	label := strings.TrimSpace(strings.ReplaceAll(inner.b.String(), "\n", " "))
	href := ""
	for _, a := range n.Attr {
		if a.Key == "href" {
			href = strings.TrimSpace(a.Val)
		}
	}
	u, err := url.Parse(href)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "mailto") || (u.Scheme != "mailto" && u.Host == "") {
		w.b.WriteString(inner.b.String())
		return
	}
	if label == "" {
		label = escapeText(href)
	}
	dest := destEscaper.Replace(u.String())
	w.b.WriteString("[" + label + "](" + dest + ")")
}

// destEscaper escapes what would end a Markdown link's destination.
var destEscaper = strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E")

// text writes a run of the reply's text with its Markdown marks escaped.
func (w *commentWriter) text(s string) { w.b.WriteString(escapeText(s)) }

// escapeText escapes what folio's reply Markdown would read as marks:
// emphasis, code, links and their brackets, and what opens a list or a
// quote at the start of a line.
func escapeText(s string) string {
	var b strings.Builder
	lineStart := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case strings.IndexByte("\\*_`[]~<", c) >= 0:
			b.WriteByte('\\')
		case lineStart && (c == '>' || c == '-' || c == '+' || c == '#'):
			b.WriteByte('\\')
		case lineStart && c >= '0' && c <= '9':
			// "1." or "1)" opens an ordered list.
			j := i
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			if j < len(s) && (s[j] == '.' || s[j] == ')') {
				b.WriteString(s[i:j])
				b.WriteByte('\\')
				i = j - 1
				lineStart = false
				continue
			}
		}
		b.WriteByte(c)
		switch {
		case c == '\n':
			lineStart = true
		case c != ' ' && c != '\t':
			lineStart = false
		}
	}
	return b.String()
}

// textOf is the text inside n.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.Br {
			b.WriteString("\n")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// tidyLines trims the spaces around lines (four that start one would
// make it code) and keeps at most one blank line between paragraphs,
// without touching code blocks.
func tidyLines(s string) string {
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	blank, fenced := 0, false
	for _, l := range lines {
		if strings.HasPrefix(l, "```") {
			fenced = !fenced
		}
		if !fenced {
			l = strings.Trim(l, " \t")
		}
		if l == "" && !fenced {
			if blank++; blank > 1 || len(out) == 0 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.TrimRight(strings.Join(out, "\n"), "\n")
}

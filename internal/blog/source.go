package blog

import (
	"html"
	"net/url"
	"strconv"
	"strings"
)

// CreditSource adds the credit for src to a rendered body: the first
// top-level blockquote gets a cite attribute and, right under it, a line
// with a <cite> link to the source. Without a blockquote the credit ends
// the body, after label (the language's "Source:"). A zero src leaves the body as it is. body must be sanitized
// HTML, as the Renderer returns it.
func CreditSource(body string, src Source, label string) string {
	if src.URL == "" {
		return body
	}
	title := src.Title
	if title == "" {
		title = src.Site
	}
	if title == "" {
		if u, err := url.Parse(src.URL); err == nil {
			title = u.Host
		}
	}
	esc := html.EscapeString
	var credit strings.Builder
	credit.WriteString(`<p class="source">— <cite><a href="` + esc(src.URL) + `">` + esc(title) + `</a></cite>`)
	if src.Site != "" && src.Site != title {
		credit.WriteString(", " + esc(src.Site))
	}
	credit.WriteString("</p>\n")

	open, end := firstBlockquote(body)
	if open < 0 {
		return body + "\n" + strings.Replace(credit.String(), "— ", esc(label)+" ", 1)
	}
	tag := "<blockquote"
	return body[:open] + tag + ` cite="` + esc(src.URL) + `"` + body[open+len(tag):end] + "\n" + credit.String() + body[end:]
}

// WebAddress returns u when it is an absolute http or https address, and
// "" for anything else (javascript:, data:, relative paths), for
// addresses written into links outside the site's own pages.
func WebAddress(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	return p.String()
}

// LocalPath reports whether p is a path on this site, safe to redirect
// to: it starts with one slash, and holds no backslash, space or control
// character, which browsers may read as the start of another host
// (/\evil.example, /<TAB>/evil.example).
func LocalPath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
		return false
	}
	for _, r := range p {
		if r == '\\' || r <= ' ' || r == 0x7f {
			return false
		}
	}
	u, err := url.Parse(p)
	return err == nil && u.Scheme == "" && u.Host == ""
}

// Plural writes a count with the words for one or for many: "1 reply",
// "3 replies".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// Quote returns s in typographic quotation marks: double ones, or single
// ones when s holds double quotes itself, so quotes nest as English
// writes them (‘Notes on “The Slow Web”’).
func Quote(s string) string {
	if strings.ContainsAny(s, "\"“”„«»") {
		return "‘" + s + "’"
	}
	return "“" + s + "”"
}

// firstBlockquote returns where the first top-level blockquote opens and
// where its end tag ends, or -1, -1.
func firstBlockquote(body string) (open, end int) {
	const openTag, closeTag = "<blockquote", "</blockquote>"
	open = strings.Index(body, openTag)
	if open < 0 {
		return -1, -1
	}
	depth := 0
	for i := open; i < len(body); {
		switch {
		case strings.HasPrefix(body[i:], openTag):
			depth++
			i += len(openTag)
		case strings.HasPrefix(body[i:], closeTag):
			depth--
			i += len(closeTag)
			if depth == 0 {
				return open, i
			}
		default:
			i++
		}
	}
	return -1, -1
}

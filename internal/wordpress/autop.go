package wordpress

import (
	"html"
	"regexp"
	"strconv"
	"strings"
)

// allBlocks are the elements wpautop never wraps in a paragraph, as in
// WordPress's formatting.php, and <center>, which the post sanitizer
// makes a <div>.
const allBlocks = `(?:center|table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)`

var (
	// keptRe matches what wpautop leaves as it is: preformatted text, and
	// figures, which the [caption] and [gallery] conversions make whole
	// (in WordPress they are still shortcodes when wpautop runs).
	keptRe         = regexp.MustCompile(`(?is)<pre[\s>].*?</pre>|<figure[\s>].*?</figure>`)
	doubleBrRe     = regexp.MustCompile(`(?i)<br\s*/?>\s*<br\s*/?>`)
	openBlockRe    = regexp.MustCompile(`(?i)(<` + allBlocks + `[\s/>])`)
	closeBlockRe   = regexp.MustCompile(`(?i)(</` + allBlocks + `>)`)
	manyNewlinesRe = regexp.MustCompile(`\n\n+`)
	paraSplitRe    = regexp.MustCompile(`\n\s*\n`)
	emptyParaRe    = regexp.MustCompile(`<p>\s*</p>`)
	onlyBlockPara  = regexp.MustCompile(`(?i)<p>\s*(</?` + allBlocks + `[^>]*>)\s*</p>`)
	paraQuoteRe    = regexp.MustCompile(`(?i)<p><blockquote([^>]*)>`)
	paraOpenBlock  = regexp.MustCompile(`(?i)<p>\s*(</?` + allBlocks + `[^>]*>)`)
	blockCloseP    = regexp.MustCompile(`(?i)(</?` + allBlocks + `[^>]*>)\s*</p>`)
	brAfterBlock   = regexp.MustCompile(`(?i)(</?` + allBlocks + `[^>]*>)\s*<br />`)
	brBeforeBlock  = regexp.MustCompile(`(?i)<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)`)
	tagRe          = regexp.MustCompile(`<[^>]*>`)
)

// Autop turns WordPress's stored text, where blank lines separate
// paragraphs and single newlines are line breaks, into the HTML WordPress
// shows: the equivalent of its wpautop(). Text inside <pre> and
// <figure> is kept as it is.
func Autop(text string) string {
	if strings.TrimSpace(text) == "" {
		return ""
	}
	var pres []string
	text = keptRe.ReplaceAllStringFunc(text, func(m string) string {
		pres = append(pres, m)
		return "<pre wp-pre-tag-" + strconv.Itoa(len(pres)-1) + "></pre>"
	})
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n") + "\n"
	text = doubleBrRe.ReplaceAllString(text, "\n\n")
	text = openBlockRe.ReplaceAllString(text, "\n\n$1")
	text = closeBlockRe.ReplaceAllString(text, "$1\n\n")
	text = manyNewlinesRe.ReplaceAllString(text, "\n\n")

	var b strings.Builder
	for _, para := range paraSplitRe.Split(text, -1) {
		if strings.TrimSpace(para) == "" {
			continue
		}
		b.WriteString("<p>" + strings.Trim(para, "\n") + "</p>\n")
	}
	out := b.String()
	out = emptyParaRe.ReplaceAllString(out, "")
	out = onlyBlockPara.ReplaceAllString(out, "$1")
	// A quote keeps its paragraph inside it.
	out = paraQuoteRe.ReplaceAllString(out, "<blockquote$1><p>")
	out = strings.ReplaceAll(out, "</blockquote></p>", "</p></blockquote>")
	out = paraOpenBlock.ReplaceAllString(out, "$1")
	out = blockCloseP.ReplaceAllString(out, "$1")
	// Single newlines left inside paragraphs are line breaks, except
	// inside tags.
	out = breakLines(out)
	out = brAfterBlock.ReplaceAllString(out, "$1")
	out = brBeforeBlock.ReplaceAllString(out, "$1")
	for i, p := range pres {
		out = strings.Replace(out, "<pre wp-pre-tag-"+strconv.Itoa(i)+"></pre>", p, 1)
	}
	return out
}

// breakLines turns newlines between tags' text into <br />, leaving
// newlines inside a tag and right after a block tag alone.
func breakLines(s string) string {
	var b strings.Builder
	last := 0
	for _, loc := range tagRe.FindAllStringIndex(s, -1) {
		b.WriteString(textBreaks(s[last:loc[0]]))
		b.WriteString(s[loc[0]:loc[1]])
		last = loc[1]
	}
	b.WriteString(textBreaks(s[last:]))
	return b.String()
}

func textBreaks(t string) string {
	lines := strings.Split(t, "\n")
	for i := 0; i < len(lines)-1; i++ {
		lines[i] += "<br />"
	}
	out := strings.Join(lines, "\n")
	// A break at the very start or end of a text run comes from the
	// newlines around block tags, not from the writer.
	out = strings.TrimPrefix(out, "<br />")
	return strings.TrimSuffix(out, "<br />")
}

var (
	openTagRe   = regexp.MustCompile(`\[(\[?)([a-zA-Z][a-zA-Z0-9_-]*)((?:\s[^\]]*)?)/?\](\]?)`)
	attrRe      = regexp.MustCompile(`([a-zA-Z0-9_-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))`)
	mediaLineRe = regexp.MustCompile(`(?m)^\s*(https?://\S+)\s*$`)
)

// Shortcodes converts the common WordPress shortcodes into HTML:
// [caption] to a figure with a figcaption, [gallery] to a list of links
// to its images (attachment gives an image's address by its ID), and
// [embed] and a media address alone on a line to a link. Other
// shortcodes stay as text; their names are returned so an import can
// report them. [[escaped]] shortcodes lose one pair of brackets, as in
// WordPress.
func Shortcodes(text string, attachment func(id int64) string) (string, []string) {
	var unknown []string
	seen := map[string]bool{}
	var b strings.Builder
	rest := text
	for {
		loc := openTagRe.FindStringSubmatchIndex(rest)
		if loc == nil {
			b.WriteString(rest)
			break
		}
		b.WriteString(rest[:loc[0]])
		whole := rest[loc[0]:loc[1]]
		escOpen, escClose := rest[loc[2]:loc[3]], rest[loc[8]:loc[9]]
		name, attrs := strings.ToLower(rest[loc[4]:loc[5]]), parseAttrs(rest[loc[6]:loc[7]])
		after := rest[loc[1]:]
		if escOpen == "[" && escClose == "]" {
			b.WriteString(whole[1 : len(whole)-1])
			rest = after
			continue
		}
		// The enclosed content runs to the matching [/name], if any.
		inner, enclosed := "", false
		if end := strings.Index(strings.ToLower(after), "[/"+name+"]"); end >= 0 && (name == "caption" || name == "wp_caption" || name == "embed") {
			inner, enclosed = after[:end], true
			after = after[end+len(name)+3:]
		}
		switch name {
		case "caption", "wp_caption":
			img, caption := splitCaption(inner)
			if caption == "" {
				caption = attrs["caption"]
			}
			class := "wp-caption"
			if a := attrs["align"]; a != "" {
				class += " " + a
			}
			b.WriteString(`<figure class="` + html.EscapeString(class) + `">` + img + `<figcaption>` + caption + `</figcaption></figure>`)
		case "gallery":
			var items strings.Builder
			for _, idText := range strings.Split(attrs["ids"], ",") {
				id, err := strconv.ParseInt(strings.TrimSpace(idText), 10, 64)
				if err != nil || attachment == nil {
					continue
				}
				if u := attachment(id); u != "" {
					items.WriteString(`<li><a href="` + html.EscapeString(u) + `"><img src="` + html.EscapeString(u) + `" alt=""></a></li>`)
				}
			}
			// A gallery of images the export does not hold is left out.
			if items.Len() > 0 {
				b.WriteString(`<ul class="gallery">` + items.String() + `</ul>`)
			}
		case "embed":
			u := strings.TrimSpace(inner)
			if !enclosed {
				u = attrs["src"]
			}
			b.WriteString(`<a href="` + html.EscapeString(u) + `">` + html.EscapeString(u) + `</a>`)
		default:
			if !seen[name] {
				seen[name] = true
				unknown = append(unknown, name)
			}
			b.WriteString(whole)
		}
		rest = after
	}
	out := b.String()
	out = mediaLineRe.ReplaceAllStringFunc(out, func(line string) string {
		u := strings.TrimSpace(line)
		return `<a href="` + html.EscapeString(u) + `">` + html.EscapeString(u) + `</a>`
	})
	return out, unknown
}

func parseAttrs(s string) map[string]string {
	out := map[string]string{}
	for _, m := range attrRe.FindAllStringSubmatch(s, -1) {
		out[strings.ToLower(m[1])] = m[2] + m[3] + m[4]
	}
	return out
}

// splitCaption separates the image (possibly wrapped in a link) from the
// caption text that follows it inside [caption].
func splitCaption(inner string) (img, caption string) {
	inner = strings.TrimSpace(inner)
	end := strings.Index(strings.ToLower(inner), "</a>")
	if strings.HasPrefix(strings.ToLower(inner), "<a ") && end > 0 {
		return inner[:end+4], strings.TrimSpace(inner[end+4:])
	}
	if i := strings.Index(inner, ">"); strings.HasPrefix(strings.ToLower(inner), "<img") && i > 0 {
		return inner[:i+1], strings.TrimSpace(inner[i+1:])
	}
	return "", inner
}

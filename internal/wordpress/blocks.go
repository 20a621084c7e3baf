package wordpress

import (
	"encoding/json"
	"html"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"folio/internal/blog"
)

// Block-editor content (WordPress 5.0 and later) is HTML with blocks
// marked by comments: <!-- wp:name {"json":"attributes"} --> … <!--
// /wp:name -->, or <!-- wp:name /--> for a block with no HTML of its
// own. WordPress keeps each static block's HTML as it will be shown and
// builds dynamic blocks (latest posts, archives, search) at view time. It
// does not run wpautop over such content; HasBlocks tells the two apart
// as WordPress's has_blocks() does.

// HasBlocks reports whether content is block-editor markup.
func HasBlocks(content string) bool { return strings.Contains(content, "<!-- wp:") }

// Block is one block of block-editor markup. A block with an empty Name
// is HTML between blocks (WordPress's freeform content), held in HTML.
type Block struct {
	Name  string // with its namespace: core/paragraph
	Attrs map[string]any
	HTML  string
	Inner []*Block // the block's HTML pieces and inner blocks, in order
}

// delimStart matches the start of a block delimiter up to its name.
var delimStart = regexp.MustCompile(`<!--\s+(/)?wp:([a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_-]*)?)\s+`)

// ParseBlocks reads block-editor markup into its top-level blocks. It
// accepts anything: a closer without its opener is dropped, an opener
// left open is closed at the end, and a delimiter whose attributes are
// not a JSON object is dropped whole, so no delimiter reaches a page.
func ParseBlocks(content string) []*Block {
	var root []*Block
	var stack []*Block
	add := func(b *Block) {
		if len(stack) == 0 {
			root = append(root, b)
		} else {
			top := stack[len(stack)-1]
			top.Inner = append(top.Inner, b)
		}
	}
	text := func(s string) {
		if s != "" {
			add(&Block{HTML: s})
		}
	}
	rest := content
	for {
		loc := delimStart.FindStringSubmatchIndex(rest)
		if loc == nil {
			text(rest)
			break
		}
		end := strings.Index(rest[loc[1]:], "-->")
		if end < 0 {
			// An unterminated comment: the rest is text (a browser
			// would hide it; the sanitizer drops it).
			text(rest)
			break
		}
		text(rest[:loc[0]])
		closer := loc[2] >= 0
		name := rest[loc[4]:loc[5]]
		if !strings.Contains(name, "/") {
			name = "core/" + name
		}
		body := strings.TrimSpace(rest[loc[1] : loc[1]+end])
		rest = rest[loc[1]+end+3:]
		void := strings.HasSuffix(body, "/")
		body = strings.TrimSpace(strings.TrimSuffix(body, "/"))
		var attrs map[string]any
		if body != "" && (closer || json.Unmarshal([]byte(body), &attrs) != nil) {
			continue
		}
		switch {
		case closer:
			for i := len(stack) - 1; i >= 0; i-- {
				if stack[i].Name == name {
					stack = stack[:i]
					break
				}
			}
		default:
			b := &Block{Name: name, Attrs: attrs}
			add(b)
			if !void {
				stack = append(stack, b)
			}
		}
	}
	return root
}

// blockConversion turns one post's blocks into the HTML WordPress shows,
// and notes what it could not carry.
type blockConversion struct {
	reusable  func(ref int64) (string, bool) // a reusable block's content
	footnotes string                         // the post's footnotes meta, JSON
	wantCite  bool                           // take the first quote's linked citation as the source
	source    blog.Source
	counts    map[string]int
	left      []string // what was left out, one phrase each
	quotes    int
	depth     int
	expanded  int
}

// Reusable blocks may hold reusable blocks, and refer to each other:
// maxReusableDepth bounds the nesting and maxReusable the expansions in
// one item, so a handful of blocks that each use the others many times
// cannot make an import's work grow without end.
const (
	maxReusableDepth = 8
	maxReusable      = 256
)

// convert renders content's blocks.
func (c *blockConversion) convert(content string) string {
	var b strings.Builder
	c.write(&b, ParseBlocks(content))
	return b.String()
}

func (c *blockConversion) write(b *strings.Builder, blocks []*Block) {
	for _, bl := range blocks {
		c.block(b, bl)
	}
}

// dynamicBlocks are the core blocks WordPress builds when a page is
// viewed, from the site as it is then: a static copy would be wrong the
// day after the move, and folio's own pages list posts, archives and
// terms. They are left out and named in the report.
var dynamicBlocks = map[string]string{
	"latest-posts": "a list of recent posts", "archives": "a list of archives", "categories": "a list of categories",
	"tag-cloud": "a tag cloud", "calendar": "a calendar of posts", "latest-comments": "a list of recent replies",
	"rss": "another site's feed", "page-list": "a list of pages", "query": "a query loop", "navigation": "a menu",
	"loginout": "a sign-in link", "social-links": "social links", "template-part": "a theme part", "pattern": "a theme pattern",
	"post-title": "the post's title", "post-content": "the post's text", "post-date": "the post's date",
	"post-excerpt": "an excerpt", "post-featured-image": "a featured image", "post-author": "the author",
	"post-terms": "the post's terms", "site-title": "the site's title", "site-tagline": "the site's tagline",
	"site-logo": "the site's logo", "comments": "the replies", "avatar": "an avatar", "home-link": "a home link",
	"term-description": "a term's description", "read-more": "a read-more link", "query-title": "an archive title",
}

func (c *blockConversion) block(b *strings.Builder, bl *Block) {
	if bl.Name == "" {
		b.WriteString(bl.HTML)
		return
	}
	short := strings.TrimPrefix(bl.Name, "core/")
	if strings.HasPrefix(bl.Name, "core-embed/") {
		short = "embed"
	}
	c.counts[short]++
	switch {
	case short == "block":
		c.reusableBlock(b, bl)
	case short == "embed":
		c.embed(b, bl)
	case short == "shortcode":
		b.WriteString(Autop(c.inner(bl)))
	case short == "footnotes":
		c.footnoteList(b)
	case short == "search":
		b.WriteString(`<p class="wp-block-search"><a href="/search">Search this site</a></p>`)
	case short == "quote":
		c.quote(b, bl)
	case dynamicBlocks[short] != "" && strings.HasPrefix(bl.Name, "core/"):
		c.left = append(c.left, "core/"+short+" ("+dynamicBlocks[short]+", which WordPress makes when the page is viewed)")
	case len(bl.Inner) == 0:
		// A block with no HTML of its own is built by the plugin
		// that made it, which folio does not have.
		c.left = append(c.left, bl.Name+" (a block with no HTML of its own)")
	default:
		c.write(b, bl.Inner)
	}
}

// inner is a block's HTML with its inner blocks rendered.
func (c *blockConversion) inner(bl *Block) string {
	var b strings.Builder
	c.write(&b, bl.Inner)
	return b.String()
}

func (c *blockConversion) reusableBlock(b *strings.Builder, bl *Block) {
	ref, _ := bl.Attrs["ref"].(float64)
	content, ok := "", false
	if c.reusable != nil && ref > 0 {
		content, ok = c.reusable(int64(ref))
	}
	switch {
	case !ok:
		c.left = append(c.left, "reusable block "+strconv.FormatFloat(ref, 'f', -1, 64)+" (not in the export)")
	case c.depth >= maxReusableDepth:
		c.left = append(c.left, "reusable block "+strconv.FormatFloat(ref, 'f', -1, 64)+" (nested more than 8 deep)")
	case c.expanded >= maxReusable:
		c.left = append(c.left, "reusable block "+strconv.FormatFloat(ref, 'f', -1, 64)+" (past the 256th in one item)")
	default:
		c.expanded++
		c.depth++
		c.write(b, ParseBlocks(content))
		c.depth--
	}
}

var (
	figcaptionRe = regexp.MustCompile(`(?is)<figcaption[^>]*>.*?</figcaption>`)
	firstURLRe   = regexp.MustCompile(`https?://[^\s<>"']+`)
	citeRe       = regexp.MustCompile(`(?is)<cite[^>]*>(.*?)</cite>`)
	hrefRe       = regexp.MustCompile(`(?is)<a\s[^>]*href="(https?://[^"]+)"`)
)

// providers names the embed providers WordPress knows best.
var providers = map[string]string{
	"youtube": "YouTube", "vimeo": "Vimeo", "twitter": "Twitter", "x": "X", "spotify": "Spotify",
	"soundcloud": "SoundCloud", "flickr": "Flickr", "wordpress": "WordPress", "tiktok": "TikTok",
	"instagram": "Instagram", "facebook": "Facebook", "reddit": "Reddit", "tumblr": "Tumblr",
	"mastodon": "Mastodon", "bluesky": "Bluesky", "codepen": "CodePen", "slideshare": "SlideShare",
}

// embed writes an embed as a link card: a figure with a link to what
// was embedded and its caption. Nothing from the other site is loaded
// until the reader follows the link.
func (c *blockConversion) embed(b *strings.Builder, bl *Block) {
	inner := c.inner(bl)
	u, _ := bl.Attrs["url"].(string)
	if u == "" {
		u = firstURLRe.FindString(tagRe.ReplaceAllString(inner, " "))
	}
	u = blog.WebAddress(html.UnescapeString(u))
	if u == "" {
		c.left = append(c.left, bl.Name+" (an embed without an address)")
		return
	}
	slug, _ := bl.Attrs["providerNameSlug"].(string)
	if slug == "" {
		slug = strings.TrimPrefix(bl.Name, "core-embed/")
	}
	label := u
	if name := providers[slug]; name != "" {
		label = name + ": " + u
	}
	b.WriteString(`<figure class="wp-block-embed embed-card"><p><a href="` + html.EscapeString(u) + `">` + html.EscapeString(label) + `</a></p>`)
	b.WriteString(figcaptionRe.FindString(inner))
	b.WriteString(`</figure>`)
}

// quote writes a quote block. The first quote of a post that names no
// source, when its citation links to one, becomes the post's source
// credit, which folio shows under the quote as for its own posts.
func (c *blockConversion) quote(b *strings.Builder, bl *Block) {
	inner := c.inner(bl)
	c.quotes++
	if c.wantCite && c.quotes == 1 {
		if m := citeRe.FindStringSubmatchIndex(inner); m != nil {
			cite := inner[m[2]:m[3]]
			if h := hrefRe.FindStringSubmatch(cite); h != nil {
				if u := blog.WebAddress(html.UnescapeString(h[1])); u != "" {
					title := strings.TrimSpace(html.UnescapeString(tagRe.ReplaceAllString(cite, "")))
					c.source = blog.Source{URL: u, Title: title}
					inner = inner[:m[0]] + inner[m[1]:]
				}
			}
		}
	}
	b.WriteString(inner)
}

// fnRefRe matches a footnote mark as WordPress writes it, with the
// backlink's target on the link.
var fnRefRe = regexp.MustCompile(`<sup data-fn="([^"]+)" class="fn"><a href="#([^"]+)" id="([^"]+)">`)

// footnoteList writes the post's footnotes, which WordPress keeps in
// the post's "footnotes" field, not in its text.
func (c *blockConversion) footnoteList(b *strings.Builder) {
	var notes []struct {
		ID      string `json:"id"`
		Content string `json:"content"`
	}
	if json.Unmarshal([]byte(c.footnotes), &notes) != nil || len(notes) == 0 {
		c.left = append(c.left, "core/footnotes (the export holds no footnotes for it)")
		return
	}
	b.WriteString(`<ol class="wp-block-footnotes">`)
	for _, n := range notes {
		id := html.EscapeString(n.ID)
		b.WriteString(`<li id="` + id + `">` + n.Content + ` <a href="#` + id + `-link" aria-label="Back to the text">↩︎</a></li>`)
	}
	b.WriteString(`</ol>`)
}

// footnoteMarks moves each footnote mark's backlink target from the
// link to the <sup>, where the post sanitizer keeps ids.
func footnoteMarks(s string) string {
	return fnRefRe.ReplaceAllString(s, `<sup id="$3" class="fn"><a href="#$2">`)
}

// reportBlocks adds the import's block counts to the report.
func reportBlocks(r *blog.ImportReport, posts int, counts map[string]int) {
	if posts == 0 {
		return
	}
	names := make([]string, 0, len(counts))
	for n := range counts {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if counts[names[i]] != counts[names[j]] {
			return counts[names[i]] > counts[names[j]]
		}
		return names[i] < names[j]
	})
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = strconv.Itoa(counts[n]) + " " + n
	}
	r.Note("import_blocks", "Count", posts, "Blocks", strings.Join(parts, ", "))
}

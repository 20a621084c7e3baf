// Package wordpress reads WordPress eXtended RSS exports (WXR 1.0 to
// 1.2) as a stream: the file is read token by token and handed over one
// author, term or item at a time, so an export of any size is read in
// little memory. It also converts WordPress's stored post text to the HTML
// WordPress shows (wpautop and the common shortcodes).
package wordpress

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/net/html/charset"
)

// ErrNotWXR is returned for XML that is not a WordPress export.
var ErrNotWXR = errors.New("not a WordPress export")

// SyntaxError reports malformed XML with its place in the file.
type SyntaxError struct {
	Line, Column int
	Msg          string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("malformed XML at line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// Site describes the exported site, from the channel's header.
type Site struct {
	Title       string
	Link        string
	Version     string // wxr_version, e.g. "1.2"
	BaseSiteURL string
	BaseBlogURL string
}

// Author is a wp:author.
type Author struct {
	ID          int64
	Login       string
	Email       string
	DisplayName string
	FirstName   string
	LastName    string
}

// Term is a wp:category, wp:tag or wp:term.
type Term struct {
	ID          int64
	Taxonomy    string // "category", "post_tag" or another taxonomy
	Slug        string
	Name        string
	Parent      string // the parent's slug
	Description string
	Element     string // where it was: "category", "tag" or the generic "term"
}

// ItemTerm is a <category> element of an item.
type ItemTerm struct {
	Domain   string // "category", "post_tag", …
	Nicename string
	Name     string
}

// Comment is a wp:comment of an item.
type Comment struct {
	ID       int64
	Parent   int64
	UserID   int64
	Author   string
	Email    string
	URL      string
	IP       string
	DateGMT  string // "2006-01-02 15:04:05"
	Date     string
	Content  string
	Approved string // "1", "0", "spam", "trash"
	Type     string // "", "comment", "pingback", "trackback"
}

// Item is a post, page, attachment or other post type.
type Item struct {
	ID            int64
	Title         string
	Link          string
	GUID          string
	Creator       string // the author's login
	Content       string
	Excerpt       string
	Date          string // local time, "2006-01-02 15:04:05"
	DateGMT       string
	Name          string // the slug
	Status        string // publish, draft, pending, future, private, inherit, trash
	Type          string // post, page, attachment, nav_menu_item, …
	Parent        int64
	MenuOrder     int
	Password      string
	Sticky        bool
	CommentStatus string
	AttachmentURL string
	Terms         []ItemTerm
	Meta          map[string]string
	Comments      []Comment
}

// Handler receives what a Reader finds, in file order. Returning an error
// stops the reading with that error.
type Handler struct {
	Site    func(*Site) error
	Author  func(*Author) error
	Term    func(*Term) error
	Item    func(*Item) error
	Unknown func(name string) // a top-level channel element folio does not read
}

// node is a decoded element: one author, term or item at a time.
type node struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Text     string     `xml:",chardata"`
	Children []node     `xml:",any"`
}

func isWP(n xml.Name) bool {
	return strings.Contains(n.Space, "wordpress.org/export/") && !strings.Contains(n.Space, "/excerpt/")
}

// wp returns the text of the first wp: child called local.
func (n *node) wp(local string) string {
	for i := range n.Children {
		c := &n.Children[i]
		if c.XMLName.Local == local && isWP(c.XMLName) {
			return strings.TrimSpace(c.Text)
		}
	}
	return ""
}

// raw is wp without trimming, for texts whose spacing matters.
func (n *node) raw(local, spacePart string) string {
	for i := range n.Children {
		c := &n.Children[i]
		if c.XMLName.Local == local && strings.Contains(c.XMLName.Space, spacePart) {
			return c.Text
		}
	}
	return ""
}

// plain returns the text of the first child called local without a
// namespace (RSS's own elements).
func (n *node) plain(local string) string {
	for i := range n.Children {
		c := &n.Children[i]
		if c.XMLName.Local == local && c.XMLName.Space == "" {
			return strings.TrimSpace(c.Text)
		}
	}
	return ""
}

func (n *node) attr(local string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

func atoi(s string) int64 {
	v, _ := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return v
}

var versionRe = regexp.MustCompile(`^\d+\.\d+$`)

// MaxElementBytes bounds one author, term or item of an export: each is
// read whole, so a larger one is refused before it fills the memory. A
// post of this size is no blog post.
const MaxElementBytes = 32 << 20

// maxOuterDepth bounds the nesting of elements around the channel's
// children (rss, channel and anything unknown beside them), which the
// decoder would otherwise stack without limit; an item's own nesting
// the decoder bounds.
const maxOuterDepth = 64

// charsetReader decodes an export declared in another charset than
// UTF-8 (the names browsers know: ISO-8859-1, windows-1252, ...).
func charsetReader(label string, r io.Reader) (io.Reader, error) {
	enc, _ := charset.Lookup(label)
	if enc == nil {
		return nil, fmt.Errorf("the export declares the encoding %q, which folio cannot read; WordPress exports are UTF-8 or a charset such as ISO-8859-1", label)
	}
	return enc.NewDecoder().Reader(r), nil
}

// errElementTooLarge stops the reading of an element over
// MaxElementBytes.
var errElementTooLarge = errors.New("element too large")

// boundedReader fails reads past limit bytes from the start (0: none).
type boundedReader struct {
	r     io.Reader
	read  int64
	limit int64
}

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.limit > 0 {
		if b.read >= b.limit {
			return 0, errElementTooLarge
		}
		p = p[:min(int64(len(p)), b.limit-b.read)]
	}
	n, err := b.r.Read(p)
	b.read += int64(n)
	return n, err
}

// Read streams an export from r to h. It fails with a *SyntaxError for
// malformed XML or an element over MaxElementBytes, and with ErrNotWXR
// (wrapped, with the reason) for XML that is not a WordPress export;
// handlers may have been called before such an error, so callers write
// in a transaction they can roll back.
//
// The export is decoded on a goroutine of its own, at most readAhead
// elements ahead of the handlers, which run one at a time in order on
// the caller's; after a handler fails, no other is called.
func Read(r io.Reader, h Handler) error {
	calls := make(chan func() error, readAhead)
	stop := make(chan struct{})
	var decodeErr error
	go func() {
		defer close(calls)
		decodeErr = decode(r, h.queued(calls, stop))
	}()
	var err error
	for call := range calls {
		if err == nil {
			if err = call(); err != nil {
				close(stop)
			}
		}
	}
	if err != nil {
		return err
	}
	return decodeErr
}

// readAhead bounds the elements decoded and not yet handled: an
// import's memory stays that of a few items (each at most
// MaxElementBytes) while decoding overlaps with the writes.
const readAhead = 4

// errStopped ends the decoding once a handler has failed.
var errStopped = errors.New("stopped by a handler")

// queued gives a Handler that queues each of h's calls on calls instead
// of making it, until stop is closed.
func (h Handler) queued(calls chan<- func() error, stop <-chan struct{}) Handler {
	send := func(call func() error) error {
		select {
		case calls <- call:
			return nil
		case <-stop:
			return errStopped
		}
	}
	var q Handler
	if h.Site != nil {
		q.Site = func(s *Site) error {
			site := *s // the decoder goes on filling its own
			return send(func() error { return h.Site(&site) })
		}
	}
	if h.Author != nil {
		q.Author = func(a *Author) error { return send(func() error { return h.Author(a) }) }
	}
	if h.Term != nil {
		q.Term = func(t *Term) error { return send(func() error { return h.Term(t) }) }
	}
	if h.Item != nil {
		q.Item = func(it *Item) error { return send(func() error { return h.Item(it) }) }
	}
	if h.Unknown != nil {
		q.Unknown = func(name string) { send(func() error { h.Unknown(name); return nil }) }
	}
	return q
}

// decode reads an export from r, calling h as Read describes.
func decode(r io.Reader, h Handler) error {
	br := &boundedReader{r: r}
	dec := xml.NewDecoder(br)
	dec.Strict = true
	// WordPress writes the named HTML entities it finds in titles; read
	// them as their characters instead of failing.
	dec.Entity = xml.HTMLEntity
	// WordPress writes the export in the blog's charset, which older
	// sites set to ISO-8859-1 or windows-1252.
	dec.CharsetReader = charsetReader
	site := &Site{}
	sawRSS, sawChannel, sentSite := false, false, false
	sendSite := func() error {
		if sentSite {
			return nil
		}
		sentSite = true
		if site.Version == "" {
			return fmt.Errorf("%w: it has no wp:wxr_version", ErrNotWXR)
		}
		if !versionRe.MatchString(site.Version) {
			return fmt.Errorf("%w: its wp:wxr_version %q is not a version number", ErrNotWXR, site.Version)
		}
		if h.Site != nil {
			return h.Site(site)
		}
		return nil
	}
	depth := 0
	for {
		// Text outside the items is read token by token, each bounded
		// like an item.
		br.limit = dec.InputOffset() + MaxElementBytes
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if errors.Is(err, errElementTooLarge) {
			line, col := dec.InputPos()
			return &SyntaxError{Line: line, Column: col, Msg: fmt.Sprintf("text here runs on for more than %d MiB outside any item; an export's is short", MaxElementBytes>>20)}
		}
		if err != nil {
			return syntaxError(dec, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth++; depth > maxOuterDepth {
				line, col := dec.InputPos()
				return &SyntaxError{Line: line, Column: col, Msg: fmt.Sprintf("elements are nested more than %d deep outside the channel's items; an export is not", maxOuterDepth)}
			}
			switch {
			case depth == 1:
				if t.Name.Local != "rss" {
					return fmt.Errorf("%w: the root element is <%s>, not <rss>", ErrNotWXR, t.Name.Local)
				}
				sawRSS = true
			case depth == 2 && t.Name.Local == "channel":
				sawChannel = true
			case depth == 3 && sawChannel:
				br.limit = dec.InputOffset() + MaxElementBytes
				line, _ := dec.InputPos()
				err := readChannelChild(dec, t, site, h, sendSite)
				br.limit = 0
				if errors.Is(err, errElementTooLarge) {
					return &SyntaxError{Line: line, Column: 1, Msg: fmt.Sprintf("the <%s> that starts here is larger than %d MiB, the most folio reads of one item", t.Name.Local, MaxElementBytes>>20)}
				}
				if err != nil {
					return err
				}
				depth--
			}
		case xml.EndElement:
			depth--
		}
	}
	if !sawRSS || !sawChannel {
		return fmt.Errorf("%w: it has no <rss><channel>", ErrNotWXR)
	}
	return sendSite()
}

func syntaxError(dec *xml.Decoder, err error) error {
	if errors.Is(err, errElementTooLarge) {
		return err
	}
	line, col := dec.InputPos()
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		line = se.Line
		err = errors.New(se.Msg)
	}
	switch msg := err.Error(); {
	case errors.Is(err, io.ErrUnexpectedEOF) || msg == "unexpected EOF":
		return &SyntaxError{Line: line, Column: col, Msg: "the file ends in the middle of an element; was the download cut short?"}
	case msg == "exceeded max depth":
		return &SyntaxError{Line: line, Column: col, Msg: "elements are nested more than 10,000 deep; an export is not"}
	}
	return &SyntaxError{Line: line, Column: col, Msg: err.Error()}
}

// readChannelChild reads one child of <channel> whole (it is small) and
// hands it on.
func readChannelChild(dec *xml.Decoder, start xml.StartElement, site *Site, h Handler, sendSite func() error) error {
	var n node
	if err := dec.DecodeElement(&n, &start); err != nil {
		return syntaxError(dec, err)
	}
	name := n.XMLName
	text := strings.TrimSpace(n.Text)
	switch {
	case name.Space == "" && name.Local == "title":
		site.Title = text
	case name.Space == "" && name.Local == "link":
		site.Link = text
	case isWP(name) && name.Local == "wxr_version":
		site.Version = text
	case isWP(name) && name.Local == "base_site_url":
		site.BaseSiteURL = text
	case isWP(name) && name.Local == "base_blog_url":
		site.BaseBlogURL = text
	case isWP(name) && name.Local == "author":
		if h.Author != nil {
			return h.Author(&Author{ID: atoi(n.wp("author_id")), Login: n.wp("author_login"), Email: n.wp("author_email"),
				DisplayName: n.wp("author_display_name"), FirstName: n.wp("author_first_name"), LastName: n.wp("author_last_name")})
		}
	case isWP(name) && name.Local == "category":
		if h.Term != nil {
			return h.Term(&Term{ID: atoi(n.wp("term_id")), Taxonomy: "category", Slug: n.wp("category_nicename"), Name: n.wp("cat_name"),
				Parent: n.wp("category_parent"), Description: n.wp("category_description"), Element: "category"})
		}
	case isWP(name) && name.Local == "tag":
		if h.Term != nil {
			return h.Term(&Term{ID: atoi(n.wp("term_id")), Taxonomy: "post_tag", Slug: n.wp("tag_slug"), Name: n.wp("tag_name"),
				Description: n.wp("tag_description"), Element: "tag"})
		}
	case isWP(name) && name.Local == "term":
		if h.Term != nil {
			return h.Term(&Term{ID: atoi(n.wp("term_id")), Taxonomy: n.wp("term_taxonomy"), Slug: n.wp("term_slug"), Name: n.wp("term_name"),
				Parent: n.wp("term_parent"), Description: n.wp("term_description"), Element: "term"})
		}
	case name.Space == "" && name.Local == "item":
		if err := sendSite(); err != nil {
			return err
		}
		if h.Item != nil {
			return h.Item(itemOf(&n))
		}
	default:
		if h.Unknown != nil && (isWP(name) && name.Local != "wxr_version") {
			h.Unknown(name.Local)
		}
	}
	return nil
}

func itemOf(n *node) *Item {
	it := &Item{
		ID: atoi(n.wp("post_id")), Title: n.plain("title"), Link: n.plain("link"), GUID: n.plain("guid"),
		Content: n.raw("encoded", "purl.org/rss/1.0/modules/content"), Excerpt: n.raw("encoded", "/excerpt/"),
		Date: n.wp("post_date"), DateGMT: n.wp("post_date_gmt"), Name: n.wp("post_name"), Status: n.wp("status"),
		Type: n.wp("post_type"), Parent: atoi(n.wp("post_parent")), MenuOrder: int(atoi(n.wp("menu_order"))),
		Password: n.wp("post_password"), Sticky: n.wp("is_sticky") == "1", CommentStatus: n.wp("comment_status"),
		AttachmentURL: n.wp("attachment_url"), Meta: map[string]string{},
	}
	for i := range n.Children {
		c := &n.Children[i]
		switch {
		case c.XMLName.Local == "creator" && strings.Contains(c.XMLName.Space, "purl.org/dc/"):
			it.Creator = strings.TrimSpace(c.Text)
		case c.XMLName.Local == "category" && c.XMLName.Space == "":
			it.Terms = append(it.Terms, ItemTerm{Domain: c.attr("domain"), Nicename: c.attr("nicename"), Name: strings.TrimSpace(c.Text)})
		case c.XMLName.Local == "postmeta" && isWP(c.XMLName):
			it.Meta[c.wp("meta_key")] = c.raw("meta_value", "wordpress.org/export/")
		case c.XMLName.Local == "comment" && isWP(c.XMLName):
			it.Comments = append(it.Comments, Comment{
				ID: atoi(c.wp("comment_id")), Parent: atoi(c.wp("comment_parent")), UserID: atoi(c.wp("comment_user_id")),
				Author: c.wp("comment_author"), Email: c.wp("comment_author_email"), URL: c.wp("comment_author_url"),
				IP: c.wp("comment_author_IP"), Date: c.wp("comment_date"), DateGMT: c.wp("comment_date_gmt"),
				Content: c.raw("comment_content", "wordpress.org/export/"), Approved: c.wp("comment_approved"), Type: c.wp("comment_type"),
			})
		}
	}
	return it
}

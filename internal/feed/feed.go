// Package feed writes Atom 1.0, RSS 2.0 and JSON Feed 1.1 documents from
// one description of a feed. It knows nothing of posts or replies; the
// web package fills a Feed and serves the bytes.
package feed

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"regexp"
	"strings"
	"time"
)

// Feed is one feed: a site, an archive, or the replies to a post.
type Feed struct {
	Title    string
	Subtitle string
	SiteURL  string // the page the feed follows
	FeedURL  string // the feed itself
	ID       string // stable: a tag URI
	Language string
	Updated  time.Time
	Entries  []Entry
}

// Entry is one item of a feed. Text fields are plain text; ContentHTML is
// HTML with absolute links.
type Entry struct {
	ID          string
	Title       string
	URL         string
	Published   time.Time
	Updated     time.Time
	AuthorName  string
	AuthorURL   string
	Categories  []string
	Summary     string
	ContentHTML string
	// Image is the entry's featured picture; nil for none.
	Image *Image
	// Language is the entry's BCP 47 tag when it differs from the
	// feed's; "" for the feed's.
	Language string
}

// Image is a picture an entry is shown with.
type Image struct {
	URL           string // absolute
	Type          string
	Width, Height int
}

type atomFeed struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang     string      `xml:"xml:lang,attr,omitempty"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle,omitempty"`
	ID       string      `xml:"id"`
	Updated  string      `xml:"updated"`
	Links    []atomLink  `xml:"link"`
	Gen      atomGen     `xml:"generator"`
	Entries  []atomEntry `xml:"entry"`
}

type atomGen struct {
	Value string `xml:",chardata"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomText struct {
	Type  string `xml:"type,attr"`
	Value string `xml:",chardata"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomEntry struct {
	Lang       string         `xml:"xml:lang,attr,omitempty"`
	Title      atomText       `xml:"title"`
	Links      []atomLink     `xml:"link"` // alternate, and enclosure for the picture
	ID         string         `xml:"id"`
	Published  string         `xml:"published"`
	Updated    string         `xml:"updated"`
	Author     atomPerson     `xml:"author"`
	Categories []atomCategory `xml:"category"`
	Summary    *atomText      `xml:"summary,omitempty"`
	Content    *atomText      `xml:"content,omitempty"`
}

// xmlChars removes characters XML 1.0 does not allow (most control
// characters), which a post may contain but a feed may not.
func xmlChars(f *Feed) *Feed {
	clean := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF) {
				return r
			}
			return -1
		}, s)
	}
	c := *f
	c.Title, c.Subtitle = clean(f.Title), clean(f.Subtitle)
	c.Entries = make([]Entry, len(f.Entries))
	for i, e := range f.Entries {
		e.Title, e.AuthorName, e.Summary, e.ContentHTML = clean(e.Title), clean(e.AuthorName), clean(e.Summary), clean(e.ContentHTML)
		cats := make([]string, len(e.Categories))
		for j, t := range e.Categories {
			cats[j] = clean(t)
		}
		e.Categories = cats
		c.Entries[i] = e
	}
	return &c
}

// Atom returns f as an Atom 1.0 document.
func Atom(f *Feed) ([]byte, error) {
	f = xmlChars(f)
	a := atomFeed{Lang: f.Language, Title: f.Title, Subtitle: f.Subtitle, ID: f.ID, Updated: f.Updated.Format(time.RFC3339),
		Links: []atomLink{{Rel: "alternate", Type: "text/html", Href: f.SiteURL}, {Rel: "self", Type: "application/atom+xml", Href: f.FeedURL}},
		Gen:   atomGen{Value: "folio"}}
	for _, e := range f.Entries {
		ae := atomEntry{Lang: e.Language, Title: atomText{Type: "text", Value: e.Title}, Links: []atomLink{{Rel: "alternate", Type: "text/html", Href: e.URL}},
			ID: e.ID, Published: e.Published.Format(time.RFC3339), Updated: e.Updated.Format(time.RFC3339),
			Author: atomPerson{Name: e.AuthorName, URI: e.AuthorURL}}
		for _, c := range e.Categories {
			ae.Categories = append(ae.Categories, atomCategory{Term: c})
		}
		if e.Image != nil {
			ae.Links = append(ae.Links, atomLink{Rel: "enclosure", Type: e.Image.Type, Href: e.Image.URL})
		}
		if e.Summary != "" {
			ae.Summary = &atomText{Type: "text", Value: e.Summary}
		}
		if e.ContentHTML != "" {
			ae.Content = &atomText{Type: "html", Value: e.ContentHTML}
		}
		a.Entries = append(a.Entries, ae)
	}
	return marshalXML(a)
}

func marshalXML(v any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

type rss struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	AtomNS  string     `xml:"xmlns:atom,attr"`
	ContNS  string     `xml:"xmlns:content,attr"`
	DCNS    string     `xml:"xmlns:dc,attr"`
	MediaNS string     `xml:"xmlns:media,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title       string    `xml:"title"`
	Link        string    `xml:"link"`
	Description string    `xml:"description"`
	Language    string    `xml:"language,omitempty"`
	LastBuild   string    `xml:"lastBuildDate"`
	Generator   string    `xml:"generator"`
	Self        atomLink  `xml:"atom:link"`
	Items       []rssItem `xml:"item"`
}

type rssGUID struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

type rssItem struct {
	Title       string        `xml:"title"`
	Link        string        `xml:"link"`
	GUID        rssGUID       `xml:"guid"`
	PubDate     string        `xml:"pubDate"`
	Creator     string        `xml:"dc:creator,omitempty"`
	Language    string        `xml:"dc:language,omitempty"`
	Categories  []string      `xml:"category"`
	Description string        `xml:"description,omitempty"`
	Content     *cdata        `xml:"content:encoded,omitempty"`
	Media       *mediaContent `xml:"media:content,omitempty"`
}

// mediaContent is Media RSS's picture of an item, which needs no byte
// length, unlike an enclosure.
type mediaContent struct {
	URL    string `xml:"url,attr"`
	Type   string `xml:"type,attr"`
	Medium string `xml:"medium,attr"`
	Width  int    `xml:"width,attr,omitempty"`
	Height int    `xml:"height,attr,omitempty"`
}

type cdata struct {
	Value string `xml:",cdata"`
}

// RSS returns f as an RSS 2.0 document with content:encoded for the full
// HTML.
func RSS(f *Feed) ([]byte, error) {
	f = xmlChars(f)
	r := rss{Version: "2.0", AtomNS: "http://www.w3.org/2005/Atom", ContNS: "http://purl.org/rss/1.0/modules/content/",
		DCNS: "http://purl.org/dc/elements/1.1/", MediaNS: "http://search.yahoo.com/mrss/",
		Channel: rssChannel{Title: f.Title, Link: f.SiteURL, Description: f.Subtitle, Language: f.Language,
			LastBuild: f.Updated.Format(time.RFC1123Z), Generator: "folio",
			Self: atomLink{Rel: "self", Type: "application/rss+xml", Href: f.FeedURL}}}
	if r.Channel.Description == "" {
		r.Channel.Description = f.Title
	}
	for _, e := range f.Entries {
		it := rssItem{Language: e.Language, Title: e.Title, Link: e.URL, GUID: rssGUID{IsPermaLink: "false", Value: e.ID},
			PubDate: e.Published.Format(time.RFC1123Z), Creator: e.AuthorName, Categories: e.Categories, Description: e.Summary}
		if e.ContentHTML != "" {
			it.Content = &cdata{Value: e.ContentHTML}
		}
		if e.Image != nil {
			it.Media = &mediaContent{URL: e.Image.URL, Type: e.Image.Type, Medium: "image", Width: e.Image.Width, Height: e.Image.Height}
		}
		r.Channel.Items = append(r.Channel.Items, it)
	}
	return marshalXML(r)
}

type jsonFeed struct {
	Version     string     `json:"version"`
	Title       string     `json:"title"`
	HomePageURL string     `json:"home_page_url"`
	FeedURL     string     `json:"feed_url"`
	Description string     `json:"description,omitempty"`
	Language    string     `json:"language,omitempty"`
	Items       []jsonItem `json:"items"`
}

type jsonAuthor struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

type jsonItem struct {
	ID            string       `json:"id"`
	URL           string       `json:"url"`
	Title         string       `json:"title"`
	ContentHTML   string       `json:"content_html,omitempty"`
	Summary       string       `json:"summary,omitempty"`
	DatePublished string       `json:"date_published"`
	DateModified  string       `json:"date_modified"`
	Authors       []jsonAuthor `json:"authors,omitempty"`
	Tags          []string     `json:"tags,omitempty"`
	Image         string       `json:"image,omitempty"`
	Language      string       `json:"language,omitempty"`
}

// JSON returns f as a JSON Feed 1.1 document.
func JSON(f *Feed) ([]byte, error) {
	j := jsonFeed{Version: "https://jsonfeed.org/version/1.1", Title: f.Title, HomePageURL: f.SiteURL, FeedURL: f.FeedURL,
		Description: f.Subtitle, Language: f.Language, Items: []jsonItem{}}
	for _, e := range f.Entries {
		it := jsonItem{Language: e.Language, ID: e.ID, URL: e.URL, Title: e.Title, ContentHTML: e.ContentHTML, Summary: e.Summary,
			DatePublished: e.Published.Format(time.RFC3339), DateModified: e.Updated.Format(time.RFC3339), Tags: e.Categories}
		if e.Image != nil {
			it.Image = e.Image.URL
		}
		if e.AuthorName != "" {
			it.Authors = []jsonAuthor{{Name: e.AuthorName, URL: e.AuthorURL}}
		}
		if it.ContentHTML == "" && it.Summary == "" {
			it.Summary = e.Title
		}
		j.Items = append(j.Items, it)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(j); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

var (
	rootRelative = regexp.MustCompile(`(\s(?:href|src|cite)=")/([^/"][^"]*)?"`)
	srcsetAttr   = regexp.MustCompile(`\ssrcset="[^"]*"`)
	srcsetURL    = regexp.MustCompile(`(^|,\s*|")/([^/\s"][^\s"]*)`)
)

// AbsoluteLinks makes root-relative href, src, cite and srcset addresses
// in a sanitized HTML fragment absolute on base (e.g.
// "https://example.com"), as feed readers show content away from the
// site.
func AbsoluteLinks(fragment, base string) string {
	if !strings.Contains(fragment, `="/`) {
		return fragment // most have none, and the check is far cheaper
	}
	out := rootRelative.ReplaceAllString(fragment, `${1}`+base+`/${2}"`)
	if !strings.Contains(out, `srcset="`) {
		return out
	}
	return srcsetAttr.ReplaceAllStringFunc(out, func(attr string) string {
		return srcsetURL.ReplaceAllString(attr, `${1}`+base+`/${2}`)
	})
}

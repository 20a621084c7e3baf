package blog

import (
	"strings"
	"time"
	"unicode"
)

// Kind tells a dated post from a static page.
type Kind string

// The kinds of content.
const (
	KindPost Kind = "post"
	KindPage Kind = "page"
)

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == KindPost || k == KindPage }

// Status is where a post or page stands in its life.
type Status string

// The statuses. Only StatusPublished is visible to readers.
const (
	StatusDraft     Status = "draft"
	StatusScheduled Status = "scheduled"
	StatusPublished Status = "published"
	StatusPrivate   Status = "private"
	StatusTrash     Status = "trash"
)

// Statuses lists every status in the order the admin shows them.
func Statuses() []Status {
	return []Status{StatusPublished, StatusScheduled, StatusDraft, StatusPrivate, StatusTrash}
}

// Valid reports whether st is a known status.
func (st Status) Valid() bool {
	for _, s := range Statuses() {
		if s == st {
			return true
		}
	}
	return false
}

// Source credits the article a post quotes or comments on.
type Source struct {
	URL   string
	Title string
	Site  string
}

// IsZero reports whether no part of the source is set.
func (s Source) IsZero() bool { return s.URL == "" && s.Title == "" && s.Site == "" }

// Post is a dated post or a static page. Body is the Markdown the writer
// typed; BodyHTML and ExcerptHTML are rendered from it when it is saved and
// are safe to show as HTML.
type Post struct {
	ID           int64
	Kind         Kind
	Status       Status
	Title        string
	Slug         string
	Body         string
	BodyHTML     string
	ExcerptHTML  string // the part before <!--more-->, or "" when there is none
	Summary      string // plain text: lede, or the first words of the body
	BodyText     string // the body as plain text, for search
	Lede         string
	Source       Source
	AuthorID     int64
	Author       *User // filled by the store on every read
	PublishedAt  time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
	TrashedAt    time.Time
	CommentsOpen bool
	CommentCount int   // approved replies, kept by the store
	ParentID     int64 // the parent page, for page hierarchies
	Sticky       bool  // shown first on the front page
	MenuOrder    int   // a page's place among its siblings, lowest first
	// Language is the BCP 47 tag of the language the post is written
	// in; "" for the site's.
	Language   string
	Tags       []Term
	Categories []Term
	// Featured is the picture listings and the post's page show with it,
	// filled by the store; nil for none.
	Featured *Media

	// Path is the post's public URL path, derived from the permalink
	// setting by the Service on every read; stores leave it empty.
	Path string
}

// Visible reports whether readers may see p.
func (p *Post) Visible() bool { return p.Status == StatusPublished }

// LanguageOr returns the post's language, or site when it names none.
func (p *Post) LanguageOr(site string) string {
	if p.Language != "" {
		return p.Language
	}
	return site
}

// HasMore reports whether the writer split the body with <!--more-->.
func (p *Post) HasMore() bool { return p.ExcerptHTML != "" }

// ShownInFull reports whether listings show p whole instead of a summary
// with a link to continue: it has no lede or <!--more--> and its text is
// no longer than a summary.
func (p *Post) ShownInFull() bool {
	return p.Lede == "" && !p.HasMore() && p.BodyHTML != "" && fewWords(p.BodyText, summaryWords)
}

// fewWords reports whether text has at most n words, as strings.Fields
// splits them, reading no further than the word after the nth: a
// listing asks it of every long post it shows.
func fewWords(text string, n int) bool { return wordAt(text, n+1) < 0 }

// wordAt returns where the nth word of text starts (words as
// strings.Fields splits them), or -1 when it has fewer.
func wordAt(text string, n int) int {
	words, inWord := 0, false
	for i, r := range text {
		if unicode.IsSpace(r) {
			inWord = false
			continue
		}
		if !inWord {
			if words++; words == n {
				return i
			}
			inWord = true
		}
	}
	return -1
}

// PostFilter selects posts for a listing. Zero fields do not filter.
// Results are ordered newest first by publication date, then by ID.
type PostFilter struct {
	Kind     Kind
	Statuses []Status
	AuthorID int64
	TermID   int64
	// AlsoTermID is a second term the posts must carry as well.
	AlsoTermID int64
	From       time.Time // published at or after
	To         time.Time // published before
	Search     string    // words the title must contain
	IDs        []int64
	// Sticky keeps only sticky posts (StickyOnly) or leaves them out
	// (StickyNone); "" keeps both.
	Sticky StickyFilter
	// ByMenuOrder lists pages by their order, then title, instead of
	// newest first.
	ByMenuOrder bool
	// NoBodies leaves Body, BodyHTML, ExcerptHTML and BodyText empty, for
	// listings that need only titles, dates and addresses.
	NoBodies bool
	Limit    int
	Offset   int
}

// StickyFilter selects posts by their sticky flag.
type StickyFilter string

// The sticky filters.
const (
	StickyOnly StickyFilter = "only"
	StickyNone StickyFilter = "none"
)

// PostInput is what a writer submits from the editor or an import file.
// Strings are taken as typed; the Service trims and validates them.
type PostInput struct {
	Kind         Kind
	Title        string
	Slug         string
	Body         string
	Lede         string
	Source       Source
	Tags         []string
	Categories   []string
	AuthorID     int64
	PublishedAt  time.Time // zero means "now" when published
	CommentsOpen bool
	ParentID     int64
	Sticky       bool
	MenuOrder    int
	Language     string // a BCP 47 tag, or "" for the site's language
	Status       Status // what the writer asked for: draft, published (or scheduled), private
	// FeaturedID is the library item shown with the post; 0 for none.
	FeaturedID int64
	// RequireAlt refuses to publish pictures without alt text, so the
	// editor can ask the writer first.
	RequireAlt bool
	// LoadedAt is when the post was last saved as the editor showed it:
	// a save after that, by anyone, refuses this one with an
	// *EditConflictError rather than overwrite it. Zero skips the check.
	LoadedAt time.Time
	// termIDs, set by an import, are the item's terms as they are,
	// in place of Tags and Categories.
	termIDs []int64
}

// EditConflictError refuses a save made from an editor that was opened
// before someone else's later save; Current is the post as that save
// left it.
type EditConflictError struct {
	Current *Post
}

func (e *EditConflictError) Error() string {
	return "the post was saved again after this editor opened it"
}

// SplitMore splits Markdown at the first <!--more--> marker. It returns
// the text before it and whether a marker was found.
func SplitMore(body string) (before string, found bool) {
	i := strings.Index(body, "<!--more-->")
	if i < 0 {
		return body, false
	}
	return body[:i], true
}

// Revision is an earlier version of a post, kept on every save so that
// nothing a writer typed is lost.
type Revision struct {
	ID         int64
	PostID     int64
	Title      string
	Lede       string
	Body       string
	Source     Source
	AuthorID   int64
	AuthorName string // filled by the store
	CreatedAt  time.Time
}

// Rendered is what a Renderer makes of a post body.
type Rendered struct {
	HTML        string
	ExcerptHTML string // rendered text before <!--more-->; "" without one
	Text        string // plain text of the whole body, for search
	Prose       string // plain text without code blocks and footnotes, for summaries
	// Pictures lists the library items the body shows, by key, once
	// each in order.
	Pictures []string
	// Unlabelled counts the pictures without alt text.
	Unlabelled int
}

// PictureFinder returns the library item a picture's address shows, or
// nil when it is not one.
type PictureFinder func(src string) *Media

// Renderer turns Markdown into safe HTML. The markdown package provides
// the implementation; the Service calls it once per save. Pictures of
// the library (found by pictures, which may be nil) are shown at the
// size that fits, from their copies.
type Renderer interface {
	Render(markdown string, pictures PictureFinder) (Rendered, error)
}

// summaryWords is how many words an automatic summary keeps.
const summaryWords = 55

// Summarize returns the first words of text, with an ellipsis when it was
// cut.
func Summarize(text string) string {
	words := strings.Fields(text)
	if len(words) <= summaryWords {
		return strings.Join(words, " ")
	}
	return strings.Join(words[:summaryWords], " ") + "…"
}

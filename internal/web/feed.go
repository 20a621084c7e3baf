package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"folio/internal/blog"
	"folio/internal/feed"
	"folio/internal/locale"
)

// feedFormat is one of the three feed formats, named by the last part of
// its address: "" (RSS, WordPress's /feed/), "atom" or "json".
type feedFormat struct {
	suffix, label, mime string
	write               func(*feed.Feed) ([]byte, error)
}

var feedFormats = []feedFormat{
	{"", "RSS", "application/rss+xml", feed.RSS},
	{"atom", "Atom", "application/atom+xml", feed.Atom},
	{"json", "JSON Feed", "application/feed+json", feed.JSON},
}

func formatFor(suffix string) (feedFormat, bool) {
	for _, f := range feedFormats {
		if f.suffix == suffix {
			return f, true
		}
	}
	return feedFormat{}, false
}

// feedPath returns the address of a scope's feed in a format: root is the
// scope's page ("/", "/tag/go/", a post's path).
func feedPath(root string, f feedFormat) string {
	if f.suffix == "" {
		return root + "feed/"
	}
	return root + "feed/" + f.suffix + "/"
}

// FeedLink is an autodiscovery <link rel="alternate"> in a page's head.
type FeedLink struct {
	Title string
	Type  string
	URL   string
}

// feedLinks lists a scope's three feeds for autodiscovery.
func feedLinks(l *locale.Lang, title, root string) []FeedLink {
	var out []FeedLink
	for _, f := range feedFormats {
		out = append(out, FeedLink{Title: l.T("feed_of", "Title", title, "Format", f.label), Type: f.mime, URL: feedPath(root, f)})
	}
	return out
}

// siteHost returns the host name for tag URIs: the base URL's, or the
// request's, without a port.
func (s *Server) siteHost(r *http.Request) string {
	host := r.Host
	if b := s.siteOrigin(); b != "" {
		if u, err := url.Parse(b); err == nil {
			host = u.Host
		}
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return host
}

// tagURI is an ID that never changes when a post is edited or renamed: it
// names the site, the day the item was created and its number.
func tagURI(host string, created time.Time, kind string, id int64) string {
	return "tag:" + host + "," + created.UTC().Format("2006-01-02") + ":" + kind + "/" + strconv.FormatInt(id, 10)
}

// postsFeed builds a feed of posts.
func (s *Server) postsFeed(r *http.Request, title, root string, posts []*blog.Post) *feed.Feed {
	st := s.site.Settings()
	base := s.absURL(r, "")
	host := s.siteHost(r)
	f := &feed.Feed{Title: title, Subtitle: st.Tagline, SiteURL: base + root, ID: "tag:" + host + ",2000-01-01:feed" + root,
		Language: st.Language, Updated: time.Unix(0, 0).UTC()}
	loc := st.Location()
	for _, p := range posts {
		e := feed.Entry{ID: tagURI(host, p.CreatedAt, "post", p.ID), Title: p.Title, URL: base + p.Path,
			Published: p.PublishedAt.In(loc), Updated: p.UpdatedAt.In(loc), AuthorName: p.Author.Name,
			AuthorURL: base + "/author/" + p.Author.Slug + "/", Summary: p.Summary, Language: p.Language}
		if e.Updated.Before(e.Published) {
			e.Updated = e.Published
		}
		if m := p.Featured; m != nil {
			e.Image = &feed.Image{URL: base + m.URL(), Type: m.CopyType, Width: m.Widest(), Height: m.HeightAt(m.Widest())}
		}
		for _, c := range p.Categories {
			e.Categories = append(e.Categories, c.Name)
		}
		for _, t := range p.Tags {
			e.Categories = append(e.Categories, t.Name)
		}
		if st.FeedFull {
			e.ContentHTML = feed.AbsoluteLinks(p.BodyHTML, base)
		}
		if e.Updated.After(f.Updated) {
			f.Updated = e.Updated
		}
		f.Entries = append(f.Entries, e)
	}
	return f
}

// commentsFeed builds a feed of replies. Writers' e-mail addresses are
// never part of it.
func (s *Server) commentsFeed(r *http.Request, title, root string, comments []*blog.Comment) *feed.Feed {
	st := s.site.Settings()
	base := s.absURL(r, "")
	host := s.siteHost(r)
	f := &feed.Feed{Title: title, SiteURL: base + root, ID: "tag:" + host + ",2000-01-01:replies" + root,
		Language: st.Language, Updated: time.Unix(0, 0).UTC()}
	loc := st.Location()
	l := s.lang()
	for _, c := range comments {
		e := feed.Entry{ID: tagURI(host, c.CreatedAt, "reply", c.ID), Title: l.T("reply_by_to", "Name", c.AuthorName, "Title", l.Quote(c.PostTitle)),
			URL: base + c.PostPath + "#comment-" + strconv.FormatInt(c.ID, 10), Published: c.CreatedAt.In(loc),
			Updated: c.UpdatedAt.In(loc), AuthorName: c.AuthorName, AuthorURL: blog.WebAddress(c.AuthorURL),
			ContentHTML: feed.AbsoluteLinks(c.BodyHTML, base)}
		if e.Updated.After(f.Updated) {
			f.Updated = e.Updated
		}
		f.Entries = append(f.Entries, e)
	}
	return f
}

// serveFeed writes a feed, which shows sh, with its content type, a
// strong ETag and Last-Modified, answering conditional requests with 304.
func (s *Server) serveFeed(w http.ResponseWriter, r *http.Request, sh Shows, f *feed.Feed, format feedFormat) error {
	showsTo(w, sh)
	f.FeedURL = s.absURL(r, r.URL.Path)
	body, err := format.write(f)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	h := w.Header()
	h.Set("Content-Type", format.mime+"; charset=utf-8")
	h.Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
	h.Set("Cache-Control", "public, max-age=300")
	http.ServeContent(w, r, "", f.Updated, bytes.NewReader(body))
	return nil
}

// siteFeed serves /feed/, /feed/atom/ and /feed/json/.
func (s *Server) siteFeed(w http.ResponseWriter, r *http.Request) error {
	format, ok := formatFor(r.PathValue("format"))
	if !ok {
		return blog.ErrNotFound
	}
	posts, err := s.reading.FeedPosts(r.Context(), blog.PostFilter{})
	if err != nil {
		return err
	}
	return s.serveFeed(w, r, showingListing(posts), s.postsFeed(r, s.site.Settings().Title, "/", posts), format)
}

// termFeed serves the feeds of a tag or category.
func (s *Server) termFeed(kind blog.TermKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		format, ok := formatFor(r.PathValue("format"))
		if !ok {
			return blog.ErrNotFound
		}
		t, err := s.reading.Term(r.Context(), kind, r.PathValue("slug"))
		if err != nil {
			return err
		}
		posts, err := s.reading.FeedPosts(r.Context(), blog.PostFilter{TermID: t.ID})
		if err != nil {
			return err
		}
		return s.serveFeed(w, r, showingListing(posts), s.postsFeed(r, s.site.Settings().Title+" – "+t.Name, t.Path(), posts), format)
	}
}

// authorFeed serves the feeds of one writer's posts.
func (s *Server) authorFeed(w http.ResponseWriter, r *http.Request) error {
	format, ok := formatFor(r.PathValue("format"))
	if !ok {
		return blog.ErrNotFound
	}
	u, err := s.reading.Writer(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	posts, err := s.reading.FeedPosts(r.Context(), blog.PostFilter{AuthorID: u.ID})
	if err != nil {
		return err
	}
	return s.serveFeed(w, r, showingListing(posts), s.postsFeed(r, s.site.Settings().Title+" – "+u.Name, "/author/"+u.Slug+"/", posts), format)
}

// repliesFeed serves the feeds of the replies to the whole site.
func (s *Server) repliesFeed(w http.ResponseWriter, r *http.Request) error {
	format, ok := formatFor(r.PathValue("format"))
	if !ok {
		return blog.ErrNotFound
	}
	list, err := s.reading.RecentComments(r.Context(), 0)
	if err != nil {
		return err
	}
	return s.serveFeed(w, r, showingReplies(list), s.commentsFeed(r, s.lang().T("replies_to", "Title", s.site.Settings().Title), "/", list), format)
}

// postRepliesFeed serves the replies feed of one post, at its permalink
// plus feed/ (WordPress's address).
func (s *Server) postRepliesFeed(w http.ResponseWriter, r *http.Request, post *blog.Post, format feedFormat) error {
	list, err := s.reading.RecentComments(r.Context(), post.ID)
	if err != nil {
		return err
	}
	return s.serveFeed(w, r, showingPosts(post), s.commentsFeed(r, s.lang().T("replies_to", "Title", s.lang().Quote(post.Title)), post.Path, list), format)
}

// splitFeedPath splits ".../feed/", ".../feed/atom/" or ".../feed/json/"
// into the scope's path and the format.
func splitFeedPath(path string) (string, feedFormat, bool) {
	for _, f := range feedFormats {
		if root, ok := strings.CutSuffix(path, feedPath("/", f)); ok && root != "" {
			return root + "/", f, true
		}
	}
	return "", feedFormat{}, false
}

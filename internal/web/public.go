package web

import (
	"bytes"
	"context"
	"errors"
	"html"
	"html/template"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"folio/internal/activitypub"
	"folio/internal/blog"
	"folio/internal/locale"
	"folio/internal/mediatype"
)

// listPage is the home page and every archive.
type listPage struct {
	Base
	Heading string // "" on the home page
	Intro   string
	Listing *blog.Listing
	PrevURL string // newer posts
	NextURL string // older posts
	// Writer is whose posts an author page lists, shown as their h-card.
	Writer  *blog.User
	summary func(summaryItem) (template.HTML, error)
}

func (p listPage) shows() Shows { return showingListing(p.Listing.Posts) }

// summaryItem is what the "summary" partial receives for one post.
type summaryItem struct {
	Base Base
	Post *blog.Post
}

// Summary renders the theme's "summary" partial for one of the posts
// the page lists.
func (p listPage) Summary(post *blog.Post) (template.HTML, error) {
	return p.summary(summaryItem{Base: p.Base, Post: post})
}

// summaryKey names a rendered summary: a post's, in a language.
type summaryKey struct {
	post int64
	lang *locale.Lang
}

// summary renders a post's summary for a listing. A frozen site (a
// build) renders each post's once a language and shows it again on every
// listing of the build: each post is on about seven.
func (s *Server) summary(it summaryItem) (template.HTML, error) {
	if !s.frozen {
		return s.theme.Fragment("list", "summary", it)
	}
	key := summaryKey{it.Post.ID, it.Base.L}
	if h, ok := s.summaries.Load(key); ok {
		return h.(template.HTML), nil
	}
	h, err := s.theme.Fragment("list", "summary", it)
	if err == nil {
		s.summaries.Store(key, h)
	}
	return h, err
}

// postPage shows one post or page with its replies.
type postPage struct {
	Base
	Post         *blog.Post
	Older        *blog.Post
	Newer        *blog.Post
	Thread       *blog.Thread
	CommentsOpen bool
	Form         replyForm
	// Likes and Reposts count the Webmentions of those kinds.
	Likes, Reposts int
	avatar         func(*blog.Comment) string
}

// hasCode reports whether rendered HTML holds highlighted code.
func hasCode(html string) bool { return strings.Contains(html, `class="chroma"`) }

// Responses says how many likes and reposts other sites sent: "2 likes
// and 1 repost from other sites"; "" for none.
func (p *postPage) Responses() string {
	var counts string
	switch likes, reposts := p.L.N("like_count", p.Likes), p.L.N("repost_count", p.Reposts); {
	case p.Likes > 0 && p.Reposts > 0:
		counts = p.L.T("likes_and_reposts", "Likes", likes, "Reposts", reposts)
	case p.Likes > 0:
		counts = likes
	case p.Reposts > 0:
		counts = reposts
	default:
		return ""
	}
	return p.L.T("from_other_sites", "Counts", counts)
}

// shows names the post or page and the posts shown beside it.
func (p *postPage) shows() Shows { return showingPosts(p.Post, p.Older, p.Newer) }

type notFoundPage struct {
	Base
	Recent     []*blog.Post
	Categories []blog.Term
	Guess      string // words from the missing address, to search for
}

// searchPage shows search results.
type searchPage struct {
	Base
	Results    *blog.SearchResults
	Categories []blog.Term
	Listing    *blog.Listing // page numbers for the "pagination" partial
	PrevURL    string
	NextURL    string
}

// shows: results list posts, and any post may start or stop matching.
func (p searchPage) shows() Shows { return showingSearch }

func (s *Server) searchShow(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	if !blog.ParseSearch(q.Get("q")).Empty() && !s.searchAllowed(r) {
		w.Header().Set("Retry-After", "60")
		l := s.lang()
		s.errorPage(w, r, http.StatusTooManyRequests, l.T("too_many_searches"), l.N("too_many_searches_text", SearchesPerMinute))
		return nil
	}
	res, err := s.reading.Search(r.Context(), q.Get("q"), max(page, 1))
	if err != nil {
		return err
	}
	l := s.lang()
	title := l.T("search")
	if res.Query.Raw != "" {
		title = l.T("search_results_for", "Query", l.Quote(res.Query.Raw))
	}
	b, err := s.publicBase(r, title)
	if err != nil {
		return err
	}
	b.Canonical, b.Description = "", title
	p := searchPage{Base: b, Results: res, Listing: &blog.Listing{Page: res.Page, Pages: res.Pages, Total: res.Total}}
	link := func(n int) string {
		v := url.Values{"q": {res.Query.Raw}}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		return "/search?" + v.Encode()
	}
	if res.Page > 1 {
		p.PrevURL = link(res.Page - 1)
	}
	if res.Page < res.Pages {
		p.NextURL = link(res.Page + 1)
	}
	if len(res.Hits) == 0 {
		if p.Categories, err = s.reading.TermNames(r.Context(), blog.TermCategory); err != nil {
			return err
		}
	}
	// Results pages are not for search engines.
	w.Header().Set("X-Robots-Tag", "noindex")
	return s.render(w, http.StatusOK, "search", p)
}

// publicBase is base plus what the public layout needs: the navigation
// menu (every published page while none is set).
func (s *Server) publicBase(r *http.Request, title string) (Base, error) {
	b := s.base(r, title)
	nav, err := s.nav(r)
	if err != nil {
		return b, err
	}
	b.Nav = nav
	b.Feeds = append(feedLinks(b.L, b.Site.Title, "/"), FeedLink{Title: b.L.T("replies_to", "Title", b.Site.Title), Type: "application/atom+xml", URL: "/comments/feed/atom/"})
	return b, nil
}

// nav is the site's menu, or every published page while none is set.
func (s *Server) nav(r *http.Request) ([]blog.MenuItem, error) {
	if menu := s.site.Settings().Menu(); menu != nil {
		return menu, nil
	}
	pages, err := s.reading.Pages(r.Context())
	if err != nil {
		return nil, err
	}
	out := make([]blog.MenuItem, len(pages))
	for i, p := range pages {
		out[i] = blog.MenuItem{Label: p.Title, URL: p.Path}
	}
	return out, nil
}

// pageNum reads the {n} of a /page/{n}/ URL; page 1 has no such part.
func pageNum(r *http.Request) (int, error) {
	v := r.PathValue("n")
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 2 {
		return 0, blog.ErrNotFound
	}
	return n, nil
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	// WordPress's plain links, /?p=12 and /?page_id=3, redirect after an
	// import.
	if r.URL.RawQuery != "" {
		if done, err := s.redirectOld(w, r); done || err != nil {
			return err
		}
	}
	return s.list(w, r, "/", blog.PostFilter{}, "", "", "")
}

// redirectOld answers 301 when the redirect table knows the requested
// address (with its query, then without) and reports whether it did.
func (s *Server) redirectOld(w http.ResponseWriter, r *http.Request) (bool, error) {
	for _, from := range []string{r.URL.RequestURI(), r.URL.EscapedPath()} {
		to, err := s.reading.Moved(r.Context(), from)
		if errors.Is(err, blog.ErrNotFound) {
			continue
		}
		if err != nil {
			return false, err
		}
		http.Redirect(w, r, to, http.StatusMovedPermanently)
		return true, nil
	}
	return false, nil
}

// list renders page n of the published posts matching f. root is the
// archive's first page, e.g. "/tag/go/".
func (s *Server) list(w http.ResponseWriter, r *http.Request, root string, f blog.PostFilter, title, heading, intro string) error {
	return s.listOf(w, r, root, f, title, heading, intro, nil)
}

// listOf renders a listing; writer, when set, is the author it belongs to.
func (s *Server) listOf(w http.ResponseWriter, r *http.Request, root string, f blog.PostFilter, title, heading, intro string, writer *blog.User) error {
	n, err := pageNum(r)
	if err != nil {
		return err
	}
	l, err := s.reading.Listing(r.Context(), f, n)
	if err != nil {
		return err
	}
	b, err := s.publicBase(r, title)
	if err != nil {
		return err
	}
	for _, p := range l.Posts {
		b.Code = b.Code || p.ShownInFull() && hasCode(p.BodyHTML) || hasCode(p.ExcerptHTML)
	}
	switch {
	case intro != "":
		b.Description = intro
	case heading == "":
		b.Description = b.Site.Tagline
	default:
		b.Description = heading
	}
	if root != "/" && f.TermID+f.AuthorID != 0 {
		b.Feeds = append(feedLinks(b.L, b.Site.Title+" – "+title, root), b.Feeds...)
	}
	if writer != nil && s.federating() {
		b.Feeds = append(b.Feeds, FeedLink{Title: b.L.T("on_the_fediverse", "Name", writer.Name), Type: activitypub.ContentType,
			URL: s.site.Settings().ActorID(writer.ID)})
	}
	p := listPage{Base: b, Heading: heading, Intro: intro, Listing: l, Writer: writer, summary: s.summary}
	if l.HasNext() {
		p.NextURL = root + "page/" + strconv.Itoa(n+1) + "/"
	}
	if l.HasPrev() {
		p.PrevURL = root
		if n > 2 {
			p.PrevURL += "page/" + strconv.Itoa(n-1) + "/"
		}
	}
	// Search engines read the reading order: older pages are "next".
	p.Base.Prev, p.Base.Next = p.PrevURL, p.NextURL
	return s.render(w, http.StatusOK, "list", p)
}

func (s *Server) tagShow(w http.ResponseWriter, r *http.Request) error {
	return s.termShow(w, r, blog.TermTag)
}

func (s *Server) categoryShow(w http.ResponseWriter, r *http.Request) error {
	return s.termShow(w, r, blog.TermCategory)
}

func (s *Server) termShow(w http.ResponseWriter, r *http.Request, kind blog.TermKind) error {
	t, err := s.reading.Term(r.Context(), kind, r.PathValue("slug"))
	if err != nil {
		return err
	}
	l := s.lang()
	heading := l.T("posts_tagged", "Name", l.Quote(t.Name))
	if kind == blog.TermCategory {
		heading = l.T("posts_filed_under", "Name", l.Quote(t.Name))
	}
	return s.list(w, r, t.Path(), blog.PostFilter{TermID: t.ID}, t.Name, heading, t.Description)
}

func (s *Server) authorShow(w http.ResponseWriter, r *http.Request) error {
	u, err := s.reading.Writer(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	return s.listOf(w, r, "/author/"+u.Slug+"/", blog.PostFilter{AuthorID: u.ID}, u.Name, s.lang().T("posts_by_name", "Name", u.Name), u.Bio, u)
}

var (
	dateArchiveRe = regexp.MustCompile(`^/([0-9]{4})/(?:([0-9]{2})/(?:([0-9]{2})/)?)?(?:page/([0-9]+)/)?$`)
	pagePathRe    = regexp.MustCompile(`^/([^/]+)/$`)
)

// resolve answers every path no fixed route claims: a post at its
// permalink, a date archive, or a page at /slug/.
func (s *Server) resolve(w http.ResponseWriter, r *http.Request) error {
	path := r.URL.Path
	if m := sitemapPartRe.FindStringSubmatch(path); m != nil {
		return s.sitemapPart(w, r, m[1])
	}
	if root, format, ok := splitFeedPath(path); ok {
		if post, canonical, err := s.reading.PostAt(r.Context(), root); err == nil && canonical == "" {
			return s.postRepliesFeed(w, r, post, format)
		}
	}
	post, canonical, err := s.reading.PostAt(r.Context(), path)
	switch {
	case err == nil && canonical != "":
		http.Redirect(w, r, canonical, http.StatusMovedPermanently)
		return nil
	case err == nil:
		return s.postShow(w, r, post)
	case !errors.Is(err, blog.ErrNotFound):
		return err
	}
	if m := dateArchiveRe.FindStringSubmatch(path); m != nil {
		return s.dateArchive(w, r, m)
	}
	if m := pagePathRe.FindStringSubmatch(path); m != nil {
		page, err := s.reading.Page(r.Context(), m[1])
		if err == nil {
			return s.pageShow(w, r, page)
		}
		if !errors.Is(err, blog.ErrNotFound) {
			return err
		}
	}
	// Readers and old links often drop the final slash.
	if !strings.HasSuffix(path, "/") && s.exists(r.Context(), path+"/") {
		target := path + "/"
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, http.StatusMovedPermanently)
		return nil
	}
	if done, err := s.redirectOld(w, r); done || err != nil {
		return err
	}
	return blog.ErrNotFound
}

// exists reports whether path names a published post or page.
func (s *Server) exists(ctx context.Context, path string) bool {
	if _, _, err := s.reading.PostAt(ctx, path); err == nil {
		return true
	}
	if m := pagePathRe.FindStringSubmatch(path); m != nil {
		_, err := s.reading.Page(ctx, m[1])
		return err == nil
	}
	return dateArchiveRe.MatchString(path)
}

func (s *Server) dateArchive(w http.ResponseWriter, r *http.Request, m []string) error {
	year, _ := strconv.Atoi(m[1])
	month, _ := strconv.Atoi(m[2])
	day, _ := strconv.Atoi(m[3])
	from, to, err := s.reading.DateRange(year, month, day)
	if err != nil {
		return err
	}
	if m[4] != "" {
		r.SetPathValue("n", m[4])
	}
	b := s.base(r, "")
	var heading, root string
	switch {
	case day != 0:
		heading = b.Date(from)
		root = from.Format("/2006/01/02/")
	case month != 0:
		heading = b.L.FormatDate(from, b.L.T("month_layout"))
		root = from.Format("/2006/01/")
	default:
		heading = from.Format("2006")
		root = from.Format("/2006/")
	}
	return s.list(w, r, root, blog.PostFilter{From: from, To: to}, heading, b.L.T("posts_from", "When", heading), "")
}

func (s *Server) postShow(w http.ResponseWriter, r *http.Request, post *blog.Post) error {
	older, newer, err := s.reading.Adjacent(r.Context(), post)
	if err != nil {
		return err
	}
	b, err := s.publicBase(r, post.Title)
	if err != nil {
		return err
	}
	b = b.In(post.Language)
	b.Code = hasCode(post.BodyHTML)
	b.Description = post.Summary
	b.Image = s.shareImage(r, post)
	b.Article = s.articleMeta(r, post)
	if b.Image != nil {
		b.Article.JSONLD["image"] = b.Image.URL
	}
	b.Feeds = append([]FeedLink{{Title: b.L.T("replies_to", "Title", b.L.Quote(post.Title)), Type: "application/atom+xml", URL: feedPath(post.Path, feedFormats[1])}}, b.Feeds...)
	p := &postPage{Base: b, Post: post, Older: older, Newer: newer}
	if err := s.threadFor(r, p); err != nil {
		return err
	}
	if s.mentions != nil {
		counts, err := s.mentions.Counts(r.Context(), post.ID)
		if err != nil {
			return err
		}
		p.Likes, p.Reposts = counts[blog.MentionLike], counts[blog.MentionRepost]
	}
	if len(s.myComments(r)) > 0 || p.Form.SignedIn != "" {
		w.Header().Set("Cache-Control", "private, no-store")
	}
	return s.render(w, http.StatusOK, "post", p)
}

func (s *Server) pageShow(w http.ResponseWriter, r *http.Request, page *blog.Post) error {
	b, err := s.publicBase(r, page.Title)
	if err != nil {
		return err
	}
	b = b.In(page.Language)
	b.Code = hasCode(page.BodyHTML)
	b.Description = page.Summary
	b.Image = s.shareImage(r, page)
	return s.render(w, http.StatusOK, "page", &postPage{Base: b, Post: page})
}

// shareWidth is the width of the copy social sites get of a featured
// picture: large enough for their cards.
const shareWidth = 1200

// firstImage finds the address of a rendered text's first picture.
var firstImage = regexp.MustCompile(`<img[^>]*?\ssrc="([^"]+)"`)

// shareImage is the picture social sites show for post: its featured
// picture, or else the first picture in its text.
func (s *Server) shareImage(r *http.Request, post *blog.Post) *shareImage {
	if m := post.Featured; m != nil {
		w := m.Widest()
		if w > shareWidth && slices.Contains(m.Widths(), shareWidth) {
			w = shareWidth
		}
		return &shareImage{URL: s.absURL(r, m.SizeURL(w)), Width: w, Height: m.HeightAt(w), Alt: m.Alt}
	}
	match := firstImage.FindStringSubmatch(post.BodyHTML)
	if match == nil {
		return nil
	}
	src := html.UnescapeString(match[1])
	if strings.HasPrefix(src, "/") && !strings.HasPrefix(src, "//") {
		src = s.absURL(r, src)
	}
	if !strings.HasPrefix(src, "https://") && !strings.HasPrefix(src, "http://") {
		return nil
	}
	return &shareImage{URL: src}
}

// articleMeta describes post for social sites and search engines.
func (s *Server) articleMeta(r *http.Request, post *blog.Post) *articleMeta {
	st := s.site.Settings()
	m := &articleMeta{Published: post.PublishedAt, Modified: post.UpdatedAt, Author: post.Author.Name,
		AuthorURL: s.absURL(r, "/author/"+post.Author.Slug+"/")}
	if m.Modified.Before(m.Published) {
		m.Modified = m.Published
	}
	for _, t := range post.Tags {
		m.Tags = append(m.Tags, t.Name)
	}
	iso := func(t time.Time) string { return t.In(st.Location()).Format(time.RFC3339) }
	m.JSONLD = map[string]any{
		"@context":         "https://schema.org",
		"@type":            "BlogPosting",
		"headline":         post.Title,
		"description":      post.Summary,
		"datePublished":    iso(m.Published),
		"dateModified":     iso(m.Modified),
		"url":              s.absURL(r, post.Path),
		"mainEntityOfPage": s.absURL(r, post.Path),
		"inLanguage":       post.LanguageOr(st.Language),
		"author":           map[string]any{"@type": "Person", "name": m.Author, "url": m.AuthorURL},
		"publisher":        map[string]any{"@type": "Organization", "name": st.Title, "url": s.absURL(r, "/")},
		"commentCount":     post.CommentCount,
	}
	if len(m.Tags) > 0 {
		m.JSONLD["keywords"] = m.Tags
	}
	if post.Source.URL != "" {
		m.JSONLD["citation"] = map[string]any{"@type": "CreativeWork", "url": post.Source.URL, "name": post.Source.Title}
	}
	return m
}

// notFound renders the helpful 404 page: recent posts and categories.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	p := notFoundPage{Base: s.base(r, s.lang().T("not_found")), Guess: strings.Join(strings.FieldsFunc(r.URL.Path, func(c rune) bool {
		return c == '/' || c == '-' || c == '_' || c == '.' || (c >= '0' && c <= '9')
	}), " ")}
	p.Canonical = ""
	var err error
	if p.Nav, err = s.nav(r); err == nil {
		p.Recent, err = s.reading.Recent(r.Context(), 5)
	}
	if err == nil {
		p.Categories, err = s.reading.TermNames(r.Context(), blog.TermCategory)
	}
	if err != nil {
		s.log.Error("render not found page", "path", r.URL.Path, "err", err)
	}
	if err := s.render(w, http.StatusNotFound, "notfound", p); err != nil {
		s.log.Error("render not found page", "path", r.URL.Path, "err", err)
	}
}

func (s *Server) assetShow(w http.ResponseWriter, r *http.Request) error {
	a, ok := s.theme.AssetAt(r.URL.Path)
	if !ok {
		return blog.ErrNotFound
	}
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeContent(w, r, a.Name, time.Time{}, bytes.NewReader(a.Body))
	return nil
}

// faviconShow serves the icon that browsers and crawlers ask for at
// /favicon.ico.
func (s *Server) faviconShow(w http.ResponseWriter, r *http.Request) error {
	a := s.theme.Favicon()
	w.Header().Set("Content-Type", "image/x-icon")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	http.ServeContent(w, r, a.Name, time.Time{}, bytes.NewReader(a.Body))
	return nil
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.accounts.NeedsSetup(r.Context()); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err := w.Write([]byte("ok\n"))
	return err
}

// uploadShow serves a file from the uploads folder, never one outside
// it (a symbolic link out of it included) and never a folder listing.
// The type comes from the file's bytes: images, audio, video and PDF are
// shown; anything else (HTML, SVG, scripts) could run in the site's
// origin, so it is sent as a download that the browser sandboxes.
func (s *Server) uploadShow(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("path")
	if s.uploads == "" || name == "" || strings.HasSuffix(name, "/") {
		return blog.ErrNotFound
	}
	root, err := os.OpenRoot(s.uploads)
	if err != nil {
		return blog.ErrNotFound
	}
	defer root.Close()
	f, err := root.Open(name)
	if err != nil {
		return blog.ErrNotFound
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		return blog.ErrNotFound
	}
	head := make([]byte, mediatype.SniffLen)
	n, _ := io.ReadFull(f, head)
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	h := w.Header()
	if t := mediatype.Sniff(head[:n]); mediatype.Inert(t) {
		h.Set("Content-Type", t)
	} else {
		h.Set("Content-Type", "application/octet-stream")
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": path.Base(name)}))
		h.Set("Content-Security-Policy", "sandbox")
	}
	h.Set("Cache-Control", "public, max-age=86400")
	http.ServeContent(w, r, "", st.ModTime(), f)
	return nil
}

// identiconShow draws the avatar for a key made by avatarFunc.
func (s *Server) identiconShow(w http.ResponseWriter, r *http.Request) error {
	key, ok := strings.CutSuffix(r.PathValue("key"), ".svg")
	if !ok || len(key) != 20 {
		return blog.ErrNotFound
	}
	svg, ok := identicon(key)
	if !ok {
		return blog.ErrNotFound
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, err := w.Write(svg)
	return err
}

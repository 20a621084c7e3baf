// Package web serves the public site and the admin over HTTP: routes,
// middleware, handlers and the page structs templates receive. Handlers
// parse input, call blog.Service and render; decisions belong to blog.
package web

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"folio/internal/activitypub"
	"folio/internal/blog"
	"folio/internal/locale"
	"folio/internal/theme"
)

// Config is what a Server needs: the services its handlers call, the
// theme and the log, all required.
type Config struct {
	Site       *blog.Site
	Accounts   *blog.Accounts
	Writing    *blog.Writing
	Reading    *blog.Reading
	Discussion *blog.Discussion
	Moving     *blog.Moving
	Library    *blog.Library
	Mentions   *blog.Mentions
	// Federation and Fediverse put the site on the fediverse; nil
	// Federation leaves it off.
	Federation *blog.Federation
	Fediverse  *activitypub.Client
	// Version is folio's version, for NodeInfo.
	Version string
	Theme   *theme.Theme
	Log     *slog.Logger
	// SetupToken authorises /admin/setup while the site has no users.
	SetupToken string
	// MaxBodyBytes bounds every request body; 0 means DefaultMaxBody.
	MaxBodyBytes int64
	// SitemapLimit is the most URLs in one sitemap file; 0 means
	// DefaultSitemapLimit.
	SitemapLimit int
	// UploadsDir holds imported files, served at /uploads/; "" serves
	// none.
	UploadsDir string
	// Origin is the site's address while the base URL setting is empty:
	// serve passes the address it listens on, so no link a page makes
	// follows a request's Host header. "" takes the request's host, for
	// tests.
	Origin string
	// CacheBytes bounds the memory of the page cache; 0 means
	// DefaultCacheBytes and a negative value turns the cache off.
	CacheBytes int64
	// ReplyAction is where reply forms post: "" for this server's
	// /comments. A static build sets a live server's address, or
	// NoReplyForm to leave the forms out.
	ReplyAction string
	NoReplyForm bool
	// Frozen says the site does not change while this server runs (a
	// static build), so the parts many pages repeat are rendered once.
	Frozen bool
	// LastBackup tells when this server last took a scheduled backup
	// (zero for none), for the dashboard; nil for unknown.
	LastBackup func() time.Time
	// AutosaveEvery is how often the editor saves by itself; 0 means
	// blog.AutosaveInterval.
	AutosaveEvery time.Duration
	// Backup, when set, lets administrators take and download a backup
	// from the admin.
	Backup Backup
}

// DefaultMaxBody is the request body limit: room for the largest post
// (1 MiB of Markdown) and its form fields.
const DefaultMaxBody = 2 << 20

// Server is folio's HTTP handler. Each handler reaches the domain only
// through the services below.
type Server struct {
	site         *blog.Site
	accounts     *blog.Accounts
	writing      *blog.Writing
	reading      *blog.Reading
	discussion   *blog.Discussion
	moving       *blog.Moving
	library      *blog.Library
	mentions     *blog.Mentions
	federation   *blog.Federation
	fediverse    *activitypub.Client
	inboxSlots   chan struct{} // inbox requests handled at once
	version      string
	theme        *theme.Theme
	log          *slog.Logger
	setupToken   string
	maxBody      int64
	sitemapLimit int
	uploads      string // the uploads folder, "" for none
	cache        *pageCache
	searches     *pageCache    // search results, apart from pages; nil without a cache
	pictures     *pageCache    // the library's copies, apart from pages; nil without a cache
	searchLimit  *addressLimit // uncached searches per address
	replyAction  string        // "" leaves reply forms out
	endpoints    string        // where the head's app and Webmention endpoints are: "" here, a live origin for a copy
	noEndpoints  bool          // a static copy with no live server names none
	frozen       bool          // a build: the site does not change meanwhile
	summaries    sync.Map      // a frozen site's rendered summaries, by summaryKey
	backups      func() time.Time
	autosave     time.Duration
	backup       Backup
	origin       string
	handler      http.Handler
}

// New returns a Server with its routes.
func New(cfg Config) *Server {
	s := &Server{
		site:       cfg.Site,
		accounts:   cfg.Accounts,
		writing:    cfg.Writing,
		reading:    cfg.Reading,
		discussion: cfg.Discussion,
		moving:     cfg.Moving,
		library:    cfg.Library,
		mentions:   cfg.Mentions,
		federation: cfg.Federation,
		fediverse:  cfg.Fediverse,
		inboxSlots: make(chan struct{}, inboxesAtOnce),
		version:    cfg.Version,
		theme:      cfg.Theme,
		log:        cfg.Log,
		setupToken: cfg.SetupToken,
		maxBody:    cfg.MaxBodyBytes,
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBody
	}
	s.replyAction = cfg.ReplyAction
	if s.replyAction == "" {
		s.replyAction = "/comments"
	}
	if cfg.NoReplyForm {
		s.replyAction = ""
	}
	// A static copy's head names the live server's endpoints, as its
	// reply forms post there; a copy without one names none.
	if u, err := url.Parse(cfg.ReplyAction); err == nil && u.Scheme != "" && u.Host != "" {
		s.endpoints = u.Scheme + "://" + u.Host
	}
	s.noEndpoints = cfg.NoReplyForm
	s.frozen = cfg.Frozen
	s.uploads = cfg.UploadsDir
	s.backups, s.backup = cfg.LastBackup, cfg.Backup
	if s.autosave = cfg.AutosaveEvery; s.autosave <= 0 {
		s.autosave = blog.AutosaveInterval
	}
	s.origin = strings.TrimRight(cfg.Origin, "/")
	if s.sitemapLimit = cfg.SitemapLimit; s.sitemapLimit <= 0 {
		s.sitemapLimit = DefaultSitemapLimit
	}
	switch {
	case cfg.CacheBytes == 0:
		s.cache = newPageCache(DefaultCacheBytes)
	case cfg.CacheBytes > 0:
		s.cache = newPageCache(cfg.CacheBytes)
	}
	if s.cache != nil {
		s.searches = newPageCache(max(s.cache.limit/8, 1<<20))
		s.pictures = newPageCache(s.cache.limit)
	}
	s.searchLimit = newAddressLimit(SearchesPerMinute)
	s.handler = s.middleware(s.routes())
	return s
}

// Invalidate drops the cached pages a change may alter. Wire it to the
// Service's OnChange, so every write is visible on the next request.
func (s *Server) Invalidate(c blog.Change) {
	if s.cache != nil {
		s.cache.Invalidate(c)
		s.searches.Invalidate(c)
		s.pictures.Invalidate(c)
	}
}

// ServeHTTP serves one request: a page in the cache straight away, the
// rest through the middleware and the routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.serveCached(w, r) {
		s.handler.ServeHTTP(w, r)
	}
}

// sizeText writes a number of bytes for people.
func sizeText(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

// Funcs are the template functions the web layer gives the theme.
func Funcs() template.FuncMap {
	return template.FuncMap{
		// html marks a string that the blog package has already sanitized.
		"html": func(s string) template.HTML { return template.HTML(s) },
		// quote puts a title in quotation marks that nest.
		"quote": blog.Quote,
	}
}

// handlerFunc is a handler that reports failure by returning an error,
// which handle turns into a page and at most one log line.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (s *Server) handle(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := readForm(r); err != nil {
			s.fail(w, r, err)
			return
		}
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

// maxFormMemory is how much of a multipart form is kept in memory; the
// rest of an upload waits in temporary files.
const maxFormMemory = 32 << 20

// readForm reads the body of a form post up front, so a body over the
// route's limit is answered as such (413, with a message that says so)
// rather than read as a form with missing fields, such as the CSRF
// token. Other malformed bodies read as empty fields, for the handler to
// judge.
func readForm(r *http.Request) error {
	if r.Method != http.MethodPost || r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(maxFormMemory)
	} else {
		err = r.ParseForm()
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return err
	}
	return nil
}

// fail answers a request whose handler returned err.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var maxErr *http.MaxBytesError
	var verr *blog.ValidationError
	l := s.lang()
	switch {
	case errors.Is(err, blog.ErrNotFound):
		// An address that answers nothing now may have moved: a renamed
		// tag's archive, a redirect made by hand.
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			if done, rerr := s.redirectOld(w, r); done || rerr != nil {
				if rerr != nil {
					s.log.Error("look up an old address", "path", r.URL.Path, "err", rerr)
					s.notFound(w, r)
				}
				return
			}
		}
		s.notFound(w, r)
	case errors.Is(err, blog.ErrForbidden):
		s.errorPage(w, r, http.StatusForbidden, l.T("not_allowed"), l.T("not_allowed_text"))
	case errors.As(err, &maxErr):
		s.errorPage(w, r, http.StatusRequestEntityTooLarge, l.T("too_much_text"), l.T("too_much_text_text", "Limit", sizeText(maxErr.Limit)))
	case errors.As(err, &verr):
		s.errorPage(w, r, http.StatusBadRequest, l.T("something_missing"), verr.Error())
	case errors.Is(err, errBadForm):
		s.errorPage(w, r, http.StatusForbidden, l.T("form_expired"), l.T("form_expired_text"))
	default:
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, l.T("something_wrong"), l.T("something_wrong_text"))
	}
}

type errorPage struct {
	Base
	Heading string
	Message string
}

func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, heading, msg string) {
	p := errorPage{Base: s.base(r, heading), Heading: heading, Message: msg}
	if err := s.render(w, status, "error", p); err != nil {
		s.log.Error("render error page", "path", r.URL.Path, "err", err)
	}
}

// render executes a theme page into a buffer first, so a template error
// never sends half a page.
func (s *Server) render(w http.ResponseWriter, status int, page string, data any) error {
	if p, ok := data.(pageShows); ok {
		showsTo(w, p.shows())
	}
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer putRenderBuffer(buf)
	if err := s.theme.Render(buf, page, data); err != nil {
		http.Error(w, "The page could not be rendered.", http.StatusInternalServerError)
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	if strings.HasPrefix(page, "admin/") {
		h.Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	// A failed write means the reader went away; nothing is left to tell
	// them.
	w.Write(buf.Bytes())
	return nil
}

// renderBuffers hold pages while they are rendered: a buffer grown from
// nothing for each page doubled its way to the page's size, a tenth of a
// static build's time.
var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuffer is the largest buffer kept for the next page; a rare
// huge page (a thread of a thousand replies) gives its memory back.
const maxPooledBuffer = 1 << 20

func putRenderBuffer(b *bytes.Buffer) {
	if b.Cap() > maxPooledBuffer {
		return
	}
	b.Reset()
	renderBuffers.Put(b)
}

// Base is the part every page struct shares.
type Base struct {
	Site blog.Settings
	// L says the page's words in its language: the site's, the post's
	// own, or for the admin the writer's.
	L *locale.Lang
	// Language is the page's BCP 47 tag, for its lang attribute.
	Language    string
	Title       string // the page's own title; the layout adds the site's
	Description string
	Canonical   string
	Path        string
	Nav         []blog.MenuItem
	Feeds       []FeedLink // autodiscovery links
	Prev, Next  string     // rel="prev"/"next" of paginated lists
	Article     *articleMeta
	// Code is set when the page shows highlighted code, which alone
	// needs the highlighting stylesheet.
	Code  bool
	Image *shareImage // the picture social sites show; nil for none
	// Endpoints prefixes the Micropub, IndieAuth and Webmention links of
	// the head: "" for this server; NoEndpoints leaves them out.
	Endpoints   string
	NoEndpoints bool
}

// shareImage is the picture OpenGraph and Twitter cards show for a page.
type shareImage struct {
	URL           string // absolute
	Width, Height int    // 0 when unknown
	Alt           string
}

// articleMeta describes a post for OpenGraph and JSON-LD.
type articleMeta struct {
	Published time.Time
	Modified  time.Time
	Author    string
	AuthorURL string
	Tags      []string
	JSONLD    map[string]any
}

// Date formats t with the site's date layout (or the language's) in the
// site's zone.
func (b Base) Date(t time.Time) string {
	return b.L.FormatDate(t.In(b.Site.Location()), cmp.Or(b.Site.DateLayout, b.L.DateLayout()))
}

// Time formats t with the site's time layout (or the language's) in the
// site's zone.
func (b Base) Time(t time.Time) string {
	return b.L.FormatDate(t.In(b.Site.Location()), cmp.Or(b.Site.TimeLayout, b.L.TimeLayout()))
}

// At formats t as a date and a time: "November 28th, 2015 at 3:04 pm".
func (b Base) At(t time.Time) string {
	return b.L.T("date_at_time", "Date", b.Date(t), "Time", b.Time(t))
}

// In returns the base of a page written in lang, e.g. a post in
// another language than the site's: its words, dates and lang attribute
// follow; "" keeps the site's.
func (b Base) In(lang string) Base {
	if lang != "" {
		b.L, b.Language = b.L.Book().For(lang), lang
	}
	return b
}

// statusLabels and replyStatusLabels name each status in the admin, by
// message ID.
var (
	statusLabels = map[blog.Status]string{blog.StatusDraft: "status_draft", blog.StatusScheduled: "status_scheduled",
		blog.StatusPublished: "status_published", blog.StatusPrivate: "status_private", blog.StatusTrash: "status_trash"}
	replyStatusLabels = map[blog.CommentStatus]string{blog.CommentPending: "reply_status_pending",
		blog.CommentApproved: "reply_status_approved", blog.CommentSpam: "reply_status_spam", blog.CommentTrash: "reply_status_trash"}
)

// kindLabels name what an import counts, by message ID.
var kindLabels = map[string]string{"post": "kind_posts", "page": "kind_pages", "category": "kind_categories", "tag": "kind_tags",
	"user": "kind_users", "reply": "kind_replies", "picture": "kind_pictures"}

// KindLabel names a kind of item an import counts in the page's
// language.
func (b Base) KindLabel(kind string) string {
	if id, ok := kindLabels[kind]; ok {
		return b.L.T(id)
	}
	return kind
}

// RoleLabel names a writer's role in the page's language.
func (b Base) RoleLabel(r blog.Role) string {
	return b.L.T(map[blog.Role]string{blog.RoleAdmin: "role_admin", blog.RoleEditor: "role_editor", blog.RoleAuthor: "role_author"}[r])
}

// StatusLabel names a post's status in the page's language.
func (b Base) StatusLabel(s blog.Status) string { return b.L.T(statusLabels[s]) }

// ReplyStatusLabel names a reply's status in the page's language.
func (b Base) ReplyStatusLabel(s blog.CommentStatus) string { return b.L.T(replyStatusLabels[s]) }

// ISO formats t for a datetime attribute, in the site's zone.
func (b Base) ISO(t time.Time) string { return t.In(b.Site.Location()).Format(time.RFC3339) }

// Short formats t compactly for admin tables.
func (b Base) Short(t time.Time) string { return t.In(b.Site.Location()).Format("2006-01-02 15:04") }

// lang returns the site's language.
func (s *Server) lang() *locale.Lang { return s.theme.Words().For(s.site.Settings().Language) }

// siteOrigin returns the site's scheme and host as the server knows them
// whatever a request says: the base URL setting, or the origin serve
// passed; "" when neither is set.
func (s *Server) siteOrigin() string {
	if b := s.site.Settings().BaseURL; b != "" {
		return b
	}
	return s.origin
}

func (s *Server) base(r *http.Request, title string) Base {
	st := s.site.Settings()
	return Base{Site: st, L: s.theme.Words().For(st.Language), Language: st.Language, Title: title, Path: r.URL.Path, Canonical: s.absURL(r, r.URL.Path),
		Endpoints: s.endpoints, NoEndpoints: s.noEndpoints}
}

// absURL returns the absolute URL of path on this site: the configured
// base URL, else the origin serve was started with, else (in tests) the
// scheme and host the request came in on.
func (s *Server) absURL(r *http.Request, path string) string {
	if b := s.siteOrigin(); b != "" {
		return b + path
	}
	return requestURL(r, path)
}

// requestURL returns the absolute URL of path at the scheme and host r
// came in on.
func requestURL(r *http.Request, path string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

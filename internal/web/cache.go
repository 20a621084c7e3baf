package web

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"folio/internal/activitypub"
	"folio/internal/blog"

	"github.com/andybalholm/brotli"
	"golang.org/x/sync/singleflight"
)

// DefaultCacheBytes bounds the page cache's memory.
const DefaultCacheBytes = 64 << 20

// cacheTTL bounds how old a cached page gets, so the reply form's signed
// token in it stays fresh.
const cacheTTL = 10 * time.Minute

// page is a rendered public response, ready to send as it is.
type page struct {
	status  int
	header  http.Header
	body    []byte
	gzip    []byte
	brotli  []byte
	etag    string
	lastMod string
	created time.Time
	elem    *list.Element
	shows   *Shows
	// sends are the headers of each encoding of a page with a validator,
	// made when it is stored, so that a hit copies shared slices into
	// the response and allocates nothing for them.
	sends [encodings]http.Header
}

// The encodings a page with a validator is stored in.
const (
	identity = iota
	gzipped
	brotlied
	encodings
)

// encoded gives p's body in each encoding, nil where it is not kept.
func (p *page) encoded() [encodings][]byte { return [encodings][]byte{p.body, p.gzip, p.brotli} }

// prepare makes the headers each encoding of p is sent with.
func (p *page) prepare() {
	names := [encodings]string{"", "gzip", "br"}
	for enc, body := range p.encoded() {
		if body == nil {
			continue
		}
		h := p.header.Clone()
		h.Set("ETag", p.etag)
		if p.gzip != nil {
			h.Add("Vary", "Accept-Encoding")
		}
		if names[enc] != "" {
			h.Set("Content-Encoding", names[enc])
		}
		h.Set("Content-Length", strconv.Itoa(len(body)))
		for k, v := range h {
			h[k] = v[:len(v):len(v)] // a handler's Add copies, never writes into v
		}
		p.sends[enc] = h
	}
}

// Shows records what a rendered page shows, so a cache drops it exactly
// when a write changes that. The page cache (and the static build) pass
// handlers a ResponseWriter that collects it: render takes it from the
// page struct, feeds and the sitemap say it when they write. A page that
// records nothing (Known false) is dropped on every change.
type Shows struct {
	Known    bool           `json:"known,omitempty"`
	Posts    map[int64]bool `json:"posts,omitempty"`
	AllPosts bool           `json:"all_posts,omitempty"` // every post, like the sitemap
	Listing  bool           `json:"listing,omitempty"`   // a list of posts, which changes when posts join or leave lists
	Replies  bool           `json:"replies,omitempty"`   // the site's replies
	Words    bool           `json:"words,omitempty"`     // any post's words, like search results
	Media    string         `json:"media,omitempty"`     // the key of the library item it is a copy of
}

// ShowsRecorder is a ResponseWriter that collects what a page shows.
type ShowsRecorder interface {
	RecordShows(Shows)
}

// Add records what sh shows too.
func (sh *Shows) Add(o Shows) {
	sh.Known = true
	sh.AllPosts, sh.Listing, sh.Replies = sh.AllPosts || o.AllPosts, sh.Listing || o.Listing, sh.Replies || o.Replies
	sh.Words = sh.Words || o.Words
	if o.Media != "" {
		sh.Media = o.Media
	}
	for id := range o.Posts {
		if sh.Posts == nil {
			sh.Posts = map[int64]bool{}
		}
		sh.Posts[id] = true
	}
}

// showsTo tells w what its page shows, when w collects it.
func showsTo(w http.ResponseWriter, sh Shows) {
	if rec, ok := w.(ShowsRecorder); ok {
		rec.RecordShows(sh)
	}
}

// pageShows is implemented by page structs of cacheable pages.
type pageShows interface{ shows() Shows }

// showingPosts is a page that shows posts (their titles, texts or reply
// counts). Nil posts are skipped.
func showingPosts(posts ...*blog.Post) Shows {
	sh := Shows{Known: true, Posts: map[int64]bool{}}
	for _, p := range posts {
		if p != nil {
			sh.Posts[p.ID] = true
		}
	}
	return sh
}

// showingListing is a list of posts.
func showingListing(posts []*blog.Post) Shows {
	sh := showingPosts(posts...)
	sh.Listing = true
	return sh
}

// showingReplies is a list of the site's replies.
func showingReplies(comments []*blog.Comment) Shows {
	sh := Shows{Known: true, Replies: true, Posts: map[int64]bool{}}
	for _, c := range comments {
		sh.Posts[c.PostID] = true
	}
	return sh
}

// showingEverything is a page that lists every post.
var showingEverything = Shows{Known: true, AllPosts: true, Listing: true}

// showingSearch is a page of search results: titles, dates and
// snippets of whichever posts match, which any post's write may change
// and no reply does.
var showingSearch = Shows{Known: true, Words: true}

// showingNoContent is a page that shows nothing a post or reply changes:
// only settings, which change everything.
var showingNoContent = Shows{Known: true}

// Affected reports whether change may alter what the page shows.
func (sh *Shows) Affected(c blog.Change) bool {
	if c.All || sh == nil || !sh.Known {
		return true
	}
	if (c.Listings && sh.Listing) || (c.Replies && sh.Replies) || (sh.AllPosts && len(c.Posts) > 0) || (c.Words && sh.Words) {
		return true
	}
	if sh.Media != "" && slices.Contains(c.Media, sh.Media) {
		return true
	}
	for _, id := range c.Posts {
		if sh.Posts[id] {
			return true
		}
	}
	return false
}

func (p *page) size() int64 {
	return int64(len(p.body) + len(p.gzip) + len(p.brotli) + 512)
}

// pageCache keeps rendered public pages in memory, least recently used
// first out, within a byte limit. Each write drops the pages that show
// what it changed (Invalidate), so nothing stale is served after a write
// returns and the rest stay.
type pageCache struct {
	mu    sync.Mutex
	pages map[string]*page
	lru   *list.List // of keys, most recent at the front
	bytes int64
	limit int64
	gen   uint64 // bumped by Invalidate
	// recent holds the last changes, recent[i] being generation
	// gen-len(recent)+1+i, so a render can tell whether one made since
	// it began touches what it shows.
	recent []blog.Change
	flight singleflight.Group
	now    func() time.Time
}

func newPageCache(limit int64) *pageCache {
	return &pageCache{pages: map[string]*page{}, lru: list.New(), limit: limit, now: time.Now}
}

// recentChanges is how many changes the cache remembers for renders in
// flight; a render older than all of them is not stored.
const recentChanges = 1024

// Invalidate drops the pages change may alter. Renders that started
// before it and show what it changed are not stored, since they may
// have read the old state; the others are.
func (c *pageCache) Invalidate(change blog.Change) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if len(c.recent) == recentChanges {
		c.recent = append(c.recent[:0], c.recent[recentChanges/2:]...)
	}
	c.recent = append(c.recent, change)
	if change.All {
		c.pages, c.bytes = map[string]*page{}, 0
		c.lru.Init()
		return
	}
	for key, p := range c.pages {
		if p.shows.Affected(change) {
			c.remove(key, p)
		}
	}
}

func (c *pageCache) get(key string) (*page, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.pages[key]
	if ok && c.now().Sub(p.created) > cacheTTL {
		c.remove(key, p)
		ok = false
	}
	if ok {
		c.lru.MoveToFront(p.elem)
		return p, c.gen
	}
	return nil, c.gen
}

func (c *pageCache) remove(key string, p *page) {
	delete(c.pages, key)
	c.lru.Remove(p.elem)
	c.bytes -= p.size()
}

// put stores p, rendered from the state of generation gen, unless a
// change made since then alters what it shows. Checking each page
// against the changes, not just the generation, matters under steady
// writes: a reply a second would otherwise throw away every render that
// took longer than a second, and a cold cache would never fill.
func (c *pageCache) put(key string, p *page, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p.size() > c.limit/4 || !c.unchangedSince(gen, p.shows) {
		return
	}
	if old, ok := c.pages[key]; ok {
		c.remove(key, old)
	}
	p.elem = c.lru.PushFront(key)
	c.pages[key] = p
	c.bytes += p.size()
	for c.bytes > c.limit {
		last := c.lru.Back()
		k := last.Value.(string)
		c.remove(k, c.pages[k])
	}
}

// unchangedSince reports whether no change after generation gen alters
// what sh shows.
func (c *pageCache) unchangedSince(gen uint64, sh *Shows) bool {
	since := c.gen - gen
	if since > uint64(len(c.recent)) {
		return false
	}
	for _, ch := range c.recent[uint64(len(c.recent))-since:] {
		if sh.Affected(ch) {
			return false
		}
	}
	return true
}

// stats reports the cache's size, for tests and logs.
func (c *pageCache) stats() (pages int, bytes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.pages), c.bytes
}

// recorder captures a handler's response for the cache, with what the
// page shows.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
	shows  Shows
}

func (r *recorder) RecordShows(sh Shows) { r.shows.Add(sh) }

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

// renderParams are the query parameters a cached page's render reads:
// the page of replies, and the reply being answered. Other parameters
// (utm_source, fbclid, anything made up) change nothing, so they are
// left out of the cache's key: no query string skips the cache.
var renderParams = []string{"cpage", "replytocom"}

// redirectParams name old WordPress addresses (/?p=12), which the routes
// answer with a redirect: such a request is never served from the cache.
var redirectParams = []string{"p", "page_id", "cat", "tag", "author", "m", "s", "feed", "attachment_id", "preview"}

// cacheKey returns the key under which the shared cache keeps the page a
// request asks for, and whether it may use the cache at all: a GET or
// HEAD from a visitor with no session and no held replies of their own.
// The key is the path and the render parameters; the host is part of it
// only while the site's address is unknown, since then the pages name
// it. Which routes are cached pages, routes.go declares.
func (s *Server) cacheKey(r *http.Request) (string, bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return "", false
	}
	for _, name := range []string{sessionCookie, mineCookie} {
		if _, err := r.Cookie(name); err == nil {
			return "", false
		}
	}
	// The fediverse asking for a page's ActivityStreams twin is answered
	// by the routes, not from the pages people read.
	if a := r.Header.Get("Accept"); strings.Contains(a, "activity") && activitypub.Accepts(a) {
		return "", false
	}
	key := r.URL.Path
	if s.siteOrigin() == "" {
		key = r.Host + key
	}
	if r.URL.RawQuery == "" {
		return key, true
	}
	q := r.URL.Query()
	if r.URL.Path == searchPath {
		return key + searchKey(q), true
	}
	for _, name := range redirectParams {
		if q.Has(name) {
			return "", false
		}
	}
	kept := url.Values{}
	for _, name := range renderParams {
		if v := q.Get(name); v != "" {
			kept.Set(name, v)
		}
	}
	if len(kept) > 0 {
		key += "?" + kept.Encode()
	}
	return key, true
}

// searchPath is the search page's address. Its results are cached like
// pages, keyed by the query as typed (spaces collapsed) and the page,
// in a cache of their own so a flood of distinct queries cannot push
// pages out.
const searchPath = "/search"

// searchKey is the part of a search page's key that its query string
// makes.
func searchKey(q url.Values) string {
	kept := url.Values{}
	if text := strings.Join(strings.Fields(q.Get("q")), " "); text != "" {
		kept.Set("q", text)
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 {
		kept.Set("page", strconv.Itoa(n))
	}
	if len(kept) == 0 {
		return ""
	}
	return "?" + kept.Encode()
}

// cacheOf returns the cache that keeps the page at path.
func (s *Server) cacheOf(path string) *pageCache {
	if path == searchPath {
		return s.searches
	}
	if strings.HasPrefix(path, picturePrefix) {
		return s.pictures
	}
	return s.cache
}

// page wraps the handler of a public page that every visitor without a
// session sees alike: rendered once, served from the cache until a write
// changes what it shows, which the page's render records.
func (s *Server) page(h handlerFunc) http.Handler { return s.cached(s.handle(h), Shows{}) }

// asset wraps the handler of a file that shows no content (theme files,
// avatars, uploads): cached until everything is dropped.
func (s *Server) asset(h handlerFunc) http.Handler { return s.cached(s.handle(h), showingNoContent) }

// cached serves a page from the cache, rendering each once: the first
// request for a page renders it (concurrent ones wait for that render),
// later ones get the stored bytes, compressed as the client accepts,
// with a strong ETag and 304 answers. base is what the page shows before
// its render records more.
func (s *Server) cached(next http.Handler, base Shows) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key, ok := s.cacheKey(r)
		c := s.cacheOf(r.URL.Path)
		if c == nil || !ok {
			if base.Known {
				showsTo(w, base)
			}
			next.ServeHTTP(w, r)
			return
		}
		// serveCached answered the hits; a page stored since is found
		// inside the flight, which concurrent first requests share.
		v, _, _ := c.flight.Do(key, func() (any, error) {
			p, gen := c.get(key)
			if p != nil {
				return p, nil
			}
			return s.renderPage(c, next, r, key, gen, base), nil
		})
		s.writePage(w, r, v.(*page))
	})
}

// serveCached answers a request for a page the cache holds, skipping
// the middleware and the routes: only cached pages' routes store pages,
// a GET or HEAD of one reads no body and needs no cross-origin check,
// and nothing in writing bytes from memory can panic. It sets the
// security headers and logs as the middleware would, and reports
// whether it answered.
func (s *Server) serveCached(w http.ResponseWriter, r *http.Request) bool {
	c := s.cacheOf(r.URL.Path)
	if c == nil {
		return false
	}
	key, ok := s.cacheKey(r)
	if !ok {
		return false
	}
	p, _ := c.get(key)
	if p == nil {
		return false
	}
	h := w.Header()
	for k, v := range securityHeaders {
		h[k] = v
	}
	start := time.Now()
	status, n := s.writePage(w, r, p)
	s.logRequest(r, status, n, start)
	return true
}

// renderPage runs the handler for a GET of the page and stores a
// successful, shareable answer in c.
func (s *Server) renderPage(c *pageCache, next http.Handler, r *http.Request, key string, gen uint64, base Shows) *page {
	rec := &recorder{header: http.Header{}, shows: base}
	get := r.Clone(r.Context())
	get.Method = http.MethodGet
	next.ServeHTTP(rec, get)
	p := &page{status: rec.status, header: rec.header, body: rec.body.Bytes(), created: c.now(), shows: &rec.shows}
	cc := rec.header.Get("Cache-Control")
	if rec.status != http.StatusOK || rec.header.Get("Set-Cookie") != "" || strings.Contains(cc, "private") || strings.Contains(cc, "no-store") ||
		rec.header.Get("Content-Encoding") != "" {
		return p
	}
	sum := sha256.Sum256(p.body)
	p.etag = `"` + hex.EncodeToString(sum[:12]) + `"`
	p.lastMod = rec.header.Get("Last-Modified")
	if p.lastMod == "" {
		p.lastMod = p.created.UTC().Format(http.TimeFormat)
		p.header.Set("Last-Modified", p.lastMod)
	}
	if rec.header.Get("ETag") != "" {
		// The handler's own validator (feeds) stays.
		p.etag = rec.header.Get("ETag")
	}
	if compressible(rec.header.Get("Content-Type")) && len(p.body) > 512 {
		p.gzip, p.brotli = gzipBytes(p.body), brotliBytes(p.body)
	}
	if cc == "" {
		// Browsers and proxies may keep the page but must ask again each
		// time; the ETag makes that a cheap 304.
		p.header.Set("Cache-Control", "public, no-cache")
	}
	p.prepare()
	c.put(key, p, gen)
	return p
}

func compressible(ctype string) bool {
	for _, t := range []string{"text/", "application/xml", "application/atom+xml", "application/rss+xml", "application/feed+json", "image/svg+xml"} {
		if strings.HasPrefix(ctype, t) {
			return true
		}
	}
	return false
}

// Compressors are pooled: a new gzip or brotli writer allocates and
// clears its tables, which cost several times the compression of a
// page itself (BenchmarkCompressPage: 1.97 ms a page new, 0.4 ms reset).
var (
	gzipWriters = sync.Pool{New: func() any {
		zw, _ := gzip.NewWriterLevel(nil, gzip.BestCompression)
		return zw
	}}
	// Level 6 compresses nearly as well as the best level at a fraction
	// of the time, which a first request pays; a 64 KiB window holds
	// nearly every page whole (and is twice gzip's).
	brotliWriters = sync.Pool{New: func() any {
		return brotli.NewWriterOptions(nil, brotli.WriterOptions{Quality: 6, LGWin: 16})
	}}
)

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(zw)
	zw.Reset(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func brotliBytes(b []byte) []byte {
	var buf bytes.Buffer
	bw := brotliWriters.Get().(*brotli.Writer)
	defer brotliWriters.Put(bw)
	bw.Reset(&buf)
	bw.Write(b)
	bw.Close()
	return buf.Bytes()
}

// writePage sends a cached page: 304 when the client has it, else the
// body in the best encoding the client accepts. It returns the status
// and the bytes of body sent.
func (s *Server) writePage(w http.ResponseWriter, r *http.Request, p *page) (status, n int) {
	h := w.Header()
	if p.etag != "" && !notModified(r, p) {
		enc := identity
		switch ae := r.Header.Get("Accept-Encoding"); {
		case p.brotli != nil && acceptsEncoding(ae, "br"):
			enc = brotlied
		case p.gzip != nil && acceptsEncoding(ae, "gzip"):
			enc = gzipped
		}
		for k, v := range p.sends[enc] {
			h[k] = v
		}
		w.WriteHeader(p.status)
		if r.Method != http.MethodHead {
			n, _ = w.Write(p.encoded()[enc])
		}
		return p.status, n
	}
	for k, v := range p.header {
		h[k] = v
	}
	if p.etag == "" {
		w.WriteHeader(p.status)
		if r.Method != http.MethodHead {
			n, _ = w.Write(p.body)
		}
		return p.status, n
	}
	h.Set("ETag", p.etag)
	if p.gzip != nil {
		h.Add("Vary", "Accept-Encoding")
	}
	h.Del("Content-Type")
	h.Del("Content-Length")
	w.WriteHeader(http.StatusNotModified)
	return http.StatusNotModified, 0
}

func notModified(r *http.Request, p *page) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, tag := range strings.Split(inm, ",") {
			if t := strings.TrimSpace(tag); t == p.etag || t == "*" || t == "W/"+p.etag {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" && p.lastMod != "" {
		since, err1 := http.ParseTime(ims)
		mod, err2 := http.ParseTime(p.lastMod)
		return err1 == nil && err2 == nil && !mod.After(since)
	}
	return false
}

// acceptsEncoding reports whether an Accept-Encoding header allows enc
// (a q of 0 refuses it).
func acceptsEncoding(header, enc string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), enc) {
			return !strings.Contains(strings.ReplaceAll(params, " ", ""), "q=0") || strings.Contains(params, "q=0.")
		}
	}
	return false
}

// Package staticsite writes a site as static files by requesting every page
// from the same handler that serves it, so the files are byte for byte
// what the server sends. Pages are found by following the links of the
// front page, the sitemap and the feeds, plus the date archives.
//
// A build leaves a manifest: each page's file, content hash and what it
// shows, with the change feed's position when it began. The next build
// asks the store what changed since, renders again only the pages that
// show it, and writes only files whose bytes differ.
package staticsite

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"unique"

	"folio/internal/blog"
	"folio/internal/web"

	"github.com/andybalholm/brotli"
)

// Options describe a build.
type Options struct {
	Out      string   // the folder to write
	Seeds    []string // paths to start from besides "/", "/sitemap.xml" and "/robots.txt"
	Progress func(done, found int)
	// Mark is the change feed's position as the build begins, before
	// it reads the site (Site.ChangeMark); the manifest keeps it.
	Mark string
	// Since returns what changed after the last build's mark
	// (Site.ChangedSince): a page of the last build that shows none of
	// it is kept without rendering it again.
	Since func(mark string) (blog.Change, error)
	// Variant is what the pages show that the store does not hold (the
	// reply form's address): a build of another variant renders every
	// page.
	Variant string
	// Full renders every page regardless of the last build.
	Full bool
	// Precompress writes .gz and .br siblings beside each text file, for
	// a server that sends them as they are (nginx's gzip_static). They
	// cost more than the rendering, so a build makes them only when
	// asked; switching it on or off rebuilds every page.
	Precompress bool
}

// Result counts what a build did.
type Result struct {
	Pages     int // files the site has
	Written   int // files written because they changed
	Unchanged int // files rendered again, with the same bytes
	Kept      int // files not rendered again: nothing they show changed
	Removed   int // files of an earlier build that are gone
}

// manifestName is the file that records each output's hash and what it
// shows, so the next build renders and rewrites only what changed.
const manifestName = ".folio-build"

// manifestVersion changes when the manifest's form does; a manifest of
// another version makes the next build a full one.
const manifestVersion = 7

// manifest is stored with encoding/gob, which reads and writes a large
// site's tens of thousands of entries several times faster than JSON.
type manifest struct {
	Version int
	Mark    string // the change feed's position as the build began
	Variant string
	// Precompressed: the files have .gz and .br siblings.
	Precompressed bool
	Pages         map[string]entry // by address
	// Paths numbers the addresses, so entries name their links briefly.
	Paths []string
}

// entry is one page of a build.
type entry struct {
	File  string
	Hash  string
	Shows *web.Shows
	Links []int // in Paths
	links []string
}

// load reads a manifest and resolves its entries' links.
func load(file string) manifest {
	var m manifest
	f, err := os.Open(file)
	if err != nil {
		return manifest{}
	}
	defer f.Close()
	if gob.NewDecoder(bufio.NewReader(f)).Decode(&m) != nil {
		return manifest{}
	}
	for p, e := range m.Pages {
		for _, i := range e.Links {
			if i >= 0 && i < len(m.Paths) {
				e.links = append(e.links, m.Paths[i])
			}
		}
		m.Pages[p] = e
	}
	return m
}

// save numbers the links of m's entries and writes it.
func (m manifest) save(file string) error {
	m.Paths = m.Paths[:0]
	index := map[string]int{}
	for _, e := range m.Pages {
		for _, l := range e.links {
			if _, ok := index[l]; !ok {
				index[l] = len(m.Paths)
				m.Paths = append(m.Paths, l)
			}
		}
	}
	for p, e := range m.Pages {
		e.Links = make([]int, len(e.links))
		for i, l := range e.links {
			e.Links[i] = index[l]
		}
		m.Pages[p] = e
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(m); err != nil {
		return err
	}
	return atomicWrite(file, buf.Bytes(), 0o644)
}

// Run requests every page of the site from h and writes it under
// o.Out (with .gz and .br siblings for text when o.Precompress), in
// parallel.
func Run(h http.Handler, o Options) (Result, error) {
	var res Result
	old := load(filepath.Join(o.Out, manifestName))
	// Switching the siblings on or off rewrites every file.
	sameMode := old.Precompressed == o.Precompress
	change := blog.Change{All: true}
	if old.Version == manifestVersion && !o.Full && sameMode && old.Variant == o.Variant && o.Since != nil {
		var err error
		if change, err = o.Since(old.Mark); err != nil {
			return res, err
		}
	}
	next := manifest{Version: manifestVersion, Mark: o.Mark, Variant: o.Variant, Precompressed: o.Precompress, Pages: map[string]entry{}}
	w := &writer{out: o.Out, precompress: o.Precompress, siblings: old.Precompressed}
	seen := map[string]bool{}
	var mu sync.Mutex
	// The addresses found and not yet taken, and how many found are not
	// done: a list, not a channel, because a page's links are added by
	// the worker that rendered it, and a full channel would stop every
	// worker at once (a 100,000-post site has more addresses than any
	// fixed buffer).
	var todo []string
	unfinished := 0
	wake := sync.NewCond(&mu)
	add := func(p string) {
		mu.Lock()
		defer mu.Unlock()
		if seen[p] || dynamic(p) {
			return
		}
		seen[p] = true
		todo = append(todo, p)
		unfinished++
		wake.Signal()
	}
	// take returns the next address, waiting while others are rendered
	// (their links may add more); false once every address is done.
	take := func() (string, bool) {
		mu.Lock()
		defer mu.Unlock()
		for len(todo) == 0 {
			if unfinished == 0 {
				return "", false
			}
			wake.Wait()
		}
		p := todo[0]
		todo = todo[1:]
		return p, true
	}
	var firstErr error
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
	}
	done := 0
	// page renders p, or keeps the last build's copy when nothing it
	// shows changed, and returns its entry ("" file: no page there).
	page := func(p string) entry {
		if e, ok := old.Pages[p]; ok && !e.Shows.Affected(change) {
			mu.Lock()
			res.Kept++
			mu.Unlock()
			return e
		}
		buf := bodies.Get().(*bytes.Buffer)
		defer putBody(buf)
		file, body, links, shows, err := fetch(h, p, buf)
		if err != nil || file == "" {
			if err != nil {
				fail(err)
			}
			return entry{}
		}
		sum := sha256.Sum256(body)
		e := entry{File: file, Hash: hex.EncodeToString(sum[:]), Shows: shows, links: links}
		if was, ok := old.Pages[p]; ok && was.Hash == e.Hash && was.File == file && sameMode {
			mu.Lock()
			res.Unchanged++
			mu.Unlock()
			return e
		}
		_, existed := old.Pages[p]
		if err := w.write(file, body, existed); err != nil {
			fail(err)
			return entry{}
		}
		mu.Lock()
		res.Written++
		mu.Unlock()
		return e
	}
	worker := func() {
		for {
			p, ok := take()
			if !ok {
				return
			}
			if e := page(p); e.File != "" {
				mu.Lock()
				next.Pages[p] = e
				mu.Unlock()
				for _, l := range e.links {
					add(l)
				}
			}
			mu.Lock()
			done++
			if o.Progress != nil {
				o.Progress(done, len(seen))
			}
			if unfinished--; unfinished == 0 {
				wake.Broadcast()
			}
			mu.Unlock()
		}
	}
	// The seeds go in before the workers start, so that none of them
	// finds the list empty with nothing unfinished.
	for _, p := range append([]string{"/", "/sitemap.xml", "/robots.txt", "/feed/", "/feed/atom/", "/feed/json/"}, o.Seeds...) {
		add(p)
	}
	// Twice the processors: while one worker waits on the disk, another
	// renders.
	var wg sync.WaitGroup
	for range 2 * runtime.NumCPU() {
		wg.Go(worker)
	}
	wg.Wait()
	if firstErr != nil {
		return res, firstErr
	}
	// The not-found page, for static hosts' error_page.
	if body := notFound(h); body != nil {
		if err := w.write("404.html", body, true); err != nil {
			return res, err
		}
		res.Pages++
	}
	files := map[string]bool{}
	for _, e := range next.Pages {
		files[e.File] = true
	}
	for _, e := range old.Pages {
		if !files[e.File] {
			dst := filepath.Join(o.Out, filepath.FromSlash(e.File))
			for _, suffix := range []string{"", ".gz", ".br"} {
				os.Remove(dst + suffix)
			}
			res.Removed++
		}
	}
	res.Pages += len(next.Pages)
	return res, next.save(filepath.Join(o.Out, manifestName))
}

// bodies hold pages from their rendering until their file is written.
var bodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBody is the largest buffer kept for another page.
const maxPooledBody = 1 << 20

func putBody(b *bytes.Buffer) {
	if b.Cap() <= maxPooledBody {
		b.Reset()
		bodies.Put(b)
	}
}

// fetch renders one path into buf and names its file: index.html,
// index.xml or index.json for a folder address, the path itself for a
// file. The body it returns is buf's: valid until buf is reused.
func fetch(h http.Handler, p string, buf *bytes.Buffer) (file string, body []byte, links []string, shows *web.Shows, err error) {
	rec := &recorder{header: http.Header{}, body: buf}
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
	// A copy: a pointer into rec would keep it alive with the manifest.
	sh := rec.shows
	shows = &sh
	switch rec.status() {
	case http.StatusOK:
	case http.StatusNotFound, http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther:
		return "", nil, nil, nil, nil
	default:
		return "", nil, nil, nil, fmt.Errorf("GET %s: %d", p, rec.status())
	}
	body = buf.Bytes()
	ctype := rec.header.Get("Content-Type")
	file = strings.TrimPrefix(p, "/")
	if file == "" || strings.HasSuffix(file, "/") {
		switch {
		case strings.HasPrefix(ctype, "text/html"):
			file += "index.html"
		case strings.Contains(ctype, "json"):
			file += "index.json"
		default:
			file += "index.xml"
		}
	}
	if strings.HasPrefix(ctype, "text/html") || strings.Contains(ctype, "xml") || strings.Contains(ctype, "json") {
		links = localLinks(body)
	}
	return file, body, links, shows, nil
}

// recorder captures a page with what it shows, as the page cache
// records it: its status, headers and body, nothing else.
type recorder struct {
	header http.Header
	code   int
	body   *bytes.Buffer
	shows  web.Shows
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return r.body.Write(b)
}

func (r *recorder) RecordShows(sh web.Shows) { r.shows.Add(sh) }

// status is the page's status: 200 when it wrote without naming one.
func (r *recorder) status() int { return cmp.Or(r.code, http.StatusOK) }

// dynamicPrefixes are the addresses only a running server answers: the
// admin, replies, search, uploads, and the endpoints apps and other
// sites talk to (Micropub, IndieAuth, Webmention, the API).
var dynamicPrefixes = []string{"/admin", "/comments", "/search", "/uploads/", "/micropub", "/indieauth/", "/webmention",
	"/.well-known/oauth-authorization-server", "/api/"}

// dynamic reports whether a static copy leaves p out.
func dynamic(p string) bool {
	for _, pre := range dynamicPrefixes {
		if strings.HasPrefix(p, pre) {
			return true
		}
	}
	return false
}

// localLinks returns the root-relative addresses of body's href, src
// and srcset attributes, cleaned, without query or fragment.
func localLinks(body []byte) []string {
	var out []string
	for rest := body; ; {
		i := bytes.Index(rest, []byte(`="/`))
		if i < 0 {
			return out
		}
		attr := rest[:i]
		rest = rest[i+2:] // at the slash
		if bytes.HasSuffix(attr, []byte("srcset")) {
			if end := bytes.IndexByte(rest, '"'); end >= 0 {
				out = append(out, srcsetLinks(string(rest[:end]))...)
			}
			continue
		}
		if !bytes.HasSuffix(attr, []byte("href")) && !bytes.HasSuffix(attr, []byte("src")) {
			continue
		}
		end := bytes.IndexAny(rest, `"#?`)
		if end < 0 {
			return out
		}
		link := string(rest[:end])
		out = append(out, intern(path.Clean(link)+trailing(link)))
		rest = rest[end:]
	}
}

// srcsetLinks returns the root-relative addresses of a srcset value.
func srcsetLinks(set string) []string {
	var out []string
	for _, cand := range strings.Split(set, ",") {
		if f := strings.Fields(cand); len(f) > 0 && strings.HasPrefix(f[0], "/") && !strings.HasPrefix(f[0], "//") {
			out = append(out, intern(path.Clean(f[0])))
		}
	}
	return out
}

// intern returns the one copy of a link the build keeps: every page
// links to the same archives, tags and feeds, and a large site's pages
// hold millions of links.
func intern(link string) string { return unique.Make(link).Value() }

func trailing(p string) string {
	if strings.HasSuffix(p, "/") && p != "/" {
		return "/"
	}
	return ""
}

// notFound renders the not-found page.
func notFound(h http.Handler) []byte {
	rec := &recorder{header: http.Header{}, body: new(bytes.Buffer)}
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/this-page-does-not-exist/", nil))
	if rec.status() != http.StatusNotFound {
		return nil
	}
	return rec.body.Bytes()
}

// The siblings' compressors are pooled: a new writer's tables cost
// more than compressing a page.
var (
	gzipWriters = sync.Pool{New: func() any {
		zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
		return zw
	}}
	brotliWriters = sync.Pool{New: func() any { return brotli.NewWriterLevel(nil, 1) }}
)

// writer stores a build's files.
type writer struct {
	out         string
	precompress bool     // write .gz and .br siblings of text
	siblings    bool     // the last build wrote them, so a file rewritten without them drops its stale ones
	dirs        sync.Map // the folders made so far
}

// write stores a file (with its compressed siblings when w.precompress).
// A file the last build wrote is replaced atomically, so a server
// reading the folder meanwhile sends the old page or the new one, never
// half of one; a new file is written in place, in one open, write and
// close.
func (w *writer) write(file string, body []byte, replace bool) error {
	dst := filepath.Join(w.out, filepath.FromSlash(file))
	dir := filepath.Dir(dst)
	if _, ok := w.dirs.Load(dir); !ok {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		w.dirs.Store(dir, true)
	}
	put := os.WriteFile
	if replace {
		put = atomicWrite
	}
	if err := put(dst, body, 0o644); err != nil {
		return err
	}
	if !compressible(file) {
		return nil
	}
	if !w.precompress {
		if w.siblings && replace {
			os.Remove(dst + ".gz")
			os.Remove(dst + ".br")
		}
		return nil
	}
	var gz, br bytes.Buffer
	zw := gzipWriters.Get().(*gzip.Writer)
	zw.Reset(&gz)
	zw.Write(body)
	zw.Close()
	gzipWriters.Put(zw)
	bw := brotliWriters.Get().(*brotli.Writer)
	bw.Reset(&br)
	bw.Write(body)
	bw.Close()
	brotliWriters.Put(bw)
	if err := put(dst+".gz", gz.Bytes(), 0o644); err != nil {
		return err
	}
	return put(dst+".br", br.Bytes(), 0o644)
}

func compressible(file string) bool {
	switch path.Ext(file) {
	case ".html", ".xml", ".json", ".css", ".js", ".svg", ".txt":
		return true
	}
	return false
}

// atomicWrite replaces dst with data through a temporary file.
func atomicWrite(dst string, data []byte, perm os.FileMode) error {
	tmp := dst + ".tmp"
	if err := os.WriteFile(tmp, data, perm); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}

// DateArchives lists the year, month and day archive paths of dates.
func DateArchives(paths []string) []string {
	set := map[string]bool{}
	re := regexp.MustCompile(`^/(\d{4})/(\d{2})/(\d{2})/`)
	for _, p := range paths {
		if m := re.FindStringSubmatch(p); m != nil {
			set["/"+m[1]+"/"] = true
			set["/"+m[1]+"/"+m[2]+"/"] = true
			set["/"+m[1]+"/"+m[2]+"/"+m[3]+"/"] = true
		}
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

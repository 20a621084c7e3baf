package web

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"folio/internal/blog"
)

// DefaultSitemapLimit is the most URLs one sitemap file may list.
const DefaultSitemapLimit = 50000

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type urlSet struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []sitemapURL `xml:"sitemap"`
}

// sitemapURLs lists the front page and every published post and page,
// each with its last change.
func (s *Server) sitemapURLs(r *http.Request) ([]sitemapURL, error) {
	posts, err := s.reading.SitemapPosts(r.Context())
	if err != nil {
		return nil, err
	}
	stamp := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	urls := []sitemapURL{{Loc: s.absURL(r, "/")}}
	for _, p := range posts {
		mod := p.UpdatedAt
		if mod.Before(p.PublishedAt) {
			mod = p.PublishedAt
		}
		if p.Kind == blog.KindPost && urls[0].LastMod == "" {
			urls[0].LastMod = stamp(mod)
		}
		urls = append(urls, sitemapURL{Loc: s.absURL(r, p.Path), LastMod: stamp(mod)})
	}
	return urls, nil
}

// sitemapShow serves /sitemap.xml: the URLs themselves, or past the limit
// an index of numbered sitemaps.
func (s *Server) sitemapShow(w http.ResponseWriter, r *http.Request) error {
	showsTo(w, showingEverything)
	urls, err := s.sitemapURLs(r)
	if err != nil {
		return err
	}
	if len(urls) <= s.sitemapLimit {
		return writeXML(w, r, urlSet{URLs: urls})
	}
	var idx sitemapIndex
	for n, start := 1, 0; start < len(urls); n, start = n+1, start+s.sitemapLimit {
		part := urls[start:min(start+s.sitemapLimit, len(urls))]
		latest := ""
		for _, u := range part {
			latest = max(latest, u.LastMod)
		}
		idx.Sitemaps = append(idx.Sitemaps, sitemapURL{Loc: s.absURL(r, "/sitemap-"+strconv.Itoa(n)+".xml"), LastMod: latest})
	}
	return writeXML(w, r, idx)
}

var sitemapPartRe = regexp.MustCompile(`^/sitemap-([1-9][0-9]{0,5})\.xml$`)

// sitemapPart serves /sitemap-N.xml, the Nth slice of the URLs; the
// resolver routes it, since ServeMux wildcards fill whole segments.
func (s *Server) sitemapPart(w http.ResponseWriter, r *http.Request, num string) error {
	n, _ := strconv.Atoi(num)
	showsTo(w, showingEverything)
	urls, err := s.sitemapURLs(r)
	if err != nil {
		return err
	}
	start := (n - 1) * s.sitemapLimit
	if len(urls) <= s.sitemapLimit || start >= len(urls) {
		return blog.ErrNotFound
	}
	return writeXML(w, r, urlSet{URLs: urls[start:min(start+s.sitemapLimit, len(urls))]})
}

func writeXML(w http.ResponseWriter, r *http.Request, v any) error {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if err := xml.NewEncoder(&buf).Encode(v); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(buf.Bytes()))
	return nil
}

// robotsShow serves robots.txt from the setting, with the sitemap's
// address.
func (s *Server) robotsShow(w http.ResponseWriter, r *http.Request) error {
	showsTo(w, showingNoContent)
	body := s.site.Settings().Robots
	if body != "" && body[len(body)-1] != '\n' {
		body += "\n"
	}
	body += "\nSitemap: " + s.absURL(r, "/sitemap.xml") + "\n"
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, err := w.Write([]byte(body))
	return err
}

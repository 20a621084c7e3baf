package web_test

import (
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"folio/internal/activitypub"
	"folio/internal/blog"
	"folio/internal/locale"
	"folio/internal/markdown"
	"folio/internal/picture"
	"folio/internal/store/sqlite"
	"folio/internal/testkit"
	"folio/internal/theme"
	"folio/internal/twofactor"
	"folio/internal/web"
)

var update = flag.Bool("update", false, "rewrite golden files")

const setupToken = "test-setup-token"

// testSitemapLimit splits sitemaps at a size tests can reach.
const testSitemapLimit = 5

// site is a running folio on a real SQLite file.
type site struct {
	*httptest.Server
	svc     *blog.Services
	clock   *testkit.Clock
	admin   *blog.User
	uploads string // the folder served at /uploads/
	web     *web.Server
	store   blog.Store
}

// newSite starts a site with no users and the embedded theme.
func newSite(tb testing.TB) *site {
	tb.Helper()
	return startSite(tb, "")
}

// newSiteWithTheme starts a site with an administrator and the theme
// folder dir.
func newSiteWithTheme(tb testing.TB, dir string) *site {
	tb.Helper()
	s := startSite(tb, dir)
	s.addAdmin(tb)
	return s
}

func startSite(tb testing.TB, themeDir string) *site {
	tb.Helper()
	return startSiteCache(tb, themeDir, 0)
}

// startSiteCache starts a site with a page cache of cacheBytes (negative:
// none).
func startSiteCache(tb testing.TB, themeDir string, cacheBytes int64) *site {
	tb.Helper()
	st, err := sqlite.Open(tb.Context(), filepath.Join(tb.TempDir(), "folio.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return startSiteOn(tb, st, themeDir, cacheBytes)
}

// startSiteWith starts a site on a new SQLite file, its web
// configuration changed by configure.
func startSiteWith(tb testing.TB, configure func(*web.Config)) *site {
	tb.Helper()
	st, err := sqlite.Open(tb.Context(), filepath.Join(tb.TempDir(), "folio.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return startSiteOn(tb, st, "", 0, configure)
}

// startSiteOn starts a site on the store st; configure, when given,
// changes its web configuration.
func startSiteOn(tb testing.TB, st blog.Store, themeDir string, cacheBytes int64, configure ...func(*web.Config)) *site {
	tb.Helper()
	c := testkit.NewClock(time.Date(2015, 11, 28, 18, 0, 0, 0, time.UTC))
	var srv *web.Server
	fediverse := activitypub.NewClient(true)
	svc, err := blog.New(tb.Context(), st, blog.Options{Words: locale.MustLoad(), Now: c.Now, Renderer: markdown.NewPosts(), CommentRenderer: markdown.NewComments(), Hasher: testkit.Hasher(),
		Pictures: picture.Maker{}, Codes: twofactor.Codes{}, Passkeys: twofactor.Passkeys{}, Fediverse: fediverse, FederateOverHTTP: true,
		OnChange: func(c blog.Change) { srv.Invalidate(c) }})
	if err != nil {
		tb.Fatal(err)
	}
	th, err := theme.Load(themeDir, web.Funcs())
	if err != nil {
		tb.Fatal(err)
	}
	uploads := tb.TempDir()
	wc := testkit.WebConfig(svc)
	wc.Fediverse = fediverse
	wc.Theme, wc.Log, wc.SetupToken = th, slog.New(slog.NewTextHandler(io.Discard, nil)), setupToken
	wc.SitemapLimit, wc.UploadsDir, wc.CacheBytes = testSitemapLimit, uploads, cacheBytes
	for _, c := range configure {
		c(&wc)
	}
	srv = web.New(wc)
	s := &site{Server: httptest.NewServer(srv), svc: svc, clock: c, uploads: uploads, web: srv, store: st}
	tb.Cleanup(s.Close)
	return s
}

// newSiteWithAdmin starts a site whose administrator is Ada.
func newSiteWithAdmin(tb testing.TB) *site {
	tb.Helper()
	s := newSite(tb)
	s.addAdmin(tb)
	return s
}

func (s *site) addAdmin(tb testing.TB) {
	tb.Helper()
	var err error
	s.admin, err = s.svc.Accounts.SetupAdmin(tb.Context(), blog.UserInput{Name: "Ada Lovelace", Email: "ada@example.com", Password: "analytical engine"})
	if err != nil {
		tb.Fatal(err)
	}
}

// browser is an HTTP client with cookies that does not follow redirects,
// so tests see each 303.
type browser struct {
	tb     testing.TB
	client *http.Client
	base   string
}

func (s *site) browser(tb testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{tb: tb, base: s.URL, client: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

type response struct {
	*http.Response
	Body string
}

func (b *browser) do(req *http.Request) response {
	b.tb.Helper()
	resp, err := b.client.Do(req)
	if err != nil {
		b.tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return response{Response: resp, Body: string(body)}
}

func (b *browser) get(path string) response {
	b.tb.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.base+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) response {
	b.tb.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

var csrfRe = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// csrf loads path and returns the CSRF token of its first form.
func (b *browser) csrf(path string) string {
	b.tb.Helper()
	r := b.get(path)
	m := csrfRe.FindStringSubmatch(r.Body)
	if m == nil {
		b.tb.Fatalf("GET %s (%d) has no CSRF token:\n%s", path, r.StatusCode, r.Body)
	}
	return m[1]
}

// login signs the browser in as email.
func (b *browser) login(email, pw string) {
	b.tb.Helper()
	r := b.post("/admin/login", url.Values{"csrf_token": {b.csrf("/admin/login")}, "email": {email}, "password": {pw}, "next": {"/admin/"}})
	if r.StatusCode != http.StatusSeeOther {
		b.tb.Fatalf("login status %d:\n%s", r.StatusCode, r.Body)
	}
}

// speak sets the admin language of u's profile to lang.
func (s *site) speak(tb testing.TB, u *blog.User, lang string) {
	tb.Helper()
	if _, err := s.svc.Accounts.UpdateProfile(tb.Context(), s.admin, u.ID, blog.ProfileInput{Name: u.Name, Email: u.Email,
		Role: u.Role, Language: &lang}); err != nil {
		tb.Fatal(err)
	}
}

// mustContain fails unless body contains every want.
func mustContain(tb testing.TB, what, body string, wants ...string) {
	tb.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			tb.Errorf("%s lacks %q", what, w)
		}
	}
}

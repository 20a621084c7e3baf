package cli_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"folio/internal/theme"
	"folio/internal/web"
)

func TestSeedAndBuild(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := run(t, "a long password\n", "user", "add", "--data", dir, "--name", "Ada", "--email", "ada@example.com", "--role", "admin"); code != 0 {
		t.Fatal(errs)
	}
	code, out, errs := run(t, "", "dev", "seed", "--data", dir, "--posts", "40", "--replies", "120", "--seed", "3")
	if code != 0 || !strings.Contains(out, "Seeded 40 posts and 120 replies") {
		t.Fatalf("seed: %d %q %q", code, out, errs)
	}
	site := filepath.Join(t.TempDir(), "site")
	code, out, errs = run(t, "", "build", "--data", dir, "--out", site)
	if code != 0 || !strings.Contains(out, "written, 0 unchanged") {
		t.Fatalf("build: %d %q %q", code, out, errs)
	}
	// The files are what the server sends for the same addresses.
	svc := openService(t, dir)
	th, err := theme.Load("", web.Funcs())
	if err != nil {
		t.Fatal(err)
	}
	h := web.New(web.Config{Blog: svc, Theme: th, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), NoReplyForm: true})
	posts, _ := svc.SitemapPosts(t.Context())
	samples := map[string]string{"/": "index.html", "/feed/atom/": "feed/atom/index.xml", "/feed/json/": "feed/json/index.json",
		"/sitemap.xml": "sitemap.xml", "/robots.txt": "robots.txt", posts[0].Path: strings.TrimPrefix(posts[0].Path, "/") + "index.html",
		posts[5].Path: strings.TrimPrefix(posts[5].Path, "/") + "index.html", "/page/2/": "page/2/index.html",
		posts[0].Path[:6]: posts[0].Path[1:6] + "index.html"}
	for path, file := range samples {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		got, err := os.ReadFile(filepath.Join(site, file))
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		if rec.Code != 200 || string(got) != rec.Body.String() {
			t.Errorf("%s differs from GET %s (%d)", file, path, rec.Code)
		}
		if _, err := os.Stat(filepath.Join(site, file+".gz")); err != nil {
			t.Errorf("%s has no .gz sibling", file)
		}
	}
	page, _ := os.ReadFile(filepath.Join(site, strings.TrimPrefix(posts[0].Path, "/"), "index.html"))
	if strings.Contains(string(page), `id="commentform"`) || !strings.Contains(string(page), "replies are taken on the live site") {
		t.Error("a build without --comments-endpoint has reply forms")
	}
	if _, err := os.Stat(filepath.Join(site, "404.html")); err != nil {
		t.Error("no 404.html")
	}
	// A second build writes only what changed.
	code, out, _ = run(t, "", "build", "--data", dir, "--out", site)
	if code != 0 || !strings.Contains(out, "(0 written,") {
		t.Errorf("second build: %q", out)
	}
	code, out, _ = run(t, "", "build", "--data", dir, "--out", site, "--comments-endpoint", "https://live.example/comments")
	if code != 0 || strings.Contains(out, "(0 written,") {
		t.Errorf("build with an endpoint: %q", out)
	}
	page, _ = os.ReadFile(filepath.Join(site, strings.TrimPrefix(posts[0].Path, "/"), "index.html"))
	if !strings.Contains(string(page), `action="https://live.example/comments"`) {
		t.Error("reply forms do not post to the endpoint")
	}
	if code, _, errs := run(t, "", "build", "--data", dir); code == 0 || !strings.Contains(errs, "--out") {
		t.Errorf("build without --out: %d %q", code, errs)
	}
}

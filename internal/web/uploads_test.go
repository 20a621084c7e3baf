package web_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// writeUploads puts files into the site's uploads folder, as an import
// of an older folio, or a hand, could have left them.
func writeUploads(t *testing.T, s *site, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(s.uploads, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// stealScript is a page whose script, loaded from the same folder so the
// site's Content-Security-Policy ('self') would allow it, marks that it
// ran in the site's origin.
const stealScript = `<!doctype html><title>ok</title><script src="/uploads/2014/steal.js"></script>`

const stealJS = `document.cookie = "stolen=1; path=/"; document.title = "ran";`

// TestUploadsServeOnlyMedia serves images as images and everything else
// (HTML, SVG, scripts, whatever its name says) as a sandboxed download,
// and nothing outside the uploads folder.
func TestUploadsServeOnlyMedia(t *testing.T) {
	s := newSite(t)
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
	writeUploads(t, s, map[string]string{"2014/a.png": png, "2014/page.html": stealScript, "2014/logo.svg": `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`,
		"2014/lib.js": "alert(1)", "2014/fake.jpg": stealScript})
	outside := filepath.Join(t.TempDir(), "secret.png")
	os.WriteFile(outside, []byte(png), 0o644)
	if err := os.Symlink(outside, filepath.Join(s.uploads, "2014", "out.png")); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	if r := b.get("/uploads/2014/a.png"); r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "image/png" || r.Header.Get("Content-Disposition") != "" {
		t.Errorf("a PNG: %d %q %q", r.StatusCode, r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"))
	}
	for _, name := range []string{"page.html", "logo.svg", "lib.js", "fake.jpg"} {
		r := b.get("/uploads/2014/" + name)
		h := r.Header
		if r.StatusCode != http.StatusOK || h.Get("Content-Type") != "application/octet-stream" || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment") ||
			h.Get("Content-Security-Policy") != "sandbox" || h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: %d type %q, disposition %q, CSP %q", name, r.StatusCode, h.Get("Content-Type"), h.Get("Content-Disposition"), h.Get("Content-Security-Policy"))
		}
	}
	for _, path := range []string{"/uploads/2014/out.png", "/uploads/2014/", "/uploads/../helpers_test.go"} {
		if r := b.get(path); r.StatusCode != http.StatusNotFound && r.StatusCode != http.StatusMovedPermanently && r.StatusCode != http.StatusTemporaryRedirect {
			t.Errorf("%s: %d, want 404", path, r.StatusCode)
		}
	}
}

// TestBrowserUploadedHTMLDoesNotRun opens an HTML file from the uploads
// folder in Chromium with a writer signed in: its script must not run in
// the site's origin, where it could read the admin.
func TestBrowserUploadedHTMLDoesNotRun(t *testing.T) {
	ctx := newChrome(t)
	s := newSiteWithAdmin(t)
	writeUploads(t, s, map[string]string{"2014/page.html": stealScript, "2014/steal.js": stealJS,
		"2014/logo.svg": `<svg xmlns="http://www.w3.org/2000/svg"><script href="/uploads/2014/steal.js"/></svg>`})
	do(t, ctx, "sign in", chromedp.Navigate(s.URL+"/admin/login"), chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "ada@example.com"), chromedp.SendKeys(chromedp.ID("password"), "analytical engine"),
		chromedp.Click(chromedp.CSS(`form button[type="submit"]`)), chromedp.WaitVisible(chromedp.ID("content")))
	for _, name := range []string{"page.html", "logo.svg"} {
		// A download ends the navigation without a page; wait a moment
		// for a script that would run.
		chromedp.Do(ctx, chromedp.Navigate(s.URL+"/uploads/2014/"+name))
		chromedp.Do(ctx, chromedp.Sleep(300*time.Millisecond))
		cookies, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{s.URL}})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cookies.Cookies {
			if c.Name == "stolen" {
				t.Fatalf("the script in /uploads/2014/%s ran in the site's origin", name)
			}
		}
		if title, _ := chromedp.Run(ctx, chromedp.Title()); title == "ran" {
			t.Fatalf("the script in /uploads/2014/%s ran", name)
		}
	}
}

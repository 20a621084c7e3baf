package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"folio/internal/blog"
	"folio/internal/store/archive"
	"folio/internal/store/sqlite"
	"folio/internal/testkit"
	"folio/internal/web"
)

// TestExportScreen downloads the site from the admin as a WordPress
// export, as Markdown in a zip with its pictures, and as a backup that
// restores into an empty store.
func TestExportScreen(t *testing.T) {
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "folio.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s := startSiteOn(t, st, "", 0, func(wc *web.Config) {
		wc.Backup = func(ctx context.Context, w io.Writer) error {
			_, err := archive.Write(ctx, st, time.Now(), w)
			return err
		}
	})
	s.addAdmin(t)
	ctx := t.Context()
	pic, err := s.svc.Library.Upload(ctx, s.admin, "hill.png", testkit.PNG(300, 200))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.Writing.SavePost(ctx, s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "The hill", Slug: "the-hill",
		Body: "![A hill](" + pic.URL() + ")", Status: blog.StatusPublished}); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	b.login("ada@example.com", "analytical engine")
	mustContain(t, "the export screen", b.get("/admin/export").Body, `href="/admin/export/wordpress"`, `action="/admin/backup"`)
	wxr := b.get("/admin/export/wordpress")
	if wxr.StatusCode != http.StatusOK || !strings.Contains(wxr.Header.Get("Content-Disposition"), "attachment") || !strings.Contains(wxr.Body, "<title>The hill</title>") {
		t.Errorf("WordPress export: %d %v", wxr.StatusCode, wxr.Header)
	}
	md := b.get("/admin/export/markdown")
	zr, err := zip.NewReader(strings.NewReader(md.Body), int64(len(md.Body)))
	if err != nil {
		t.Fatalf("the Markdown download is not a zip: %v", err)
	}
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	if !names["content/posts/the-hill.md"] || !names["static"+pic.URL()] || !names["data/replies.json"] {
		t.Errorf("the zip holds %v", names)
	}
	backup := b.post("/admin/backup", url.Values{"csrf_token": {b.csrf("/admin/export")}})
	if backup.StatusCode != http.StatusOK {
		t.Fatalf("backup: %d", backup.StatusCode)
	}
	dst, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "restored.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if _, err := archive.Read(ctx, bytes.NewReader([]byte(backup.Body)), dst, false); err != nil {
		t.Errorf("the downloaded backup does not restore: %v", err)
	}
	// An author may not take the site away.
	if _, err := s.svc.Accounts.CreateUser(ctx, s.admin, blog.UserInput{Name: "Bo", Email: "bo@example.com", Password: "an author's password", Role: blog.RoleAuthor}); err != nil {
		t.Fatal(err)
	}
	bo := s.browser(t)
	bo.login("bo@example.com", "an author's password")
	for _, path := range []string{"/admin/export", "/admin/export/wordpress", "/admin/export/markdown"} {
		if r := bo.get(path); r.StatusCode != http.StatusForbidden {
			t.Errorf("an author at %s: %d", path, r.StatusCode)
		}
	}
}

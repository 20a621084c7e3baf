package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"folio/internal/blog"
	"folio/internal/store/postgres/pgtest"
)

// TestBackupRestoreAndCopy runs the operator's commands on a small site:
// back it up, restore it into an empty database, refuse to restore over
// a site without --replace, and copy it (to PostgreSQL too when one is
// available).
func TestBackupRestoreAndCopy(t *testing.T) {
	dir := t.TempDir()
	svc := openService(t, dir)
	admin, err := svc.Accounts.SetupAdmin(t.Context(), blog.UserInput{Name: "Ada", Email: "ada@example.com", Password: "0123456789"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Writing.SavePost(t.Context(), admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "Kept safe", Body: "Text.", Status: blog.StatusPublished}); err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(t.TempDir(), "site.folio.gz")
	code, out, errs := run(t, "", "backup", "--data", dir, archive)
	if code != 0 || !strings.Contains(out, "Backed up") || !strings.Contains(out, "posts") {
		t.Fatalf("backup: exit %d, out %q, err %q", code, out, errs)
	}
	if fi, err := os.Stat(archive); err != nil || fi.Size() == 0 {
		t.Fatalf("no archive written: %v", err)
	}

	restored := "sqlite:" + filepath.Join(t.TempDir(), "restored.db")
	code, out, errs = run(t, "", "restore", "--database", restored, archive)
	if code != 0 || !strings.Contains(out, "Restored") {
		t.Fatalf("restore: exit %d, out %q, err %q", code, out, errs)
	}
	code, _, errs = run(t, "", "restore", "--database", restored, archive)
	if code == 0 || !strings.Contains(errs, "already holds a site; add --replace") {
		t.Fatalf("restore over a site: exit %d, err %q", code, errs)
	}
	if code, out, errs = run(t, "", "restore", "--replace", "--database", restored, archive); code != 0 {
		t.Fatalf("restore --replace: exit %d, out %q, err %q", code, out, errs)
	}
	code, _, errs = run(t, "", "restore", "--database", "sqlite:"+filepath.Join(t.TempDir(), "x.db"), filepath.Join(dir, "folio.db"))
	if code == 0 || !strings.Contains(errs, "not a folio archive") {
		t.Fatalf("restore of a non-archive: exit %d, err %q", code, errs)
	}

	targets := []string{"sqlite:" + filepath.Join(t.TempDir(), "copy.db")}
	if os.Getenv("FOLIO_TEST_POSTGRES") != "" || os.Getenv("FOLIO_REQUIRE_POSTGRES") == "1" {
		targets = append(targets, pgtest.Fresh(t))
	}
	for _, to := range targets {
		code, out, errs = run(t, "", "db", "copy", "--from", restored, "--to", to)
		if code != 0 || !strings.Contains(out, "every table's row count and SHA-256 match") {
			t.Fatalf("db copy to %s: exit %d, out %q, err %q", to, code, out, errs)
		}
		code, out, errs = run(t, "", "comment", "list", "--database", to)
		if code != 0 {
			t.Fatalf("a command on the copy: exit %d, out %q, err %q", code, out, errs)
		}
	}
}

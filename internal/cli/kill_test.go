package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"folio/internal/store/archive"
	"folio/internal/store/postgres"
	"folio/internal/store/postgres/pgtest"
	"folio/internal/store/sqlite"
)

// killPoints are the moments, as fractions of an uninterrupted run, at
// which TestKilledCommandsChangeNothing kills a command.
var killPoints = []float64{0.25, 0.5, 0.8}

// TestKilledCommandsChangeNothing runs each command that writes a whole
// site (import of a WordPress export and of Markdown, restore, db copy)
// as a real process into a site that already has content, kills it with
// SIGKILL at several points of its run, and checks the site is exactly
// as it was (every table's row count and SHA-256), or, killed after the
// commit, holds the whole result; running the command again succeeds. A killed backup leaves the previous archive
// under its name untouched. On SQLite and, with a test database,
// PostgreSQL.
func TestKilledCommandsChangeNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds folio and kills it part way through commands")
	}
	bin := buildFolio(t)
	work := t.TempDir()
	src := "sqlite:" + filepath.Join(work, "source", "folio.db")
	addAdmin(t, bin, src, "ada@example.com")
	folio(t, bin, "", "dev", "seed", "--database", src, "--posts", "200", "--replies", "2000", "--seed", "7")
	wxr, md, arc := filepath.Join(work, "site.xml"), filepath.Join(work, "md"), filepath.Join(work, "site.folio.gz")
	folio(t, bin, "", "export", "wordpress", "--database", src, wxr)
	folio(t, bin, "", "export", "markdown", "--database", src, md)
	folio(t, bin, "", "backup", "--database", src, arc)

	commands := []struct {
		name string
		args func(db string) []string
	}{
		{"import wordpress", func(db string) []string { return []string{"import", "wordpress", "--database", db, wxr} }},
		{"import markdown", func(db string) []string { return []string{"import", "markdown", "--database", db, md} }},
		{"restore", func(db string) []string { return []string{"restore", "--replace", "--database", db, arc} }},
		{"db copy", func(db string) []string { return []string{"db", "copy", "--replace", "--from", src, "--to", db} }},
	}
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			fresh := func(t *testing.T) string {
				if kind == "postgres" {
					return pgtest.Fresh(t)
				}
				return "sqlite:" + filepath.Join(t.TempDir(), "folio.db")
			}
			for _, c := range commands {
				t.Run(c.name, func(t *testing.T) {
					// How long the command takes uninterrupted, on a
					// site like the one it is killed on, and what it
					// makes of it.
					full := fresh(t)
					smallSite(t, bin, full)
					took := runFolio(t, bin, c.args(full), 0)
					done := tableRows(t, full)
					var db string
					outcomes := map[string]int{}
					for _, at := range killPoints {
						db = fresh(t)
						smallSite(t, bin, db)
						before := tableSums(t, db)
						if runFolio(t, bin, c.args(db), time.Duration(at*float64(took))) == 0 {
							outcomes["finished first"]++ // runs vary; the others were killed
							continue
						}
						// A kill after the commit (while the command
						// checks or reports) leaves the whole result.
						switch got := tableSums(t, db); {
						case got == before:
							outcomes["unchanged"]++
						case tableRows(t, db) == done:
							outcomes["complete"]++
						default:
							t.Fatalf("killed at %.0f%% of %v, the site holds part of the result:\nbefore %s\nafter  %s", at*100, took, before, got)
						}
					}
					if outcomes["finished first"] == len(killPoints) {
						t.Fatalf("every run finished before its kill (%v)", took)
					}
					runFolio(t, bin, c.args(db), 0)
					if got := tableRows(t, db); got != done {
						t.Errorf("run again after the kill, the site holds\n%s\nwhere an uninterrupted run made\n%s", got, done)
					}
					t.Logf("killed at %v of a %v run: %v; then completed", killPoints, took.Round(time.Millisecond), outcomes)
				})
			}
			t.Run("backup", func(t *testing.T) {
				db := fresh(t)
				folio(t, bin, "", "restore", "--database", db, arc)
				dir := t.TempDir()
				target := filepath.Join(dir, "site.folio.gz")
				if err := os.WriteFile(target, []byte("the previous backup"), 0o600); err != nil {
					t.Fatal(err)
				}
				args := []string{"backup", "--database", db, target}
				took := runFolio(t, bin, args, 0)
				killed := 0
				for _, at := range killPoints {
					os.WriteFile(target, []byte("the previous backup"), 0o600)
					if runFolio(t, bin, args, time.Duration(at*float64(took))) == 0 {
						continue // runs vary; the others were killed
					}
					killed++
					// Either the kill came before the new backup took the
					// name, and the previous one is there, or after, and the
					// new one is whole: it restores.
					if b, _ := os.ReadFile(target); string(b) != "the previous backup" {
						// runFolio fails the test when the restore does.
						runFolio(t, bin, []string{"restore", "--database", "sqlite:" + filepath.Join(t.TempDir(), "check.db"), target}, 0)
						t.Logf("killed at %.0f%%, after the new backup of %d bytes took the name: it restores", at*100, len(b))
					}
				}
				if killed == 0 {
					t.Fatalf("every backup finished before its kill (%v)", took)
				}
				// What the killed runs left beside it goes once it is old
				// enough to be nobody's.
				left, _ := filepath.Glob(filepath.Join(dir, ".site.folio.gz.partial-*"))
				old := time.Now().Add(-time.Hour)
				for _, p := range left {
					os.Chtimes(p, old, old)
				}
				runFolio(t, bin, args, 0)
				names, _ := os.ReadDir(dir)
				if len(names) != 1 || names[0].Name() != "site.folio.gz" {
					t.Errorf("after the next backup the folder holds %v, want the archive alone", names)
				}
				restored := fresh(t)
				folio(t, bin, "", "restore", "--database", restored, target)
				if got, want := tableSums(t, restored), tableSums(t, db); got != want {
					t.Errorf("the backup taken after the kills restores to\n%s\nwant\n%s", got, want)
				}
			})
		})
	}
}

// addAdmin creates an administrator with email on db.
func addAdmin(t *testing.T, bin, db, email string) {
	t.Helper()
	folio(t, bin, "correct horse battery\ncorrect horse battery\n", "user", "add", "--database", db, "--name", "Ada", "--email", email, "--role", "admin")
}

// smallSite gives db the content a site has before an import or a
// restore over it: an administrator and one post.
func smallSite(t *testing.T, bin, db string) {
	t.Helper()
	addAdmin(t, bin, db, "owner@example.com")
	dir := t.TempDir()
	post := "---\ntitle: Already here\ndate: 2020-05-01T10:00:00Z\n---\nA post the site had before.\n"
	if err := os.WriteFile(filepath.Join(dir, "here.md"), []byte(post), 0o600); err != nil {
		t.Fatal(err)
	}
	folio(t, bin, "", "import", "markdown", "--database", db, "--author", "owner@example.com", dir)
}

// runFolio runs folio with args and returns how long it took; with a
// kill after, it sends SIGKILL then and returns 0 if the command had
// already finished by itself. An uninterrupted run must succeed.
func runFolio(t *testing.T, bin string, args []string, killAfter time.Duration) time.Duration {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if killAfter == 0 {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("folio %s: %v\n%s", strings.Join(args, " "), err, out.String())
		}
		return time.Since(start)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
		return 0
	case <-time.After(killAfter):
	}
	cmd.Process.Signal(syscall.SIGKILL)
	<-done
	return time.Since(start)
}

// tableSums returns every table's row count and SHA-256 on db, one line
// each.
func tableSums(t *testing.T, db string) string {
	t.Helper()
	return describeSums(t, db, func(s archive.Sum) string { return fmt.Sprintf("%s %d %s", s.Table, s.Rows, s.SHA256) })
}

// tableRows returns every table's row count on db, one line each.
func tableRows(t *testing.T, db string) string {
	t.Helper()
	return describeSums(t, db, func(s archive.Sum) string { return fmt.Sprintf("%s %d", s.Table, s.Rows) })
}

func describeSums(t *testing.T, db string, line func(archive.Sum) string) string {
	t.Helper()
	ctx := context.Background()
	var src interface {
		archive.Source
		Close() error
	}
	var err error
	if path, ok := strings.CutPrefix(db, "sqlite:"); ok {
		src, err = sqlite.Open(ctx, path)
	} else {
		src, err = postgres.Open(ctx, db)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	sums, err := archive.Sums(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, s := range sums {
		lines = append(lines, line(s))
	}
	return strings.Join(lines, "\n")
}

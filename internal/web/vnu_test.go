package web_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"folio/internal/wordpress"
)

// vnuEnv names the Nu HTML Checker's jar; requireVNUEnv makes its
// absence a failure (CI sets both, from .ci/package.json).
const (
	vnuEnv        = "FOLIO_VNU_JAR"
	requireVNUEnv = "FOLIO_REQUIRE_VNU"
)

// vnuJar returns the Nu HTML Checker's jar and java, or skips the test
// (fails it where the checker is required).
func vnuJar(t *testing.T) (jar, java string) {
	t.Helper()
	jar = os.Getenv(vnuEnv)
	if jar == "" {
		if os.Getenv(requireVNUEnv) == "1" {
			t.Fatalf("%s=1 but %s is not set: run npm ci in .ci and point it at vnu.jar", requireVNUEnv, vnuEnv)
		}
		t.Skipf("skipping the HTML check: set %s to the Nu HTML Checker's vnu.jar (npm ci in .ci installs it)", vnuEnv)
	}
	java, err := exec.LookPath("java")
	if err != nil {
		t.Skip("skipping the HTML check: no java to run the Nu HTML Checker")
	}
	return jar, java
}

// checkHTML runs the Nu HTML Checker over pages (a name for each page's
// HTML) and fails on every error it reports.
func checkHTML(t *testing.T, jar, java string, pages map[string]string) {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{}
	var args []string
	for name, body := range pages {
		f := filepath.Join(dir, fmt.Sprintf("page-%d.html", len(files)))
		if err := os.WriteFile(f, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		files["file:"+f] = name
		args = append(args, f)
	}
	out, _ := exec.Command(java, append([]string{"-Xss1m", "-jar", jar, "--format", "json", "--errors-only", "--exit-zero-always"}, args...)...).CombinedOutput()
	var report struct {
		Messages []struct {
			Type, SubType, URL, Message, Extract string
			LastLine                             int
		}
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("the checker's answer is not its JSON report: %v\n%.2000s", err, out)
	}
	for _, m := range report.Messages {
		if m.Type == "error" || m.SubType == "fatal" {
			t.Errorf("%s line %d: %s (%q)", files[m.URL], m.LastLine, m.Message, m.Extract)
		}
	}
	t.Logf("the Nu HTML Checker read %d pages: %d messages", len(args), len(report.Messages))
}

// TestImportedBlockPagesAreValidHTML imports the block-editor export of
// the wordpress package's tests, opens every imported page as a reader
// does and checks each with the Nu HTML Checker: no errors.
func TestImportedBlockPagesAreValidHTML(t *testing.T) {
	jar, java := vnuJar(t)
	doc, err := os.ReadFile(filepath.Join("..", "wordpress", "testdata", "blocks.xml"))
	if err != nil {
		t.Fatal(err)
	}
	s := newSiteWithAdmin(t)
	// The export's posts are from May 2024: make that the past.
	if now := s.clock.Now(); now.Year() < 2025 {
		s.clock.Add(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Sub(now))
	}
	if _, err := wordpress.Import(t.Context(), s.svc.Moving, nil, strings.NewReader(string(doc)), wordpress.Options{}); err != nil {
		t.Fatal(err)
	}
	posts, err := s.svc.Reading.SitemapPosts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	pages := map[string]string{}
	for _, p := range append(posts, nil) {
		path := "/"
		if p != nil {
			path = p.Path
		}
		r := b.get(path)
		if r.StatusCode != 200 {
			t.Fatalf("GET %s: %d", path, r.StatusCode)
		}
		pages[path] = r.Body
	}
	checkHTML(t, jar, java, pages)
}

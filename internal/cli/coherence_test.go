package cli_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"folio/internal/store/postgres/pgtest"
)

// feedLatency is how soon a write from another process must show on a
// running server.
const feedLatency = time.Second

// TestCommandsReachARunningServer runs a real folio serve and, as a
// second process, every command that writes: each page it changes,
// warmed in the server's cache first, shows the change within a second.
// It runs on SQLite and, with a test database, on PostgreSQL.
func TestCommandsReachARunningServer(t *testing.T) {
	if testing.Short() {
		t.Skip("builds folio and runs it as several processes")
	}
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			dir := t.TempDir()
			db := "sqlite:" + filepath.Join(dir, "folio.db")
			if kind == "postgres" {
				db = pgtest.Fresh(t)
			}
			commandsReachServer(t, dir, db)
		})
	}
}

func commandsReachServer(t *testing.T, dir, db string) {
	bin := buildFolio(t)
	on := []string{"--data", dir, "--database", db}
	// cmd runs the command named by sub on the site, with args after
	// the flags.
	cmd := func(sub string, args ...string) string {
		t.Helper()
		return folio(t, bin, "", append(append(strings.Fields(sub), on...), args...)...)
	}
	const email, pass = "ada@example.com", "a long password"
	folio(t, bin, pass+"\n", append(append([]string{"user", "add"}, on...), "--name", "Ada", "--email", email, "--role", "admin")...)
	cmd("settings set", "comment_min_seconds=0", "comment_moderation=hold_all")
	srv := startServe(t, bin, on...)
	admin := signIn(t, srv.site, email, pass)

	// seen warms each page of checks (a path and what it must come to
	// show, or with a leading "!" stop showing) in the server's cache,
	// runs write as another process, then waits for every page to change.
	seen := func(what string, write func(), checks ...string) {
		t.Helper()
		for i := 0; i < len(checks); i += 2 {
			fetch(t, srv.site+checks[i])
		}
		write()
		for i := 0; i < len(checks); i += 2 {
			path, want := checks[i], checks[i+1]
			gone := strings.HasPrefix(want, "!")
			want = strings.TrimPrefix(want, "!")
			took, ok := within(feedLatency, func() bool { return strings.Contains(fetch(t, srv.site+path), want) != gone })
			if !ok {
				t.Fatalf("%s: %s does not show the change after %s:\n%s", what, path, feedLatency, srv.Log())
			}
			t.Logf("%s: %s changed after %s", what, path, took.Round(time.Millisecond))
		}
	}

	seen("import markdown", func() { cmd("import markdown", "../../docs/sample-content") },
		"/", "Why margins matter", "/", "!Nothing has been published", "/tag/reading/", "A reply on reading fast", "/about/", "<h1")
	backup := filepath.Join(t.TempDir(), "site.folio.gz")
	cmd("backup", backup)

	seen("settings set", func() { cmd("settings set", "title=Renamed Notes") },
		"/", "<title>Renamed Notes", "/tag/reading/", "Renamed Notes", "/feed/atom/", "Renamed Notes")
	settingsForm := func() string {
		resp, err := admin.Get(srv.site + "/admin/settings")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		buf := make([]byte, 32<<10)
		for {
			n, err := resp.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		return b.String()
	}
	if form := settingsForm(); !strings.Contains(form, `value="Renamed Notes"`) {
		t.Errorf("the admin's settings form does not show the title set from the command line")
	}

	// A reader's reply, held, then moderated from the command line.
	post := "/2026/11/20/a-tiny-tool/"
	page := fetch(t, srv.site+post)
	id, token := formFields(t, page)
	reader := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	reply, ok := postReply(reader, srv.site, id, token, "Counting words is the first step to cutting them.")
	if !ok {
		t.Fatal("the reply was not accepted")
	}
	rid := strconv.FormatInt(reply, 10)
	seen("comment approve", func() { cmd("comment approve", rid) },
		post, "cutting them", "/comments/feed/atom/", "cutting them", post+"feed/", "cutting them")
	seen("comment trash", func() { cmd("comment trash", rid) }, post, "!cutting them", "/comments/feed/atom/", "!cutting them")

	seen("import wordpress", func() {
		wxr := filepath.Join(t.TempDir(), "old.xml")
		if err := os.WriteFile(wxr, []byte(harbourWXR), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd("import wordpress", wxr)
	}, "/", "Letters from the harbour", "/feed/", "Letters from the harbour")
	seen("dev seed", func() { cmd("dev seed", "--posts", "3", "--replies", "2") }, "/", "/post-", "/sitemap.xml", "/post-")
	seen("restore", func() { cmd("restore", "--replace", backup) }, "/", "!/post-", "/", "!Renamed Notes", "/sitemap.xml", "!/post-")

	other := filepath.Join(t.TempDir(), "other")
	folio(t, bin, pass+"\n", "user", "add", "--data", other, "--name", "Bea", "--email", "bea@example.com", "--role", "admin")
	folio(t, bin, "", "import", "markdown", "--data", other, "../../docs/sample-content")
	folio(t, bin, "", "settings", "set", "--data", other, "title=Copied In")
	seen("db copy", func() {
		folio(t, bin, "", "db", "copy", "--from", "sqlite:"+filepath.Join(other, "folio.db"), "--to", db, "--replace")
	}, "/", "<title>Copied In")
}

// formFields returns the post ID and signed token of a page's reply form.
func formFields(t *testing.T, page string) (int64, string) {
	t.Helper()
	field := func(name string) string {
		_, rest, ok := strings.Cut(page, `name="`+name+`" value="`)
		if !ok {
			t.Fatalf("the page has no %s field", name)
		}
		v, _, _ := strings.Cut(rest, `"`)
		return v
	}
	id, err := strconv.ParseInt(field("comment_post_ID"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id, field("form_token")
}

// harbourWXR is a one-post WordPress export.
const harbourWXR = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.2/" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/">
<channel><title>Harbour</title><link>https://harbour.example</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[kit]]></wp:author_login><wp:author_email><![CDATA[kit@example.com]]></wp:author_email><wp:author_display_name><![CDATA[Kit]]></wp:author_display_name></wp:author>
<item><title>Letters from the harbour</title><link>https://harbour.example/letters/</link><dc:creator><![CDATA[kit]]></dc:creator>
<content:encoded><![CDATA[The boats came in late and the gulls were loud.]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>5</wp:post_id><wp:post_date>2026-11-25 10:00:00</wp:post_date><wp:post_date_gmt>2026-11-25 09:00:00</wp:post_date_gmt>
<wp:comment_status>open</wp:comment_status><wp:post_name>letters</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>
</channel></rss>`

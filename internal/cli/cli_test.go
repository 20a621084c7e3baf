package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"folio/internal/blog"
	"folio/internal/cli"
	"folio/internal/locale"
	"folio/internal/markdown"
	"folio/internal/password"
	"folio/internal/picture"
	"folio/internal/store/sqlite"
	"folio/internal/testkit"
)

// run runs folio in-process and returns its exit code and output.
func run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Main(args, cli.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb})
	return code, out.String(), errb.String()
}

func openService(t *testing.T, dir string) *blog.Services {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(dir, "folio.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc, err := blog.New(context.Background(), st, blog.Options{Words: locale.MustLoad(), Renderer: markdown.NewPosts(), CommentRenderer: markdown.NewComments(),
		Hasher: password.New(), Pictures: picture.Maker{}})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func TestUserAdd(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := run(t, "a long password\n", "user", "add", "--data", dir, "--name", "Ada Lovelace", "--email", "ada@example.com", "--role", "admin")
	if code != 0 || !strings.Contains(out, "Added Ada Lovelace <ada@example.com> as admin") {
		t.Fatalf("exit %d, out %q, err %q", code, out, errs)
	}
	svc := openService(t, dir)
	if _, err := svc.Accounts.Authenticate(t.Context(), "ada@example.com", "a long password"); err != nil {
		t.Errorf("cannot sign in with the piped password: %v", err)
	}

	tests := []struct {
		name  string
		stdin string
		args  []string
		msg   string
	}{
		{"duplicate", "a long password\n", []string{"--name", "Ada", "--email", "ada@example.com"}, "already exists"},
		{"bad role", "a long password\n", []string{"--name", "Bo", "--email", "bo@example.com", "--role", "king"}, "admin, editor or author"},
		{"short password", "short\n", []string{"--name", "Bo", "--email", "bo@example.com"}, "--password: Use at least 10 characters"},
		{"no password", "", []string{"--name", "Bo", "--email", "bo@example.com"}, "no password on standard input"},
		{"bad e-mail", "a long password\n", []string{"--name", "Bo", "--email", "bo"}, "--email"},
		{"unknown flag", "", []string{"--nmae", "Bo"}, "flag provided but not defined"},
	}
	for _, tt := range tests {
		code, _, errs := run(t, tt.stdin, append([]string{"user", "add", "--data", dir}, tt.args...)...)
		if code == 0 || !strings.Contains(errs, tt.msg) {
			t.Errorf("%s: exit %d, stderr %q, want it to mention %q", tt.name, code, errs, tt.msg)
		}
	}
}

func TestUnknownCommand(t *testing.T) {
	if code, _, errs := run(t, "", "publsh"); code == 0 || !strings.Contains(errs, `unknown command "publsh"`) {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
	if code, _, _ := run(t, ""); code != 2 {
		t.Errorf("no command: exit %d, want 2", code)
	}
	if code, out, _ := run(t, "", "help"); code != 0 || !strings.Contains(out, "folio serve") {
		t.Errorf("help: exit %d, %q", code, out)
	}
}

func TestImportMarkdown(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := run(t, "a long password\n", "user", "add", "--data", dir, "--name", "Ada", "--email", "ada@example.com", "--role", "admin"); code != 0 {
		t.Fatal(errs)
	}
	samples := filepath.Join("..", "frontmatter", "testdata")
	code, out, errs := run(t, "", "import", "markdown", "--data", dir, filepath.Join(samples, "hugo"), filepath.Join(samples, "jekyll"))
	if code != 0 || !strings.Contains(out, "Imported 6 files: 6 new, 0 updated.") {
		t.Fatalf("exit %d, out %q, err %q", code, out, errs)
	}
	code, out, _ = run(t, "", "import", "markdown", "--data", dir, filepath.Join(samples, "hugo"), filepath.Join(samples, "jekyll"))
	if code != 0 || !strings.Contains(out, "0 new, 6 updated") {
		t.Errorf("re-import: exit %d, %q", code, out)
	}
	svc := openService(t, dir)
	p, _, err := svc.Reading.PostAt(t.Context(), "/2023/06/01/quoting/")
	if err != nil {
		t.Fatalf("imported post: %v", err)
	}
	if p.Source.Title != "The Case for Speed" || !strings.Contains(p.BodyHTML, "<cite>") {
		t.Errorf("imported post = %+v", p)
	}
	if _, err := svc.Reading.Page(t.Context(), "about"); err != nil {
		t.Errorf("imported page: %v", err)
	}
	cats, _ := svc.Reading.Terms(t.Context(), blog.TermCategory)
	if len(cats) != 3 {
		t.Errorf("categories created by import = %v", cats)
	}
}

func TestImportMarkdownBadFileChangesNothing(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := run(t, "a long password\n", "user", "add", "--data", dir, "--name", "Ada", "--email", "ada@example.com", "--role", "admin"); code != 0 {
		t.Fatal(errs)
	}
	content := t.TempDir()
	good := "---\ntitle: Good\ndate: 2020-01-01\n---\nFine.\n"
	bad := "---\ntitle: Bad\ndate: someday\n---\nBroken.\n"
	for name, body := range map[string]string{"a-good.md": good, "b-bad.md": bad} {
		if err := os.WriteFile(filepath.Join(content, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, _, errs := run(t, "", "import", "markdown", "--data", dir, content)
	if code == 0 || !strings.Contains(errs, "b-bad.md:3: date:") || !strings.Contains(errs, "nothing was imported") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	svc := openService(t, dir)
	admin, _ := svc.Accounts.Users(t.Context())
	if _, total, _ := svc.Writing.AdminPosts(t.Context(), admin[0], blog.PostFilter{}); total != 0 {
		t.Errorf("a failed import stored %d posts", total)
	}
	code, out, _ := run(t, "", "import", "markdown", "--data", dir, "--dry-run", filepath.Join(content, "a-good.md"))
	if code != 0 || !strings.Contains(out, "Dry run: 1 files") {
		t.Errorf("dry run: exit %d, %q", code, out)
	}
	if code, _, errs := run(t, "", "import", "markdown", "--data", dir, "--author", "nobody@example.com", content); code == 0 || !strings.Contains(errs, "no user has this e-mail") {
		t.Errorf("unknown author: exit %d, %q", code, errs)
	}
}

func TestCommentCommands(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := run(t, "a long password\n", "user", "add", "--data", dir, "--name", "Ada", "--email", "ada@example.com", "--role", "admin"); code != 0 {
		t.Fatal(errs)
	}
	svc := openService(t, dir)
	users, _ := svc.Accounts.Users(t.Context())
	post, err := svc.Writing.SavePost(t.Context(), users[0], 0, blog.PostInput{Kind: blog.KindPost, Title: "Talk", Status: blog.StatusPublished, CommentsOpen: true})
	if err != nil {
		t.Fatal(err)
	}
	c, err := svc.Discussion.SubmitComment(t.Context(), blog.CommentInput{PostID: post.ID, Actor: users[0], Body: "A note from the writer"})
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(c.ID, 10)
	if code, _, errs := run(t, "", "settings", "set", "--data", dir, "time_zone=Asia/Tokyo"); code != 0 {
		t.Fatal(errs)
	}
	code, out, _ := run(t, "", "comment", "list", "--data", dir, "--status", "approved")
	inTokyo := c.CreatedAt.In(time.FixedZone("JST", 9*3600)).Format("2006-01-02 15:04")
	if code != 0 || !strings.Contains(out, "A note from the writer") || !strings.Contains(out, "1 approved reply\n") ||
		!strings.Contains(out, "DATE (Asia/Tokyo)") || !strings.Contains(out, inTokyo) {
		t.Errorf("list, in the site's zone (%s): %d %q", inTokyo, code, out)
	}
	for _, step := range []struct{ verb, status string }{{"unapprove", "pending"}, {"spam", "spam"}, {"restore", "pending"}, {"trash", "trash"}, {"delete", ""}} {
		code, out, errs := run(t, "", "comment", step.verb, "--data", dir, id)
		if code != 0 || !strings.Contains(out, "done") {
			t.Fatalf("%s: %d %q %q", step.verb, code, out, errs)
		}
	}
	code, _, errs := run(t, "", "comment", "approve", "--data", dir, id)
	if code == 0 || !strings.Contains(errs, "no such reply") {
		t.Errorf("approve a deleted reply: %d %q", code, errs)
	}
	for _, args := range [][]string{{"comment", "frobnicate", "1"}, {"comment", "approve"}, {"comment", "approve", "x"}, {"comment", "list", "--status", "odd"}} {
		if code, _, errs := run(t, "", append(args, "--data", dir)...); code == 0 || errs == "" {
			t.Errorf("%v: exit %d", args, code)
		}
	}
}

func TestImportWordPressAndSetPassword(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := run(t, "a long password\n", "user", "add", "--data", dir, "--name", "Ada", "--email", "ada@example.com", "--role", "admin"); code != 0 {
		t.Fatal(errs)
	}
	export := filepath.Join(t.TempDir(), "export.xml")
	doc := `<?xml version="1.0"?><rss xmlns:wp="http://wordpress.org/export/1.2/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_login>kit</wp:author_login><wp:author_email>kit@example.com</wp:author_email><wp:author_display_name>Kit</wp:author_display_name></wp:author>
<item><title>Old post</title><link>http://old.example/?p=7</link><dc:creator>kit</dc:creator><content:encoded>Hello.</content:encoded>
<wp:post_id>7</wp:post_id><wp:post_date_gmt>2012-05-05 10:00:00</wp:post_date_gmt><wp:post_name>old-post</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>
</channel></rss>`
	if err := os.WriteFile(export, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, "", "import", "wordpress", "--data", dir, "--dry-run", export)
	if code != 0 || !strings.Contains(out, "Dry run") || !strings.Contains(out, "post           1 new") {
		t.Fatalf("dry run: %d %q %q", code, out, errs)
	}
	code, out, errs = run(t, "", "import", "wordpress", "--data", dir, export)
	if code != 0 || !strings.Contains(out, "Imported") {
		t.Fatalf("import: %d %q %q", code, out, errs)
	}
	if code, _, errs := run(t, "", "import", "wordpress", "--data", dir, filepath.Join(t.TempDir(), "missing.xml")); code == 0 || errs == "" {
		t.Error("a missing file was accepted")
	}
	if code, out, _ := run(t, "kit's new password\n", "user", "password", "--data", dir, "--email", "kit@example.com"); code != 0 || !strings.Contains(out, "Password set") {
		t.Fatalf("user password: %d %q", code, out)
	}
	svc := openService(t, dir)
	if _, err := svc.Accounts.Authenticate(t.Context(), "kit@example.com", "kit's new password"); err != nil {
		t.Errorf("imported writer cannot sign in after setting a password: %v", err)
	}
	if to, err := svc.Reading.Moved(t.Context(), "/?p=7"); err != nil || to != "/2012/05/05/old-post/" {
		t.Errorf("redirect = %q, %v", to, err)
	}
	if code, _, errs := run(t, "short\n", "user", "password", "--data", dir, "--email", "nobody@example.com"); code == 0 || !strings.Contains(errs, "--email") {
		t.Errorf("unknown e-mail: %d %q", code, errs)
	}
}

func TestExportCommands(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := run(t, "a long password\n", "user", "add", "--data", dir, "--name", "Ada", "--email", "ada@example.com", "--role", "admin"); code != 0 {
		t.Fatal(errs)
	}
	samples := filepath.Join("..", "frontmatter", "testdata")
	if code, _, errs := run(t, "", "import", "markdown", "--data", dir, filepath.Join(samples, "hugo"), filepath.Join(samples, "jekyll")); code != 0 {
		t.Fatal(errs)
	}
	svc := openService(t, dir)
	users, _ := svc.Accounts.Users(t.Context())
	post, _, _ := svc.Reading.PostAt(t.Context(), "/2023/06/01/quoting/")
	if _, err := svc.Discussion.SubmitComment(t.Context(), blog.CommentInput{PostID: post.ID, Actor: users[0], Body: "A writer's note"}); err != nil {
		t.Fatal(err)
	}
	photo, err := svc.Library.Upload(t.Context(), users[0], "garden.jpg", testkit.PhoneJPEG(900, 600, 6))
	if err != nil {
		t.Fatal(err)
	}

	out := t.TempDir()
	code, stdout, errs := run(t, "", "export", "markdown", "--data", dir, out)
	if code != 0 || !strings.Contains(stdout, "Wrote 5 posts, 1 pages, 1 replies and 1 pictures") {
		t.Fatalf("export markdown: %d %q %q", code, stdout, errs)
	}
	// The picture as readers get it, where the posts link to it.
	pic, err := os.ReadFile(filepath.Join(out, "static", filepath.FromSlash(photo.URL()[1:])))
	if err != nil || !bytes.HasPrefix(pic, []byte("\xff\xd8")) || bytes.Contains(pic, []byte("GPS-SECRET-CAMERA")) {
		t.Errorf("the exported picture: %d bytes, %v", len(pic), err)
	}
	md, err := os.ReadFile(filepath.Join(out, "content", "posts", "quoting.md"))
	if err != nil || !strings.Contains(string(md), "url: /2023/06/01/quoting/") || !strings.Contains(string(md), "> Reading faster is reading more.") {
		t.Errorf("quoting.md = %s, %v", md, err)
	}
	data, _ := os.ReadFile(filepath.Join(out, "data", "replies.json"))
	if !strings.Contains(string(data), "A writer's note") || strings.Contains(string(data), "ada@example.com") {
		t.Errorf("replies.json = %s", data)
	}
	// The Markdown goes back into an empty site with the same addresses.
	dir2 := t.TempDir()
	run(t, "a long password\n", "user", "add", "--data", dir2, "--name", "Ada", "--email", "ada@example.com", "--role", "admin")
	if code, _, errs := run(t, "", "import", "markdown", "--data", dir2, filepath.Join(out, "content")); code != 0 {
		t.Fatalf("re-import: %s", errs)
	}
	svc2 := openService(t, dir2)
	for _, path := range []string{"/2023/06/01/quoting/", "/2021/03/14/first-light/", "/2019/07/20/moon-landing-anniversary/"} {
		a, _, err1 := svc.Reading.PostAt(t.Context(), path)
		b, _, err2 := svc2.Reading.PostAt(t.Context(), path)
		if err1 != nil || err2 != nil || a.Title != b.Title || a.Source != b.Source || len(a.Tags) != len(b.Tags) {
			t.Errorf("%s: before %v (%v), after %v (%v)", path, a, err1, b, err2)
		}
	}

	wxr := filepath.Join(t.TempDir(), "site.xml")
	if code, stdout, errs := run(t, "", "export", "wordpress", "--data", dir, wxr); code != 0 || !strings.Contains(stdout, "Wrote 6 posts and pages and 1 replies") {
		t.Fatalf("export wordpress: %d %q %q", code, stdout, errs)
	}
	dir3 := t.TempDir()
	run(t, "a long password\n", "user", "add", "--data", dir3, "--name", "Ada", "--email", "ada@example.com", "--role", "admin")
	if code, _, errs := run(t, "", "import", "wordpress", "--data", dir3, wxr); code != 0 {
		t.Fatalf("import the export: %s", errs)
	}
	svc3 := openService(t, dir3)
	if p, _, err := svc3.Reading.PostAt(t.Context(), "/2023/06/01/quoting/"); err != nil || p.CommentCount != 1 {
		t.Errorf("after the WordPress round trip: %v, %v", p, err)
	}
	for _, args := range [][]string{{"export"}, {"export", "pdf", "x"}, {"export", "markdown"}} {
		if code, _, _ := run(t, "", append(args, "--data", dir)...); code == 0 {
			t.Errorf("%v succeeded", args)
		}
	}
}

func TestSettingsCommand(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := run(t, "", "settings", "set", "--data", dir, "title=Field Notes", "comment_per_minute=0", "smtp_password=hunter2hunter2")
	if code != 0 || out != "comment_per_minute=0\nsmtp_password=(set)\ntitle=Field Notes\n" {
		t.Fatalf("settings set: exit %d, out %q, err %q", code, out, errs)
	}
	code, out, _ = run(t, "", "settings", "--data", dir)
	if code != 0 || !strings.Contains(out, "title=Field Notes\n") || !strings.Contains(out, "feed_items=20\n") || strings.Contains(out, "hunter2") {
		t.Fatalf("settings: exit %d, out %q", code, out)
	}
	for _, bad := range [][]string{{"posts_per_page=none"}, {"no_such_setting=1"}, {"title"}} {
		code, _, errs = run(t, "", append([]string{"settings", "set", "--data", dir, "title=Changed"}, bad...)...)
		if code == 0 {
			t.Errorf("settings set %v succeeded", bad)
		}
		if _, out, _ = run(t, "", "settings", "--data", dir); !strings.Contains(out, "title=Field Notes\n") {
			t.Errorf("settings set %v changed the title despite the error %q", bad, errs)
		}
	}
}

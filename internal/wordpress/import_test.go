package wordpress_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"folio/internal/blog"
	"folio/internal/locale"
	"folio/internal/markdown"
	"folio/internal/picture"
	"folio/internal/store/sqlite"
	"folio/internal/testkit"
	"folio/internal/wordpress"
)

func newSite(t testing.TB) (*blog.Services, *blog.User) {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "folio.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc, err := blog.New(t.Context(), st, blog.Options{Words: locale.MustLoad(), Renderer: markdown.NewPosts(), CommentRenderer: markdown.NewComments(),
		Hasher: testkit.Hasher(), Pictures: picture.Maker{},
		Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	admin, err := svc.Accounts.SetupAdmin(t.Context(), blog.UserInput{Name: "Admin", Email: "admin@example.com", Password: "0123456789"})
	if err != nil {
		t.Fatal(err)
	}
	return svc, admin
}

func importString(t *testing.T, svc *blog.Services, doc string, dry bool) (*blog.ImportReport, error) {
	t.Helper()
	return wordpress.Import(t.Context(), svc.Moving, nil, strings.NewReader(doc), wordpress.Options{DryRun: dry})
}

// wxr wraps items in a WXR 1.2 document.
func wxr(body string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Old blog</title><link>https://old.example</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://old.example</wp:base_site_url><wp:base_blog_url>https://old.example</wp:base_blog_url>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[wren]]></wp:author_login><wp:author_email><![CDATA[wren@example.com]]></wp:author_email><wp:author_display_name><![CDATA[Wren Writer]]></wp:author_display_name></wp:author>
<wp:category><wp:term_id>2</wp:term_id><wp:category_nicename>nature</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[Nature]]></wp:cat_name><wp:category_description><![CDATA[Outside things]]></wp:category_description></wp:category>
<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>birds</wp:category_nicename><wp:category_parent>nature</wp:category_parent><wp:cat_name><![CDATA[Birds]]></wp:cat_name></wp:category>
<wp:tag><wp:term_id>4</wp:term_id><wp:tag_slug>spring-notes</wp:tag_slug><wp:tag_name><![CDATA[Spring]]></wp:tag_name></wp:tag>
` + body + `</channel></rss>`
}

func item(id int, typ, status, slug, extra string) string {
	return `<item><title>Item ` + slug + `</title><link>https://old.example/` + slug + `/</link><dc:creator><![CDATA[wren]]></dc:creator>
<content:encoded><![CDATA[First paragraph of ` + slug + `.

Second line
continues.]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>` + itoa(id) + `</wp:post_id><wp:post_date>2014-03-01 10:00:00</wp:post_date><wp:post_date_gmt>2014-03-01 09:00:00</wp:post_date_gmt>
<wp:comment_status>open</wp:comment_status><wp:post_name>` + slug + `</wp:post_name><wp:status>` + status + `</wp:status>
<wp:post_type>` + typ + `</wp:post_type>` + extra + `</item>
`
}

func itoa(n int) string { return blog.Key(int64(n)) }

func comment(id, parent int, approved, typ, text string) string {
	return `<wp:comment><wp:comment_id>` + itoa(id) + `</wp:comment_id><wp:comment_author><![CDATA[Reader ` + itoa(id) + `]]></wp:comment_author>
<wp:comment_author_email>r` + itoa(id) + `@example.com</wp:comment_author_email><wp:comment_author_url>https://r.example</wp:comment_author_url>
<wp:comment_author_IP>192.0.2.5</wp:comment_author_IP><wp:comment_date_gmt>2014-03-02 10:00:00</wp:comment_date_gmt>
<wp:comment_content><![CDATA[` + text + `]]></wp:comment_content><wp:comment_approved>` + approved + `</wp:comment_approved>
<wp:comment_type>` + typ + `</wp:comment_type><wp:comment_parent>` + itoa(parent) + `</wp:comment_parent></wp:comment>`
}

var site = wxr(
	item(10, "post", "publish", "first-post", `<category domain="category" nicename="birds"><![CDATA[Birds]]></category><category domain="post_tag" nicename="spring-notes"><![CDATA[Spring]]></category><wp:is_sticky>1</wp:is_sticky>`+
		comment(100, 0, "1", "", "Top reply")+comment(101, 100, "1", "", "An <b>answer</b>")+comment(102, 101, "0", "", "Held answer")+
		comment(103, 0, "spam", "", "Buy now")+comment(104, 0, "trash", "", "Gone")+comment(105, 0, "1", "pingback", "Linked from elsewhere")) +
		item(11, "post", "draft", "a-draft", "") +
		item(12, "post", "private", "secret", "") +
		item(13, "post", "publish", "locked", `<wp:post_password>pw</wp:post_password>`) +
		item(14, "post", "future", "later", "") +
		item(20, "page", "publish", "about", "") +
		item(21, "page", "publish", "team", `<wp:post_parent>20</wp:post_parent>`) +
		item(30, "nav_menu_item", "publish", "menu", "") +
		item(40, "post", "publish", "shortcodes", "") +
		`<item><title>pic</title><link>https://old.example/first-post/pic/</link><wp:post_id>50</wp:post_id><wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status><wp:post_parent>10</wp:post_parent><wp:attachment_url>https://old.example/wp-content/uploads/pic.jpg</wp:attachment_url></item>`)

func TestImportSite(t *testing.T) {
	svc, admin := newSite(t)
	ctx := t.Context()
	rep, err := importString(t, svc, site, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created["post"] != 6 || rep.Created["page"] != 2 || rep.Created["reply"] != 6 || rep.Created["category"] != 2 || rep.Created["tag"] != 1 || rep.Created["user"] != 1 {
		t.Errorf("report = %+v", rep)
	}
	notes := strings.Join(englishNotes(rep), "\n")
	for _, want := range []string{"password-protected", "skipped 1 item of type nav_menu_item", "1 attachment was listed"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	statuses := map[string]blog.Status{"first-post": blog.StatusPublished, "a-draft": blog.StatusDraft, "secret": blog.StatusPrivate,
		"locked": blog.StatusPrivate, "later": blog.StatusPublished}
	for slug, want := range statuses {
		p, err := postBySlug(t, svc, admin, slug)
		if err != nil || p.Status != want {
			t.Errorf("%s: %v %v, want %s", slug, p, err, want)
		}
	}
	first, _ := postBySlug(t, svc, admin, "first-post")
	if !first.Sticky || first.Author.Name != "Wren Writer" || !first.PublishedAt.Equal(time.Date(2014, 3, 1, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("first post = %+v", first)
	}
	if !strings.Contains(first.BodyHTML, "<p>First paragraph of first-post.</p>") || !strings.Contains(first.BodyHTML, "Second line<br") {
		t.Errorf("body = %q", first.BodyHTML)
	}
	if len(first.Categories) != 1 || first.Categories[0].Slug != "birds" || len(first.Tags) != 1 || first.Tags[0].Slug != "spring-notes" {
		t.Errorf("terms = %v %v", first.Categories, first.Tags)
	}
	birds, _ := svc.Reading.Term(ctx, blog.TermCategory, "birds")
	nature, _ := svc.Reading.Term(ctx, blog.TermCategory, "nature")
	if birds.ParentID != nature.ID || nature.Description != "Outside things" {
		t.Errorf("category hierarchy: birds %+v nature %+v", birds, nature)
	}
	team, _ := postBySlug(t, svc, admin, "team")
	about, _ := postBySlug(t, svc, admin, "about")
	if team.ParentID != about.ID {
		t.Errorf("page hierarchy: team's parent %d, want %d", team.ParentID, about.ID)
	}
	// Replies: threading, statuses, kinds, counts.
	th, err := svc.Discussion.Thread(ctx, first, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if first.CommentCount != 3 || len(th.Comments) != 2 || len(th.Comments[0].Replies) != 1 || th.Comments[0].Replies[0].Body != "An **answer**" ||
		!strings.Contains(th.Comments[0].Replies[0].BodyHTML, "An <strong>answer</strong>") {
		t.Fatalf("thread: count %d, %d top-level", first.CommentCount, len(th.Comments))
	}
	if th.Comments[1].Kind != blog.CommentKindPingback {
		t.Errorf("pingback kind = %s", th.Comments[1].Kind)
	}
	counts, _ := svc.Discussion.CommentCounts(ctx, first.ID)
	if counts[blog.CommentPending] != 1 || counts[blog.CommentSpam] != 1 || counts[blog.CommentTrash] != 1 {
		t.Errorf("statuses = %v", counts)
	}
	// Old addresses redirect.
	for from, to := range map[string]string{"/first-post/": first.Path, "/?p=10": first.Path, "/?page_id=21": team.Path, "/first-post/pic/": first.Path,
		"/category/nature/birds/": "/category/birds/", "/author/wren/": "/author/wren-writer/"} {
		if got, err := svc.Reading.Moved(ctx, from); err != nil || got != to {
			t.Errorf("redirect %s = %q, %v; want %s", from, got, err, to)
		}
	}
	// Writers come without a password.
	if _, err := svc.Accounts.Authenticate(ctx, "wren@example.com", ""); !errors.Is(err, blog.ErrBadCredentials) {
		t.Errorf("an imported writer can sign in without a password: %v", err)
	}
}

func postBySlug(t *testing.T, svc *blog.Services, admin *blog.User, slug string) (*blog.Post, error) {
	posts, _, err := svc.Writing.AdminPosts(t.Context(), admin, blog.PostFilter{Statuses: blog.Statuses()})
	if err != nil {
		return nil, err
	}
	for _, p := range posts {
		if p.Slug == slug {
			return svc.Writing.Post(t.Context(), admin, p.ID)
		}
	}
	return nil, blog.ErrNotFound
}

func TestImportTwiceUpdates(t *testing.T) {
	svc, admin := newSite(t)
	if _, err := importString(t, svc, site, false); err != nil {
		t.Fatal(err)
	}
	rep, err := importString(t, svc, strings.Replace(site, "Top reply", "Top reply, edited", 1), false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created["post"]+rep.Created["reply"]+rep.Created["page"] != 0 || rep.Updated["post"] != 6 || rep.Updated["reply"] != 6 {
		t.Errorf("second import report = %+v", rep)
	}
	_, total, _ := svc.Writing.AdminPosts(t.Context(), admin, blog.PostFilter{Statuses: blog.Statuses()})
	if total != 8 {
		t.Errorf("%d items after two imports, want 8", total)
	}
	first, _ := postBySlug(t, svc, admin, "first-post")
	if first.CommentCount != 3 {
		t.Errorf("reply count after re-import = %d", first.CommentCount)
	}
	list, _, _ := svc.Discussion.ModerationQueue(t.Context(), admin, blog.CommentFilter{Search: "edited", Statuses: blog.CommentStatuses()})
	if len(list) != 1 {
		t.Errorf("edited reply not updated: %d", len(list))
	}
}

func TestImportBadFilesChangeNothing(t *testing.T) {
	svc, admin := newSite(t)
	tests := map[string]string{
		"truncated":   site[:len(site)/2],
		"not xml":     "this is not xml at all",
		"not wxr":     `<rss version="2.0"><channel><title>x</title></channel></rss>`,
		"bad version": strings.Replace(site, "<wp:wxr_version>1.2</wp:wxr_version>", "<wp:wxr_version>abc</wp:wxr_version>", 1),
	}
	for name, doc := range tests {
		_, err := importString(t, svc, doc, false)
		var se *wordpress.SyntaxError
		if !errors.As(err, &se) && !errors.Is(err, wordpress.ErrNotWXR) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if dir := os.Getenv("FOLIO_WXR_FIXTURES"); dir == "" {
		if f, err := os.Open(filepath.Join("..", "..", "..", "shared", "testdata", "wxr", "malformed.xml")); err == nil {
			_, err := wordpress.Import(t.Context(), svc.Moving, nil, f, wordpress.Options{})
			f.Close()
			var se *wordpress.SyntaxError
			if !errors.As(err, &se) || se.Line == 0 || se.Column == 0 {
				t.Errorf("malformed.xml: %v, want line and column", err)
			}
		}
	}
	_, total, _ := svc.Writing.AdminPosts(t.Context(), admin, blog.PostFilter{Statuses: blog.Statuses()})
	users, _ := svc.Accounts.Users(t.Context())
	cats, _ := svc.Reading.Terms(t.Context(), blog.TermCategory)
	if total != 0 || len(users) != 1 || len(cats) != 0 {
		t.Errorf("failed imports left %d items, %d users, %d categories", total, len(users), len(cats))
	}
	// A dry run reports and changes nothing.
	rep, err := importString(t, svc, site, true)
	if err != nil || rep.Created["post"] != 6 {
		t.Fatalf("dry run = %+v, %v", rep, err)
	}
	if _, total, _ := svc.Writing.AdminPosts(t.Context(), admin, blog.PostFilter{Statuses: blog.Statuses()}); total != 0 {
		t.Errorf("a dry run stored %d items", total)
	}
}

func TestImportFixtures(t *testing.T) {
	dir := fixtureDir(t)
	svc, admin := newSite(t)
	f, err := os.Open(filepath.Join(dir, "small-export.xml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := wordpress.Import(t.Context(), svc.Moving, nil, f, wordpress.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created["post"] != 6 || rep.Created["page"] != 5 || rep.Created["category"] != 30 || rep.Created["tag"] != 3 || rep.Created["reply"] != 1 {
		t.Errorf("report = %+v", rep)
	}
	hello, err := postBySlug(t, svc, admin, "hello-world")
	if err != nil || hello.Title != "Hello world!" || !strings.Contains(hello.BodyHTML, "<p>Welcome to WordPress.") || hello.CommentCount != 1 {
		t.Errorf("hello world = %+v, %v", hello, err)
	}
	if to, err := svc.Reading.Moved(t.Context(), "/?p=1"); err != nil || to != hello.Path {
		t.Errorf("/?p=1 redirects to %q, %v", to, err)
	}
}

// TestImportPicturesIntoLibrary brings the old site's pictures into the
// media library: a size WordPress made as its original, with the
// attachment's alt text and caption; an attachment no post links to;
// the post's thumbnail as its featured picture; and every old address
// of a picture redirecting to the library's.
func TestImportPicturesIntoLibrary(t *testing.T) {
	svc, admin := newSite(t)
	from := t.TempDir()
	dir := filepath.Join(from, "2014", "03")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"rose.jpg": testkit.PhoneJPEG(1200, 800, 6), "rose-300x200.jpg": testkit.Photo(300, 200),
		"tulip.png": testkit.PNG(400, 300)} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	attachment := func(id int, file, alt, caption string) string {
		return `<item><title>` + file + `</title><link>https://old.example/?attachment_id=` + itoa(id) + `</link><excerpt:encoded><![CDATA[` + caption + `]]></excerpt:encoded>
<wp:post_id>` + itoa(id) + `</wp:post_id><wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>
<wp:attachment_url>https://old.example/wp-content/uploads/2014/03/` + file + `</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value><![CDATA[` + alt + `]]></wp:meta_value></wp:postmeta></item>
`
	}
	post := strings.Replace(item(60, "post", "publish", "roses", `<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>71</wp:meta_value></wp:postmeta>`),
		"First paragraph of roses.", `<img src="https://old.example/wp-content/uploads/2014/03/rose-300x200.jpg" alt="Roses" width="300" height="200">`, 1)
	doc := wxr(post + attachment(70, "rose.jpg", "Red roses on a wall", "June") + attachment(71, "tulip.png", "One tulip", ""))
	rep, err := wordpress.Import(t.Context(), svc.Moving, nil, strings.NewReader(doc), wordpress.Options{Uploads: from, UploadsTarget: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	items, _, err := svc.Library.List(t.Context(), admin, blog.MediaFilter{})
	if err != nil || len(items) != 2 {
		t.Fatalf("library: %d items, %v; want the rose and the tulip\n%s", len(items), err, strings.Join(englishNotes(rep), "\n"))
	}
	byName := map[string]*blog.Media{}
	for _, m := range items {
		byName[m.FileName] = m
	}
	rose, tulip := byName["rose.jpg"], byName["tulip.png"]
	if rose == nil || tulip == nil || rose.Width != 800 || rose.Alt != "Red roses on a wall" || rose.Caption != "June" || tulip.Alt != "One tulip" {
		t.Fatalf("library = %+v, %+v", rose, tulip)
	}
	p, _ := postBySlug(t, svc, admin, "roses")
	if !strings.Contains(p.BodyHTML, `src="`+rose.URL()+`"`) || !strings.Contains(p.BodyHTML, `srcset="`+rose.Srcset()+`"`) {
		t.Errorf("the post shows %s", p.BodyHTML)
	}
	if p.Featured == nil || p.Featured.ID != tulip.ID {
		t.Errorf("featured picture %+v, want the tulip", p.Featured)
	}
	for from, to := range map[string]string{"/wp-content/uploads/2014/03/rose-300x200.jpg": rose.URL(),
		"/wp-content/uploads/2014/03/rose.jpg": rose.URL(), "/wp-content/uploads/2014/03/tulip.png": tulip.URL()} {
		if got, err := svc.Reading.Moved(t.Context(), from); err != nil || got != to {
			t.Errorf("%s redirects to %q, %v; want %s", from, got, err, to)
		}
	}
	if notes := strings.Join(englishNotes(rep), "\n"); !strings.Contains(notes, "put 2 pictures into the media library") {
		t.Errorf("the report lacks the pictures:\n%s", notes)
	}
	// Again: nothing new.
	if _, err := wordpress.Import(t.Context(), svc.Moving, nil, strings.NewReader(doc), wordpress.Options{Uploads: from, UploadsTarget: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	if _, n, _ := svc.Library.List(t.Context(), admin, blog.MediaFilter{}); n != 2 {
		t.Errorf("a second import made the library %d items", n)
	}
}

// TestImportUploads copies the media posts link to from the old uploads
// folder, and only media: an HTML file, an SVG and a symbolic link out
// of the folder stay behind, named in the report.
func TestImportUploads(t *testing.T) {
	svc, admin := newSite(t)
	from, to := t.TempDir(), t.TempDir()
	if err := os.MkdirAll(filepath.Join(from, "2014", "03"), 0o755); err != nil {
		t.Fatal(err)
	}
	jpeg := "\xff\xd8\xff\xe0\x00\x10JFIF\x00a picture"
	secret := filepath.Join(t.TempDir(), "secret.jpg")
	for name, body := range map[string]string{"pic.jpg": jpeg, "page.html": "<script>alert(1)</script>",
		"logo.svg": `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`, secret: jpeg} {
		if !filepath.IsAbs(name) {
			name = filepath.Join(from, "2014", "03", name)
		}
		os.WriteFile(name, []byte(body), 0o644)
	}
	if err := os.Symlink(secret, filepath.Join(from, "2014", "03", "link.jpg")); err != nil {
		t.Fatal(err)
	}
	link := func(file string) string {
		return `<a href="https://old.example/wp-content/uploads/2014/03/` + file + `">` + file + `</a> `
	}
	doc := wxr(strings.Replace(item(60, "post", "publish", "with-pictures", ""), "First paragraph of with-pictures.",
		`<img src="https://old.example/wp-content/uploads/2014/03/pic.jpg" alt="pic"> and <a href="http://old.example/wp-content/uploads/2014/03/gone.pdf">a file</a> and <img src="https://old.example/wp-content/uploads/../../etc/passwd">`+
			link("page.html")+link("logo.svg")+link("link.jpg"), 1))
	rep, err := wordpress.Import(t.Context(), svc.Moving, nil, strings.NewReader(doc), wordpress.Options{Uploads: from, UploadsTarget: to})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := postBySlug(t, svc, admin, "with-pictures")
	if !strings.Contains(p.BodyHTML, `src="/uploads/2014/03/pic.jpg"`) || !strings.Contains(p.BodyHTML, "http://old.example/wp-content/uploads/2014/03/gone.pdf") ||
		strings.Contains(p.BodyHTML, `"/uploads/2014/03/page.html"`) || strings.Contains(p.BodyHTML, `"/uploads/2014/03/logo.svg"`) {
		t.Errorf("body = %s", p.BodyHTML)
	}
	if data, err := os.ReadFile(filepath.Join(to, "2014", "03", "pic.jpg")); err != nil || string(data) != jpeg {
		t.Errorf("copied file = %q, %v", data, err)
	}
	for _, kept := range []string{"page.html", "logo.svg", "link.jpg"} {
		if _, err := os.Stat(filepath.Join(to, "2014", "03", kept)); err == nil {
			t.Errorf("%s was copied into the site's uploads", kept)
		}
	}
	notes := strings.Join(englishNotes(rep), "\n")
	mustContain := func(wants ...string) {
		for _, w := range wants {
			if !strings.Contains(notes, w) {
				t.Errorf("the report lacks %q:\n%s", w, notes)
			}
		}
	}
	mustContain("copied 1 linked file ", "2014/03/gone.pdf", "2014/03/page.html (text/html)", "2014/03/logo.svg (text/plain)", "2014/03/link.jpg")
	if _, err := os.Stat(filepath.Join(to, "etc")); err == nil {
		t.Error("a path outside the uploads folder was copied")
	}
}

// englishNotes says the report's notes in English, as the command prints
// them.
func englishNotes(rep *blog.ImportReport) []string {
	return blog.Say(rep.Notes, locale.MustLoad(), "en")
}

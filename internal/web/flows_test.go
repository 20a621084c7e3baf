package web_test

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"folio/internal/blog"
	"folio/internal/locale"
	"folio/internal/wordpress"
)

// TestNewPageSaves saves a new page and then an edit of it from the
// editor, which sends no tags: neither is refused for tags it never had.
func TestNewPageSaves(t *testing.T) {
	s := newSiteWithAdmin(t)
	b := s.browser(t)
	b.login("ada@example.com", "analytical engine")
	token := b.csrf("/admin/posts/new?kind=page")
	r := b.post("/admin/posts", url.Values{"csrf_token": {token}, "kind": {"page"}, "title": {"About"}, "body": {"Who writes here."}, "tags": {""}, "action": {"publish"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("new page: %d %s", r.StatusCode, errorsOf(r.Body))
	}
	page, err := s.svc.Reading.Page(t.Context(), "about")
	if err != nil {
		t.Fatal(err)
	}
	r = b.post("/admin/posts/"+itoa(page.ID), url.Values{"csrf_token": {token}, "title": {"About me"}, "body": {"Who writes here."}, "action": {"publish"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Errorf("editing the page: %d %s", r.StatusCode, errorsOf(r.Body))
	}
}

// errorsOf returns the field messages of an editor page, for failures.
func errorsOf(body string) string {
	_, rest, ok := strings.Cut(body, `class="errors"`)
	if !ok {
		return ""
	}
	msg, _, _ := strings.Cut(rest, "</div>")
	return msg
}

// TestModerationKeepsItsPlace moderates twice in a row: the second
// action, taken from the page the first landed on, returns to the queue
// again, not to a broken address.
func TestModerationKeepsItsPlace(t *testing.T) {
	s := newReplySite(t)
	reader := s.browser(t)
	ids := make([]string, 2)
	for i := range ids {
		s.send(t, reader, s.replyForm(t, reader, s.post.Path), map[string]string{"author": "Rae", "email": "rae@example.com", "comment": "Reply " + itoa(int64(i))})
	}
	list, _, err := s.svc.Discussion.ModerationQueue(t.Context(), s.admin, blog.CommentFilter{Statuses: []blog.CommentStatus{blog.CommentPending}})
	if err != nil || len(list) != 2 {
		t.Fatalf("queue: %d, %v", len(list), err)
	}
	b := s.browser(t)
	b.login("ada@example.com", "analytical engine")
	back := "/admin/comments"
	for _, c := range list {
		token := b.csrf(back)
		r := b.post("/admin/comments", url.Values{"csrf_token": {token}, "do": {"approve:" + itoa(c.ID)}, "back": {back}})
		loc := r.Header.Get("Location")
		if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/comments?") {
			t.Fatalf("moderating from %s went to %q", back, loc)
		}
		if page := b.get(loc); page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "One reply approved.") {
			t.Fatalf("the page after moderating (%s): %d", loc, page.StatusCode)
		}
		back = loc
	}
}

// TestPreviewIsThePageAsItWillBe previews a draft that quotes a source:
// the editor's live preview credits the source, and the preview page
// is dated now, with its reply form as readers will see it.
func TestPreviewIsThePageAsItWillBe(t *testing.T) {
	s := newSiteWithAdmin(t)
	b := s.browser(t)
	b.login("ada@example.com", "analytical engine")
	token := b.csrf("/admin/posts/new")
	live := b.post("/admin/preview", url.Values{"csrf_token": {token}, "body": {"> Reading is slow.\n\nI agree."},
		"source_url": {"https://example.org/slow"}, "source_title": {"On Slowness"}})
	mustContain(t, "the live preview", live.Body, `cite="https://example.org/slow"`, `<cite><a href="https://example.org/slow">On Slowness</a></cite>`)
	r := b.post("/admin/posts", editorForm(token, map[string]string{"title": "Quoting", "body": "> Reading is slow.\n\nI agree.",
		"source_url": "https://example.org/slow", "source_title": "On Slowness", "action": "preview"}))
	mustContain(t, "the editor's preview", r.Body, `<cite><a href="https://example.org/slow">On Slowness</a></cite>`)

	draft, err := s.svc.Writing.SavePost(t.Context(), s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "Draft", Body: "Soon.",
		CommentsOpen: true, Status: blog.StatusDraft})
	if err != nil {
		t.Fatal(err)
	}
	page := b.get("/admin/posts/" + itoa(draft.ID) + "/preview")
	en := locale.MustLoad().For("en")
	today := en.FormatDate(s.clock.Now(), en.DateLayout())
	mustContain(t, "the draft's preview", page.Body, today, `id="commentform"`, "once the post is published")
	for _, wrong := range []string{"Replies are closed", "0001", "January 1, 1"} {
		if strings.Contains(page.Body, wrong) {
			t.Errorf("the draft's preview shows %q", wrong)
		}
	}
}

// TestScheduleButton names the editor's main button Schedule for a date
// in the future.
func TestScheduleButton(t *testing.T) {
	s := newSiteWithAdmin(t)
	b := s.browser(t)
	b.login("ada@example.com", "analytical engine")
	later, err := s.svc.Writing.SavePost(t.Context(), s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "Later", Body: "Soon.",
		Status: blog.StatusDraft, PublishedAt: s.clock.Now().Add(48 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if r := b.get("/admin/posts/" + itoa(later.ID)); !strings.Contains(r.Body, `>Schedule</button>`) {
		t.Error("a draft dated in two days offers Publish, not Schedule")
	}
	if r := b.get("/admin/posts/new"); !strings.Contains(r.Body, `>Publish</button>`) {
		t.Error("a new post does not offer Publish")
	}
}

// TestWordsForPeople checks counts, quotes and headings: one item is not
// "1 items", a title with quotes nests them, and a writer's own held
// reply is not shown under "No replies yet".
func TestWordsForPeople(t *testing.T) {
	s := newReplySite(t)
	b := s.browser(t)
	b.login("ada@example.com", "analytical engine")
	quoted, err := s.svc.Writing.SavePost(t.Context(), s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: `Notes on "The Slow Web"`, Body: "Text.",
		Status: blog.StatusDraft})
	if err != nil {
		t.Fatal(err)
	}
	if r := b.get("/admin/posts?kind=page"); strings.Contains(r.Body, "1 items") || strings.Contains(r.Body, "0 item<") {
		t.Error("the pages list miscounts")
	}
	r := b.get("/admin/posts/" + itoa(quoted.ID))
	mustContain(t, "the editor of a quoted title", r.Body, "<title>Edit “Notes on &#34;The Slow Web&#34;”")

	reader := s.browser(t)
	s.send(t, reader, s.replyForm(t, reader, s.post.Path), map[string]string{"author": "Nia", "email": "nia@example.com", "comment": "First time here"})
	page := reader.get(s.post.Path)
	if strings.Contains(page.Body, "No replies yet") || !strings.Contains(page.Body, "First time here") {
		t.Error("a reader's held reply is shown under No replies yet")
	}
	if r := b.get("/admin/comments"); !strings.Contains(r.Body, "1 reply<") {
		t.Error("the queue does not say 1 reply")
	}
}

// TestListingsShowPostsWhole shows short posts whole, without "Continue
// reading", and leaves code out of the summaries of long ones.
func TestListingsShowPostsWhole(t *testing.T) {
	s := newSiteWithAdmin(t)
	save := func(title, body string) {
		t.Helper()
		if _, err := s.svc.Writing.SavePost(t.Context(), s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: title, Body: body,
			Status: blog.StatusPublished, PublishedAt: s.clock.Now().Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	save("Short", "Only *two* lines.\n\nThat is all.")
	save("Long", "```go\nfunc secretCodeWord() {}\n```\n\n"+strings.Repeat("Many words of prose follow here. ", 30))
	home := s.browser(t).get("/")
	if !strings.Contains(home.Body, "<em>two</em>") {
		t.Error("the short post is not shown whole")
	}
	if n := strings.Count(home.Body, "Continue reading"); n != 1 {
		t.Errorf("%d Continue reading links, want 1 (the long post's)", n)
	}
	if strings.Contains(home.Body, "secretCodeWord") {
		t.Error("the long post's summary runs its code into the prose")
	}
}

// TestFavicon answers /favicon.ico with an icon.
func TestFavicon(t *testing.T) {
	s := newSite(t)
	r := s.browser(t).get("/favicon.ico")
	if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "image/x-icon" || !bytes.HasPrefix([]byte(r.Body), []byte{0, 0, 1, 0}) {
		t.Errorf("/favicon.ico: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
}

// TestSiteAddress takes the site's address from the setup request, and
// refuses mail settings without one.
func TestSiteAddress(t *testing.T) {
	s := newSite(t)
	b := s.browser(t)
	token := b.csrf("/admin/setup?token=" + setupToken)
	r := b.post("/admin/setup", url.Values{"csrf_token": {token}, "token": {setupToken}, "name": {"Ada"}, "email": {"ada@example.com"}, "password": {"analytical engine"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("setup: %d", r.StatusCode)
	}
	if got := s.svc.Site.Settings().BaseURL; got != s.URL {
		t.Errorf("base URL after setup = %q, want %q", got, s.URL)
	}
	admin, _ := s.svc.Accounts.Users(t.Context())
	_, err := s.svc.Site.SaveSettings(t.Context(), admin[0], blog.SettingsInput{"base_url": "", "smtp_host": "mail.example", "smtp_from": "a@example.com"})
	var v *blog.ValidationError
	if !errors.As(err, &v) || v.Fields["base_url"].ID == "" {
		t.Errorf("mail without the site's address: %v, want a message for base_url", err)
	}
	if _, err := s.svc.Site.SaveSettings(t.Context(), admin[0], blog.SettingsInput{"base_url": ""}); err != nil {
		t.Fatal(err)
	}
	if page := b.get("/admin/posts"); !strings.Contains(page.Body, "address is not set") {
		t.Error("the admin does not say the site's address is missing")
	}
}

// TestFeedsCarryOnlyWebAddresses imports a reply whose writer's address
// is a javascript: URL: neither the reply feeds nor the page link to it.
func TestFeedsCarryOnlyWebAddresses(t *testing.T) {
	s := newSiteWithAdmin(t)
	doc := `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Old</title><wp:wxr_version>1.2</wp:wxr_version>
<item><title>Old post</title><link>https://old.example/old-post/</link><dc:creator>ada</dc:creator>
<content:encoded><![CDATA[Text.]]></content:encoded><wp:post_id>3</wp:post_id><wp:comment_status>open</wp:comment_status>
<wp:post_date_gmt>2014-03-01 09:00:00</wp:post_date_gmt><wp:post_name>old-post</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<wp:comment><wp:comment_id>9</wp:comment_id><wp:comment_author>Mallory</wp:comment_author><wp:comment_author_email>m@example.com</wp:comment_author_email>
<wp:comment_author_url>javascript:alert(document.domain)</wp:comment_author_url><wp:comment_date_gmt>2014-03-02 10:00:00</wp:comment_date_gmt>
<wp:comment_content>Hello</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent></wp:comment></item>
</channel></rss>`
	if _, err := wordpress.Import(t.Context(), s.svc.Moving, nil, strings.NewReader(doc), wordpress.Options{}); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	for _, path := range []string{"/comments/feed/atom/", "/comments/feed/json/", "/comments/feed/", "/2014/03/01/old-post/"} {
		r := b.get(path)
		if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Mallory") || strings.Contains(r.Body, "javascript:") {
			t.Errorf("%s: %d, javascript: address shown: %v", path, r.StatusCode, strings.Contains(r.Body, "javascript:"))
		}
	}
}

// TestEditorCountsWords shows the text's words and reading time, also
// without a script.
func TestEditorCountsWords(t *testing.T) {
	s := newSiteWithAdmin(t)
	p, err := s.svc.Writing.SavePost(t.Context(), s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "Long",
		Body: strings.Repeat("word ", 500), Status: blog.StatusDraft})
	if err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	b.login("ada@example.com", "analytical engine")
	mustContain(t, "the editor", b.get("/admin/posts/"+strconv.FormatInt(p.ID, 10)).Body, "500 words · 3 min read")
}

// TestEditorKeepsParentAndSticky: saving a page from the editor keeps
// (and can change) its parent, refusing a loop; saving a post keeps it
// at the top of the front page.
func TestEditorKeepsParentAndSticky(t *testing.T) {
	s := newSiteWithAdmin(t)
	ctx := t.Context()
	parent, err := s.svc.Writing.SavePost(ctx, s.admin, 0, blog.PostInput{Kind: blog.KindPage, Title: "Guides", Status: blog.StatusPublished})
	if err != nil {
		t.Fatal(err)
	}
	child, err := s.svc.Writing.SavePost(ctx, s.admin, 0, blog.PostInput{Kind: blog.KindPage, Title: "Birding", ParentID: parent.ID, Status: blog.StatusPublished})
	if err != nil {
		t.Fatal(err)
	}
	sticky, err := s.svc.Writing.SavePost(ctx, s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "Read me first", Sticky: true, Status: blog.StatusPublished})
	if err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	b.login("ada@example.com", "analytical engine")
	resave := func(p *blog.Post, change func(url.Values)) response {
		t.Helper()
		edit := "/admin/posts/" + strconv.FormatInt(p.ID, 10)
		page := b.get(edit).Body
		vals := url.Values{"csrf_token": {b.csrf(edit)}, "kind": {string(p.Kind)}, "title": {p.Title}, "slug": {p.Slug}, "body": {"Edited."}, "action": {"publish"}}
		if strings.Contains(page, `name="sticky" type="checkbox" value="1" checked`) {
			vals.Set("sticky", "1")
		}
		if i := strings.Index(page, `id="parent_id"`); i >= 0 {
			sel := page[i : i+strings.Index(page[i:], "</select>")]
			if m := regexp.MustCompile(`<option value="(\d+)" selected>`).FindStringSubmatch(sel); m != nil {
				vals.Set("parent_id", m[1])
			}
		}
		if change != nil {
			change(vals)
		}
		return b.post(edit, vals)
	}
	if r := resave(child, nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("resave the child page: %d", r.StatusCode)
	}
	if got, _ := s.svc.Writing.Post(ctx, s.admin, child.ID); got.ParentID != parent.ID {
		t.Errorf("the child page lost its parent: %d", got.ParentID)
	}
	if r := resave(sticky, nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("resave the sticky post: %d", r.StatusCode)
	}
	if got, _ := s.svc.Writing.Post(ctx, s.admin, sticky.ID); !got.Sticky {
		t.Error("the sticky post lost its place")
	}
	r := resave(parent, func(v url.Values) { v.Set("parent_id", strconv.FormatInt(child.ID, 10)) })
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "cannot sit under itself") {
		t.Errorf("a loop of parents: %d", r.StatusCode)
	}
}

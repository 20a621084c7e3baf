package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"folio/internal/blog"
)

// replySite is a site with one post open for replies.
type replySite struct {
	*site
	post *blog.Post
}

func newReplySite(t *testing.T) *replySite {
	s := newSiteWithAdmin(t)
	p, err := s.svc.Writing.SavePost(t.Context(), s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "Talk to me", Body: "Replies welcome.",
		Status: blog.StatusPublished, CommentsOpen: true, PublishedAt: s.clock.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	return &replySite{site: s, post: p}
}

var tokenRe = regexp.MustCompile(`name="form_token" value="([^"]+)"`)

// replyForm loads path and returns the reply form's fields, then lets ten
// seconds pass, as a person would take to type.
func (s *replySite) replyForm(t *testing.T, b *browser, path string) url.Values {
	t.Helper()
	// A freshly rendered form, as the cache may hold an older page.
	s.web.Invalidate(blog.Change{All: true})
	r := b.get(path)
	m := tokenRe.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("GET %s (%d) has no reply form", path, r.StatusCode)
	}
	s.clock.Add(10 * time.Second)
	return url.Values{"comment_post_ID": {itoa(s.post.ID)}, "comment_parent": {"0"}, "form_token": {m[1]}}
}

func (s *replySite) send(t *testing.T, b *browser, v url.Values, fields map[string]string) response {
	t.Helper()
	for k, val := range fields {
		v.Set(k, val)
	}
	return b.post("/comments", v)
}

func TestReplyFormRefusals(t *testing.T) {
	s := newReplySite(t)
	if _, err := s.svc.Site.SaveSettings(t.Context(), s.admin, blog.SettingsInput{"comment_per_minute": "100"}); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	typed := map[string]string{"author": "Rae <Reader>", "email": "rae@example.com", "url": "https://rae.example", "comment": "My *careful* words & thoughts"}
	kept := []string{`value="Rae &lt;Reader&gt;"`, `value="rae@example.com"`, `value="https://rae.example"`, "My *careful* words &amp; thoughts"}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range typed {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name   string
		form   func() url.Values
		fields map[string]string
		status int
		msg    string
	}{
		{"empty reply", func() url.Values { return s.replyForm(t, b, s.post.Path) }, with(map[string]string{"comment": "  "}), 422, "Write a reply before sending it."},
		{"too long", func() url.Values { return s.replyForm(t, b, s.post.Path) }, with(map[string]string{"comment": strings.Repeat("x", 10001)}), 422, "the limit is 10000"},
		{"missing e-mail", func() url.Values { return s.replyForm(t, b, s.post.Path) }, with(map[string]string{"email": ""}), 422, "Enter your e-mail address."},
		{"honeypot", func() url.Values { return s.replyForm(t, b, s.post.Path) }, with(map[string]string{"hp_website": "http://bot.example"}), 422, "looks automated"},
		{"forged token", func() url.Values {
			v := s.replyForm(t, b, s.post.Path)
			v.Set("form_token", "1.2.3")
			return v
		}, typed, 422, "form was damaged"},
		{"too fast", func() url.Values {
			v := s.replyForm(t, b, s.post.Path)
			s.clock.Add(-9 * time.Second)
			return v
		}, typed, 429, "quicker than people type"},
	}
	for _, tt := range tests {
		r := s.send(t, b, tt.form(), tt.fields)
		if r.StatusCode != tt.status {
			t.Errorf("%s: status %d, want %d", tt.name, r.StatusCode, tt.status)
		}
		want := kept
		switch tt.name {
		case "too long", "empty reply":
			want = kept[:3]
		case "missing e-mail":
			want = []string{kept[0], kept[2], kept[3]}
		}
		mustContain(t, tt.name, r.Body, append(want, tt.msg, `id="commentform"`, "Back to the post")...)
	}
	// A duplicate is refused after the first is accepted.
	if r := s.send(t, b, s.replyForm(t, b, s.post.Path), typed); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("first reply: %d\n%s", r.StatusCode, r.Body)
	}
	r := s.send(t, b, s.replyForm(t, b, s.post.Path), typed)
	if r.StatusCode != http.StatusConflict || !strings.Contains(r.Body, "already on this post") {
		t.Errorf("duplicate: %d", r.StatusCode)
	}
	// Closed posts say so instead of showing a form, and refuse replies.
	closed, _ := s.svc.Writing.SavePost(t.Context(), s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "Closed one", Status: blog.StatusPublished})
	page := b.get(closed.Path)
	if strings.Contains(page.Body, `id="commentform"`) || !strings.Contains(page.Body, "Replies are closed for this post.") {
		t.Error("closed post shows a form")
	}
	v := s.replyForm(t, b, s.post.Path)
	v.Set("comment_post_ID", itoa(closed.ID))
	if r := s.send(t, b, v, typed); r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, "closed") {
		t.Errorf("reply to a closed post: %d", r.StatusCode)
	}
	counts, _ := s.svc.Discussion.CommentCounts(t.Context(), 0)
	if counts[blog.CommentPending] != 1 || len(counts) != 1 {
		t.Errorf("stored replies = %v, want just the one accepted", counts)
	}
}

func TestReplyRateLimit(t *testing.T) {
	s := newReplySite(t)
	b := s.browser(t)
	var last response
	for i := range 7 {
		last = s.send(t, b, s.replyForm(t, b, s.post.Path), map[string]string{"author": "Fast", "email": "fast@example.com", "comment": "reply " + itoa(int64(i))})
	}
	if last.StatusCode != http.StatusTooManyRequests || !strings.Contains(last.Body, "faster than this site allows") || !strings.Contains(last.Body, "reply 6") {
		t.Errorf("7th reply in a minute: %d", last.StatusCode)
	}
}

func TestHeldReplyIsSeenOnlyByItsWriter(t *testing.T) {
	s := newReplySite(t)
	writer, stranger := s.browser(t), s.browser(t)
	r := s.send(t, writer, s.replyForm(t, writer, s.post.Path), map[string]string{"author": "Nia", "email": "nia@example.com", "comment": "First time here"})
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), s.post.Path+"#comment-") {
		t.Fatalf("submit: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	mine := writer.get(s.post.Path)
	mustContain(t, "writer's view", mine.Body, "First time here", "awaiting moderation")
	if cc := mine.Header.Get("Cache-Control"); !strings.Contains(cc, "private") {
		t.Errorf("a page with a held reply is cacheable: %q", cc)
	}
	if other := stranger.get(s.post.Path); strings.Contains(other.Body, "First time here") {
		t.Error("a stranger sees the held reply")
	}
	// Approval makes it public for everyone; counts follow.
	id := strings.TrimPrefix(r.Header.Get("Location"), s.post.Path+"#comment-")
	admin := s.browser(t)
	admin.login("ada@example.com", "analytical engine")
	queue := admin.get("/admin/comments")
	mustContain(t, "moderation queue", queue.Body, "First time here", "nia@example.com", `<span class="badge"`, "Pending <span class=\"count\">(1)</span>")
	token := csrfRe.FindStringSubmatch(queue.Body)[1]
	res := admin.post("/admin/comments", url.Values{"csrf_token": {token}, "do": {"approve:" + id}, "back": {"/admin/comments?status=pending"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", res.StatusCode)
	}
	public := stranger.get(s.post.Path)
	mustContain(t, "after approval", public.Body, "First time here", "One reply", `id="comment-`+id+`"`)
	if strings.Contains(public.Body, "awaiting moderation") {
		t.Error("approved reply still marked as awaiting moderation")
	}
}

func TestReplyThreadNoScript(t *testing.T) {
	s := newReplySite(t)
	if _, err := s.svc.Site.SaveSettings(t.Context(), s.admin, blog.SettingsInput{"comment_moderation": blog.ModerateApproveAll}); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	r := s.send(t, b, s.replyForm(t, b, s.post.Path), map[string]string{"author": "Ola", "email": "ola@example.com", "url": "ola.example", "comment": "Top <b>level</b>"})
	first := strings.TrimPrefix(r.Header.Get("Location"), s.post.Path+"#comment-")
	// The Reply link works without scripts: ?replytocom sets the parent.
	replyPage := b.get(s.post.Path + "?replytocom=" + first)
	mustContain(t, "reply page", replyPage.Body, "Reply to Ola", `name="comment_parent" id="comment_parent" value="`+first+`"`, "Cancel reply")
	v := s.replyForm(t, b, s.post.Path+"?replytocom="+first)
	v.Set("comment_parent", first)
	r = s.send(t, b, v, map[string]string{"author": "Pia", "email": "pia@example.com", "comment": "An answer"})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("answer: %d %s", r.StatusCode, r.Body)
	}
	page := b.get(s.post.Path)
	mustContain(t, "thread", page.Body, "2 replies", `<ol class="children">`, "An answer", "Top &lt;b&gt;level&lt;/b&gt;",
		`<a class="p-name u-url" href="https://ola.example" rel="nofollow ugc noopener">Ola</a>`, `src="/identicon/`)
	if strings.Contains(page.Body, "ola@example.com") || strings.Contains(page.Body, "pia@example.com") {
		t.Error("an e-mail address appears on the public page")
	}
	avatar := between(page.Body, `<img class="avatar u-photo" src="`, `"`)
	if a := b.get(avatar); a.StatusCode != 200 || a.Header.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(a.Body, "<svg") {
		t.Errorf("identicon %s: %d %s", avatar, a.StatusCode, a.Header.Get("Content-Type"))
	}
	if list := b.get("/"); !strings.Contains(list.Body, "2 replies") {
		t.Error("the home page does not show the reply count")
	}
}

func TestModerationBulkAndEdit(t *testing.T) {
	s := newReplySite(t)
	b := s.browser(t)
	var ids []string
	for _, who := range []string{"One", "Two", "Three"} {
		r := s.send(t, b, s.replyForm(t, b, s.post.Path), map[string]string{"author": who, "email": strings.ToLower(who) + "@example.com", "comment": "words of " + who})
		ids = append(ids, strings.TrimPrefix(r.Header.Get("Location"), s.post.Path+"#comment-"))
	}
	admin := s.browser(t)
	admin.login("ada@example.com", "analytical engine")
	token := admin.csrf("/admin/comments")
	r := admin.post("/admin/comments", url.Values{"csrf_token": {token}, "do": {"bulk"}, "bulk_action": {"spam"}, "ids": {ids[0], ids[1]}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("bulk spam: %d", r.StatusCode)
	}
	spam := admin.get("/admin/comments?status=spam")
	mustContain(t, "spam tab", spam.Body, "words of One", "words of Two", "Spam <span class=\"count\">(2)</span>", "Delete forever")
	r = admin.post("/admin/comments", url.Values{"csrf_token": {token}, "do": {"bulk"}, "bulk_action": {"delete"}, "ids": {ids[0]}})
	if r.StatusCode != http.StatusSeeOther {
		t.Errorf("bulk delete: %d", r.StatusCode)
	}
	// Edit a reply and answer it as the writer.
	r = admin.post("/admin/comments/"+ids[2], url.Values{"csrf_token": {token}, "author": {"Three"}, "email": {"three@example.com"}, "comment": {"edited words"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", r.StatusCode, r.Body)
	}
	r = admin.post("/admin/comments/"+ids[2]+"/reply", url.Values{"csrf_token": {token}, "reply": {"Thanks for writing."}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("answer: %d %s", r.StatusCode, r.Body)
	}
	page := s.browser(t).get(s.post.Path)
	mustContain(t, "public page", page.Body, "edited words", "Thanks for writing.", `class="comment p-comment h-entry by-author"`, `<span class="badge">Author</span>`, "2 replies")
	// A reply refused by the editor keeps the typed text.
	r = admin.post("/admin/comments/"+ids[2], url.Values{"csrf_token": {token}, "author": {"Three"}, "email": {"bad"}, "comment": {"kept text"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "kept text") {
		t.Errorf("bad edit: %d", r.StatusCode)
	}
}

func TestUnsubscribeLink(t *testing.T) {
	s := newReplySite(t)
	b := s.browser(t)
	s.send(t, b, s.replyForm(t, b, s.post.Path), map[string]string{"author": "Sub", "email": "sub@example.com", "comment": "tell me", "notify": "1"})
	list, _, _ := s.svc.Discussion.ModerationQueue(t.Context(), s.admin, blog.CommentFilter{Statuses: []blog.CommentStatus{blog.CommentPending}})
	c := list[0]
	if !c.Notify {
		t.Fatal("notify box not stored")
	}
	link := "/comments/unsubscribe?id=" + itoa(c.ID) + "&token=" + s.svc.Discussion.UnsubscribeToken(c.ID)
	if r := b.get(link); r.StatusCode != 200 || !strings.Contains(r.Body, "Stop e-mails") {
		t.Errorf("GET unsubscribe: %d", r.StatusCode)
	}
	if got, _ := s.svc.Discussion.Comment(t.Context(), s.admin, c.ID); !got.Notify {
		t.Error("GET unsubscribed (mail scanners would)")
	}
	if r := b.post("/comments/unsubscribe", url.Values{"id": {itoa(c.ID)}, "token": {"forged"}}); r.StatusCode != http.StatusBadRequest {
		t.Errorf("forged unsubscribe: %d", r.StatusCode)
	}
	if r := b.post("/comments/unsubscribe", url.Values{"id": {itoa(c.ID)}, "token": {s.svc.Discussion.UnsubscribeToken(c.ID)}}); r.StatusCode != 200 {
		t.Errorf("unsubscribe: %d", r.StatusCode)
	}
	if got, _ := s.svc.Discussion.Comment(t.Context(), s.admin, c.ID); got.Notify {
		t.Error("still subscribed")
	}
}

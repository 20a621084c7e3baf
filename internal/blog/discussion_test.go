package blog_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"folio/internal/blog"
	"folio/internal/locale"
	"folio/internal/markdown"
	"folio/internal/store/sqlite"
	"folio/internal/testkit"
)

func TestModerate(t *testing.T) {
	base := blog.DefaultSettings().Discussion
	with := func(f func(d *blog.DiscussionSettings)) blog.DiscussionSettings { d := base; f(&d); return d }
	c := func(body string) *blog.Comment {
		return &blog.Comment{AuthorName: "Reader", AuthorEmail: "reader@example.com", Body: body, BodyHTML: "<p>" + body + "</p>", IP: "203.0.113.9", UserAgent: "TestBrowser/1"}
	}
	links := func(n int) *blog.Comment {
		cm := c("links")
		cm.BodyHTML = strings.Repeat(`<a href="https://x.example">x</a> `, n)
		return cm
	}
	tests := []struct {
		name  string
		d     blog.DiscussionSettings
		c     *blog.Comment
		known bool
		want  blog.CommentStatus
	}{
		{"first-time commenter is held", base, c("hello"), false, blog.CommentPending},
		{"known commenter appears at once", base, c("hello"), true, blog.CommentApproved},
		{"hold all holds known commenters", with(func(d *blog.DiscussionSettings) { d.Moderation = blog.ModerateHoldAll }), c("hello"), true, blog.CommentPending},
		{"approve all approves strangers", with(func(d *blog.DiscussionSettings) { d.Moderation = blog.ModerateApproveAll }), c("hello"), false, blog.CommentApproved},
		{"links at the limit pass", base, links(2), true, blog.CommentApproved},
		{"links over the limit are held", base, links(3), true, blog.CommentPending},
		{"zero links allowed", with(func(d *blog.DiscussionSettings) { d.MaxLinks = 0 }), links(1), true, blog.CommentPending},
		{"hold list word in text", with(func(d *blog.DiscussionSettings) { d.HoldList = "casino\n" }), c("Best CASINO deals"), true, blog.CommentPending},
		{"hold list IP", with(func(d *blog.DiscussionSettings) { d.HoldList = " 203.0.113.9 " }), c("hi"), true, blog.CommentPending},
		{"hold list e-mail", with(func(d *blog.DiscussionSettings) { d.HoldList = "reader@example.com" }), c("hi"), true, blog.CommentPending},
		{"hold list does not approve", with(func(d *blog.DiscussionSettings) { d.HoldList = "nothing-matches" }), c("hi"), false, blog.CommentPending},
		{"block list is spam even for known", with(func(d *blog.DiscussionSettings) { d.BlockList = "viagra" }), c("cheap Viagra"), true, blog.CommentSpam},
		{"block list user agent", with(func(d *blog.DiscussionSettings) { d.BlockList = "testbrowser" }), c("hi"), true, blog.CommentSpam},
		{"block list beats approve all", with(func(d *blog.DiscussionSettings) { d.Moderation = blog.ModerateApproveAll; d.BlockList = "203.0.113." }), c("hi"), false, blog.CommentSpam},
		{"blank list lines match nothing", with(func(d *blog.DiscussionSettings) { d.BlockList = "\n \n" }), c("hi"), true, blog.CommentApproved},
	}
	for _, tt := range tests {
		got, reason := blog.Moderate(tt.d, tt.c, tt.known)
		if got != tt.want {
			t.Errorf("%s: Moderate = %s (%s), want %s", tt.name, got, reason, tt.want)
		}
		if got != blog.CommentApproved && reason == "" {
			t.Errorf("%s: no reason given for %s", tt.name, got)
		}
	}
}

// replyFixture is a fixture with one published post open for replies.
type replyFixture struct {
	*fixture
	post *blog.Post
}

func newReplyFixture(t *testing.T) *replyFixture {
	f := newFixture(t)
	// Tests of the limit per address set it themselves.
	if _, err := f.svc.Site.SaveSettings(t.Context(), f.admin, blog.SettingsInput{"comment_per_minute": "0"}); err != nil {
		t.Fatal(err)
	}
	p := f.save(t, f.admin, 0, blog.PostInput{Title: "Open for replies", Body: "Say something.", CommentsOpen: true, PublishedAt: f.clock.Now().Add(-time.Hour)})
	return &replyFixture{fixture: f, post: p}
}

// submit sends a reply with a form token made 10 seconds earlier.
func (f *replyFixture) submit(t *testing.T, in blog.CommentInput) (*blog.Comment, error) {
	t.Helper()
	if in.PostID == 0 {
		in.PostID = f.post.ID
	}
	if in.FormToken == "" {
		in.FormToken = f.svc.Discussion.CommentFormToken(in.PostID)
		f.clock.Add(10 * time.Second)
	}
	return f.svc.Discussion.SubmitComment(t.Context(), in)
}

func (f *replyFixture) mustSubmit(t *testing.T, in blog.CommentInput) *blog.Comment {
	t.Helper()
	c, err := f.submit(t, in)
	if err != nil {
		t.Fatalf("SubmitComment(%q): %v", in.Body, err)
	}
	return c
}

func reader(name, body string) blog.CommentInput {
	return blog.CommentInput{Name: name, Email: strings.ToLower(name) + "@example.com", Body: body, IP: "198.51.100.7"}
}

func refusalReason(err error) blog.RefusalReason {
	var r *blog.Refusal
	if errors.As(err, &r) {
		return r.Reason
	}
	return ""
}

func TestSubmitCommentRefusals(t *testing.T) {
	f := newReplyFixture(t)
	ctx := t.Context()
	closed := f.save(t, f.admin, 0, blog.PostInput{Title: "Closed", CommentsOpen: false})
	draft := f.save(t, f.admin, 0, blog.PostInput{Title: "Draft", CommentsOpen: true, Status: blog.StatusDraft})

	otherPost := reader("Moved", "moved")
	otherPost.FormToken = f.svc.Discussion.CommentFormToken(closed.ID)
	honey := reader("Bot", "buy things")
	honey.Honeypot = "http://spam.example"
	forged := reader("Forger", "forged")
	forged.FormToken = fmt.Sprintf("%d.%d.AAAA", f.post.ID, f.clock.Now().Add(-time.Minute).Unix())

	tests := []struct {
		name   string
		in     blog.CommentInput
		reason blog.RefusalReason
		field  string
	}{
		{"closed post", blog.CommentInput{PostID: closed.ID, Name: "A", Email: "a@example.com", Body: "hi"}, "closed", ""},
		{"honeypot", honey, "honeypot", ""},
		{"token of another post", otherPost, "expired", ""},
		{"forged token", forged, "expired", ""},
		{"empty", reader("Empty", "   "), "", "comment"},
		{"too long", reader("Long", strings.Repeat("é", 10001)), "", "comment"},
		{"no name", blog.CommentInput{Email: "x@example.com", Body: "hi"}, "", "author"},
		{"no e-mail", blog.CommentInput{Name: "X", Body: "hi"}, "", "email"},
		{"bad e-mail", blog.CommentInput{Name: "X", Email: "x@", Body: "hi"}, "", "email"},
		{"bad website", blog.CommentInput{Name: "X", Email: "x@example.com", URL: "javascript:alert(1)", Body: "hi"}, "", "url"},
		{"unknown parent", blog.CommentInput{Name: "X", Email: "x@example.com", Body: "hi", ParentID: 999}, "", "comment_parent"},
	}
	for _, tt := range tests {
		_, err := f.submit(t, tt.in)
		if tt.reason != "" {
			if got := refusalReason(err); got != tt.reason {
				t.Errorf("%s: err = %v, want refusal %s", tt.name, err, tt.reason)
			}
			continue
		}
		var v *blog.ValidationError
		if !errors.As(err, &v) || v.Fields[tt.field].ID == "" {
			t.Errorf("%s: err = %v, want a message for %s", tt.name, err, tt.field)
		}
	}
	tooFast := reader("Quick", "fast")
	tooFast.FormToken = f.svc.Discussion.CommentFormToken(f.post.ID)
	f.clock.Add(2 * time.Second)
	if _, err := f.submit(t, tooFast); refusalReason(err) != "too_fast" {
		t.Errorf("a form sent after 2 s: err = %v, want too_fast", err)
	}
	if _, err := f.submit(t, blog.CommentInput{PostID: draft.ID, Name: "A", Email: "a@example.com", Body: "hi"}); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("reply to a draft err = %v, want ErrNotFound", err)
	}
	// Duplicates: the same text on the same post.
	f.mustSubmit(t, reader("Dup", "Same words"))
	if _, err := f.submit(t, reader("Dup2", "Same words")); refusalReason(err) != "duplicate" {
		t.Errorf("duplicate err = %v", err)
	}
	// Old posts close by the site-wide setting.
	if _, err := f.svc.Site.SaveSettings(ctx, f.admin, blog.SettingsInput{"comment_close_days": "1"}); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(48 * time.Hour)
	if _, err := f.submit(t, reader("Late", "late")); refusalReason(err) != "closed" {
		t.Errorf("reply after the closing age err = %v", err)
	}
	counts, _ := f.svc.Discussion.CommentCounts(ctx, 0)
	if counts[blog.CommentPending] != 1 || counts[blog.CommentApproved]+counts[blog.CommentSpam] != 0 {
		t.Errorf("refusals stored replies: %v", counts)
	}
}

func TestFirstTimeHoldThenKnown(t *testing.T) {
	f := newReplyFixture(t)
	ctx := t.Context()
	first := f.mustSubmit(t, reader("Ann", "First words"))
	if first.Status != blog.CommentPending {
		t.Fatalf("first reply status = %s", first.Status)
	}
	second := f.mustSubmit(t, reader("Ann", "Second words"))
	if second.Status != blog.CommentPending {
		t.Errorf("second reply before approval = %s, want pending", second.Status)
	}
	if err := f.svc.Discussion.ModerateComment(ctx, f.admin, first.ID, blog.ActionApprove); err != nil {
		t.Fatal(err)
	}
	third := f.mustSubmit(t, reader("ANN", "Third words"))
	if third.Status != blog.CommentApproved {
		t.Errorf("reply from a known address = %s, want approved", third.Status)
	}
	old := reader("Ann", "Old form")
	old.FormToken = f.svc.Discussion.CommentFormToken(f.post.ID)
	f.clock.Add(25 * time.Hour)
	if c, err := f.submit(t, old); err != nil || c.Status != blog.CommentPending {
		t.Errorf("reply with a day-old form = %v, %v; want held", c, err)
	}
	// The writer's own reply is approved and marked.
	own, err := f.submit(t, blog.CommentInput{Actor: f.admin, Body: "Thanks, all.", FormToken: "ignored for writers"})
	if err != nil || own.Status != blog.CommentApproved || !own.ByAuthor() || own.AuthorName != "Ada Admin" {
		t.Errorf("writer's reply = %+v, %v", own, err)
	}
}

func TestCommentStateChangesKeepCounts(t *testing.T) {
	f := newReplyFixture(t)
	ctx := t.Context()
	if _, err := f.svc.Site.SaveSettings(ctx, f.admin, blog.SettingsInput{"comment_moderation": blog.ModerateApproveAll}); err != nil {
		t.Fatal(err)
	}
	a := f.mustSubmit(t, reader("A", "one"))
	b := f.mustSubmit(t, reader("B", "two"))
	count := func() int {
		t.Helper()
		p, err := f.svc.Reading.PublicPost(ctx, f.post.ID)
		if err != nil {
			t.Fatal(err)
		}
		return p.CommentCount
	}
	status := func(id int64) blog.CommentStatus {
		c, err := f.svc.Discussion.Comment(ctx, f.admin, id)
		if err != nil {
			t.Fatal(err)
		}
		return c.Status
	}
	if count() != 2 {
		t.Fatalf("count = %d, want 2", count())
	}
	steps := []struct {
		id     int64
		action blog.CommentAction
		status blog.CommentStatus
		count  int
	}{
		{a.ID, blog.ActionUnapprove, blog.CommentPending, 1},
		{a.ID, blog.ActionApprove, blog.CommentApproved, 2},
		{a.ID, blog.ActionSpam, blog.CommentSpam, 1},
		{a.ID, blog.ActionRestore, blog.CommentApproved, 2},
		{b.ID, blog.ActionTrash, blog.CommentTrash, 1},
		{b.ID, blog.ActionRestore, blog.CommentApproved, 2},
		{b.ID, blog.ActionUnapprove, blog.CommentPending, 1},
		{b.ID, blog.ActionTrash, blog.CommentTrash, 1},
		{b.ID, blog.ActionRestore, blog.CommentPending, 1},
		{a.ID, blog.ActionApprove, blog.CommentApproved, 1},
	}
	for i, st := range steps {
		if err := f.svc.Discussion.ModerateComment(ctx, f.admin, st.id, st.action); err != nil {
			t.Fatalf("step %d %s: %v", i, st.action, err)
		}
		if got := status(st.id); got != st.status {
			t.Errorf("step %d %s: status %s, want %s", i, st.action, got, st.status)
		}
		if got := count(); got != st.count {
			t.Errorf("step %d %s: count %d, want %d", i, st.action, got, st.count)
		}
	}
	if err := f.svc.Discussion.ModerateComment(ctx, f.admin, a.ID, blog.ActionDelete); err == nil {
		t.Error("deleting an approved reply for good was allowed")
	}
	f.svc.Discussion.ModerateComment(ctx, f.admin, a.ID, blog.ActionTrash)
	if err := f.svc.Discussion.ModerateComment(ctx, f.admin, a.ID, blog.ActionDelete); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Discussion.Comment(ctx, f.admin, a.ID); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("deleted reply: %v", err)
	}
	if count() != 0 {
		t.Errorf("count after delete = %d", count())
	}
	// Authors moderate only replies to their own posts.
	author := f.user(t, "Bob Author", blog.RoleAuthor)
	if err := f.svc.Discussion.ModerateComment(ctx, author, b.ID, blog.ActionApprove); !errors.Is(err, blog.ErrForbidden) {
		t.Errorf("author moderating another's post err = %v", err)
	}
}

func TestThreadDepthAndOrder(t *testing.T) {
	f := newReplyFixture(t)
	ctx := t.Context()
	if _, err := f.svc.Site.SaveSettings(ctx, f.admin, blog.SettingsInput{"comment_moderation": blog.ModerateApproveAll, "comment_depth": "3"}); err != nil {
		t.Fatal(err)
	}
	root := f.mustSubmit(t, reader("Root", "root"))
	parent := root
	var chain []*blog.Comment
	for i := range 4 {
		in := reader(fmt.Sprint("Level", i+1), fmt.Sprint("level ", i+1))
		in.ParentID = parent.ID
		c := f.mustSubmit(t, in)
		chain = append(chain, c)
		parent = c
	}
	wantDepth := []int{1, 2, 2, 2}
	for i, c := range chain {
		if c.Depth != wantDepth[i] {
			t.Errorf("reply %d depth = %d, want %d", i+1, c.Depth, wantDepth[i])
		}
	}
	if chain[2].ParentID != chain[0].ID || chain[3].ParentID != chain[0].ID {
		t.Errorf("too-deep replies attach to %d and %d, want %d", chain[2].ParentID, chain[3].ParentID, chain[0].ID)
	}
	second := f.mustSubmit(t, reader("Second", "second top-level"))
	th, err := f.svc.Discussion.Thread(ctx, mustPublic(t, f), 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(th.Comments) != 2 || th.Comments[0].ID != root.ID || th.Comments[1].ID != second.ID || th.Count != 6 {
		t.Fatalf("thread = %d top-level (count %d)", len(th.Comments), th.Count)
	}
	lvl1 := th.Comments[0].Replies
	if len(lvl1) != 1 || len(lvl1[0].Replies) != 3 {
		t.Errorf("nesting = %d / %d, want 1 / 3", len(lvl1), len(lvl1[0].Replies))
	}
	// Newest first reverses the top level only; pagination splits it.
	if _, err := f.svc.Site.SaveSettings(ctx, f.admin, blog.SettingsInput{"comment_newest_first": "true", "comments_per_page": "1"}); err != nil {
		t.Fatal(err)
	}
	th, err = f.svc.Discussion.Thread(ctx, mustPublic(t, f), 1, nil)
	if err != nil || th.Pages != 2 || th.Comments[0].ID != second.ID {
		t.Errorf("newest-first page 1 = %+v, %v", th, err)
	}
	th, _ = f.svc.Discussion.Thread(ctx, mustPublic(t, f), 2, nil)
	if th.Comments[0].ID != root.ID || len(th.Comments[0].Replies) != 1 {
		t.Errorf("page 2 = %+v", th.Comments[0])
	}
	if _, err := f.svc.Discussion.Thread(ctx, mustPublic(t, f), 3, nil); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("page past the end err = %v", err)
	}
}

func mustPublic(t *testing.T, f *replyFixture) *blog.Post {
	t.Helper()
	p, err := f.svc.Reading.PublicPost(t.Context(), f.post.ID)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestThreadShowsHeldRepliesOnlyToTheirWriter(t *testing.T) {
	f := newReplyFixture(t)
	held := f.mustSubmit(t, reader("New", "waiting"))
	other := f.mustSubmit(t, reader("Other", "also waiting"))
	th, _ := f.svc.Discussion.Thread(t.Context(), mustPublic(t, f), 1, nil)
	if len(th.Comments) != 0 {
		t.Errorf("a stranger sees %d held replies", len(th.Comments))
	}
	th, _ = f.svc.Discussion.Thread(t.Context(), mustPublic(t, f), 1, []int64{held.ID, 12345})
	if len(th.Comments) != 1 || th.Comments[0].ID != held.ID || !th.Comments[0].Pending {
		t.Errorf("the writer sees %+v", th.Comments)
	}
	_ = other
}

// TestPagedThreadPlacesHeldReplies checks where a writer sees their own
// held replies on a paginated thread: an answer under the reply it
// answers, on that reply's page; a new reply with the newest ones.
func TestPagedThreadPlacesHeldReplies(t *testing.T) {
	f := newReplyFixture(t)
	ctx := t.Context()
	if _, err := f.svc.Site.SaveSettings(ctx, f.admin, blog.SettingsInput{"comment_moderation": blog.ModerateApproveAll, "comments_per_page": "2"}); err != nil {
		t.Fatal(err)
	}
	var top []*blog.Comment
	for i := range 5 {
		top = append(top, f.mustSubmit(t, reader(fmt.Sprint("R", i), fmt.Sprint("reply ", i))))
	}
	if _, err := f.svc.Site.SaveSettings(ctx, f.admin, blog.SettingsInput{"comment_moderation": blog.ModerateHoldAll}); err != nil {
		t.Fatal(err)
	}
	in := reader("Held", "an answer to the first")
	in.ParentID = top[0].ID
	answer := f.mustSubmit(t, in)
	fresh := f.mustSubmit(t, reader("Held", "a new reply"))
	mine := []int64{answer.ID, fresh.ID}
	tests := []struct {
		page       int
		top        []int64 // top-level replies shown, in order
		answerHere bool
	}{
		{1, []int64{top[0].ID, top[1].ID}, true},
		{2, []int64{top[2].ID, top[3].ID}, false},
		{3, []int64{top[4].ID, fresh.ID}, false},
	}
	for _, tt := range tests {
		th, err := f.svc.Discussion.Thread(ctx, mustPublic(t, f), tt.page, mine)
		if err != nil {
			t.Fatalf("page %d: %v", tt.page, err)
		}
		var ids []int64
		for _, c := range th.Comments {
			ids = append(ids, c.ID)
		}
		if fmt.Sprint(ids) != fmt.Sprint(tt.top) || th.Pages != 3 {
			t.Errorf("page %d shows %v of %d pages, want %v of 3", tt.page, ids, th.Pages, tt.top)
		}
		here := len(th.Comments) > 0 && len(th.Comments[0].Replies) == 1 && th.Comments[0].Replies[0].ID == answer.ID
		if here != tt.answerHere {
			t.Errorf("page %d: the held answer shown under its reply = %v, want %v", tt.page, here, tt.answerHere)
		}
	}
}

func TestPurgeComments(t *testing.T) {
	f := newReplyFixture(t)
	ctx := t.Context()
	if _, err := f.svc.Site.SaveSettings(ctx, f.admin, blog.SettingsInput{"comment_moderation": blog.ModerateApproveAll}); err != nil {
		t.Fatal(err)
	}
	keep := f.mustSubmit(t, reader("Keep", "keep me"))
	spam := f.mustSubmit(t, reader("Spam", "spam me"))
	trash := f.mustSubmit(t, reader("Trash", "trash me"))
	answer := f.mustSubmit(t, blog.CommentInput{Name: "Answer", Email: "ans@example.com", Body: "to the trash", ParentID: trash.ID})
	f.svc.Discussion.ModerateComment(ctx, f.admin, spam.ID, blog.ActionSpam)
	f.svc.Discussion.ModerateComment(ctx, f.admin, trash.ID, blog.ActionTrash)
	f.clock.Add(29 * 24 * time.Hour)
	if d, _, _ := f.svc.Discussion.PurgeComments(ctx); d != 0 {
		t.Errorf("purged %d before 30 days", d)
	}
	f.clock.Add(2 * 24 * time.Hour)
	d, _, err := f.svc.Discussion.PurgeComments(ctx)
	if err != nil || d == 0 {
		t.Fatalf("PurgeComments = %d, %v", d, err)
	}
	for _, id := range []int64{spam.ID, trash.ID} {
		if _, err := f.svc.Discussion.Comment(ctx, f.admin, id); !errors.Is(err, blog.ErrNotFound) {
			t.Errorf("reply %d survived the purge", id)
		}
	}
	a, err := f.svc.Discussion.Comment(ctx, f.admin, answer.ID)
	if err != nil || a.ParentID != 0 {
		t.Errorf("answer to a purged reply = %+v, %v", a, err)
	}
	// IP addresses and browsers are forgotten after the privacy age.
	f.clock.Add(90 * 24 * time.Hour)
	_, cleared, _ := f.svc.Discussion.PurgeComments(ctx)
	k, _ := f.svc.Discussion.Comment(ctx, f.admin, keep.ID)
	if cleared == 0 || k.IP != "" || k.UserAgent != "" {
		t.Errorf("after the privacy age: cleared %d, IP %q", cleared, k.IP)
	}
}

func TestUnsubscribe(t *testing.T) {
	f := newReplyFixture(t)
	in := reader("Sub", "tell me")
	in.Notify = true
	c := f.mustSubmit(t, in)
	if err := f.svc.Discussion.Unsubscribe(t.Context(), c.ID, "wrong"); !errors.Is(err, blog.ErrForbidden) {
		t.Errorf("wrong token err = %v", err)
	}
	if err := f.svc.Discussion.Unsubscribe(t.Context(), c.ID, f.svc.Discussion.UnsubscribeToken(c.ID)); err != nil {
		t.Fatal(err)
	}
	got, _ := f.svc.Discussion.Comment(t.Context(), f.admin, c.ID)
	if got.Notify {
		t.Error("still subscribed")
	}
}

// TestReplyLimitPerAddress counts an address's replies in the store over
// a sliding minute: the sixth in a minute is refused, refused replies do
// not count, and the writer's own answers are never limited.
func TestReplyLimitPerAddress(t *testing.T) {
	f := newReplyFixture(t)
	if _, err := f.svc.Site.SaveSettings(t.Context(), f.admin, blog.SettingsInput{"comment_per_minute": "5", "comment_moderation": blog.ModerateApproveAll}); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		f.mustSubmit(t, reader("Quick", fmt.Sprint("reply ", i)))
	}
	_, err := f.submit(t, reader("Quick", "reply 5"))
	if refusalReason(err) != blog.RefusedRate {
		t.Fatalf("sixth reply in under a minute: %v, want a rate refusal", err)
	}
	other := reader("Other", "from elsewhere")
	other.IP = "203.0.113.50"
	f.mustSubmit(t, other)
	writer := blog.CommentInput{Actor: f.admin, Body: "The writer answers.", IP: "198.51.100.7"}
	f.mustSubmit(t, writer)
	// Two minutes on, the address may reply again.
	f.clock.Add(2 * time.Minute)
	f.mustSubmit(t, reader("Quick", "reply after a pause"))
}

// slowSpam is a spam service that answers only when released.
type slowSpam struct {
	asked   chan struct{}
	release chan struct{}
}

func (s *slowSpam) IsSpam(ctx context.Context, d blog.DiscussionSettings, siteURL string, post *blog.Post, c *blog.Comment) (bool, error) {
	s.asked <- struct{}{}
	<-s.release
	return true, nil
}

// TestSpamCheckHoldsNoTransaction asks a spam service that does not
// answer: while it waits, other writes go through (on SQLite, one
// writer serves every write, so a check inside a transaction would stop
// them all), and its verdict still decides the reply's status.
func TestSpamCheckHoldsNoTransaction(t *testing.T) {
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "folio.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	spam := &slowSpam{asked: make(chan struct{}, 1), release: make(chan struct{})}
	svc, err := blog.New(t.Context(), st, blog.Options{Words: locale.MustLoad(), Renderer: markdown.NewPosts(), CommentRenderer: markdown.NewComments(),
		Hasher: testkit.Hasher(), SpamChecker: spam})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	admin, err := svc.Accounts.SetupAdmin(ctx, blog.UserInput{Name: "Ada", Email: "ada@example.com", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Site.SaveSettings(ctx, admin, blog.SettingsInput{"akismet_endpoint": "https://spam.example", "comment_min_seconds": "0"}); err != nil {
		t.Fatal(err)
	}
	post, err := svc.Writing.SavePost(ctx, admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "Open", Body: "Hi.", Status: blog.StatusPublished, CommentsOpen: true})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan *blog.Comment, 1)
	go func() {
		in := reader("Waiting", "Is this spam?")
		in.PostID, in.FormToken = post.ID, svc.Discussion.CommentFormToken(post.ID)
		c, err := svc.Discussion.SubmitComment(ctx, in)
		if err != nil {
			t.Error(err)
		}
		done <- c
	}()
	<-spam.asked
	wrote := make(chan error, 1)
	go func() {
		_, err := svc.Writing.SavePost(ctx, admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "Meanwhile", Body: "Written.", Status: blog.StatusPublished})
		wrote <- err
	}()
	select {
	case err := <-wrote:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a write waited for the spam service")
	}
	close(spam.release)
	if c := <-done; c == nil || c.Status != blog.CommentSpam {
		t.Errorf("the reply after the service's verdict: %+v", c)
	}
}

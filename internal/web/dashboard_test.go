package web_test

import (
	"testing"
	"time"

	"folio/internal/blog"
)

// TestDashboard: /admin/ lists the writer's drafts and scheduled posts,
// the replies waiting and the latest ones, and for an administrator what
// the site still needs.
func TestDashboard(t *testing.T) {
	s := newSiteWithAdmin(t)
	ctx := t.Context()
	save := func(in blog.PostInput) *blog.Post {
		t.Helper()
		in.Kind = blog.KindPost
		p, err := s.svc.Writing.SavePost(ctx, s.admin, 0, in)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	save(blog.PostInput{Title: "Half a thought", Status: blog.StatusDraft})
	save(blog.PostInput{Title: "Tomorrow's note", Status: blog.StatusPublished, PublishedAt: s.clock.Now().Add(24 * time.Hour)})
	live := save(blog.PostInput{Title: "Out now", Status: blog.StatusPublished, CommentsOpen: true})
	if _, err := s.svc.Site.SaveSettings(ctx, s.admin, blog.SettingsInput{"comment_min_seconds": "0", "comment_moderation": blog.ModerateHoldAll}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.Discussion.SubmitComment(ctx, blog.CommentInput{PostID: live.ID, Name: "Reader", Email: "r@example.com", Body: "Hello",
		FormToken: s.svc.Discussion.CommentFormToken(live.ID)}); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	b.login("ada@example.com", "analytical engine")
	r := b.get("/admin/")
	if r.StatusCode != 200 {
		t.Fatalf("/admin/: %d", r.StatusCode)
	}
	mustContain(t, "the dashboard", r.Body, "Half a thought", "Tomorrow&#39;s note", "goes live", "1 reply waits",
		`href="/admin/comments?status=pending"`, "The site&#39;s address is not set", "E-mail is off", "Scheduled backups are off",
		"1 post is published")
}

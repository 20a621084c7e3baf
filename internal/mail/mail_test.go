package mail_test

import (
	"mime"
	netmail "net/mail"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"folio/internal/blog"
	"folio/internal/locale"
	"folio/internal/mail"
	"folio/internal/markdown"
	"folio/internal/store/sqlite"
	"folio/internal/testkit"
)

func TestReplyMailEndToEnd(t *testing.T) {
	box := testkit.StartInbox(t)
	port := box.Port
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "folio.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c := testkit.NewClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	svc, err := blog.New(t.Context(), st, blog.Options{Words: locale.MustLoad(), Now: c.Now, Renderer: markdown.NewPosts(), CommentRenderer: markdown.NewComments(),
		Hasher: testkit.Hasher(), Mailer: &mail.SMTP{}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	admin, err := svc.Accounts.SetupAdmin(ctx, blog.UserInput{Name: "Wren Writer", Email: "wren@example.com", Password: "0123456789"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Site.SaveSettings(ctx, admin, blog.SettingsInput{"title": "Wren's Notes", "base_url": "https://notes.example",
		"smtp_host": "127.0.0.1", "smtp_port": strconv.Itoa(port), "smtp_from": "Wren's Notes <notes@example.com>"}); err != nil {
		t.Fatal(err)
	}
	post, err := svc.Writing.SavePost(ctx, admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "Birds in March", Status: blog.StatusPublished, CommentsOpen: true})
	if err != nil {
		t.Fatal(err)
	}
	submit := func(in blog.CommentInput) *blog.Comment {
		t.Helper()
		in.PostID, in.FormToken = post.ID, svc.Discussion.CommentFormToken(post.ID)
		c.Add(time.Minute)
		cm, err := svc.Discussion.SubmitComment(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return cm
	}
	first := submit(blog.CommentInput{Name: "Ava", Email: "ava@example.com", Body: "I saw a wren today.", Notify: true})
	if err := svc.Discussion.ModerateComment(ctx, admin, first.ID, blog.ActionApprove); err != nil {
		t.Fatal(err)
	}
	answer := submit(blog.CommentInput{Name: "Ben", Email: "ben@example.com", Body: "So did I!", ParentID: first.ID})
	if answer.Status != blog.CommentPending {
		t.Fatalf("answer status %s", answer.Status)
	}
	if err := svc.Discussion.ModerateComment(ctx, admin, answer.ID, blog.ActionApprove); err != nil {
		t.Fatal(err)
	}
	// Nothing is sent until the outbox is delivered: requests never wait.
	if n := len(box.All()); n != 0 {
		t.Fatalf("%d messages sent during requests", n)
	}
	sent, err := svc.Outbox.DeliverMail(ctx)
	if err != nil || sent != 3 {
		t.Fatalf("DeliverMail = %d, %v", sent, err)
	}
	msgs := box.All()
	find := func(to, subject string) string {
		t.Helper()
		for _, m := range msgs {
			parsed, err := netmail.ReadMessage(strings.NewReader(m.Data))
			if err != nil {
				t.Fatal(err)
			}
			subj, err := new(mime.WordDecoder).DecodeHeader(parsed.Header.Get("Subject"))
			if err != nil {
				t.Fatal(err)
			}
			if len(m.To) == 1 && m.To[0] == to && strings.Contains(subj, subject) {
				return m.Data
			}
		}
		t.Errorf("no message to %s with %q among %d", to, subject, len(msgs))
		return ""
	}
	held := find("wren@example.com", "awaits moderation")
	if !strings.Contains(held, "I saw a wren today.") || !strings.Contains(held, "https://notes.example/admin/comments?status=pending") {
		t.Errorf("held-reply mail:\n%s", held)
	}
	find("wren@example.com", "awaits moderation") // Ben's answer was held too
	toAva := find("ava@example.com", "answered you")
	link := "https://notes.example/comments/unsubscribe?id=" + strconv.FormatInt(first.ID, 10) + "&token=" + svc.Discussion.UnsubscribeToken(first.ID)
	if !strings.Contains(toAva, "So did I!") || !strings.Contains(toAva, link) || !strings.Contains(toAva, "From: \"Wren's Notes\" <notes@example.com>") {
		t.Errorf("answer mail:\n%s", toAva)
	}
	if !strings.Contains(toAva, "Content-Type: text/plain; charset=utf-8") || !strings.Contains(toAva, "Subject: =?utf-8?q?") {
		t.Errorf("answer mail headers:\n%s", toAva)
	}
	if sent, _ := svc.Outbox.DeliverMail(ctx); sent != 0 {
		t.Errorf("second delivery sent %d again", sent)
	}

	// A refusing server leaves the mail queued for a later attempt.
	box.Refuse(true)
	submit(blog.CommentInput{Name: "Cy", Email: "cy@example.com", Body: "Third."})
	if sent, err := svc.Outbox.DeliverMail(ctx); sent != 0 || err == nil || !strings.Contains(err.Error(), "retry in") {
		t.Fatalf("delivery to a refusing server = %d, %v", sent, err)
	}
	box.Refuse(false)
	if sent, _ := svc.Outbox.DeliverMail(ctx); sent != 0 {
		t.Errorf("retried before its time: %d", sent)
	}
	c.Add(3 * time.Minute)
	if sent, err := svc.Outbox.DeliverMail(ctx); sent != 1 || err != nil {
		t.Errorf("retry = %d, %v", sent, err)
	}
}

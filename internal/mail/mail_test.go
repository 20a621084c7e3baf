package mail_test

import (
	"io"
	"mime"
	"net"
	netmail "net/mail"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"folio/internal/blog"
	"folio/internal/mail"
	"folio/internal/markdown"
	"folio/internal/store/sqlite"
	"folio/internal/testkit"
)

// received is one message the in-process SMTP server accepted.
type received struct {
	from string
	to   []string
	data string
}

// inbox is a real SMTP server on a loopback port that keeps what it gets.
type inbox struct {
	mu       sync.Mutex
	messages []received
	refuse   bool
}

type session struct {
	box *inbox
	msg received
}

func (s *session) Reset()        { s.msg = received{} }
func (s *session) Logout() error { return nil }
func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.box.refusing() {
		return &smtp.SMTPError{Code: 451, Message: "try again later"}
	}
	s.msg.from = from
	return nil
}
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.msg.to = append(s.msg.to, to)
	return nil
}
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.msg.data = string(b)
	s.box.mu.Lock()
	s.box.messages = append(s.box.messages, s.msg)
	s.box.mu.Unlock()
	return nil
}

func (b *inbox) refusing() bool { b.mu.Lock(); defer b.mu.Unlock(); return b.refuse }

func (b *inbox) all() []received {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]received(nil), b.messages...)
}

func startInbox(t *testing.T) (*inbox, int) {
	box := &inbox{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{box: box}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return box, ln.Addr().(*net.TCPAddr).Port
}

func TestReplyMailEndToEnd(t *testing.T) {
	box, port := startInbox(t)
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "folio.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c := testkit.NewClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	svc, err := blog.New(t.Context(), st, blog.Options{Now: c.Now, Renderer: markdown.NewPosts(), CommentRenderer: markdown.NewComments(),
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
	if n := len(box.all()); n != 0 {
		t.Fatalf("%d messages sent during requests", n)
	}
	sent, err := svc.Outbox.DeliverMail(ctx)
	if err != nil || sent != 3 {
		t.Fatalf("DeliverMail = %d, %v", sent, err)
	}
	msgs := box.all()
	find := func(to, subject string) string {
		t.Helper()
		for _, m := range msgs {
			parsed, err := netmail.ReadMessage(strings.NewReader(m.data))
			if err != nil {
				t.Fatal(err)
			}
			subj, err := new(mime.WordDecoder).DecodeHeader(parsed.Header.Get("Subject"))
			if err != nil {
				t.Fatal(err)
			}
			if len(m.to) == 1 && m.to[0] == to && strings.Contains(subj, subject) {
				return m.data
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
	box.mu.Lock()
	box.refuse = true
	box.mu.Unlock()
	submit(blog.CommentInput{Name: "Cy", Email: "cy@example.com", Body: "Third."})
	if sent, err := svc.Outbox.DeliverMail(ctx); sent != 0 || err == nil || !strings.Contains(err.Error(), "retry in") {
		t.Fatalf("delivery to a refusing server = %d, %v", sent, err)
	}
	box.mu.Lock()
	box.refuse = false
	box.mu.Unlock()
	if sent, _ := svc.Outbox.DeliverMail(ctx); sent != 0 {
		t.Errorf("retried before its time: %d", sent)
	}
	c.Add(3 * time.Minute)
	if sent, err := svc.Outbox.DeliverMail(ctx); sent != 1 || err != nil {
		t.Errorf("retry = %d, %v", sent, err)
	}
}

package testkit

import (
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Received is one message an Inbox accepted.
type Received struct {
	From string
	To   []string
	Data string
}

// Inbox is a real SMTP server on a loopback port that keeps what it
// gets, for tests of the mail folio sends.
type Inbox struct {
	Port int

	mu       sync.Mutex
	messages []Received
	refuse   bool
	arrived  chan struct{}
}

// StartInbox starts an Inbox for the test.
func StartInbox(t testing.TB) *Inbox {
	t.Helper()
	box := &Inbox{arrived: make(chan struct{}, 100)}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &inboxSession{box: box}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	box.Port = ln.Addr().(*net.TCPAddr).Port
	return box
}

// Refuse makes the server refuse (451) new messages while on.
func (b *Inbox) Refuse(on bool) { b.mu.Lock(); b.refuse = on; b.mu.Unlock() }

// All returns the messages accepted so far.
func (b *Inbox) All() []Received {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Received(nil), b.messages...)
}

// Wait returns the messages once there are at least n, or false after d.
func (b *Inbox) Wait(n int, d time.Duration) ([]Received, bool) {
	deadline := time.After(d)
	for {
		if all := b.All(); len(all) >= n {
			return all, true
		}
		select {
		case <-b.arrived:
		case <-deadline:
			return b.All(), false
		}
	}
}

type inboxSession struct {
	box *Inbox
	msg Received
}

func (s *inboxSession) Reset()        { s.msg = Received{} }
func (s *inboxSession) Logout() error { return nil }
func (s *inboxSession) Mail(from string, _ *smtp.MailOptions) error {
	s.box.mu.Lock()
	refuse := s.box.refuse
	s.box.mu.Unlock()
	if refuse {
		return &smtp.SMTPError{Code: 451, Message: "try again later"}
	}
	s.msg.From = from
	return nil
}
func (s *inboxSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.msg.To = append(s.msg.To, to)
	return nil
}
func (s *inboxSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.msg.Data = string(b)
	s.box.mu.Lock()
	s.box.messages = append(s.box.messages, s.msg)
	s.box.mu.Unlock()
	select {
	case s.box.arrived <- struct{}{}:
	default:
	}
	return nil
}

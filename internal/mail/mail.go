// Package mail sends folio's e-mail over SMTP with the standard library:
// STARTTLS when the server offers it (required before a password is
// sent), PLAIN authentication when a user name is set, and a bounded time
// for the whole conversation.
package mail

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"strconv"
	"strings"
	"time"

	"folio/internal/blog"
)

// timeout bounds one delivery, from dialling to QUIT.
const timeout = 30 * time.Second

// SMTP implements blog.Mailer.
type SMTP struct {
	// TLSConfig is used for STARTTLS; nil verifies the server's name
	// against the system roots.
	TLSConfig *tls.Config
}

var _ blog.Mailer = (*SMTP)(nil)

// Send delivers m with the SMTP settings in d.
func (s *SMTP) Send(ctx context.Context, d blog.DiscussionSettings, m *blog.Mail) error {
	from, err := mail.ParseAddress(d.SMTPFrom)
	if err != nil {
		return fmt.Errorf("sender %q: %w", d.SMTPFrom, err)
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return fmt.Errorf("recipient %q: %w", m.To, err)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	addr := net.JoinHostPort(d.SMTPHost, strconv.Itoa(d.SMTPPort))
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	c, err := smtp.NewClient(conn, d.SMTPHost)
	if err != nil {
		return err
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		cfg := s.TLSConfig
		if cfg == nil {
			cfg = &tls.Config{ServerName: d.SMTPHost}
		}
		if err := c.StartTLS(cfg); err != nil {
			return fmt.Errorf("starttls: %w", err)
		}
	}
	if d.SMTPUsername != "" {
		// smtp.PlainAuth refuses to send the password over an
		// unencrypted connection to anything but localhost.
		if err := c.Auth(smtp.PlainAuth("", d.SMTPUsername, d.SMTPPassword, d.SMTPHost)); err != nil {
			return fmt.Errorf("auth: %w", err)
		}
	}
	if err := c.Mail(from.Address); err != nil {
		return err
	}
	if err := c.Rcpt(to.Address); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(Message(from, to, m.Subject, m.Body, time.Now())); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// Message formats a plain-text UTF-8 e-mail with CRLF line ends.
func Message(from, to *mail.Address, subject, body string, date time.Time) []byte {
	id := make([]byte, 12)
	rand.Read(id)
	domain := "folio.invalid"
	if _, host, ok := strings.Cut(from.Address, "@"); ok {
		domain = host
	}
	var b strings.Builder
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", from.String())
	header("To", to.String())
	header("Subject", mime.QEncoding.Encode("utf-8", subject))
	header("Date", date.Format(time.RFC1123Z))
	header("Message-ID", "<"+hex.EncodeToString(id)+"@"+domain+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "8bit")
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	body = strings.ReplaceAll(body, "\r\n", "\n")
	for _, line := range strings.Split(body, "\n") {
		// A lone dot is escaped by the SMTP client; long lines are left
		// to the server's 998-byte rule, which plain prose stays under.
		b.WriteString(line + "\r\n")
	}
	return []byte(b.String())
}

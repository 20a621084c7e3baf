package blog

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Outbox delivery limits.
const (
	mailBatch       = 20
	mailMaxAttempts = 8
	mailMaxBackoff  = 6 * time.Hour
	// mailLease is how long a process that took a message may take to
	// send it before another may try.
	mailLease = 10 * time.Minute
)

// Outbox sends the e-mail that writes queued, in the background, so no
// request waits for a mail server.
type Outbox struct {
	*core
	mail   MailStore
	mailer Mailer
}

// DeliverMail sends the outbox's due e-mail and returns how many went
// out. A failed message is retried later with growing pauses and dropped
// after a few attempts; the returned error lists what failed. Messages
// are taken from the outbox for a while before sending, so when several
// processes share the database each message is sent by one of them.
func (s *Outbox) DeliverMail(ctx context.Context) (int, error) {
	d := s.current().Discussion
	if s.mailer == nil || !d.EmailEnabled() {
		return 0, nil
	}
	due, err := s.takeMail(ctx)
	if err != nil {
		return 0, fmt.Errorf("load outbox: %w", err)
	}
	sent := 0
	var errs []error
	for _, m := range due {
		err := s.mailer.Send(ctx, d, m)
		if err == nil {
			sent++
			if err := s.mail.DeleteMail(ctx, m.ID); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		m.Attempts++
		m.LastError = err.Error()
		if m.Attempts >= mailMaxAttempts {
			errs = append(errs, fmt.Errorf("gave up on mail to %s after %d attempts: %w", m.To, m.Attempts, err))
			if err := s.mail.DeleteMail(ctx, m.ID); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		backoff := min(time.Minute<<m.Attempts, mailMaxBackoff)
		m.NextAttemptAt = s.stamp().Add(backoff)
		errs = append(errs, fmt.Errorf("mail to %s failed (attempt %d, retry in %s): %w", m.To, m.Attempts, backoff, err))
		if err := s.mail.UpdateMail(ctx, m); err != nil {
			errs = append(errs, err)
		}
	}
	return sent, errors.Join(errs...)
}

// takeMail returns the due messages after moving their next attempt
// mailLease ahead, in one transaction.
func (s *Outbox) takeMail(ctx context.Context) ([]*Mail, error) {
	now := s.stamp()
	// A read first, so the common case takes no write lock.
	if due, err := s.mail.DueMail(ctx, now, 1); err != nil || len(due) == 0 {
		return nil, err
	}
	var due []*Mail
	err := s.tx.Atomic(ctx, func(tx Tx) error {
		var err error
		if due, err = tx.DueMail(ctx, now, mailBatch); err != nil {
			return err
		}
		for _, m := range due {
			taken := *m
			taken.NextAttemptAt = now.Add(mailLease)
			if err := tx.UpdateMail(ctx, &taken); err != nil {
				return err
			}
		}
		return nil
	})
	return due, err
}

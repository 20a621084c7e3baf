package blog

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
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

// queueNewCommentMail tells the post's writer about a new reply (approved
// or held, never spam) and, for an approved answer, the reader it
// answers.
func (s *Service) queueNewCommentMail(ctx context.Context, tx Store, post *Post, c *Comment) error {
	st := s.Settings()
	if !st.Discussion.EmailEnabled() || c.Status == CommentSpam {
		return nil
	}
	writer, err := tx.User(ctx, post.AuthorID)
	if err != nil {
		return err
	}
	if writer.Email != c.AuthorEmail {
		subject := fmt.Sprintf("[%s] New reply to “%s”", st.Title, post.Title)
		action := "Read it: " + s.absolute(post.Path) + "#comment-" + strconv.FormatInt(c.ID, 10)
		if c.Status == CommentPending {
			subject = fmt.Sprintf("[%s] Reply to “%s” awaits moderation", st.Title, post.Title)
			action = "Approve or remove it: " + s.absolute("/admin/comments?status=pending")
		}
		body := fmt.Sprintf("%s wrote on “%s”:\n\n%s\n\n%s\n", c.AuthorName, post.Title, c.Body, action)
		if err := s.enqueue(ctx, tx, writer.Email, subject, body); err != nil {
			return err
		}
	}
	if c.Status == CommentApproved {
		return s.queueReplyMail(ctx, tx, post, c)
	}
	return nil
}

// queueReplyMail tells the reader c answers, when they asked to be told.
func (s *Service) queueReplyMail(ctx context.Context, tx Store, post *Post, c *Comment) error {
	st := s.Settings()
	if !st.Discussion.EmailEnabled() || c.ParentID == 0 {
		return nil
	}
	parent, err := tx.Comment(ctx, c.ParentID)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if !parent.Notify || parent.AuthorEmail == "" || parent.AuthorEmail == c.AuthorEmail {
		return nil
	}
	unsubscribe := s.absolute(fmt.Sprintf("/comments/unsubscribe?id=%d&token=%s", parent.ID, s.UnsubscribeToken(parent.ID)))
	subject := fmt.Sprintf("[%s] %s answered you on “%s”", st.Title, c.AuthorName, post.Title)
	body := fmt.Sprintf("%s answered your reply on “%s”:\n\n%s\n\nRead the conversation: %s#comment-%d\n\n"+
		"You get this because you asked to be told of answers. Stop these e-mails with one click: %s\n",
		c.AuthorName, post.Title, c.Body, s.absolute(post.Path), c.ID, unsubscribe)
	return s.enqueue(ctx, tx, parent.AuthorEmail, subject, body)
}

func (s *Service) enqueue(ctx context.Context, tx Store, to, subject, body string) error {
	now := s.now().UTC().Truncate(time.Second)
	return tx.EnqueueMail(ctx, &Mail{To: to, Subject: strings.ReplaceAll(subject, "\n", " "), Body: body, NextAttemptAt: now, CreatedAt: now})
}

// absolute returns path on the site's base URL; without one it stays
// relative.
func (s *Service) absolute(path string) string { return s.Settings().BaseURL + path }

// DeliverMail sends the outbox's due e-mail and returns how many went
// out. A failed message is retried later with growing pauses and dropped
// after a few attempts; the returned error lists what failed. Messages
// are taken from the outbox for a while before sending, so when several
// processes share the database each message is sent by one of them.
func (s *Service) DeliverMail(ctx context.Context) (int, error) {
	d := s.Settings().Discussion
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
			if err := s.store.DeleteMail(ctx, m.ID); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		m.Attempts++
		m.LastError = err.Error()
		if m.Attempts >= mailMaxAttempts {
			errs = append(errs, fmt.Errorf("gave up on mail to %s after %d attempts: %w", m.To, m.Attempts, err))
			if err := s.store.DeleteMail(ctx, m.ID); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		backoff := min(time.Minute<<m.Attempts, mailMaxBackoff)
		m.NextAttemptAt = s.now().UTC().Add(backoff).Truncate(time.Second)
		errs = append(errs, fmt.Errorf("mail to %s failed (attempt %d, retry in %s): %w", m.To, m.Attempts, backoff, err))
		if err := s.store.UpdateMail(ctx, m); err != nil {
			errs = append(errs, err)
		}
	}
	return sent, errors.Join(errs...)
}

// takeMail returns the due messages after moving their next attempt
// mailLease ahead, in one transaction.
func (s *Service) takeMail(ctx context.Context) ([]*Mail, error) {
	now := s.now().UTC().Truncate(time.Second)
	// A read first, so the common case takes no write lock.
	if due, err := s.store.DueMail(ctx, now, 1); err != nil || len(due) == 0 {
		return nil, err
	}
	var due []*Mail
	err := s.store.Atomic(ctx, func(tx Store) error {
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

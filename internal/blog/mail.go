package blog

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// queueNewCommentMail tells the post's writer about a new reply (approved
// or held, never spam) and, for an approved answer, the reader it
// answers.
func (s *Discussion) queueNewCommentMail(ctx context.Context, tx Tx, post *Post, c *Comment) error {
	st := s.current()
	if !st.Discussion.EmailEnabled() || c.Status == CommentSpam {
		return nil
	}
	writer, err := tx.User(ctx, post.AuthorID)
	if err != nil {
		return err
	}
	if writer.Email != c.AuthorEmail {
		say := func(id string, pairs ...any) string { return s.words.Say(writer.LanguageOr(st.Language), id, pairs...) }
		title := Quote(post.Title)
		subject := say("mail_new_reply", "Site", st.Title, "Title", title)
		action := say("mail_read_it", "URL", s.absolute(post.Path)+"#comment-"+strconv.FormatInt(c.ID, 10))
		if c.Status == CommentPending {
			subject = say("mail_held_reply", "Site", st.Title, "Title", title)
			action = say("mail_approve_it", "URL", s.absolute("/admin/comments?status=pending"))
		}
		body := say("mail_wrote_on", "Name", c.AuthorName, "Title", title) + "\n\n" + c.Body + "\n\n" + action + "\n"
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
func (s *Discussion) queueReplyMail(ctx context.Context, tx Tx, post *Post, c *Comment) error {
	st := s.current()
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
	title := Quote(post.Title)
	// The reader wrote in the post's language.
	say := func(id string, pairs ...any) string { return s.words.Say(post.LanguageOr(st.Language), id, pairs...) }
	subject := say("mail_answered_you", "Site", st.Title, "Name", c.AuthorName, "Title", title)
	body := say("mail_answered_your_reply", "Name", c.AuthorName, "Title", title) + "\n\n" + c.Body + "\n\n" +
		say("mail_read_conversation", "URL", s.absolute(post.Path)+"#comment-"+strconv.FormatInt(c.ID, 10)) + "\n\n" +
		say("mail_why_unsubscribe", "URL", unsubscribe) + "\n"
	return s.enqueue(ctx, tx, parent.AuthorEmail, subject, body)
}

func (s *Discussion) enqueue(ctx context.Context, tx MailStore, to, subject, body string) error {
	now := s.stamp()
	return tx.EnqueueMail(ctx, &Mail{To: to, Subject: strings.ReplaceAll(subject, "\n", " "), Body: body, NextAttemptAt: now, CreatedAt: now})
}

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
		subject := fmt.Sprintf("[%s] New reply to %s", st.Title, Quote(post.Title))
		action := "Read it: " + s.absolute(post.Path) + "#comment-" + strconv.FormatInt(c.ID, 10)
		if c.Status == CommentPending {
			subject = fmt.Sprintf("[%s] Reply to %s awaits moderation", st.Title, Quote(post.Title))
			action = "Approve or remove it: " + s.absolute("/admin/comments?status=pending")
		}
		body := fmt.Sprintf("%s wrote on %s:\n\n%s\n\n%s\n", c.AuthorName, Quote(post.Title), c.Body, action)
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
	subject := fmt.Sprintf("[%s] %s answered you on %s", st.Title, c.AuthorName, Quote(post.Title))
	body := fmt.Sprintf("%s answered your reply on %s:\n\n%s\n\nRead the conversation: %s#comment-%d\n\n"+
		"You get this because you asked to be told of answers. Stop these e-mails with one click: %s\n",
		c.AuthorName, Quote(post.Title), c.Body, s.absolute(post.Path), c.ID, unsubscribe)
	return s.enqueue(ctx, tx, parent.AuthorEmail, subject, body)
}

func (s *Discussion) enqueue(ctx context.Context, tx MailStore, to, subject, body string) error {
	now := s.stamp()
	return tx.EnqueueMail(ctx, &Mail{To: to, Subject: strings.ReplaceAll(subject, "\n", " "), Body: body, NextAttemptAt: now, CreatedAt: now})
}

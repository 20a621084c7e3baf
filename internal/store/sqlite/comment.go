package sqlite

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"folio/internal/blog"
)

const commentColumns = `c.id, c.post_id, c.parent_id, c.depth, c.kind, c.status, c.prev_status, c.author_name,
	c.author_email, c.author_url, c.user_id, c.ip, c.user_agent, c.body, c.body_html, c.notify,
	c.created_at, c.updated_at, c.status_at, p.title`

const commentFrom = ` FROM comments c JOIN posts p ON p.id = c.post_id`

func scanComment(sc scanner) (*blog.Comment, error) {
	c := &blog.Comment{}
	var created, updated, statusAt int64
	err := sc.Scan(&c.ID, &c.PostID, &c.ParentID, &c.Depth, &c.Kind, &c.Status, &c.PrevStatus, &c.AuthorName,
		&c.AuthorEmail, &c.AuthorURL, &c.UserID, &c.IP, &c.UserAgent, &c.Body, &c.BodyHTML, &c.Notify,
		&created, &updated, &statusAt, &c.PostTitle)
	if err != nil {
		return nil, mapErr(err)
	}
	c.CreatedAt, c.UpdatedAt, c.StatusAt = fromUnix(created), fromUnix(updated), fromUnix(statusAt)
	return c, nil
}

// Comment returns the reply with id.
func (s *Store) Comment(ctx context.Context, id int64) (*blog.Comment, error) {
	return scanComment(s.queryRow(ctx, `SELECT `+commentColumns+commentFrom+` WHERE c.id = ?`, id))
}

func commentWhere(f blog.CommentFilter) (string, []any) {
	var conds []string
	var args []any
	if f.PostID != 0 {
		conds = append(conds, "c.post_id = ?")
		args = append(args, f.PostID)
	}
	if len(f.Statuses) > 0 {
		conds = append(conds, "c.status IN ("+placeholders(len(f.Statuses))+")")
		for _, st := range f.Statuses {
			args = append(args, st)
		}
	}
	if f.Email != "" {
		conds = append(conds, "c.author_email = ?")
		args = append(args, f.Email)
	}
	if f.IP != "" {
		conds = append(conds, "c.ip = ?")
		args = append(args, f.IP)
	}
	if f.Body != "" {
		// The prefix condition lets SQLite use comments_post_text.
		conds = append(conds, "substr(c.body, 1, 64) = substr(?, 1, 64) AND c.body = ?")
		args = append(args, f.Body, f.Body)
	}
	if f.Search != "" {
		like := "%" + likeEscaper.Replace(f.Search) + "%"
		conds = append(conds, `(c.author_name LIKE ? ESCAPE '\' OR c.author_email LIKE ? ESCAPE '\' OR c.author_url LIKE ? ESCAPE '\' OR c.body LIKE ? ESCAPE '\')`)
		args = append(args, like, like, like, like)
	}
	if !f.Since.IsZero() {
		conds = append(conds, "c.created_at >= ?")
		args = append(args, f.Since.Unix())
	}
	if len(f.IDs) > 0 {
		conds = append(conds, "c.id IN ("+placeholders(len(f.IDs))+")")
		for _, id := range f.IDs {
			args = append(args, id)
		}
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Comments returns the replies matching f.
func (s *Store) Comments(ctx context.Context, f blog.CommentFilter) ([]*blog.Comment, error) {
	w, args := commentWhere(f)
	q := `SELECT ` + commentColumns + commentFrom + w + ` ORDER BY c.id`
	if f.NewestFirst {
		q += ` DESC`
	}
	if f.Limit > 0 {
		q += ` LIMIT ? OFFSET ?`
		args = append(args, f.Limit, f.Offset)
	}
	rows, err := s.query(ctx, q, args...)
	list, err := collect(rows, err, scanComment)
	if err != nil {
		return nil, fmt.Errorf("query replies: %w", err)
	}
	return list, nil
}

// CountComments counts the replies matching f.
func (s *Store) CountComments(ctx context.Context, f blog.CommentFilter) (int, error) {
	w, args := commentWhere(f)
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM comments c`+w, args...).Scan(&n)
	return n, err
}

// CommentCounts counts replies per status.
func (s *Store) CommentCounts(ctx context.Context, postID int64) (map[blog.CommentStatus]int, error) {
	q, args := `SELECT status, COUNT(*) FROM comments GROUP BY status`, []any{}
	if postID != 0 {
		q, args = `SELECT status, COUNT(*) FROM comments WHERE post_id = ? GROUP BY status`, []any{postID}
	}
	rows, err := s.query(ctx, q, args...)
	return collectMap[blog.CommentStatus, int](rows, err)
}

func commentArgs(c *blog.Comment) []any {
	return []any{c.PostID, c.ParentID, c.Depth, c.Kind, c.Status, c.PrevStatus, c.AuthorName, c.AuthorEmail,
		c.AuthorURL, c.UserID, c.IP, c.UserAgent, c.Body, c.BodyHTML, c.Notify,
		unix(c.CreatedAt), unix(c.UpdatedAt), unix(c.StatusAt)}
}

// CreateComment inserts c and sets its ID.
func (s *Store) CreateComment(ctx context.Context, c *blog.Comment) error {
	res, err := s.exec(ctx, `INSERT INTO comments (post_id, parent_id, depth, kind, status, prev_status,
		author_name, author_email, author_url, user_id, ip, user_agent, body, body_html, notify,
		created_at, updated_at, status_at) VALUES (`+placeholders(18)+`)`, commentArgs(c)...)
	if err != nil {
		return mapErr(err)
	}
	c.ID, err = res.LastInsertId()
	return err
}

// UpdateComment stores every field of c.
func (s *Store) UpdateComment(ctx context.Context, c *blog.Comment) error {
	res, err := s.exec(ctx, `UPDATE comments SET post_id = ?, parent_id = ?, depth = ?, kind = ?, status = ?,
		prev_status = ?, author_name = ?, author_email = ?, author_url = ?, user_id = ?, ip = ?, user_agent = ?,
		body = ?, body_html = ?, notify = ?, created_at = ?, updated_at = ?, status_at = ? WHERE id = ?`,
		append(commentArgs(c), c.ID)...)
	if err != nil {
		return mapErr(err)
	}
	return expectOne(res)
}

// DeleteComment removes one reply.
func (s *Store) DeleteComment(ctx context.Context, id int64) error {
	res, err := s.exec(ctx, `DELETE FROM comments WHERE id = ?`, id)
	if err != nil {
		return mapErr(err)
	}
	return expectOne(res)
}

// ReparentComments moves the answers of one reply up a level.
func (s *Store) ReparentComments(ctx context.Context, fromParent, toParent int64) error {
	_, err := s.exec(ctx, `UPDATE comments SET parent_id = ?, depth = MAX(depth - 1, 0) WHERE parent_id = ?`, toParent, fromParent)
	return err
}

// AddCommentCount changes a post's count of approved replies by delta.
func (s *Store) AddCommentCount(ctx context.Context, postID int64, delta int) error {
	if delta == 0 {
		return nil
	}
	_, err := s.exec(ctx, `UPDATE posts SET comment_count = comment_count + ? WHERE id = ?`, delta, postID)
	return err
}

// DeleteCommentsBefore deletes replies in statuses whose status changed
// before t and returns how many it deleted. Answers to a deleted reply
// move up to its parent first.
func (s *Store) DeleteCommentsBefore(ctx context.Context, statuses []blog.CommentStatus, t time.Time) (int, error) {
	args := []any{t.Unix()}
	for _, st := range statuses {
		if st == blog.CommentApproved {
			return 0, errors.New("sqlite: DeleteCommentsBefore deletes only replies that are not approved")
		}
		args = append(args, st)
	}
	cond := `status_at < ? AND status IN (` + placeholders(len(statuses)) + `)`
	if _, err := s.exec(ctx, `UPDATE comments SET parent_id = COALESCE((SELECT d.parent_id FROM comments d
		WHERE d.id = comments.parent_id), 0), depth = MAX(depth - 1, 0)
		WHERE parent_id IN (SELECT id FROM comments WHERE `+cond+`)`, args...); err != nil {
		return 0, err
	}
	res, err := s.exec(ctx, `DELETE FROM comments WHERE `+cond, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// ClearCommentMeta blanks IP and user agent of replies made before t.
func (s *Store) ClearCommentMeta(ctx context.Context, t time.Time) (int, error) {
	res, err := s.exec(ctx, `UPDATE comments SET ip = '', user_agent = '' WHERE created_at < ? AND (ip <> '' OR user_agent <> '')`, t.Unix())
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// EnqueueMail adds m to the outbox and sets its ID.
func (s *Store) EnqueueMail(ctx context.Context, m *blog.Mail) error {
	res, err := s.exec(ctx, `INSERT INTO outbox (to_addr, subject, body, attempts, next_attempt_at, last_error, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, m.To, m.Subject, m.Body, m.Attempts, unix(m.NextAttemptAt), m.LastError, unix(m.CreatedAt))
	if err != nil {
		return mapErr(err)
	}
	m.ID, err = res.LastInsertId()
	return err
}

// DueMail returns up to limit messages whose next attempt is due at now.
func (s *Store) DueMail(ctx context.Context, now time.Time, limit int) ([]*blog.Mail, error) {
	rows, err := s.query(ctx, `SELECT id, to_addr, subject, body, attempts, next_attempt_at, last_error, created_at
		FROM outbox WHERE next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`, now.Unix(), limit)
	return collect(rows, err, func(sc scanner) (*blog.Mail, error) {
		m := &blog.Mail{}
		var next, created int64
		if err := sc.Scan(&m.ID, &m.To, &m.Subject, &m.Body, &m.Attempts, &next, &m.LastError, &created); err != nil {
			return nil, err
		}
		m.NextAttemptAt, m.CreatedAt = fromUnix(next), fromUnix(created)
		return m, nil
	})
}

// DeleteMail removes a message from the outbox.
func (s *Store) DeleteMail(ctx context.Context, id int64) error {
	_, err := s.exec(ctx, `DELETE FROM outbox WHERE id = ?`, id)
	return err
}

// UpdateMail stores a message's attempts, next attempt and last error.
func (s *Store) UpdateMail(ctx context.Context, m *blog.Mail) error {
	res, err := s.exec(ctx, `UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?`,
		m.Attempts, unix(m.NextAttemptAt), m.LastError, m.ID)
	if err != nil {
		return err
	}
	return expectOne(res)
}

// ReplyStamps sums up each post's approved replies: how many, their
// latest edit and approval, and their threading.
func (s *Store) ReplyStamps(ctx context.Context) (map[int64]string, error) {
	rows, err := s.query(ctx, `SELECT post_id, COUNT(*) || '.' || MAX(updated_at) || '.' || MAX(status_at) || '.' ||
		SUM(parent_id) || '.' || SUM(depth) FROM comments WHERE status = 'approved' GROUP BY post_id`)
	return collectMap[int64, string](rows, err)
}

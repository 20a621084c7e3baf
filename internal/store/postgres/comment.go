package postgres

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

// Comment returns the reply with id. In a transaction the reply is
// locked until it ends, so an approval and a deletion on two processes
// happen one after the other.
func (s *Store) Comment(ctx context.Context, id int64) (*blog.Comment, error) {
	return scanComment(s.q.QueryRow(ctx, `SELECT `+commentColumns+commentFrom+` WHERE c.id = $1`+s.forUpdate("c"), id))
}

func commentWhere(f blog.CommentFilter, a *args) string {
	var conds []string
	if f.PostID != 0 {
		conds = append(conds, "c.post_id = "+a.add(f.PostID))
	}
	if len(f.Statuses) > 0 {
		conds = append(conds, "c.status"+anyOf(a, toStrings(f.Statuses)))
	}
	if f.Email != "" {
		conds = append(conds, "c.author_email = "+a.add(f.Email))
	}
	if f.IP != "" {
		conds = append(conds, "c.ip = "+a.add(f.IP))
	}
	if f.Body != "" {
		// The hash condition lets PostgreSQL use comments_post_text.
		b := a.add(f.Body)
		conds = append(conds, "md5(c.body) = md5("+b+"::text) AND c.body = "+b)
	}
	if f.Search != "" {
		like := a.add("%" + likeEscaper.Replace(f.Search) + "%")
		conds = append(conds, `(c.author_name ILIKE `+like+` ESCAPE '\' OR c.author_email ILIKE `+like+` ESCAPE '\'
			OR c.author_url ILIKE `+like+` ESCAPE '\' OR c.body ILIKE `+like+` ESCAPE '\')`)
	}
	if !f.Since.IsZero() {
		conds = append(conds, "c.created_at >= "+a.add(f.Since.Unix()))
	}
	if len(f.IDs) > 0 {
		conds = append(conds, "c.id"+anyOf(a, f.IDs))
	}
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// Comments returns the replies matching f.
func (s *Store) Comments(ctx context.Context, f blog.CommentFilter) ([]*blog.Comment, error) {
	var a args
	q := `SELECT ` + commentColumns + commentFrom + commentWhere(f, &a) + ` ORDER BY c.id`
	if f.NewestFirst {
		q += ` DESC`
	}
	if f.Limit > 0 {
		q += ` LIMIT ` + a.add(f.Limit) + ` OFFSET ` + a.add(f.Offset)
	}
	rows, err := s.q.Query(ctx, q, a...)
	list, err := collect(rows, err, scanComment)
	if err != nil {
		return nil, fmt.Errorf("query replies: %w", err)
	}
	return list, nil
}

// CountComments counts the replies matching f.
func (s *Store) CountComments(ctx context.Context, f blog.CommentFilter) (int, error) {
	var a args
	var n int
	err := s.q.QueryRow(ctx, `SELECT COUNT(*) FROM comments c`+commentWhere(f, &a), a...).Scan(&n)
	return n, err
}

// CommentCounts counts replies per status.
func (s *Store) CommentCounts(ctx context.Context, postID int64) (map[blog.CommentStatus]int, error) {
	rows, err := s.q.Query(ctx, `SELECT status, COUNT(*) FROM comments WHERE $1 = 0 OR post_id = $1 GROUP BY status`, postID)
	return collectMap[blog.CommentStatus, int](rows, err)
}

func commentArgs(c *blog.Comment) []any {
	return []any{c.PostID, c.ParentID, c.Depth, string(c.Kind), string(c.Status), string(c.PrevStatus), c.AuthorName, c.AuthorEmail,
		c.AuthorURL, c.UserID, c.IP, c.UserAgent, c.Body, c.BodyHTML, c.Notify,
		unix(c.CreatedAt), unix(c.UpdatedAt), unix(c.StatusAt)}
}

// CreateComment inserts c and sets its ID.
func (s *Store) CreateComment(ctx context.Context, c *blog.Comment) error {
	err := s.q.QueryRow(ctx, `INSERT INTO comments (post_id, parent_id, depth, kind, status, prev_status,
		author_name, author_email, author_url, user_id, ip, user_agent, body, body_html, notify,
		created_at, updated_at, status_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
		RETURNING id`, commentArgs(c)...).Scan(&c.ID)
	return mapErr(err)
}

// UpdateComment stores every field of c.
func (s *Store) UpdateComment(ctx context.Context, c *blog.Comment) error {
	return expectOne(s.q.Exec(ctx, `UPDATE comments SET post_id = $1, parent_id = $2, depth = $3, kind = $4,
		status = $5, prev_status = $6, author_name = $7, author_email = $8, author_url = $9, user_id = $10,
		ip = $11, user_agent = $12, body = $13, body_html = $14, notify = $15, created_at = $16,
		updated_at = $17, status_at = $18 WHERE id = $19`, append(commentArgs(c), c.ID)...))
}

// DeleteComment removes one reply.
func (s *Store) DeleteComment(ctx context.Context, id int64) error {
	return expectOne(s.q.Exec(ctx, `DELETE FROM comments WHERE id = $1`, id))
}

// ReparentComments moves the answers of one reply up a level.
func (s *Store) ReparentComments(ctx context.Context, fromParent, toParent int64) error {
	_, err := s.q.Exec(ctx, `UPDATE comments SET parent_id = $1, depth = GREATEST(depth - 1, 0) WHERE parent_id = $2`, toParent, fromParent)
	return err
}

// AddCommentCount changes a post's count of approved replies by delta.
func (s *Store) AddCommentCount(ctx context.Context, postID int64, delta int) error {
	if delta == 0 {
		return nil
	}
	_, err := s.q.Exec(ctx, `UPDATE posts SET comment_count = comment_count + $1 WHERE id = $2`, delta, postID)
	return err
}

// DeleteCommentsBefore deletes replies in statuses whose status changed
// before t and returns how many it deleted. Answers to a deleted reply
// move up to its parent first.
func (s *Store) DeleteCommentsBefore(ctx context.Context, statuses []blog.CommentStatus, t time.Time) (int, error) {
	for _, st := range statuses {
		if st == blog.CommentApproved {
			return 0, errors.New("postgres: DeleteCommentsBefore deletes only replies that are not approved")
		}
	}
	cond := `status_at < $1 AND status = ANY($2)`
	sts := toStrings(statuses)
	if _, err := s.q.Exec(ctx, `UPDATE comments SET parent_id = COALESCE((SELECT d.parent_id FROM comments d
		WHERE d.id = comments.parent_id), 0), depth = GREATEST(depth - 1, 0)
		WHERE parent_id IN (SELECT id FROM comments WHERE `+cond+`)`, t.Unix(), sts); err != nil {
		return 0, err
	}
	tag, err := s.q.Exec(ctx, `DELETE FROM comments WHERE `+cond, t.Unix(), sts)
	return int(tag.RowsAffected()), err
}

// ClearCommentMeta blanks IP and user agent of replies made before t.
func (s *Store) ClearCommentMeta(ctx context.Context, t time.Time) (int, error) {
	tag, err := s.q.Exec(ctx, `UPDATE comments SET ip = '', user_agent = '' WHERE created_at < $1 AND (ip <> '' OR user_agent <> '')`, t.Unix())
	return int(tag.RowsAffected()), err
}

// EnqueueMail adds m to the outbox and sets its ID.
func (s *Store) EnqueueMail(ctx context.Context, m *blog.Mail) error {
	err := s.q.QueryRow(ctx, `INSERT INTO outbox (to_addr, subject, body, attempts, next_attempt_at, last_error, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		m.To, m.Subject, m.Body, m.Attempts, unix(m.NextAttemptAt), m.LastError, unix(m.CreatedAt)).Scan(&m.ID)
	return mapErr(err)
}

// DueMail returns up to limit messages whose next attempt is due at now.
// Messages another process is sending are skipped, so each goes out
// once.
func (s *Store) DueMail(ctx context.Context, now time.Time, limit int) ([]*blog.Mail, error) {
	lock := ""
	if s.tx != nil {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	rows, err := s.q.Query(ctx, `SELECT id, to_addr, subject, body, attempts, next_attempt_at, last_error, created_at
		FROM outbox WHERE next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2`+lock, now.Unix(), limit)
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
	_, err := s.q.Exec(ctx, `DELETE FROM outbox WHERE id = $1`, id)
	return err
}

// UpdateMail stores a message's attempts, next attempt and last error.
func (s *Store) UpdateMail(ctx context.Context, m *blog.Mail) error {
	return expectOne(s.q.Exec(ctx, `UPDATE outbox SET attempts = $1, next_attempt_at = $2, last_error = $3 WHERE id = $4`,
		m.Attempts, unix(m.NextAttemptAt), m.LastError, m.ID))
}

// ReplyStamps sums up each post's approved replies: how many, their
// latest edit and approval, and their threading.
func (s *Store) ReplyStamps(ctx context.Context) (map[int64]string, error) {
	rows, err := s.q.Query(ctx, `SELECT post_id, concat_ws('.', COUNT(*), MAX(updated_at), MAX(status_at), SUM(parent_id), SUM(depth))
		FROM comments WHERE status = 'approved' GROUP BY post_id`)
	return collectMap[int64, string](rows, err)
}

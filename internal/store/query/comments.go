package query

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"folio/internal/blog"
)

// CommentColumns are a reply's columns with its post's title, in
// ScanComment's order.
const CommentColumns = `c.id, c.post_id, c.parent_id, c.depth, c.kind, c.status, c.prev_status, c.author_name,
	c.author_email, c.author_url, c.user_id, c.ip, c.user_agent, c.body, c.body_html, c.notify,
	c.created_at, c.updated_at, c.status_at, c.source_url, c.author_photo, p.title`

const commentFrom = ` FROM comments c JOIN posts p ON p.id = c.post_id`

// ScanComment reads a row of CommentColumns.
func (t Tables) ScanComment(sc Scanner) (*blog.Comment, error) {
	c := &blog.Comment{}
	var created, updated, statusAt int64
	err := sc.Scan(&c.ID, &c.PostID, &c.ParentID, &c.Depth, &c.Kind, &c.Status, &c.PrevStatus, &c.AuthorName,
		&c.AuthorEmail, &c.AuthorURL, &c.UserID, &c.IP, &c.UserAgent, &c.Body, &c.BodyHTML, &c.Notify,
		&created, &updated, &statusAt, &c.SourceURL, &c.AuthorPhoto, &c.PostTitle)
	if err != nil {
		return nil, t.d.MapErr(err)
	}
	c.CreatedAt, c.UpdatedAt, c.StatusAt = FromUnix(created), FromUnix(updated), FromUnix(statusAt)
	return c, nil
}

// Comment returns the reply with id. In a transaction the reply is
// locked until it ends, so an approval and a deletion on two processes
// happen one after the other.
func (t Tables) Comment(ctx context.Context, id int64) (*blog.Comment, error) {
	return t.ScanComment(t.db.QueryRow(ctx, `SELECT `+CommentColumns+commentFrom+` WHERE c.id = ?`+t.db.Lock("c", false), id))
}

// CommentWhere builds the WHERE clause of f over comments c, adding its
// values to a.
func (t Tables) CommentWhere(f blog.CommentFilter, a *Args) string {
	var conds []string
	if f.PostID != 0 {
		conds = append(conds, "c.post_id = "+a.Add(f.PostID))
	}
	if len(f.Statuses) > 0 {
		conds = append(conds, "c.status"+In(a, Strings(f.Statuses)))
	}
	if f.Email != "" {
		conds = append(conds, "c.author_email = "+a.Add(f.Email))
	}
	if f.AuthorURL != "" {
		conds = append(conds, "c.author_url = "+a.Add(f.AuthorURL))
	}
	if f.IP != "" {
		conds = append(conds, "c.ip = "+a.Add(f.IP))
	}
	if f.Body != "" {
		conds = append(conds, t.d.SameText(a, "c.body", f.Body))
	}
	if f.Search != "" {
		var or []string
		for _, col := range []string{"c.author_name", "c.author_email", "c.author_url", "c.body"} {
			or = append(or, col+` `+t.d.Like+` `+a.Add(contains(f.Search))+` ESCAPE '\'`)
		}
		conds = append(conds, "("+strings.Join(or, " OR ")+")")
	}
	if !f.Since.IsZero() {
		conds = append(conds, "c.created_at >= "+a.Add(f.Since.Unix()))
	}
	if len(f.IDs) > 0 {
		conds = append(conds, "c.id"+In(a, f.IDs))
	}
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// Comments returns the replies matching f.
func (t Tables) Comments(ctx context.Context, f blog.CommentFilter) ([]*blog.Comment, error) {
	var a Args
	q := `SELECT ` + CommentColumns + commentFrom + t.CommentWhere(f, &a) + ` ORDER BY c.id`
	if f.NewestFirst {
		q += ` DESC`
	}
	if f.Limit > 0 {
		q += ` LIMIT ` + a.Add(f.Limit) + ` OFFSET ` + a.Add(f.Offset)
	}
	list, err := Collect(ctx, t.db, t.ScanComment, q, a...)
	if err != nil {
		return nil, fmt.Errorf("query replies: %w", err)
	}
	return list, nil
}

// CountComments counts the replies matching f.
func (t Tables) CountComments(ctx context.Context, f blog.CommentFilter) (int, error) {
	var a Args
	var n int
	err := t.db.QueryRow(ctx, `SELECT COUNT(*) FROM comments c`+t.CommentWhere(f, &a), a...).Scan(&n)
	return n, err
}

// AnyComment reports whether a reply matches f.
func (t Tables) AnyComment(ctx context.Context, f blog.CommentFilter) (bool, error) {
	var a Args
	var found bool
	err := t.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM comments c`+t.CommentWhere(f, &a)+`)`, a...).Scan(&found)
	return found, err
}

// CommentCounts counts replies per status, for one post or (0) all.
func (t Tables) CommentCounts(ctx context.Context, postID int64) (map[blog.CommentStatus]int, error) {
	if postID == 0 {
		return CollectMap[blog.CommentStatus, int](ctx, t.db, `SELECT status, COUNT(*) FROM comments GROUP BY status`)
	}
	return CollectMap[blog.CommentStatus, int](ctx, t.db, `SELECT status, COUNT(*) FROM comments WHERE post_id = ? GROUP BY status`, postID)
}

func commentValues(c *blog.Comment) []any {
	return []any{c.PostID, c.ParentID, c.Depth, string(c.Kind), string(c.Status), string(c.PrevStatus), c.AuthorName, c.AuthorEmail,
		c.AuthorURL, c.UserID, c.IP, c.UserAgent, c.Body, c.BodyHTML, c.Notify,
		Unix(c.CreatedAt), Unix(c.UpdatedAt), Unix(c.StatusAt), c.SourceURL, c.AuthorPhoto}
}

// CreateComment inserts c and sets its ID.
func (t Tables) CreateComment(ctx context.Context, c *blog.Comment) error {
	id, err := t.insert(ctx, `INSERT INTO comments (post_id, parent_id, depth, kind, status, prev_status,
		author_name, author_email, author_url, user_id, ip, user_agent, body, body_html, notify,
		created_at, updated_at, status_at, source_url, author_photo) VALUES (`+Placeholders(20)+`)`, commentValues(c)...)
	c.ID = id
	return err
}

// UpdateComment stores every field of c.
func (t Tables) UpdateComment(ctx context.Context, c *blog.Comment) error {
	return t.expectOne(t.db.Exec(ctx, `UPDATE comments SET post_id = ?, parent_id = ?, depth = ?, kind = ?, status = ?,
		prev_status = ?, author_name = ?, author_email = ?, author_url = ?, user_id = ?, ip = ?, user_agent = ?,
		body = ?, body_html = ?, notify = ?, created_at = ?, updated_at = ?, status_at = ?, source_url = ?, author_photo = ? WHERE id = ?`,
		append(commentValues(c), c.ID)...))
}

// DeleteComment removes one reply.
func (t Tables) DeleteComment(ctx context.Context, id int64) error {
	return t.expectOne(t.db.Exec(ctx, `DELETE FROM comments WHERE id = ?`, id))
}

// ReparentComments moves the answers of one reply up a level.
func (t Tables) ReparentComments(ctx context.Context, fromParent, toParent int64) error {
	_, err := t.db.Exec(ctx, `UPDATE comments SET parent_id = ?, depth = `+t.d.Greatest+`(depth - 1, 0) WHERE parent_id = ?`, toParent, fromParent)
	return err
}

// CountSlots is how many rows of post_reply_counts one post's count may
// be spread over.
const CountSlots = 64

// AddCommentCount changes a post's count of approved replies by delta,
// in the transaction's slot of post_reply_counts, so concurrent
// transactions rarely touch the same row (see the migration).
func (t Tables) AddCommentCount(ctx context.Context, postID int64, delta int) error {
	if delta == 0 {
		return nil
	}
	_, err := t.db.Exec(ctx, `INSERT INTO post_reply_counts (post_id, slot, n) VALUES (?, ?, ?)
		ON CONFLICT (post_id, slot) DO UPDATE SET n = post_reply_counts.n + excluded.n`, postID, t.slot, delta)
	return err
}

// DeleteCommentsBefore deletes replies in statuses whose status changed
// before t and returns how many it deleted. Answers to a deleted reply
// move up to its parent first.
func (t Tables) DeleteCommentsBefore(ctx context.Context, statuses []blog.CommentStatus, before time.Time) (int, error) {
	if len(statuses) == 0 {
		return 0, nil
	}
	for _, st := range statuses {
		if st == blog.CommentApproved {
			return 0, errors.New("store: DeleteCommentsBefore deletes only replies that are not approved")
		}
	}
	var a Args
	cond := `status_at < ` + a.Add(before.Unix()) + ` AND status` + In(&a, Strings(statuses))
	if _, err := t.db.Exec(ctx, `UPDATE comments SET parent_id = COALESCE((SELECT d.parent_id FROM comments d
		WHERE d.id = comments.parent_id), 0), depth = `+t.d.Greatest+`(depth - 1, 0)
		WHERE parent_id IN (SELECT id FROM comments WHERE `+cond+`)`, a...); err != nil {
		return 0, err
	}
	n, err := t.db.Exec(ctx, `DELETE FROM comments WHERE `+cond, a...)
	return int(n), err
}

// ClearCommentMeta blanks IP and user agent of replies made before t.
func (t Tables) ClearCommentMeta(ctx context.Context, before time.Time) (int, error) {
	n, err := t.db.Exec(ctx, `UPDATE comments SET ip = '', user_agent = '' WHERE created_at < ? AND (ip <> '' OR user_agent <> '')`, before.Unix())
	return int(n), err
}

// topLevel selects the approved replies of post ? that answer the post,
// or a reply that is not approved.
const topLevel = `c.post_id = ? AND c.status = 'approved' AND (c.parent_id = 0 OR NOT EXISTS
	(SELECT 1 FROM comments q WHERE q.id = c.parent_id AND q.status = 'approved'))`

// ThreadPage returns a page of a post's thread, its top-level replies
// paginated and their answers found by a recursive query. The CROSS JOIN
// keeps SQLite's planner from reading every approved reply for each
// step (PostgreSQL treats it as the plain join it is).
func (t Tables) ThreadPage(ctx context.Context, postID int64, newestFirst bool, limit, offset int) ([]*blog.Comment, int, error) {
	var total int
	if err := t.db.QueryRow(ctx, `SELECT COUNT(*) FROM comments c WHERE `+topLevel, postID).Scan(&total); err != nil {
		return nil, 0, err
	}
	order := "c.id"
	if newestFirst {
		order = "c.id DESC"
	}
	list, err := Collect(ctx, t.db, t.ScanComment, `WITH RECURSIVE top(id) AS (
			SELECT c.id FROM comments c WHERE `+topLevel+` ORDER BY `+order+` LIMIT ? OFFSET ?
		), thread(id) AS (
			SELECT id FROM top
			UNION ALL
			SELECT c.id FROM thread CROSS JOIN comments c WHERE c.parent_id = thread.id AND c.status = 'approved'
		)
		SELECT `+CommentColumns+commentFrom+` WHERE c.id IN (SELECT id FROM thread) ORDER BY c.id LIMIT ?`,
		postID, limit, offset, blog.MaxThreadRows)
	return list, total, err
}

// EnqueueMail adds m to the outbox and sets its ID.
func (t Tables) EnqueueMail(ctx context.Context, m *blog.Mail) error {
	id, err := t.insert(ctx, `INSERT INTO outbox (to_addr, subject, body, attempts, next_attempt_at, last_error, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, m.To, m.Subject, m.Body, m.Attempts, Unix(m.NextAttemptAt), m.LastError, Unix(m.CreatedAt))
	m.ID = id
	return err
}

// DueMail returns up to limit messages whose next attempt is due at now.
// Messages another process's transaction holds are skipped, so each goes
// out once.
func (t Tables) DueMail(ctx context.Context, now time.Time, limit int) ([]*blog.Mail, error) {
	return Collect(ctx, t.db, func(sc Scanner) (*blog.Mail, error) {
		m := &blog.Mail{}
		var next, created int64
		if err := sc.Scan(&m.ID, &m.To, &m.Subject, &m.Body, &m.Attempts, &next, &m.LastError, &created); err != nil {
			return nil, err
		}
		m.NextAttemptAt, m.CreatedAt = FromUnix(next), FromUnix(created)
		return m, nil
	}, `SELECT id, to_addr, subject, body, attempts, next_attempt_at, last_error, created_at
		FROM outbox WHERE next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`+t.db.Lock("outbox", true), now.Unix(), limit)
}

// DeleteMail removes a message from the outbox.
func (t Tables) DeleteMail(ctx context.Context, id int64) error {
	_, err := t.db.Exec(ctx, `DELETE FROM outbox WHERE id = ?`, id)
	return err
}

// UpdateMail stores a message's attempts, next attempt and last error.
func (t Tables) UpdateMail(ctx context.Context, m *blog.Mail) error {
	return t.expectOne(t.db.Exec(ctx, `UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?`,
		m.Attempts, Unix(m.NextAttemptAt), m.LastError, m.ID))
}

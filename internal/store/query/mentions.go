package query

import (
	"context"
	"time"

	"folio/internal/blog"
)

const mentionColumns = `id, source, target, post_id, kind, comment_id, author_name, author_url, author_photo,
	received_at, verified_at, attempts, next_at, last_error`

func scanMention(sc Scanner) (*blog.Mention, error) {
	m := &blog.Mention{}
	var received, verified, next int64
	if err := sc.Scan(&m.ID, &m.Source, &m.Target, &m.PostID, &m.Kind, &m.CommentID, &m.AuthorName, &m.AuthorURL, &m.AuthorPhoto,
		&received, &verified, &m.Attempts, &next, &m.LastError); err != nil {
		return nil, err
	}
	m.ReceivedAt, m.VerifiedAt, m.NextAt = FromUnix(received), FromUnix(verified), FromUnix(next)
	return m, nil
}

// PutMention stores a mention by source and target and sets its ID.
func (t Tables) PutMention(ctx context.Context, m *blog.Mention) error {
	err := t.db.ExecRow(ctx, `INSERT INTO webmentions (source, target, post_id, kind, comment_id, author_name, author_url, author_photo,
		received_at, verified_at, attempts, next_at, last_error) VALUES (`+Placeholders(13)+`)
		ON CONFLICT (source, target) DO UPDATE SET post_id = excluded.post_id, kind = excluded.kind, comment_id = excluded.comment_id,
		author_name = excluded.author_name, author_url = excluded.author_url, author_photo = excluded.author_photo,
		verified_at = excluded.verified_at, attempts = excluded.attempts, next_at = excluded.next_at, last_error = excluded.last_error
		RETURNING id`, m.Source, m.Target, m.PostID, string(m.Kind), m.CommentID, m.AuthorName, m.AuthorURL, m.AuthorPhoto,
		Unix(m.ReceivedAt), Unix(m.VerifiedAt), m.Attempts, Unix(m.NextAt), m.LastError).Scan(&m.ID)
	return t.d.MapErr(err)
}

// MentionBySource returns the mention of target by source.
func (t Tables) MentionBySource(ctx context.Context, source, target string) (*blog.Mention, error) {
	m, err := scanMention(t.db.QueryRow(ctx, `SELECT `+mentionColumns+` FROM webmentions WHERE source = ? AND target = ?`, source, target))
	if err != nil {
		return nil, t.d.MapErr(err)
	}
	return m, nil
}

// DueMentions returns the mentions to verify by now, oldest due first.
func (t Tables) DueMentions(ctx context.Context, now time.Time, limit int) ([]*blog.Mention, error) {
	return Collect(ctx, t.db, scanMention, `SELECT `+mentionColumns+` FROM webmentions WHERE next_at > 0 AND next_at <= ?
		ORDER BY next_at, id LIMIT ?`+t.db.Lock("webmentions", true), now.Unix(), limit)
}

// DeleteMention forgets a mention.
func (t Tables) DeleteMention(ctx context.Context, id int64) error {
	_, err := t.db.Exec(ctx, `DELETE FROM webmentions WHERE id = ?`, id)
	return t.d.MapErr(err)
}

// RecentMentions lists the latest verified mentions with their posts'
// titles.
func (t Tables) RecentMentions(ctx context.Context, limit int) ([]*blog.Mention, error) {
	return Collect(ctx, t.db, func(sc Scanner) (*blog.Mention, error) {
		m := &blog.Mention{}
		var received, verified int64
		if err := sc.Scan(&m.ID, &m.Source, &m.Target, &m.PostID, &m.Kind, &m.AuthorName, &m.AuthorURL, &received, &verified, &m.PostTitle); err != nil {
			return nil, err
		}
		m.ReceivedAt, m.VerifiedAt = FromUnix(received), FromUnix(verified)
		return m, nil
	}, `SELECT w.id, w.source, w.target, w.post_id, w.kind, w.author_name, w.author_url, w.received_at, w.verified_at, p.title
		FROM webmentions w JOIN posts p ON p.id = w.post_id WHERE w.verified_at > 0 ORDER BY w.verified_at DESC, w.id DESC LIMIT ?`, limit)
}

// MentionCounts counts a post's verified mentions by kind.
func (t Tables) MentionCounts(ctx context.Context, postID int64) (map[blog.MentionKind]int, error) {
	return CollectMap[blog.MentionKind, int](ctx, t.db, `SELECT kind, COUNT(*) FROM webmentions WHERE post_id = ? AND verified_at > 0 GROUP BY kind`, postID)
}

func scanPostLink(sc Scanner) (*blog.PostLink, error) {
	l := &blog.PostLink{}
	var removed, next, sent int64
	if err := sc.Scan(&l.PostID, &l.Target, &removed, &l.Attempts, &next, &sent, &l.LastError); err != nil {
		return nil, err
	}
	l.Removed, l.NextAt, l.SentAt = removed != 0, FromUnix(next), FromUnix(sent)
	return l, nil
}

const postLinkColumns = `post_id, target, removed, attempts, next_at, sent_at, last_error`

// PostLinks lists the links a post's mentions are sent for.
func (t Tables) PostLinks(ctx context.Context, postID int64) ([]*blog.PostLink, error) {
	return Collect(ctx, t.db, scanPostLink, `SELECT `+postLinkColumns+` FROM post_links WHERE post_id = ? ORDER BY target`, postID)
}

// PutPostLink stores a link by post and target.
func (t Tables) PutPostLink(ctx context.Context, l *blog.PostLink) error {
	removed := 0
	if l.Removed {
		removed = 1
	}
	_, err := t.db.Exec(ctx, `INSERT INTO post_links (`+postLinkColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (post_id, target) DO UPDATE SET removed = excluded.removed, attempts = excluded.attempts,
		next_at = excluded.next_at, sent_at = CASE WHEN excluded.sent_at > 0 THEN excluded.sent_at ELSE post_links.sent_at END,
		last_error = excluded.last_error`, l.PostID, l.Target, removed, l.Attempts, Unix(l.NextAt), Unix(l.SentAt), l.LastError)
	return t.d.MapErr(err)
}

// DeletePostLink forgets a link.
func (t Tables) DeletePostLink(ctx context.Context, postID int64, target string) error {
	_, err := t.db.Exec(ctx, `DELETE FROM post_links WHERE post_id = ? AND target = ?`, postID, target)
	return t.d.MapErr(err)
}

// DueLinks returns the links to send mentions for by now.
func (t Tables) DueLinks(ctx context.Context, now time.Time, limit int) ([]*blog.PostLink, error) {
	return Collect(ctx, t.db, scanPostLink, `SELECT `+postLinkColumns+` FROM post_links WHERE next_at > 0 AND next_at <= ?
		ORDER BY next_at, post_id LIMIT ?`+t.db.Lock("post_links", true), now.Unix(), limit)
}

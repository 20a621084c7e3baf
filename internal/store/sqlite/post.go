package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"folio/internal/blog"
)

const postColumns = `p.id, p.kind, p.status, p.title, p.slug, p.body, p.body_html, p.excerpt_html,
	p.summary, p.body_text, p.lede, p.source_url, p.source_title, p.source_site, p.author_id, p.published_at,
	p.created_at, p.updated_at, p.trashed_at, p.comments_open, p.comment_count, p.parent_id, p.sticky,
	u.name, u.slug, u.role, u.bio`

// postColumnsNoBodies reads the same columns with the long texts left
// empty.
var postColumnsNoBodies = strings.NewReplacer("p.body,", "'',", "p.body_html,", "'',", "p.excerpt_html,", "'',", "p.body_text,", "'',").Replace(postColumns)

const postFrom = ` FROM posts p JOIN users u ON u.id = p.author_id`

type scanner interface{ Scan(dest ...any) error }

func scanPost(sc scanner) (*blog.Post, error) {
	p := &blog.Post{Author: &blog.User{}}
	var published, created, updated, trashed int64
	err := sc.Scan(&p.ID, &p.Kind, &p.Status, &p.Title, &p.Slug, &p.Body, &p.BodyHTML, &p.ExcerptHTML,
		&p.Summary, &p.BodyText, &p.Lede, &p.Source.URL, &p.Source.Title, &p.Source.Site, &p.AuthorID, &published,
		&created, &updated, &trashed, &p.CommentsOpen, &p.CommentCount, &p.ParentID, &p.Sticky,
		&p.Author.Name, &p.Author.Slug, &p.Author.Role, &p.Author.Bio)
	if err != nil {
		return nil, mapErr(err)
	}
	p.Author.ID = p.AuthorID
	p.PublishedAt, p.CreatedAt, p.UpdatedAt, p.TrashedAt = fromUnix(published), fromUnix(created), fromUnix(updated), fromUnix(trashed)
	return p, nil
}

// Post returns the post or page with id.
func (s *Store) Post(ctx context.Context, id int64) (*blog.Post, error) {
	return s.onePost(ctx, `WHERE p.id = ?`, id)
}

// PostBySlug returns the item of kind with slug, whatever its status.
func (s *Store) PostBySlug(ctx context.Context, kind blog.Kind, slug string) (*blog.Post, error) {
	return s.onePost(ctx, `WHERE p.kind = ? AND p.slug = ?`, kind, slug)
}

func (s *Store) onePost(ctx context.Context, where string, args ...any) (*blog.Post, error) {
	p, err := scanPost(s.queryRow(ctx, `SELECT `+postColumns+postFrom+` `+where, args...))
	if err != nil {
		return nil, err
	}
	if err := s.loadTerms(ctx, []*blog.Post{p}); err != nil {
		return nil, err
	}
	return p, nil
}

// where builds the WHERE clause of f.
func where(f blog.PostFilter) (string, []any) {
	var conds []string
	var args []any
	if f.Kind != "" {
		conds = append(conds, "p.kind = ?")
		args = append(args, f.Kind)
	}
	if len(f.Statuses) > 0 {
		conds = append(conds, "p.status IN ("+placeholders(len(f.Statuses))+")")
		for _, st := range f.Statuses {
			args = append(args, st)
		}
	}
	if f.AuthorID != 0 {
		conds = append(conds, "p.author_id = ?")
		args = append(args, f.AuthorID)
	}
	if f.TermID != 0 {
		conds = append(conds, "p.id IN (SELECT post_id FROM post_terms WHERE term_id = ?)")
		args = append(args, f.TermID)
	}
	if !f.From.IsZero() {
		conds = append(conds, "p.published_at >= ?")
		args = append(args, f.From.Unix())
	}
	if !f.To.IsZero() {
		conds = append(conds, "p.published_at < ?")
		args = append(args, f.To.Unix())
	}
	switch f.Sticky {
	case blog.StickyOnly:
		conds = append(conds, "p.sticky = 1")
	case blog.StickyNone:
		conds = append(conds, "p.sticky = 0")
	}
	if len(f.IDs) > 0 {
		conds = append(conds, "p.id IN ("+placeholders(len(f.IDs))+")")
		for _, id := range f.IDs {
			args = append(args, id)
		}
	}
	if f.Search != "" {
		conds = append(conds, `p.title LIKE ? ESCAPE '\'`)
		args = append(args, "%"+likeEscaper.Replace(f.Search)+"%")
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// Posts returns the posts matching f, newest first.
func (s *Store) Posts(ctx context.Context, f blog.PostFilter) ([]*blog.Post, error) {
	w, args := where(f)
	cols := postColumns
	if f.NoBodies {
		cols = postColumnsNoBodies
	}
	q := `SELECT ` + cols + postFrom + w + ` ORDER BY p.published_at DESC, p.id DESC`
	if f.Limit > 0 {
		q += ` LIMIT ? OFFSET ?`
		args = append(args, f.Limit, f.Offset)
	}
	rows, err := s.query(ctx, q, args...)
	posts, err := collect(rows, err, scanPost)
	if err != nil {
		return nil, fmt.Errorf("query posts: %w", err)
	}
	if err := s.loadTerms(ctx, posts); err != nil {
		return nil, err
	}
	return posts, nil
}

// CountPosts counts the posts matching f, ignoring its limit and offset.
func (s *Store) CountPosts(ctx context.Context, f blog.PostFilter) (int, error) {
	w, args := where(f)
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM posts p`+w, args...).Scan(&n)
	return n, err
}

// AdjacentPost returns the nearest post matching f before or after p.
func (s *Store) AdjacentPost(ctx context.Context, p *blog.Post, f blog.PostFilter, older bool) (*blog.Post, error) {
	w, args := where(f)
	if w == "" {
		w = " WHERE 1 = 1"
	}
	at := p.PublishedAt.Unix()
	if older {
		w += ` AND (p.published_at < ? OR (p.published_at = ? AND p.id < ?)) ORDER BY p.published_at DESC, p.id DESC`
	} else {
		w += ` AND (p.published_at > ? OR (p.published_at = ? AND p.id > ?)) ORDER BY p.published_at ASC, p.id ASC`
	}
	args = append(args, at, at, p.ID)
	q, err := scanPost(s.queryRow(ctx, `SELECT `+postColumns+postFrom+w+` LIMIT 1`, args...))
	if err != nil {
		return nil, err
	}
	return q, s.loadTerms(ctx, []*blog.Post{q})
}

// SlugTaken reports whether another item of kind uses slug.
func (s *Store) SlugTaken(ctx context.Context, kind blog.Kind, slug string, exceptID int64) (bool, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM posts WHERE kind = ? AND slug = ? AND id <> ?`, kind, slug, exceptID).Scan(&n)
	return n > 0, err
}

func postArgs(p *blog.Post) []any {
	return []any{p.Kind, p.Status, p.Title, p.Slug, p.Body, p.BodyHTML, p.ExcerptHTML,
		p.Summary, p.BodyText, p.Lede, p.Source.URL, p.Source.Title, p.Source.Site, p.AuthorID,
		unix(p.PublishedAt), unix(p.CreatedAt), unix(p.UpdatedAt), unix(p.TrashedAt), p.CommentsOpen, p.ParentID, p.Sticky}
}

// CreatePost inserts p and sets its ID.
func (s *Store) CreatePost(ctx context.Context, p *blog.Post) error {
	res, err := s.exec(ctx, `INSERT INTO posts (kind, status, title, slug, body, body_html, excerpt_html,
		summary, body_text, lede, source_url, source_title, source_site, author_id, published_at, created_at, updated_at,
		trashed_at, comments_open, parent_id, sticky) VALUES (`+placeholders(21)+`)`, postArgs(p)...)
	if err != nil {
		return mapErr(err)
	}
	if p.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	return s.reindex(ctx, p.ID)
}

// UpdatePost stores every field of p.
func (s *Store) UpdatePost(ctx context.Context, p *blog.Post) error {
	res, err := s.exec(ctx, `UPDATE posts SET kind = ?, status = ?, title = ?, slug = ?, body = ?,
		body_html = ?, excerpt_html = ?, summary = ?, body_text = ?, lede = ?, source_url = ?, source_title = ?, source_site = ?,
		author_id = ?, published_at = ?, created_at = ?, updated_at = ?, trashed_at = ?, comments_open = ?,
		parent_id = ?, sticky = ?
		WHERE id = ?`, append(postArgs(p), p.ID)...)
	if err != nil {
		return mapErr(err)
	}
	if err := expectOne(res); err != nil {
		return err
	}
	return s.reindex(ctx, p.ID)
}

// DeletePost removes a post with its terms links and revisions.
func (s *Store) DeletePost(ctx context.Context, id int64) error {
	res, err := s.exec(ctx, `DELETE FROM posts WHERE id = ?`, id)
	if err != nil {
		return mapErr(err)
	}
	if err := expectOne(res); err != nil {
		return err
	}
	_, err = s.exec(ctx, `DELETE FROM posts_fts WHERE rowid = ?`, id)
	return err
}

func expectOne(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return blog.ErrNotFound
	}
	return nil
}

// SetPostTerms replaces the terms of a post, keeping their order.
func (s *Store) SetPostTerms(ctx context.Context, postID int64, termIDs []int64) error {
	if _, err := s.exec(ctx, `DELETE FROM post_terms WHERE post_id = ?`, postID); err != nil {
		return err
	}
	for i, id := range termIDs {
		if _, err := s.exec(ctx, `INSERT INTO post_terms (post_id, term_id, position) VALUES (?, ?, ?)`, postID, id, i); err != nil {
			return mapErr(err)
		}
	}
	return s.reindex(ctx, postID)
}

// termBatch bounds the IN list of one term query, well below SQLite's
// limit on bound parameters.
const termBatch = 500

// loadTerms fills Tags and Categories of posts with one query per batch.
func (s *Store) loadTerms(ctx context.Context, posts []*blog.Post) error {
	for start := 0; start < len(posts); start += termBatch {
		batch := posts[start:min(start+termBatch, len(posts))]
		byID := make(map[int64]*blog.Post, len(batch))
		args := make([]any, len(batch))
		for i, p := range batch {
			byID[p.ID] = p
			args[i] = p.ID
		}
		rows, err := s.query(ctx, `SELECT pt.post_id, t.id, t.kind, t.name, t.slug, t.description, COALESCE(t.parent_id, 0)
			FROM post_terms pt JOIN terms t ON t.id = pt.term_id
			WHERE pt.post_id IN (`+placeholders(len(batch))+`) ORDER BY pt.post_id, pt.position`, args...)
		if err != nil {
			return fmt.Errorf("load terms: %w", err)
		}
		for rows.Next() {
			var postID int64
			var t blog.Term
			if err := rows.Scan(&postID, &t.ID, &t.Kind, &t.Name, &t.Slug, &t.Description, &t.ParentID); err != nil {
				rows.Close()
				return err
			}
			p := byID[postID]
			if t.Kind == blog.TermTag {
				p.Tags = append(p.Tags, t)
			} else {
				p.Categories = append(p.Categories, t)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// CreateRevision stores r and sets its ID.
func (s *Store) CreateRevision(ctx context.Context, r *blog.Revision) error {
	res, err := s.exec(ctx, `INSERT INTO revisions (post_id, title, lede, body, author_id, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		r.PostID, r.Title, r.Lede, r.Body, r.AuthorID, unix(r.CreatedAt))
	if err != nil {
		return mapErr(err)
	}
	r.ID, err = res.LastInsertId()
	return err
}

// Revisions lists the revisions of a post, newest first.
func (s *Store) Revisions(ctx context.Context, postID int64) ([]*blog.Revision, error) {
	rows, err := s.query(ctx, `SELECT id, post_id, title, lede, body, author_id, created_at FROM revisions WHERE post_id = ? ORDER BY id DESC`, postID)
	return collect(rows, err, func(sc scanner) (*blog.Revision, error) {
		r := &blog.Revision{}
		var created int64
		if err := sc.Scan(&r.ID, &r.PostID, &r.Title, &r.Lede, &r.Body, &r.AuthorID, &created); err != nil {
			return nil, err
		}
		r.CreatedAt = fromUnix(created)
		return r, nil
	})
}

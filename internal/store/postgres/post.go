package postgres

import (
	"context"
	"fmt"
	"strings"

	"folio/internal/blog"

	"github.com/jackc/pgx/v5"
)

const postColumns = `p.id, p.kind, p.status, p.title, p.slug, p.body, p.body_html, p.excerpt_html,
	p.summary, p.body_text, p.lede, p.source_url, p.source_title, p.source_site, p.author_id, p.published_at,
	p.created_at, p.updated_at, p.trashed_at, p.comments_open, p.comment_count, p.parent_id, p.sticky,
	u.name, u.slug, u.role, u.bio`

// postColumnsNoBodies reads the same columns with the long texts left
// empty.
var postColumnsNoBodies = strings.NewReplacer("p.body,", "'',", "p.body_html,", "'',", "p.excerpt_html,", "'',", "p.body_text,", "'',").Replace(postColumns)

const postFrom = ` FROM posts p JOIN users u ON u.id = p.author_id`

func scanPost(row scanner) (*blog.Post, error) {
	p := &blog.Post{Author: &blog.User{}}
	var published, created, updated, trashed int64
	err := row.Scan(&p.ID, &p.Kind, &p.Status, &p.Title, &p.Slug, &p.Body, &p.BodyHTML, &p.ExcerptHTML,
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
	return s.onePost(ctx, `WHERE p.id = $1`, id)
}

// PostBySlug returns the item of kind with slug, whatever its status.
func (s *Store) PostBySlug(ctx context.Context, kind blog.Kind, slug string) (*blog.Post, error) {
	return s.onePost(ctx, `WHERE p.kind = $1 AND p.slug = $2`, string(kind), slug)
}

func (s *Store) onePost(ctx context.Context, where string, args ...any) (*blog.Post, error) {
	p, err := scanPost(s.q.QueryRow(ctx, `SELECT `+postColumns+postFrom+` `+where+s.forUpdate("p"), args...))
	if err != nil {
		return nil, err
	}
	return p, s.loadTerms(ctx, []*blog.Post{p})
}

// where builds the WHERE clause of f, adding its values to a.
func where(f blog.PostFilter, a *args) string {
	var conds []string
	if f.Kind != "" {
		conds = append(conds, "p.kind = "+a.add(string(f.Kind)))
	}
	if len(f.Statuses) > 0 {
		conds = append(conds, "p.status"+anyOf(a, toStrings(f.Statuses)))
	}
	if f.AuthorID != 0 {
		conds = append(conds, "p.author_id = "+a.add(f.AuthorID))
	}
	if f.TermID != 0 {
		conds = append(conds, "p.id IN (SELECT post_id FROM post_terms WHERE term_id = "+a.add(f.TermID)+")")
	}
	if !f.From.IsZero() {
		conds = append(conds, "p.published_at >= "+a.add(f.From.Unix()))
	}
	if !f.To.IsZero() {
		conds = append(conds, "p.published_at < "+a.add(f.To.Unix()))
	}
	switch f.Sticky {
	case blog.StickyOnly:
		conds = append(conds, "p.sticky")
	case blog.StickyNone:
		conds = append(conds, "NOT p.sticky")
	}
	if len(f.IDs) > 0 {
		conds = append(conds, "p.id"+anyOf(a, f.IDs))
	}
	if f.Search != "" {
		conds = append(conds, `p.title ILIKE `+a.add("%"+likeEscaper.Replace(f.Search)+"%")+` ESCAPE '\'`)
	}
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// Posts returns the posts matching f, newest first.
func (s *Store) Posts(ctx context.Context, f blog.PostFilter) ([]*blog.Post, error) {
	var a args
	w := where(f, &a)
	cols := postColumns
	if f.NoBodies {
		cols = postColumnsNoBodies
	}
	q := `SELECT ` + cols + postFrom + w + ` ORDER BY p.published_at DESC, p.id DESC`
	if f.Limit > 0 {
		q += ` LIMIT ` + a.add(f.Limit) + ` OFFSET ` + a.add(f.Offset)
	}
	rows, err := s.q.Query(ctx, q+s.forUpdate("p"), a...)
	posts, err := collect(rows, err, scanPost)
	if err != nil {
		return nil, fmt.Errorf("query posts: %w", err)
	}
	return posts, s.loadTerms(ctx, posts)
}

// CountPosts counts the posts matching f, ignoring its limit and offset.
func (s *Store) CountPosts(ctx context.Context, f blog.PostFilter) (int, error) {
	var a args
	w := where(f, &a)
	var n int
	err := s.q.QueryRow(ctx, `SELECT COUNT(*) FROM posts p`+w, a...).Scan(&n)
	return n, err
}

// AdjacentPost returns the nearest post matching f before or after p.
func (s *Store) AdjacentPost(ctx context.Context, p *blog.Post, f blog.PostFilter, older bool) (*blog.Post, error) {
	var a args
	w := where(f, &a)
	if w == "" {
		w = " WHERE TRUE"
	}
	at, id := a.add(p.PublishedAt.Unix()), a.add(p.ID)
	if older {
		w += ` AND (p.published_at, p.id) < (` + at + `, ` + id + `) ORDER BY p.published_at DESC, p.id DESC`
	} else {
		w += ` AND (p.published_at, p.id) > (` + at + `, ` + id + `) ORDER BY p.published_at ASC, p.id ASC`
	}
	q, err := scanPost(s.q.QueryRow(ctx, `SELECT `+postColumns+postFrom+w+` LIMIT 1`, a...))
	if err != nil {
		return nil, err
	}
	return q, s.loadTerms(ctx, []*blog.Post{q})
}

// SlugTaken reports whether another item of kind uses slug.
func (s *Store) SlugTaken(ctx context.Context, kind blog.Kind, slug string, exceptID int64) (bool, error) {
	var taken bool
	err := s.q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM posts WHERE kind = $1 AND slug = $2 AND id <> $3)`,
		string(kind), slug, exceptID).Scan(&taken)
	return taken, err
}

func postArgs(p *blog.Post) []any {
	return []any{string(p.Kind), string(p.Status), p.Title, p.Slug, p.Body, p.BodyHTML, p.ExcerptHTML,
		p.Summary, p.BodyText, p.Lede, p.Source.URL, p.Source.Title, p.Source.Site, p.AuthorID,
		unix(p.PublishedAt), unix(p.CreatedAt), unix(p.UpdatedAt), unix(p.TrashedAt), p.CommentsOpen, p.ParentID, p.Sticky}
}

// CreatePost inserts p and sets its ID.
func (s *Store) CreatePost(ctx context.Context, p *blog.Post) error {
	err := s.q.QueryRow(ctx, `INSERT INTO posts (kind, status, title, slug, body, body_html, excerpt_html,
		summary, body_text, lede, source_url, source_title, source_site, author_id, published_at, created_at, updated_at,
		trashed_at, comments_open, parent_id, sticky)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
		RETURNING id`, postArgs(p)...).Scan(&p.ID)
	if err != nil {
		return mapErr(err)
	}
	return s.reindex(ctx, `p.id = $1`, p.ID)
}

// UpdatePost stores every field of p.
func (s *Store) UpdatePost(ctx context.Context, p *blog.Post) error {
	err := expectOne(s.q.Exec(ctx, `UPDATE posts SET kind = $1, status = $2, title = $3, slug = $4, body = $5,
		body_html = $6, excerpt_html = $7, summary = $8, body_text = $9, lede = $10, source_url = $11,
		source_title = $12, source_site = $13, author_id = $14, published_at = $15, created_at = $16,
		updated_at = $17, trashed_at = $18, comments_open = $19, parent_id = $20, sticky = $21
		WHERE id = $22`, append(postArgs(p), p.ID)...))
	if err != nil {
		return err
	}
	return s.reindex(ctx, `p.id = $1`, p.ID)
}

// DeletePost removes a post with its term links and revisions.
func (s *Store) DeletePost(ctx context.Context, id int64) error {
	return expectOne(s.q.Exec(ctx, `DELETE FROM posts WHERE id = $1`, id))
}

// SetPostTerms replaces the terms of a post, keeping their order.
func (s *Store) SetPostTerms(ctx context.Context, postID int64, termIDs []int64) error {
	if _, err := s.q.Exec(ctx, `DELETE FROM post_terms WHERE post_id = $1`, postID); err != nil {
		return err
	}
	if len(termIDs) > 0 {
		_, err := s.q.Exec(ctx, `INSERT INTO post_terms (post_id, term_id, position)
			SELECT $1, t.id, t.pos - 1 FROM unnest($2::bigint[]) WITH ORDINALITY AS t (id, pos)`, postID, termIDs)
		if err != nil {
			return mapErr(err)
		}
	}
	return s.reindex(ctx, `p.id = $1`, postID)
}

// loadTerms fills Tags and Categories of posts in one query.
func (s *Store) loadTerms(ctx context.Context, posts []*blog.Post) error {
	if len(posts) == 0 {
		return nil
	}
	byID := make(map[int64]*blog.Post, len(posts))
	ids := make([]int64, len(posts))
	for i, p := range posts {
		byID[p.ID] = p
		ids[i] = p.ID
	}
	var a args
	rows, err := s.q.Query(ctx, `SELECT pt.post_id, t.id, t.kind, t.name, t.slug, t.description, COALESCE(t.parent_id, 0)
		FROM post_terms pt JOIN terms t ON t.id = pt.term_id
		WHERE pt.post_id`+anyOf(&a, ids)+` ORDER BY pt.post_id, pt.position`, a...)
	if err != nil {
		return fmt.Errorf("load terms: %w", err)
	}
	var postID int64
	var t blog.Term
	_, err = pgx.ForEachRow(rows, []any{&postID, &t.ID, &t.Kind, &t.Name, &t.Slug, &t.Description, &t.ParentID}, func() error {
		p := byID[postID]
		if t.Kind == blog.TermTag {
			p.Tags = append(p.Tags, t)
		} else {
			p.Categories = append(p.Categories, t)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("load terms: %w", err)
	}
	return nil
}

// CreateRevision stores r and sets its ID.
func (s *Store) CreateRevision(ctx context.Context, r *blog.Revision) error {
	err := s.q.QueryRow(ctx, `INSERT INTO revisions (post_id, title, lede, body, author_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		r.PostID, r.Title, r.Lede, r.Body, r.AuthorID, unix(r.CreatedAt)).Scan(&r.ID)
	return mapErr(err)
}

// Revisions lists the revisions of a post, newest first.
func (s *Store) Revisions(ctx context.Context, postID int64) ([]*blog.Revision, error) {
	rows, err := s.q.Query(ctx, `SELECT id, post_id, title, lede, body, author_id, created_at FROM revisions
		WHERE post_id = $1 ORDER BY id DESC`, postID)
	return collect(rows, err, func(row scanner) (*blog.Revision, error) {
		r := &blog.Revision{}
		var created int64
		if err := row.Scan(&r.ID, &r.PostID, &r.Title, &r.Lede, &r.Body, &r.AuthorID, &created); err != nil {
			return nil, err
		}
		r.CreatedAt = fromUnix(created)
		return r, nil
	})
}

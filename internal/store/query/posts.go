package query

import (
	"context"
	"fmt"
	"strings"
	"time"

	"folio/internal/blog"
)

// PostColumns are a post's columns with its writer's, in scanPost's
// order.
const PostColumns = `p.id, p.kind, p.status, p.title, p.slug, p.body, p.body_html, p.excerpt_html,
	p.summary, p.body_text, p.lede, p.source_url, p.source_title, p.source_site, p.author_id, p.published_at,
	p.created_at, p.updated_at, p.trashed_at, p.comments_open,
	p.comment_count + COALESCE((SELECT SUM(rc.n) FROM post_reply_counts rc WHERE rc.post_id = p.id), 0), p.parent_id, p.sticky,
	p.menu_order, p.language, u.name, u.slug, u.role, u.bio`

// postColumnsNoBodies reads the same columns with the long texts left
// empty.
var postColumnsNoBodies = strings.NewReplacer("p.body,", "'',", "p.body_html,", "'',", "p.excerpt_html,", "'',", "p.body_text,", "'',").Replace(PostColumns)

// PostFrom joins posts p with their writers u.
const PostFrom = ` FROM posts p JOIN users u ON u.id = p.author_id`

// ScanPost reads a row of PostColumns.
func (t Tables) ScanPost(sc Scanner) (*blog.Post, error) {
	p := &blog.Post{Author: &blog.User{}}
	var published, created, updated, trashed int64
	err := sc.Scan(&p.ID, &p.Kind, &p.Status, &p.Title, &p.Slug, &p.Body, &p.BodyHTML, &p.ExcerptHTML,
		&p.Summary, &p.BodyText, &p.Lede, &p.Source.URL, &p.Source.Title, &p.Source.Site, &p.AuthorID, &published,
		&created, &updated, &trashed, &p.CommentsOpen, &p.CommentCount, &p.ParentID, &p.Sticky,
		&p.MenuOrder, &p.Language, &p.Author.Name, &p.Author.Slug, &p.Author.Role, &p.Author.Bio)
	if err != nil {
		return nil, t.d.MapErr(err)
	}
	p.Author.ID = p.AuthorID
	p.PublishedAt, p.CreatedAt, p.UpdatedAt, p.TrashedAt = FromUnix(published), FromUnix(created), FromUnix(updated), FromUnix(trashed)
	return p, nil
}

// Post returns the post or page with id. In a transaction its row is
// locked until the transaction ends.
func (t Tables) Post(ctx context.Context, id int64) (*blog.Post, error) {
	return t.onePost(ctx, `WHERE p.id = ?`, id)
}

// PostBySlug returns the item of kind with slug, whatever its status.
func (t Tables) PostBySlug(ctx context.Context, kind blog.Kind, slug string) (*blog.Post, error) {
	return t.onePost(ctx, `WHERE p.kind = ? AND p.slug = ?`, string(kind), slug)
}

func (t Tables) onePost(ctx context.Context, where string, args ...any) (*blog.Post, error) {
	p, err := t.ScanPost(t.db.QueryRow(ctx, `SELECT `+PostColumns+PostFrom+` `+where+t.db.Lock("p", false), args...))
	if err != nil {
		return nil, err
	}
	return p, t.loadTerms(ctx, []*blog.Post{p})
}

// PostWhere builds the WHERE clause of f over posts p, adding its values
// to a.
func (t Tables) PostWhere(f blog.PostFilter, a *Args) string {
	var conds []string
	if f.Kind != "" {
		conds = append(conds, "p.kind = "+a.Add(string(f.Kind)))
	}
	if len(f.Statuses) > 0 {
		conds = append(conds, "p.status"+In(a, Strings(f.Statuses)))
	}
	if f.AuthorID != 0 {
		conds = append(conds, "p.author_id = "+a.Add(f.AuthorID))
	}
	if f.TermID != 0 {
		conds = append(conds, "p.id IN (SELECT post_id FROM post_terms WHERE term_id = "+a.Add(f.TermID)+")")
	}
	if f.AlsoTermID != 0 {
		conds = append(conds, "p.id IN (SELECT post_id FROM post_terms WHERE term_id = "+a.Add(f.AlsoTermID)+")")
	}
	if !f.From.IsZero() {
		conds = append(conds, "p.published_at >= "+a.Add(f.From.Unix()))
	}
	if !f.To.IsZero() {
		conds = append(conds, "p.published_at < "+a.Add(f.To.Unix()))
	}
	switch f.Sticky {
	case blog.StickyOnly:
		conds = append(conds, "p.sticky = "+a.Add(true))
	case blog.StickyNone:
		conds = append(conds, "p.sticky = "+a.Add(false))
	}
	if len(f.IDs) > 0 {
		conds = append(conds, "p.id"+In(a, f.IDs))
	}
	if f.Search != "" {
		conds = append(conds, `p.title `+t.d.Like+` `+a.Add(contains(f.Search))+` ESCAPE '\'`)
	}
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// Posts returns the posts matching f, newest first (or in menu order).
func (t Tables) Posts(ctx context.Context, f blog.PostFilter) ([]*blog.Post, error) {
	var a Args
	cols := PostColumns
	if f.NoBodies {
		cols = postColumnsNoBodies
	}
	order := ` ORDER BY p.published_at DESC, p.id DESC`
	if f.ByMenuOrder {
		order = ` ORDER BY p.menu_order, p.title, p.id`
	}
	where := t.PostWhere(f, &a)
	q := `SELECT ` + cols + PostFrom + where + order
	if f.Limit > 0 {
		// A page's IDs first, from the listing indexes alone, then only
		// their rows: a page deep into a long list otherwise reads, and
		// joins, every row it skips.
		page := `SELECT p.id FROM posts p` + where + order + ` LIMIT ` + a.Add(f.Limit) + ` OFFSET ` + a.Add(f.Offset)
		q = `SELECT ` + cols + PostFrom + ` WHERE p.id IN (` + page + `)` + order
	}
	posts, err := Collect(ctx, t.db, t.ScanPost, q+t.db.Lock("p", false), a...)
	if err != nil {
		return nil, fmt.Errorf("query posts: %w", err)
	}
	return posts, t.loadTerms(ctx, posts)
}

// CountPosts counts the posts matching f, ignoring its limit and offset.
func (t Tables) CountPosts(ctx context.Context, f blog.PostFilter) (int, error) {
	var a Args
	var n int
	err := t.db.QueryRow(ctx, `SELECT COUNT(*) FROM posts p`+t.PostWhere(f, &a), a...).Scan(&n)
	return n, err
}

// AdjacentPost returns the nearest post matching f before or after p.
func (t Tables) AdjacentPost(ctx context.Context, p *blog.Post, f blog.PostFilter, older bool) (*blog.Post, error) {
	var a Args
	w := t.PostWhere(f, &a)
	if w == "" {
		w = " WHERE 1 = 1"
	}
	// The bound on published_at alone lets the listing index start at p
	// instead of reading every post before it: an OR of two conditions
	// does not.
	at := p.PublishedAt.Unix()
	if older {
		w += ` AND p.published_at <= ` + a.Add(at) + ` AND (p.published_at < ` + a.Add(at) + ` OR p.id < ` + a.Add(p.ID) + `)
			ORDER BY p.published_at DESC, p.id DESC`
	} else {
		w += ` AND p.published_at >= ` + a.Add(at) + ` AND (p.published_at > ` + a.Add(at) + ` OR p.id > ` + a.Add(p.ID) + `)
			ORDER BY p.published_at ASC, p.id ASC`
	}
	q, err := t.ScanPost(t.db.QueryRow(ctx, `SELECT `+PostColumns+PostFrom+w+` LIMIT 1`, a...))
	if err != nil {
		return nil, err
	}
	return q, t.loadTerms(ctx, []*blog.Post{q})
}

// SlugTaken reports whether another item of kind uses slug.
func (t Tables) SlugTaken(ctx context.Context, kind blog.Kind, slug string, exceptID int64) (bool, error) {
	var n int
	err := t.db.QueryRow(ctx, `SELECT COUNT(*) FROM posts WHERE kind = ? AND slug = ? AND id <> ?`, string(kind), slug, exceptID).Scan(&n)
	return n > 0, err
}

// postValues are a post's stored fields in the order of postFields.
func postValues(p *blog.Post) []any {
	return []any{string(p.Kind), string(p.Status), p.Title, p.Slug, p.Body, p.BodyHTML, p.ExcerptHTML,
		p.Summary, p.BodyText, p.Lede, p.Source.URL, p.Source.Title, p.Source.Site, p.AuthorID,
		Unix(p.PublishedAt), Unix(p.CreatedAt), Unix(p.UpdatedAt), Unix(p.TrashedAt), p.CommentsOpen, p.ParentID, p.Sticky, p.MenuOrder, p.Language}
}

const postFields = `kind, status, title, slug, body, body_html, excerpt_html, summary, body_text, lede,
	source_url, source_title, source_site, author_id, published_at, created_at, updated_at, trashed_at,
	comments_open, parent_id, sticky, menu_order, language`

// CreatePost inserts p and sets its ID.
func (t Tables) CreatePost(ctx context.Context, p *blog.Post) error {
	if err := t.insertPost(ctx, p); err != nil {
		return err
	}
	return t.d.Reindex(ctx, t.db, `p.id = ?`, p.ID)
}

// UpdatePost stores every field of p.
func (t Tables) UpdatePost(ctx context.Context, p *blog.Post) error {
	if err := t.updatePost(ctx, p); err != nil {
		return err
	}
	return t.d.Reindex(ctx, t.db, `p.id = ?`, p.ID)
}

// SavePost inserts p when its ID is 0, else stores every field of it,
// and replaces its terms, indexing it for search once (the index holds
// its tags, so CreatePost then SetPostTerms would index it twice).
func (t Tables) SavePost(ctx context.Context, p *blog.Post, termIDs []int64) error {
	save := t.updatePost
	if p.ID == 0 {
		save = t.insertPost
	}
	if err := save(ctx, p); err != nil {
		return err
	}
	if err := t.setTerms(ctx, p.ID, termIDs); err != nil {
		return err
	}
	return t.d.Reindex(ctx, t.db, `p.id = ?`, p.ID)
}

func (t Tables) insertPost(ctx context.Context, p *blog.Post) error {
	id, err := t.insert(ctx, `INSERT INTO posts (`+postFields+`) VALUES (`+Placeholders(23)+`)`, postValues(p)...)
	if err == nil {
		p.ID = id
	}
	return err
}

func (t Tables) updatePost(ctx context.Context, p *blog.Post) error {
	return t.expectOne(t.db.Exec(ctx, `UPDATE posts SET kind = ?, status = ?, title = ?, slug = ?, body = ?,
		body_html = ?, excerpt_html = ?, summary = ?, body_text = ?, lede = ?, source_url = ?, source_title = ?,
		source_site = ?, author_id = ?, published_at = ?, created_at = ?, updated_at = ?, trashed_at = ?,
		comments_open = ?, parent_id = ?, sticky = ?, menu_order = ?, language = ? WHERE id = ?`, append(postValues(p), p.ID)...))
}

// DeletePost removes a post with its terms links and revisions.
func (t Tables) DeletePost(ctx context.Context, id int64) error {
	if err := t.expectOne(t.db.Exec(ctx, `DELETE FROM posts WHERE id = ?`, id)); err != nil {
		return err
	}
	return t.d.Unindex(ctx, t.db, id)
}

// SetPostTerms replaces the terms of a post, keeping their order.
func (t Tables) SetPostTerms(ctx context.Context, postID int64, termIDs []int64) error {
	if err := t.setTerms(ctx, postID, termIDs); err != nil {
		return err
	}
	return t.d.Reindex(ctx, t.db, `p.id = ?`, postID)
}

func (t Tables) setTerms(ctx context.Context, postID int64, termIDs []int64) error {
	if _, err := t.db.Exec(ctx, `DELETE FROM post_terms WHERE post_id = ?`, postID); err != nil {
		return err
	}
	for i, id := range termIDs {
		if _, err := t.db.Exec(ctx, `INSERT INTO post_terms (post_id, term_id, position) VALUES (?, ?, ?)`, postID, id, i); err != nil {
			return t.d.MapErr(err)
		}
	}
	return nil
}

// termBatch bounds the IN list of one term query, well below either
// store's limit on bound parameters.
const termBatch = 500

// loadTerms fills Tags, Categories and Featured of posts with two
// queries per batch.
func (t Tables) loadTerms(ctx context.Context, posts []*blog.Post) error {
	for start := 0; start < len(posts); start += termBatch {
		batch := posts[start:min(start+termBatch, len(posts))]
		byID := make(map[int64]*blog.Post, len(batch))
		ids := make([]int64, len(batch))
		for i, p := range batch {
			byID[p.ID], ids[i] = p, p.ID
		}
		var a Args
		err := t.db.Each(ctx, func(sc Scanner) error {
			var postID int64
			var term blog.Term
			if err := sc.Scan(&postID, &term.ID, &term.Kind, &term.Name, &term.Slug, &term.Description, &term.ParentID); err != nil {
				return err
			}
			p := byID[postID]
			if term.Kind == blog.TermTag {
				p.Tags = append(p.Tags, term)
			} else {
				p.Categories = append(p.Categories, term)
			}
			return nil
		}, `SELECT pt.post_id, t.id, t.kind, t.name, t.slug, t.description, COALESCE(t.parent_id, 0)
			FROM post_terms pt JOIN terms t ON t.id = pt.term_id
			WHERE pt.post_id`+In(&a, ids)+` ORDER BY pt.post_id, pt.position`, a...)
		if err != nil {
			return fmt.Errorf("load terms: %w", err)
		}
		if err := t.loadFeatured(ctx, byID, ids); err != nil {
			return fmt.Errorf("load featured pictures: %w", err)
		}
	}
	return nil
}

// CreateRevision stores r and sets its ID.
func (t Tables) CreateRevision(ctx context.Context, r *blog.Revision) error {
	id, err := t.insert(ctx, `INSERT INTO revisions (post_id, title, lede, body, source_url, source_title, source_site, author_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.PostID, r.Title, r.Lede, r.Body, r.Source.URL, r.Source.Title, r.Source.Site, r.AuthorID, Unix(r.CreatedAt))
	r.ID = id
	return err
}

// PruneRevisions deletes a post's revisions but the newest keep.
func (t Tables) PruneRevisions(ctx context.Context, postID int64, keep int) error {
	_, err := t.db.Exec(ctx, `DELETE FROM revisions WHERE post_id = ? AND id NOT IN
		(SELECT id FROM revisions WHERE post_id = ? ORDER BY id DESC LIMIT ?)`, postID, postID, keep)
	return t.d.MapErr(err)
}

// Revisions lists the revisions of a post, newest first.
func (t Tables) Revisions(ctx context.Context, postID int64) ([]*blog.Revision, error) {
	return Collect(ctx, t.db, scanRevision, `SELECT `+revisionColumns+` FROM revisions r LEFT JOIN users u ON u.id = r.author_id
		WHERE r.post_id = ? ORDER BY r.id DESC`, postID)
}

// Revision returns one revision of a post.
func (t Tables) Revision(ctx context.Context, postID, id int64) (*blog.Revision, error) {
	r, err := scanRevision(t.db.QueryRow(ctx, `SELECT `+revisionColumns+` FROM revisions r LEFT JOIN users u ON u.id = r.author_id
		WHERE r.post_id = ? AND r.id = ?`, postID, id))
	return r, t.d.MapErr(err)
}

const revisionColumns = `r.id, r.post_id, r.title, r.lede, r.body, r.source_url, r.source_title, r.source_site, r.author_id,
	COALESCE(u.name, ''), r.created_at`

func scanRevision(sc Scanner) (*blog.Revision, error) {
	r := &blog.Revision{}
	var created int64
	if err := sc.Scan(&r.ID, &r.PostID, &r.Title, &r.Lede, &r.Body, &r.Source.URL, &r.Source.Title, &r.Source.Site, &r.AuthorID,
		&r.AuthorName, &created); err != nil {
		return nil, err
	}
	r.CreatedAt = FromUnix(created)
	return r, nil
}

// PostsByID loads the posts with the given IDs, with their writers and
// terms, whatever their status.
func (t Tables) PostsByID(ctx context.Context, ids []int64) (map[int64]*blog.Post, error) {
	out := make(map[int64]*blog.Post, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	posts, err := t.Posts(ctx, blog.PostFilter{IDs: ids})
	if err != nil {
		return nil, err
	}
	for _, p := range posts {
		out[p.ID] = p
	}
	return out, nil
}

// SaveAutosave stores a writer's autosave of a post, replacing theirs.
func (t Tables) SaveAutosave(ctx context.Context, a *blog.Autosave) error {
	_, err := t.db.Exec(ctx, `INSERT INTO autosaves (post_id, user_id, title, lede, body, source_url, source_title, source_site, saved_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (post_id, user_id) DO UPDATE SET title = excluded.title, lede = excluded.lede, body = excluded.body,
			source_url = excluded.source_url, source_title = excluded.source_title, source_site = excluded.source_site, saved_at = excluded.saved_at`,
		a.PostID, a.UserID, a.Title, a.Lede, a.Body, a.Source.URL, a.Source.Title, a.Source.Site, Unix(a.SavedAt))
	return t.d.MapErr(err)
}

// Autosave returns a writer's autosave of a post.
func (t Tables) Autosave(ctx context.Context, postID, userID int64) (*blog.Autosave, error) {
	a := &blog.Autosave{}
	var saved int64
	err := t.db.QueryRow(ctx, `SELECT post_id, user_id, title, lede, body, source_url, source_title, source_site, saved_at
		FROM autosaves WHERE post_id = ? AND user_id = ?`, postID, userID).
		Scan(&a.PostID, &a.UserID, &a.Title, &a.Lede, &a.Body, &a.Source.URL, &a.Source.Title, &a.Source.Site, &saved)
	if err != nil {
		return nil, t.d.MapErr(err)
	}
	a.SavedAt = FromUnix(saved)
	return a, nil
}

// DeleteAutosave forgets a writer's autosave of a post.
func (t Tables) DeleteAutosave(ctx context.Context, postID, userID int64) error {
	_, err := t.db.Exec(ctx, `DELETE FROM autosaves WHERE post_id = ? AND user_id = ?`, postID, userID)
	return t.d.MapErr(err)
}

// MarkEditing records that a session has a post open, keeping since
// from its first mark.
func (t Tables) MarkEditing(ctx context.Context, e blog.Editing) error {
	_, err := t.db.Exec(ctx, `INSERT INTO post_editors (post_id, session_hash, user_id, since, seen_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (post_id, session_hash) DO UPDATE SET seen_at = excluded.seen_at`,
		e.PostID, e.SessionHash, e.UserID, Unix(e.Since), Unix(e.SeenAt))
	return t.d.MapErr(err)
}

// Editing lists who has had a post open since seenAfter, with names,
// longest first.
func (t Tables) Editing(ctx context.Context, postID int64, seenAfter time.Time) ([]blog.Editing, error) {
	return Collect(ctx, t.db, func(sc Scanner) (blog.Editing, error) {
		var e blog.Editing
		var since, seen int64
		err := sc.Scan(&e.PostID, &e.SessionHash, &e.UserID, &e.UserName, &since, &seen)
		e.Since, e.SeenAt = FromUnix(since), FromUnix(seen)
		return e, err
	}, `SELECT e.post_id, e.session_hash, e.user_id, u.name, e.since, e.seen_at FROM post_editors e JOIN users u ON u.id = e.user_id
		WHERE e.post_id = ? AND e.seen_at > ? ORDER BY e.since, e.session_hash`, postID, Unix(seenAfter))
}

// DeleteEditingBefore forgets the marks not renewed since t.
func (t Tables) DeleteEditingBefore(ctx context.Context, before time.Time) error {
	_, err := t.db.Exec(ctx, `DELETE FROM post_editors WHERE seen_at < ?`, Unix(before))
	return t.d.MapErr(err)
}

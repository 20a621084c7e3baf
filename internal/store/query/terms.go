package query

import (
	"context"

	"folio/internal/blog"
)

// Terms lists the terms of kind by name with their published post counts.
func (t Tables) Terms(ctx context.Context, kind blog.TermKind) ([]blog.Term, error) {
	return t.listTerms(ctx, kind, `(SELECT COUNT(*) FROM post_terms pt JOIN posts p ON p.id = pt.post_id
		WHERE pt.term_id = t.id AND p.status = 'published')`)
}

// TermNames lists the terms of kind by name, without counts.
func (t Tables) TermNames(ctx context.Context, kind blog.TermKind) ([]blog.Term, error) {
	return t.listTerms(ctx, kind, "0")
}

// listTerms lists the terms of kind by name, count being the SQL of
// each term t's count.
func (t Tables) listTerms(ctx context.Context, kind blog.TermKind, count string) ([]blog.Term, error) {
	return Collect(ctx, t.db, func(sc Scanner) (blog.Term, error) {
		var term blog.Term
		err := sc.Scan(&term.ID, &term.Kind, &term.Name, &term.Slug, &term.Description, &term.ParentID, &term.Count)
		return term, err
	}, `SELECT t.id, t.kind, t.name, t.slug, t.description, COALESCE(t.parent_id, 0), `+count+`
		FROM terms t WHERE t.kind = ? ORDER BY t.name, t.id`, string(kind))
}

// TermBySlug returns the term of kind with slug.
func (t Tables) TermBySlug(ctx context.Context, kind blog.TermKind, slug string) (*blog.Term, error) {
	term := &blog.Term{}
	err := t.db.QueryRow(ctx, `SELECT id, kind, name, slug, description, COALESCE(parent_id, 0) FROM terms WHERE kind = ? AND slug = ?`,
		string(kind), slug).Scan(&term.ID, &term.Kind, &term.Name, &term.Slug, &term.Description, &term.ParentID)
	if err != nil {
		return nil, t.d.MapErr(err)
	}
	return term, nil
}

// CreateTerm inserts term and sets its ID.
func (t Tables) CreateTerm(ctx context.Context, term *blog.Term) error {
	id, err := t.insert(ctx, `INSERT INTO terms (kind, name, slug, description, parent_id) VALUES (?, ?, ?, ?, ?)`,
		string(term.Kind), term.Name, term.Slug, term.Description, nullID(term.ParentID))
	term.ID = id
	return err
}

// inTerm selects the posts carrying the term bound to its placeholder.
const inTerm = `p.id IN (SELECT post_id FROM post_terms WHERE term_id = ?)`

// UpdateTerm stores every field of term and the search index of its
// posts, which holds its name.
func (t Tables) UpdateTerm(ctx context.Context, term *blog.Term) error {
	err := t.expectOne(t.db.Exec(ctx, `UPDATE terms SET name = ?, slug = ?, description = ?, parent_id = ? WHERE id = ?`,
		term.Name, term.Slug, term.Description, nullID(term.ParentID), term.ID))
	if err != nil {
		return err
	}
	return t.d.Reindex(ctx, t.db, inTerm, term.ID)
}

// DeleteTerm removes a term and its links to posts, and takes its name
// out of their search index.
func (t Tables) DeleteTerm(ctx context.Context, id int64) error {
	posts, err := Collect(ctx, t.db, ScanID, `SELECT post_id FROM post_terms WHERE term_id = ?`, id)
	if err != nil {
		return err
	}
	if err := t.expectOne(t.db.Exec(ctx, `DELETE FROM terms WHERE id = ?`, id)); err != nil {
		return err
	}
	if len(posts) == 0 {
		return nil
	}
	var a Args
	return t.d.Reindex(ctx, t.db, `p.id`+In(&a, posts), a...)
}

// MergeTerm gives the posts of term from the term into as well, keeping
// their order, and deletes from.
func (t Tables) MergeTerm(ctx context.Context, from, into int64) error {
	if _, err := t.db.Exec(ctx, `INSERT INTO post_terms (post_id, term_id, position)
		SELECT post_id, ?, position FROM post_terms WHERE term_id = ?
		ON CONFLICT (post_id, term_id) DO NOTHING`, into, from); err != nil {
		return t.d.MapErr(err)
	}
	if err := t.expectOne(t.db.Exec(ctx, `DELETE FROM terms WHERE id = ?`, from)); err != nil {
		return err
	}
	return t.d.Reindex(ctx, t.db, inTerm, into)
}

// Settings returns every stored setting.
func (t Tables) Settings(ctx context.Context) (map[string]string, error) {
	return CollectMap[string, string](ctx, t.db, `SELECT key, value FROM settings`)
}

// SaveSettings stores vals, replacing existing keys. Called outside a
// transaction, each key is its own write.
func (t Tables) SaveSettings(ctx context.Context, vals map[string]string) error {
	for k, v := range vals {
		if _, err := t.db.Exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, k, v); err != nil {
			return err
		}
	}
	return nil
}

// ImportKey returns the local ID an import recorded for a source's key.
func (t Tables) ImportKey(ctx context.Context, source, kind, key string) (int64, error) {
	var id int64
	err := t.db.QueryRow(ctx, `SELECT local_id FROM import_keys WHERE source = ? AND kind = ? AND key = ?`, source, kind, key).Scan(&id)
	return id, t.d.MapErr(err)
}

// SetImportKey records the local ID of a source's key, replacing any.
func (t Tables) SetImportKey(ctx context.Context, source, kind, key string, localID int64) error {
	_, err := t.db.Exec(ctx, `INSERT INTO import_keys (source, kind, key, local_id) VALUES (?, ?, ?, ?)
		ON CONFLICT (source, kind, key) DO UPDATE SET local_id = excluded.local_id`, source, kind, key, localID)
	return err
}

// RedirectFor returns the new address of an old one.
func (t Tables) RedirectFor(ctx context.Context, from string) (string, error) {
	var to string
	err := t.db.QueryRow(ctx, `SELECT to_path FROM redirects WHERE from_path = ?`, from).Scan(&to)
	return to, t.d.MapErr(err)
}

// Redirects lists every redirect by old address.
func (t Tables) Redirects(ctx context.Context) ([]blog.Redirect, error) {
	return Collect(ctx, t.db, func(sc Scanner) (blog.Redirect, error) {
		var r blog.Redirect
		var at int64
		err := sc.Scan(&r.From, &r.To, &at)
		r.CreatedAt = FromUnix(at)
		return r, err
	}, `SELECT from_path, to_path, created_at FROM redirects ORDER BY from_path`)
}

// SetRedirect adds or replaces a redirect.
func (t Tables) SetRedirect(ctx context.Context, r blog.Redirect) error {
	_, err := t.db.Exec(ctx, `INSERT INTO redirects (from_path, to_path, created_at) VALUES (?, ?, ?)
		ON CONFLICT (from_path) DO UPDATE SET to_path = excluded.to_path`, r.From, r.To, Unix(r.CreatedAt))
	return err
}

// DeleteRedirect removes a redirect; removing an unknown one is not an
// error.
func (t Tables) DeleteRedirect(ctx context.Context, from string) error {
	_, err := t.db.Exec(ctx, `DELETE FROM redirects WHERE from_path = ?`, from)
	return err
}

// AddressOwner returns the post that once lived at path.
func (t Tables) AddressOwner(ctx context.Context, path string) (int64, error) {
	var id int64
	err := t.db.QueryRow(ctx, `SELECT post_id FROM post_addresses WHERE path = ?`, path).Scan(&id)
	return id, t.d.MapErr(err)
}

// SetAddress records an old address of a post, taking it from any other.
func (t Tables) SetAddress(ctx context.Context, a blog.Address) error {
	_, err := t.db.Exec(ctx, `INSERT INTO post_addresses (path, post_id, created_at) VALUES (?, ?, ?)
		ON CONFLICT (path) DO UPDATE SET post_id = excluded.post_id, created_at = excluded.created_at`, a.Path, a.PostID, Unix(a.CreatedAt))
	return t.d.MapErr(err)
}

// DeleteAddress forgets an old address.
func (t Tables) DeleteAddress(ctx context.Context, path string) error {
	_, err := t.db.Exec(ctx, `DELETE FROM post_addresses WHERE path = ?`, path)
	return err
}

// Addresses lists one page of old addresses by path with their items'
// titles, and the number of them.
func (t Tables) Addresses(ctx context.Context, limit, offset int) ([]blog.Address, int, error) {
	var total int
	if err := t.db.QueryRow(ctx, `SELECT COUNT(*) FROM post_addresses`).Scan(&total); err != nil {
		return nil, 0, err
	}
	list, err := Collect(ctx, t.db, func(sc Scanner) (blog.Address, error) {
		var a blog.Address
		var at int64
		err := sc.Scan(&a.Path, &a.PostID, &a.PostTitle, &at)
		a.CreatedAt = FromUnix(at)
		return a, err
	}, `SELECT a.path, a.post_id, p.title, a.created_at FROM post_addresses a JOIN posts p ON p.id = a.post_id
		ORDER BY a.path LIMIT ? OFFSET ?`, limit, offset)
	return list, total, err
}

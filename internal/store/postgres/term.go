package postgres

import (
	"context"

	"folio/internal/blog"
)

// Terms lists the terms of kind by name with their published post counts.
func (s *Store) Terms(ctx context.Context, kind blog.TermKind) ([]blog.Term, error) {
	rows, err := s.q.Query(ctx, `SELECT t.id, t.kind, t.name, t.slug, t.description, COALESCE(t.parent_id, 0),
		(SELECT COUNT(*) FROM post_terms pt JOIN posts p ON p.id = pt.post_id WHERE pt.term_id = t.id AND p.status = 'published')
		FROM terms t WHERE t.kind = $1 ORDER BY t.name, t.id`, string(kind))
	return collect(rows, err, func(sc scanner) (blog.Term, error) {
		var t blog.Term
		err := sc.Scan(&t.ID, &t.Kind, &t.Name, &t.Slug, &t.Description, &t.ParentID, &t.Count)
		return t, err
	})
}

// TermBySlug returns the term of kind with slug.
func (s *Store) TermBySlug(ctx context.Context, kind blog.TermKind, slug string) (*blog.Term, error) {
	t := &blog.Term{}
	err := s.q.QueryRow(ctx, `SELECT id, kind, name, slug, description, COALESCE(parent_id, 0) FROM terms WHERE kind = $1 AND slug = $2`,
		string(kind), slug).Scan(&t.ID, &t.Kind, &t.Name, &t.Slug, &t.Description, &t.ParentID)
	if err != nil {
		return nil, mapErr(err)
	}
	return t, nil
}

// nullID is a parent reference: NULL for none.
func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// CreateTerm inserts t and sets its ID.
func (s *Store) CreateTerm(ctx context.Context, t *blog.Term) error {
	err := s.q.QueryRow(ctx, `INSERT INTO terms (kind, name, slug, description, parent_id) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		string(t.Kind), t.Name, t.Slug, t.Description, nullID(t.ParentID)).Scan(&t.ID)
	return mapErr(err)
}

// inTerm selects the posts carrying the term $1.
const inTerm = `p.id IN (SELECT post_id FROM post_terms WHERE term_id = $1)`

// UpdateTerm stores every field of t.
func (s *Store) UpdateTerm(ctx context.Context, t *blog.Term) error {
	err := expectOne(s.q.Exec(ctx, `UPDATE terms SET name = $1, slug = $2, description = $3, parent_id = $4 WHERE id = $5`,
		t.Name, t.Slug, t.Description, nullID(t.ParentID), t.ID))
	if err != nil {
		return err
	}
	return s.reindex(ctx, inTerm, t.ID)
}

// DeleteTerm removes a term and its links to posts, and takes its name
// out of their search documents.
func (s *Store) DeleteTerm(ctx context.Context, id int64) error {
	rows, err := s.q.Query(ctx, `SELECT post_id FROM post_terms WHERE term_id = $1`, id)
	posts, err := collect(rows, err, func(sc scanner) (int64, error) {
		var id int64
		err := sc.Scan(&id)
		return id, err
	})
	if err != nil {
		return err
	}
	if err := expectOne(s.q.Exec(ctx, `DELETE FROM terms WHERE id = $1`, id)); err != nil {
		return err
	}
	return s.reindex(ctx, `p.id = ANY($1)`, posts)
}

// Settings returns every stored setting.
func (s *Store) Settings(ctx context.Context) (map[string]string, error) {
	rows, err := s.q.Query(ctx, `SELECT key, value FROM settings`)
	return collectMap[string, string](rows, err)
}

// SaveSettings stores vals, replacing existing keys, in one transaction.
func (s *Store) SaveSettings(ctx context.Context, vals map[string]string) error {
	keys := make([]string, 0, len(vals))
	values := make([]string, 0, len(vals))
	for k, v := range vals {
		keys, values = append(keys, k), append(values, v)
	}
	_, err := s.q.Exec(ctx, `INSERT INTO settings (key, value) SELECT * FROM unnest($1::text[], $2::text[])
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, keys, values)
	return err
}

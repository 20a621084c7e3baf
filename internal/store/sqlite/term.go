package sqlite

import (
	"context"
	"database/sql"

	"folio/internal/blog"
)

// Terms lists the terms of kind by name with their published post counts.
func (s *Store) Terms(ctx context.Context, kind blog.TermKind) ([]blog.Term, error) {
	rows, err := s.query(ctx, `SELECT t.id, t.kind, t.name, t.slug, t.description, COALESCE(t.parent_id, 0),
		(SELECT COUNT(*) FROM post_terms pt JOIN posts p ON p.id = pt.post_id WHERE pt.term_id = t.id AND p.status = 'published')
		FROM terms t WHERE t.kind = ? ORDER BY t.name, t.id`, kind)
	return collect(rows, err, func(sc scanner) (blog.Term, error) {
		var t blog.Term
		err := sc.Scan(&t.ID, &t.Kind, &t.Name, &t.Slug, &t.Description, &t.ParentID, &t.Count)
		return t, err
	})
}

// TermBySlug returns the term of kind with slug.
func (s *Store) TermBySlug(ctx context.Context, kind blog.TermKind, slug string) (*blog.Term, error) {
	t := &blog.Term{}
	err := s.queryRow(ctx, `SELECT id, kind, name, slug, description, COALESCE(parent_id, 0) FROM terms WHERE kind = ? AND slug = ?`, kind, slug).
		Scan(&t.ID, &t.Kind, &t.Name, &t.Slug, &t.Description, &t.ParentID)
	if err != nil {
		return nil, mapErr(err)
	}
	return t, nil
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// CreateTerm inserts t and sets its ID.
func (s *Store) CreateTerm(ctx context.Context, t *blog.Term) error {
	res, err := s.exec(ctx, `INSERT INTO terms (kind, name, slug, description, parent_id) VALUES (?, ?, ?, ?, ?)`,
		t.Kind, t.Name, t.Slug, t.Description, nullID(t.ParentID))
	if err != nil {
		return mapErr(err)
	}
	t.ID, err = res.LastInsertId()
	return err
}

// UpdateTerm stores every field of t.
func (s *Store) UpdateTerm(ctx context.Context, t *blog.Term) error {
	res, err := s.exec(ctx, `UPDATE terms SET name = ?, slug = ?, description = ?, parent_id = ? WHERE id = ?`,
		t.Name, t.Slug, t.Description, nullID(t.ParentID), t.ID)
	if err != nil {
		return mapErr(err)
	}
	if err := expectOne(res); err != nil {
		return err
	}
	return s.reindexTerm(ctx, t.ID)
}

// DeleteTerm removes a term and its links to posts, and takes its name
// out of their search rows.
func (s *Store) DeleteTerm(ctx context.Context, id int64) error {
	rows, err := s.query(ctx, `SELECT post_id FROM post_terms WHERE term_id = ?`, id)
	posts, err := collect(rows, err, scanID)
	if err != nil {
		return err
	}
	res, err := s.exec(ctx, `DELETE FROM terms WHERE id = ?`, id)
	if err != nil {
		return mapErr(err)
	}
	if err := expectOne(res); err != nil {
		return err
	}
	for _, p := range posts {
		if err := s.reindex(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

// Settings returns every stored setting.
func (s *Store) Settings(ctx context.Context) (map[string]string, error) {
	rows, err := s.query(ctx, `SELECT key, value FROM settings`)
	return collectMap[string, string](rows, err)
}

// SaveSettings stores vals, replacing existing keys, in one transaction.
func (s *Store) SaveSettings(ctx context.Context, vals map[string]string) error {
	return s.Atomic(ctx, func(bs blog.Tx) error {
		tx := bs.(*Store)
		for k, v := range vals {
			if _, err := tx.exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value`, k, v); err != nil {
				return err
			}
		}
		return nil
	})
}

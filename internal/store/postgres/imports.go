package postgres

import (
	"context"

	"folio/internal/blog"
)

// ImportKey returns the local ID an import recorded for a source's key.
func (s *Store) ImportKey(ctx context.Context, source, kind, key string) (int64, error) {
	var id int64
	err := s.q.QueryRow(ctx, `SELECT local_id FROM import_keys WHERE source = $1 AND kind = $2 AND key = $3`, source, kind, key).Scan(&id)
	return id, mapErr(err)
}

// SetImportKey records the local ID of a source's key, replacing any.
func (s *Store) SetImportKey(ctx context.Context, source, kind, key string, localID int64) error {
	_, err := s.q.Exec(ctx, `INSERT INTO import_keys (source, kind, key, local_id) VALUES ($1, $2, $3, $4)
		ON CONFLICT (source, kind, key) DO UPDATE SET local_id = excluded.local_id`, source, kind, key, localID)
	return err
}

// RedirectFor returns the new address of an old one.
func (s *Store) RedirectFor(ctx context.Context, from string) (string, error) {
	var to string
	err := s.q.QueryRow(ctx, `SELECT to_path FROM redirects WHERE from_path = $1`, from).Scan(&to)
	return to, mapErr(err)
}

// Redirects lists every redirect by old address.
func (s *Store) Redirects(ctx context.Context) ([]blog.Redirect, error) {
	rows, err := s.q.Query(ctx, `SELECT from_path, to_path, created_at FROM redirects ORDER BY from_path`)
	return collect(rows, err, func(sc scanner) (blog.Redirect, error) {
		var r blog.Redirect
		var at int64
		err := sc.Scan(&r.From, &r.To, &at)
		r.CreatedAt = fromUnix(at)
		return r, err
	})
}

// SetRedirect adds or replaces a redirect.
func (s *Store) SetRedirect(ctx context.Context, r blog.Redirect) error {
	_, err := s.q.Exec(ctx, `INSERT INTO redirects (from_path, to_path, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (from_path) DO UPDATE SET to_path = excluded.to_path`, r.From, r.To, unix(r.CreatedAt))
	return err
}

// DeleteRedirect removes a redirect; removing an unknown one is not an
// error.
func (s *Store) DeleteRedirect(ctx context.Context, from string) error {
	_, err := s.q.Exec(ctx, `DELETE FROM redirects WHERE from_path = $1`, from)
	return err
}

package postgres

import (
	"context"
	"fmt"
	"strings"

	"folio/internal/blog"
	"folio/internal/store/archive"

	"github.com/jackc/pgx/v5"
)

// Snapshot runs fn with a reader whose every read sees the database as
// it was when it began, while writers go on: a read-only, repeatable
// read transaction.
func (s *Store) Snapshot(ctx context.Context, fn func(archive.Reader) error) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return err
	}
	defer tx.Rollback(context.Background())
	return fn(snapshot{tx})
}

type snapshot struct{ tx pgx.Tx }

func (r snapshot) Rows(ctx context.Context, t archive.Table, fn func([]any) error) error {
	rows, err := r.tx.Query(ctx, `SELECT `+strings.Join(t.Names(), ", ")+` FROM `+t.Name+` ORDER BY `+t.OrderBy)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return err
		}
		if err := fn(vals); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Empty reports whether the database holds no users, posts or replies.
func (s *Store) Empty(ctx context.Context) (bool, error) {
	var n int
	err := s.q.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM posts) + (SELECT COUNT(*) FROM comments)`).Scan(&n)
	return n == 0, err
}

// Load runs fn in one transaction after deleting every row (replace) or
// only the settings of the empty site, then rebuilds the search
// documents and moves each ID sequence past the loaded IDs.
func (s *Store) Load(ctx context.Context, replace bool, fn func(archive.Writer) error) error {
	return s.Atomic(ctx, func(bs blog.Tx) error {
		tx := bs.(*Store)
		clear := `DELETE FROM settings`
		if replace {
			names := append([]string(nil), archive.Derived...)
			for _, t := range archive.Tables() {
				names = append(names, t.Name)
			}
			clear = `TRUNCATE ` + strings.Join(names, ", ")
		}
		if _, err := tx.q.Exec(ctx, clear); err != nil {
			return err
		}
		if err := fn(loader{tx.tx}); err != nil {
			return err
		}
		if err := reindex(ctx, conn{tx}, `TRUE`); err != nil {
			return err
		}
		for _, t := range archive.Tables() {
			if t.Columns[0].Name != "id" || t.Columns[0].Kind != archive.Int {
				continue
			}
			if _, err := tx.q.Exec(ctx, fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%[1]s', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM %[1]s`, t.Name)); err != nil {
				return fmt.Errorf("move the ID sequence of %s: %w", t.Name, err)
			}
		}
		// Every process serving the site drops what it keeps.
		return tx.RecordChange(ctx, "load", blog.Change{All: true})
	})
}

type loader struct{ tx pgx.Tx }

func (l loader) Insert(ctx context.Context, t archive.Table, rows [][]any) error {
	_, err := l.tx.CopyFrom(ctx, pgx.Identifier{t.Name}, t.Names(), pgx.CopyFromRows(rows))
	return mapErr(err)
}

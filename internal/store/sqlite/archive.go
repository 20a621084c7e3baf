package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"folio/internal/blog"
	"folio/internal/store/archive"
	"folio/internal/store/query"
)

// Snapshot runs fn with a reader whose every read sees the database as
// it was at the first one, while writers go on: a read transaction on
// WAL.
func (s *Store) Snapshot(ctx context.Context, fn func(archive.Reader) error) error {
	tx, err := s.read.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(snapshot{tx})
}

type snapshot struct{ tx *sql.Tx }

func (r snapshot) Rows(ctx context.Context, t archive.Table, fn func([]any) error) error {
	rows, err := r.tx.QueryContext(ctx, `SELECT `+strings.Join(t.Names(), ", ")+` FROM `+t.Name+` ORDER BY `+t.OrderBy)
	if err != nil {
		return err
	}
	defer rows.Close()
	vals := make([]any, len(t.Columns))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
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
	err := s.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM posts) + (SELECT COUNT(*) FROM comments)`).Scan(&n)
	return n == 0, err
}

// Load runs fn in one transaction after deleting every row (replace) or
// only the settings of the empty site, then rebuilds the search index.
func (s *Store) Load(ctx context.Context, replace bool, fn func(archive.Writer) error) error {
	return s.Atomic(ctx, func(bs blog.Tx) error {
		tx := bs.(*Store)
		tables := []archive.Table{{Name: "settings"}}
		if replace {
			tables = archive.Tables()
			for _, name := range archive.Derived {
				tables = append(tables, archive.Table{Name: name})
			}
		}
		for i := len(tables) - 1; i >= 0; i-- {
			if _, err := tx.tx.ExecContext(ctx, `DELETE FROM `+tables[i].Name); err != nil {
				return err
			}
		}
		if err := fn(loader{tx}); err != nil {
			return err
		}
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM posts_fts`); err != nil {
			return err
		}
		if err := reindex(ctx, conn{tx}, `1 = 1`); err != nil {
			return err
		}
		// Every process serving the site drops what it keeps.
		return tx.RecordChange(ctx, "load", blog.Change{All: true})
	})
}

type loader struct{ s *Store }

func (l loader) Insert(ctx context.Context, t archive.Table, rows [][]any) error {
	q := `INSERT INTO ` + t.Name + ` (` + strings.Join(t.Names(), ", ") + `) VALUES (` + query.Placeholders(len(t.Columns)) + `)`
	for _, row := range rows {
		if _, err := l.s.exec(ctx, q, row...); err != nil {
			return mapErr(err)
		}
	}
	return nil
}

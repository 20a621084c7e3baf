// Package migrate applies a store's embedded, versioned SQL migrations.
// Migrations are files named NNNN_what.sql, applied in order, each in its
// own transaction, and never edited once released: a change to the schema
// is a new file.
package migrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// ErrSchemaNewer is returned when the database was migrated by a newer
// folio than this one.
var ErrSchemaNewer = errors.New("the database schema is newer than this folio; upgrade folio")

// ErrSchemaOlder is returned by Check when the database needs migrations
// this folio carries.
var ErrSchemaOlder = errors.New("the database schema is older than this folio")

// Migration is one numbered schema change.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Load reads the migrations in the directory dir of fsys, sorted by
// version. It fails on a badly named file or two files with one version.
func Load(fsys fs.FS, dir string) ([]Migration, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.sql"))
	if err != nil {
		return nil, err
	}
	var ms []Migration
	seen := map[int]string{}
	for _, name := range names {
		num, _, ok := strings.Cut(path.Base(name), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive number and _", name)
		}
		if other, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %s and %s share version %d", other, name, v)
		}
		seen[v] = name
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: name, SQL: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	return ms, nil
}

// Version returns the highest applied migration, or 0 for an empty
// database.
func Version(ctx context.Context, db *sql.DB) (int, error) {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)`); err != nil {
		return 0, fmt.Errorf("create schema_migrations: %w", err)
	}
	var v sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return int(v.Int64), nil
}

// Check returns the database's version, failing with ErrSchemaNewer or
// ErrSchemaOlder unless it is 0 (empty) or the newest in ms.
func Check(ctx context.Context, db *sql.DB, ms []Migration) (int, error) {
	cur, err := Version(ctx, db)
	if err != nil || len(ms) == 0 || cur == 0 {
		return cur, err
	}
	switch newest := ms[len(ms)-1].Version; {
	case cur > newest:
		return cur, fmt.Errorf("%w (database at version %d, this folio knows up to %d)", ErrSchemaNewer, cur, newest)
	case cur < newest:
		return cur, fmt.Errorf("%w (database at version %d, this folio needs %d)", ErrSchemaOlder, cur, newest)
	}
	return cur, nil
}

// Apply brings db up to the newest migration in ms and returns the
// versions it applied. It returns ErrSchemaNewer, changing nothing, when
// the database is ahead of ms.
func Apply(ctx context.Context, db *sql.DB, ms []Migration) ([]int, error) {
	cur, err := Version(ctx, db)
	if err != nil {
		return nil, err
	}
	if len(ms) > 0 && cur > ms[len(ms)-1].Version {
		return nil, fmt.Errorf("%w (database at version %d, this folio knows up to %d)", ErrSchemaNewer, cur, ms[len(ms)-1].Version)
	}
	var applied []int
	for _, m := range ms {
		if m.Version <= cur {
			continue
		}
		if err := apply(ctx, db, m); err != nil {
			return applied, err
		}
		applied = append(applied, m.Version)
	}
	return applied, nil
}

func apply(ctx context.Context, db *sql.DB, m Migration) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return fmt.Errorf("migration %s: %w", m.Name, err)
	}
	// The version is an integer parsed from the file name, so formatting
	// it into the statement keeps it free of dialect placeholders.
	if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version) VALUES ("+strconv.Itoa(m.Version)+")"); err != nil {
		return fmt.Errorf("record migration %s: %w", m.Name, err)
	}
	return tx.Commit()
}

// Package sqlite stores a folio site in one SQLite file through the pure-Go
// modernc.org/sqlite driver: WAL journal, foreign keys, a busy timeout and
// fully synchronous commits, so an acknowledged write survives a crash.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"time"

	"folio/internal/blog"
	"folio/internal/store/migrate"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the embedded schema migrations.
func Migrations() ([]migrate.Migration, error) {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	return migrate.Load(sub)
}

// queryer is what *sql.DB and *sql.Tx have in common.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Store implements blog.Store on SQLite. It is safe for concurrent use.
type Store struct {
	db *sql.DB
	q  queryer
}

var _ blog.Store = (*Store)(nil)

// Open opens (creating if needed) the database file at path and applies
// any pending migrations. It fails with migrate.ErrSchemaNewer when a
// newer folio has migrated the file.
func Open(ctx context.Context, path string) (*Store, error) {
	v := url.Values{}
	v.Add("_pragma", "foreign_keys(1)")
	v.Add("_pragma", "journal_mode(WAL)")
	v.Add("_pragma", "busy_timeout(10000)")
	v.Add("_pragma", "synchronous(FULL)")
	v.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+v.Encode())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	ms, err := Migrations()
	if err != nil {
		db.Close()
		return nil, err
	}
	if _, err := migrate.Apply(ctx, db, ms); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate %s: %w", path, err)
	}
	return &Store{db: db, q: db}, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Atomic runs fn in one IMMEDIATE transaction, so concurrent writers queue
// on SQLite's lock instead of failing part-way.
func (s *Store) Atomic(ctx context.Context, fn func(blog.Store) error) error {
	if _, inTx := s.q.(*sql.Tx); inTx {
		return fn(s)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(&Store{db: s.db, q: tx}); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", mapErr(err))
	}
	return nil
}

// mapErr turns driver errors with a domain meaning into blog errors.
func mapErr(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return blog.ErrNotFound
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %v", blog.ErrConflict, err)
		}
	}
	return err
}

func unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func fromUnix(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(n, 0).UTC()
}

// Package postgres stores a folio site in PostgreSQL (13 or newer) through
// pgx's connection pool, so several folio processes can serve one site.
// Every write runs in a transaction; rows a transaction reads before
// changing them are locked, so concurrent writers on other processes
// cannot act on stale copies.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"strings"
	"time"

	"folio/internal/blog"
	"folio/internal/store/migrate"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
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

// querier is what a pool and a transaction have in common.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Store implements blog.Store on PostgreSQL. It is safe for concurrent
// use.
type Store struct {
	pool *pgxpool.Pool
	q    querier
	tx   pgx.Tx // set in a Store made by Atomic
}

var _ blog.Store = (*Store)(nil)

// migrationLock is the advisory lock key that keeps two processes
// starting at once from migrating together.
const migrationLock = 0x666f6c696f // "folio"

// Open connects to the database at url (a postgres:// URL or key=value
// string), applies pending migrations and returns the Store. It fails
// with migrate.ErrSchemaNewer when a newer folio has migrated the
// database.
func Open(ctx context.Context, url string) (*Store, error) {
	return open(ctx, url, true)
}

// OpenCurrent is Open for a server that may share the database with
// running processes of an older folio: it creates the schema of an empty
// database but migrates nothing, failing with migrate.ErrSchemaOlder
// when the schema needs a migration (run Open, through folio migrate,
// once the older processes are stopped).
func OpenCurrent(ctx context.Context, url string) (*Store, error) {
	return open(ctx, url, false)
}

func open(ctx context.Context, url string, upgrade bool) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if !strings.Contains(url, "pool_max_conns") {
		// pgx's default (the number of CPUs, at least 4) leaves
		// requests queueing for a connection while others wait on
		// commits; many more make the server's processes fight for
		// the CPUs. The URL's pool_max_conns overrides this.
		cfg.MaxConns = int32(max(8, 4*runtime.NumCPU()))
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if err := migrateLocked(ctx, pool, upgrade); err != nil {
		pool.Close()
		return nil, err
	}
	return &Store{pool: pool, q: pool}, nil
}

func migrateLocked(ctx context.Context, pool *pgxpool.Pool, upgrade bool) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("connect to postgres: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
		return fmt.Errorf("lock for migration: %w", err)
	}
	defer conn.Exec(context.Background(), `SELECT pg_advisory_unlock($1)`, migrationLock)
	ms, err := Migrations()
	if err != nil {
		return err
	}
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	if !upgrade {
		if _, err := migrate.Check(ctx, db, ms); err != nil {
			return err
		}
	}
	if _, err := migrate.Apply(ctx, db, ms); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Close closes every connection.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Pool returns the connection pool, for listeners that need a
// connection of their own.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// maxTries bounds how often Atomic runs a transaction that lost a
// deadlock or serialization conflict to another process.
const maxTries = 3

// Atomic runs fn in a transaction, committed when fn returns nil. A
// transaction PostgreSQL aborted to break a deadlock runs again, up to
// maxTries times. Inside fn, Atomic runs fn' directly.
func (s *Store) Atomic(ctx context.Context, fn func(blog.Tx) error) error {
	if s.tx != nil {
		return fn(s)
	}
	var err error
	for range maxTries {
		if err = s.atomic(ctx, fn); !retryable(err) {
			return err
		}
	}
	return err
}

func (s *Store) atomic(ctx context.Context, fn func(blog.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(context.Background())
	if err := fn(&Store{pool: s.pool, q: tx, tx: tx}); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", mapErr(err))
	}
	return nil
}

func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// forUpdate locks the rows a transaction reads, so a write on another
// connection waits instead of acting on a copy this one is changing.
func (s *Store) forUpdate(table string) string {
	if s.tx == nil {
		return ""
	}
	return " FOR UPDATE OF " + table
}

// mapErr turns driver errors with a domain meaning into blog errors.
func mapErr(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return blog.ErrNotFound
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" { // unique_violation
		return fmt.Errorf("%w: %v", blog.ErrConflict, err)
	}
	return err
}

// expectOne turns "no row changed" into ErrNotFound.
func expectOne(tag pgconn.CommandTag, err error) error {
	if err != nil {
		return mapErr(err)
	}
	if tag.RowsAffected() == 0 {
		return blog.ErrNotFound
	}
	return nil
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

type scanner interface{ Scan(dest ...any) error }

// collect scans every row of a query with scan.
func collect[T any](rows pgx.Rows, err error, scan func(scanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (T, error) { return scan(row) })
}

// collectMap scans rows of a key and a value into a map.
func collectMap[K comparable, V any](rows pgx.Rows, err error) (map[K]V, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[K]V{}
	for rows.Next() {
		var k K
		var v V
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, rows.Err()
}

// args collects query arguments and numbers their placeholders.
type args []any

// add appends v and returns its placeholder.
func (a *args) add(v any) string {
	*a = append(*a, v)
	return fmt.Sprintf("$%d", len(*a))
}

// anyOf writes the condition "equals one of vs": plain equality for one
// value, which the planner estimates better than = ANY of an array.
func anyOf[T any](a *args, vs []T) string {
	if len(vs) == 1 {
		return " = " + a.add(vs[0])
	}
	return " = ANY(" + a.add(vs) + ")"
}

// toStrings converts a slice of string-kinded values for an = ANY($n)
// condition.
func toStrings[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

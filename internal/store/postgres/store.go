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
	"math/rand/v2"
	"runtime"
	"strings"

	"folio/internal/blog"
	"folio/internal/store/batch"
	"folio/internal/store/migrate"
	"folio/internal/store/query"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the embedded schema migrations.
func Migrations() ([]migrate.Migration, error) { return migrate.Load(migrationFiles, "migrations") }

// querier is what a pool and a transaction have in common.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Store implements blog.Store on PostgreSQL. It is safe for concurrent
// use. The statements both stores share come from query.Tables; the
// search documents, row locks and the dialect are this store's.
type Store struct {
	query.Tables
	pool *pgxpool.Pool
	q    querier
	tx   pgx.Tx // set in a Store made by Atomic
	// writer groups the process's writes into batches; nil in a Store
	// made by Atomic. slots is where its workers' reply count slots
	// start.
	writer *batch.Writer
	slots  int
	// batched is set in a Store a batch's writes run on: the changes
	// they record wait in changes until the batch commits.
	batched bool
	changes []pendingChange
	// channel carries the change feed's notices: one per schema, since
	// NOTIFY reaches the whole database.
	channel string
	// opened is the change feed's last seq when the store was opened:
	// followers start there, so a change committed between opening
	// (and reading the settings) and following is not missed.
	opened int64
}

// newStore returns a Store running on q, a pool or a transaction of it.
func newStore(pool *pgxpool.Pool, q querier, tx pgx.Tx, channel string) *Store {
	s := &Store{pool: pool, q: q, tx: tx, channel: channel}
	s.Tables = query.New(conn{s}, dialect)
	return s
}

// conn is the Store as the shared queries see it: their ? placeholders
// are numbered for pgx.
type conn struct{ s *Store }

func (c conn) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	tag, err := c.s.q.Exec(ctx, query.Rebind(q), args...)
	return tag.RowsAffected(), err
}

func (c conn) Each(ctx context.Context, fn func(query.Scanner) error, q string, args ...any) error {
	rows, err := c.s.q.Query(ctx, query.Rebind(q), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	return query.EachRow(rows, fn)
}

func (c conn) QueryRow(ctx context.Context, q string, args ...any) query.Scanner {
	return c.s.q.QueryRow(ctx, query.Rebind(q), args...)
}

func (c conn) ExecRow(ctx context.Context, q string, args ...any) query.Scanner {
	return c.s.q.QueryRow(ctx, query.Rebind(q), args...)
}

// Lock locks the rows a transaction reads, so a write on another
// connection waits instead of acting on a copy this one is changing.
func (c conn) Lock(alias string, skipLocked bool) string {
	if c.s.tx == nil {
		return ""
	}
	if skipLocked {
		return " FOR UPDATE OF " + alias + " SKIP LOCKED"
	}
	return " FOR UPDATE OF " + alias
}

// dialect is what the shared queries need to know of PostgreSQL.
var dialect = &query.Dialect{
	Like:     "ILIKE",
	Greatest: "GREATEST",
	// The hash condition lets PostgreSQL use comments_post_text.
	SameText: func(a *query.Args, column, text string) string {
		return "md5(" + column + ") = md5(" + a.Add(text) + "::text) AND " + column + " = " + a.Add(text)
	},
	Reindex: reindex,
	// A deleted post takes its search document with it.
	Unindex: func(context.Context, query.DB, int64) error { return nil },
	// Transactions commit in any order: a build's mark is the oldest
	// transaction still running (pg_snapshot_xmin), and every change
	// recorded by it or a later one is after the mark.
	ChangeMark: "xid", MarkValue: "CAST(? AS xid8)", After: " >= CAST(? AS xid8)",
	Position: `pg_snapshot_xmin(pg_current_snapshot())`,
	MapErr:   mapErr,
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
		cfg.MaxConns = int32(max(8, 4*runtime.NumCPU()) + writeWorkers)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if err := migrateLocked(ctx, pool, upgrade); err != nil {
		pool.Close()
		return nil, err
	}
	var schema string
	if err := pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	channel := changesChannel
	if schema != "public" {
		channel += "_" + schema
	}
	s := newStore(pool, pool, nil, channel)
	if err := pool.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM changes`).Scan(&s.opened); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: read the change feed: %w", err)
	}
	s.slots = rand.IntN(query.CountSlots)
	s.writer = batch.New(batch.Store{Begin: s.begin, Workers: writeWorkers, MaxBatch: writeBatch, Retry: retryable})
	return s, nil
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

// Close finishes queued writes and closes every connection.
func (s *Store) Close() error {
	s.writer.Stop()
	s.pool.Close()
	return nil
}

// writeWorkers is how many batches of writes a process runs at once,
// each on a connection of its own, and writeBatch the most writes in
// one. A batch's writes run one after another, a few round trips each,
// so short batches on several connections keep PostgreSQL busy while
// each commit (one WAL flush) still answers many writes.
const (
	writeWorkers = 6
	writeBatch   = 16
)

// Atomic runs fn in a transaction, committed when fn returns nil.
// Concurrent calls are grouped into batches, each one transaction with a
// savepoint per write, so one commit (one WAL flush) acknowledges many
// writes; a failing fn rolls back only its own savepoint, and one that
// lost a deadlock or serialization conflict to another transaction runs
// again in a later batch. Inside fn, Atomic runs fn' directly.
func (s *Store) Atomic(ctx context.Context, fn func(blog.Tx) error) error {
	if s.tx != nil {
		return fn(s)
	}
	return s.writer.Do(ctx, fn)
}

// begin opens a batch's transaction and the Store its writes see.
func (s *Store) begin(ctx context.Context, worker int) (batch.Txn, blog.Tx, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, nil, err
	}
	st := newStore(s.pool, tx, tx, s.channel)
	// Each worker counts replies in a slot of its own; the process's
	// slots start at a random place, so another process's seldom meet.
	st.Tables = st.Tables.InSlot(s.slots + worker)
	st.batched = true
	return &pgTxn{tx: tx, st: st}, st, nil
}

// pgTxn is a pgx transaction as a batch runs it. The changes its writes
// record wait in its Store and go to the feed in one statement before
// the commit; mark is how many the writes before the savepoint left.
type pgTxn struct {
	tx   pgx.Tx
	st   *Store
	mark int
}

func (t *pgTxn) Savepoint(ctx context.Context) error {
	t.mark = len(t.st.changes)
	_, err := t.tx.Exec(ctx, "SAVEPOINT write")
	return err
}

func (t *pgTxn) Next(ctx context.Context) error {
	t.mark = len(t.st.changes)
	// Without arguments pgx uses the simple protocol, which takes both
	// statements in one message.
	_, err := t.tx.Exec(ctx, "RELEASE SAVEPOINT write; SAVEPOINT write")
	return err
}

func (t *pgTxn) Undo(ctx context.Context) error {
	t.st.changes = t.st.changes[:t.mark]
	_, err := t.tx.Exec(ctx, "ROLLBACK TO SAVEPOINT write")
	return err
}

func (t *pgTxn) Commit(ctx context.Context) error {
	if err := t.st.flushChanges(ctx); err != nil {
		return err
	}
	if err := t.tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", mapErr(err))
	}
	return nil
}

func (t *pgTxn) Rollback(ctx context.Context) error { return t.tx.Rollback(ctx) }

func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
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

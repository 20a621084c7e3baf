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
	"net/url"
	"sync"

	"folio/internal/blog"
	"folio/internal/store/batch"
	"folio/internal/store/migrate"
	"folio/internal/store/query"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the embedded schema migrations.
func Migrations() ([]migrate.Migration, error) { return migrate.Load(migrationFiles, "migrations") }

// Store implements blog.Store on SQLite. It is safe for concurrent use.
// Writes go through one connection, so writers queue in Go instead of
// sleeping in SQLite's busy handler; reads use a pool of their own, which
// WAL lets run beside the writer. The statements both stores share come
// from query.Tables; the search index and the dialect are this store's.
type Store struct {
	query.Tables
	path  string // the database file
	read  *pool
	write *pool
	tx    *sql.Tx // set in a Store made by Atomic
	// txStmts holds the transaction's statements; only the writer
	// goroutine uses it.
	txStmts map[string]*sql.Stmt
	// pending collects statements first seen inside a transaction, to be
	// prepared on the write pool once it is free again.
	pending *sync.Map
	writer  *batch.Writer
	// opened is the change feed's last seq when the store was opened:
	// followers start there, so a change committed between opening
	// (and reading the settings) and following is not missed.
	opened int64
}

// pool is a database handle with its statements prepared once, so hot
// paths skip SQLite's parser.
type pool struct {
	db    *sql.DB
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

func (p *pool) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	p.mu.RLock()
	st, ok := p.stmts[query]
	p.mu.RUnlock()
	if ok {
		return st, nil
	}
	// Prepare without holding the lock: on the write pool, preparing waits
	// for the connection, which a transaction may hold while it reads
	// the cache.
	st, err := p.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if old, ok := p.stmts[query]; ok {
		st.Close()
		return old, nil
	}
	p.stmts[query] = st
	return st, nil
}

func (p *pool) close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, st := range p.stmts {
		st.Close()
	}
	p.stmts = map[string]*sql.Stmt{}
	return p.db.Close()
}

// stmt returns the prepared statement for query: in the transaction when
// there is one, else on the read or write pool. A statement first needed
// inside a transaction is prepared on the transaction, because the write
// pool's only connection is busy with it.
func (s *Store) stmt(ctx context.Context, query string, write bool) (*sql.Stmt, error) {
	if s.tx != nil {
		// A transaction keeps its statements: a long import runs the same
		// few thousands of times.
		if st, ok := s.txStmts[query]; ok {
			return st, nil
		}
		s.write.mu.RLock()
		cached, ok := s.write.stmts[query]
		s.write.mu.RUnlock()
		var st *sql.Stmt
		if ok {
			st = s.tx.StmtContext(ctx, cached)
		} else {
			s.pending.Store(query, true)
			var err error
			if st, err = s.tx.PrepareContext(ctx, query); err != nil {
				return nil, err
			}
		}
		s.txStmts[query] = st
		return st, nil
	}
	p := s.read
	if write {
		p = s.write
	}
	return p.stmt(ctx, query)
}

func (s *Store) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := s.stmt(ctx, query, true)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := s.stmt(ctx, query, false)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// rowErr is a *sql.Row stand-in for a statement that failed to prepare.
type rowErr struct{ err error }

func (r rowErr) Scan(...any) error { return r.err }

func (s *Store) queryRow(ctx context.Context, query string, args ...any) query.Scanner {
	st, err := s.stmt(ctx, query, false)
	if err != nil {
		return rowErr{err}
	}
	return st.QueryRowContext(ctx, args...)
}

// conn is the Store as the shared queries see it.
type conn struct{ s *Store }

func (c conn) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	res, err := c.s.exec(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (c conn) Each(ctx context.Context, fn func(query.Scanner) error, q string, args ...any) error {
	rows, err := c.s.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	return query.EachRow(rows, fn)
}

func (c conn) QueryRow(ctx context.Context, q string, args ...any) query.Scanner {
	return c.s.queryRow(ctx, q, args...)
}

func (c conn) ExecRow(ctx context.Context, q string, args ...any) query.Scanner {
	st, err := c.s.stmt(ctx, q, true)
	if err != nil {
		return rowErr{err}
	}
	return st.QueryRowContext(ctx, args...)
}

// Lock returns nothing: the store's one writer runs transactions one at
// a time.
func (c conn) Lock(string, bool) string { return "" }

// dialect is what the shared queries need to know of SQLite.
var dialect = &query.Dialect{
	Like:     "LIKE",
	Greatest: "MAX",
	// The prefix condition lets SQLite use comments_post_text.
	SameText: func(a *query.Args, column, text string) string {
		return "substr(" + column + ", 1, 64) = substr(" + a.Add(text) + ", 1, 64) AND " + column + " = " + a.Add(text)
	},
	Reindex: reindex,
	Unindex: func(ctx context.Context, db query.DB, id int64) error {
		_, err := db.Exec(ctx, `DELETE FROM posts_fts WHERE rowid = ?`, id)
		return err
	},
	// One writer commits changes in seq order; AUTOINCREMENT never
	// gives a seq twice, pruned or not.
	ChangeMark: "seq", MarkValue: "?", After: " > ?",
	Position: `COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0)`,
	MapErr:   mapErr,
}

// withTables returns s with the shared queries bound to it.
func withTables(s *Store) *Store {
	// One writer at a time: every reply count goes to one row a post.
	s.Tables = query.New(conn{s}, dialect).InSlot(0)
	return s
}

var _ blog.Store = (*Store)(nil)

// readers is the size of the read pool.
const readers = 8

func openDB(ctx context.Context, path string, write bool) (*sql.DB, error) {
	v := url.Values{}
	v.Add("_pragma", "foreign_keys(1)")
	v.Add("_pragma", "journal_mode(WAL)")
	v.Add("_pragma", "busy_timeout(10000)")
	v.Add("_pragma", "synchronous(FULL)")
	if write {
		v.Set("_txlock", "immediate")
	} else {
		v.Add("_pragma", "query_only(1)")
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+v.Encode())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if write {
		db.SetMaxOpenConns(1)
	} else {
		db.SetMaxOpenConns(readers)
		db.SetMaxIdleConns(readers)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

// Open opens (creating if needed) the database file at path and applies
// any pending migrations. It fails with migrate.ErrSchemaNewer when a
// newer folio has migrated the file.
func Open(ctx context.Context, path string) (*Store, error) {
	w, err := openDB(ctx, path, true)
	if err != nil {
		return nil, err
	}
	ms, err := Migrations()
	if err != nil {
		w.Close()
		return nil, err
	}
	if err := migrateWithoutForeignKeys(ctx, w, ms); err != nil {
		w.Close()
		return nil, fmt.Errorf("migrate %s: %w", path, err)
	}
	r, err := openDB(ctx, path, false)
	if err != nil {
		w.Close()
		return nil, err
	}
	s := withTables(&Store{
		path:    path,
		read:    &pool{db: r, stmts: map[string]*sql.Stmt{}},
		write:   &pool{db: w, stmts: map[string]*sql.Stmt{}},
		pending: &sync.Map{},
	})
	// SQLite takes one writer: one worker, whose batches share a
	// transaction and one fsync.
	s.writer = batch.New(batch.Store{Begin: s.begin, Workers: 1, After: s.preparePending})
	if err := r.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM changes`).Scan(&s.opened); err != nil {
		s.Close()
		return nil, fmt.Errorf("read the change feed: %w", err)
	}
	return s, nil
}

// migrateWithoutForeignKeys applies the migrations with foreign keys off,
// as SQLite's procedure for rebuilding a table asks (dropping a table
// that others refer to would otherwise delete their rows), then, when
// any ran, checks every reference still holds; the keys go back on. The write
// pool has one connection, so the pragmas and the migrations share it.
func migrateWithoutForeignKeys(ctx context.Context, db *sql.DB, ms []migrate.Migration) error {
	if _, err := db.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
		return err
	}
	defer db.ExecContext(context.Background(), "PRAGMA foreign_keys = ON")
	applied, err := migrate.Apply(ctx, db, ms)
	if err != nil || len(applied) == 0 {
		return err
	}
	rows, err := db.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		return errors.New("a migration left a reference to a missing row")
	}
	return rows.Err()
}

// Close finishes queued writes, then closes the prepared statements and
// the database.
func (s *Store) Close() error {
	s.writer.Stop()
	return errors.Join(s.read.close(), s.write.close())
}

// Atomic runs fn in a transaction: its writes are all committed, durably,
// before Atomic returns nil, or none are. Concurrent calls are grouped by
// the store's single writer into one SQLite transaction, each in its own
// savepoint, so one fsync acknowledges many writes; a failing fn rolls
// back only its own savepoint. Inside fn, Atomic runs fn' directly.
func (s *Store) Atomic(ctx context.Context, fn func(blog.Tx) error) error {
	if s.tx != nil {
		return fn(s)
	}
	return s.writer.Do(ctx, fn)
}

// begin opens the writer's transaction and the Store its writes see.
func (s *Store) begin(ctx context.Context, _ int) (batch.Txn, blog.Tx, error) {
	tx, err := s.write.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, nil, err
	}
	return sqlTxn{tx}, withTables(&Store{path: s.path, read: s.read, write: s.write, tx: tx, pending: s.pending, txStmts: map[string]*sql.Stmt{}}), nil
}

// sqlTxn is a database/sql transaction as a batch runs it.
type sqlTxn struct{ tx *sql.Tx }

func (t sqlTxn) exec(ctx context.Context, q ...string) error {
	for _, s := range q {
		if _, err := t.tx.ExecContext(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

func (t sqlTxn) Savepoint(ctx context.Context) error { return t.exec(ctx, "SAVEPOINT write") }

func (t sqlTxn) Next(ctx context.Context) error {
	return t.exec(ctx, "RELEASE SAVEPOINT write", "SAVEPOINT write")
}

func (t sqlTxn) Undo(ctx context.Context) error { return t.exec(ctx, "ROLLBACK TO SAVEPOINT write") }

func (t sqlTxn) Commit(context.Context) error {
	if err := t.tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", mapErr(err))
	}
	return nil
}

func (t sqlTxn) Rollback(context.Context) error { return t.tx.Rollback() }

// preparePending prepares on the write pool the statements the last
// transaction met for the first time, so later transactions reuse them.
func (s *Store) preparePending(ctx context.Context) {
	s.pending.Range(func(q, _ any) bool {
		s.pending.Delete(q)
		// A failure only means the statement is prepared again next time.
		s.write.stmt(ctx, q.(string))
		return true
	})
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

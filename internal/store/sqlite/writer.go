package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"folio/internal/blog"
)

// maxBatch bounds how many writes share one transaction.
const maxBatch = 128

// errClosed is returned for writes queued after Close.
var errClosed = errors.New("sqlite: store is closed")

type writeReq struct {
	ctx  context.Context
	fn   func(blog.Tx) error
	err  error
	done chan error
}

// writer is the store's one writing goroutine. It takes every write
// waiting at the time, runs them in one transaction with a savepoint
// each, commits once and answers them all: group commit, so a burst of
// replies costs one fsync instead of one each.
type writer struct {
	s      *Store
	queue  chan *writeReq
	quit   chan struct{}
	closed sync.Once
	wg     sync.WaitGroup
}

func newWriter(s *Store) *writer {
	w := &writer{s: s, queue: make(chan *writeReq, maxBatch), quit: make(chan struct{})}
	w.wg.Add(1)
	go w.loop()
	return w
}

// do queues fn and waits for its outcome.
func (w *writer) do(ctx context.Context, fn func(blog.Tx) error) error {
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case w.queue <- req:
	case <-w.quit:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued the write runs to its end even if ctx is cancelled, so
	// the caller learns whether it was committed.
	return <-req.done
}

func (w *writer) stop() {
	w.closed.Do(func() { close(w.quit) })
	w.wg.Wait()
}

func (w *writer) loop() {
	defer w.wg.Done()
	for {
		var first *writeReq
		select {
		case first = <-w.queue:
		case <-w.quit:
			w.drain()
			return
		}
		batch := []*writeReq{first}
	more:
		for len(batch) < maxBatch {
			select {
			case r := <-w.queue:
				batch = append(batch, r)
			default:
				break more
			}
		}
		w.run(batch)
	}
}

// drain runs what was queued before Close.
func (w *writer) drain() {
	for {
		select {
		case r := <-w.queue:
			w.run([]*writeReq{r})
		default:
			return
		}
	}
}

func (w *writer) run(batch []*writeReq) {
	ctx := context.Background()
	tx, err := w.s.write.db.BeginTx(ctx, nil)
	if err != nil {
		for _, r := range batch {
			r.done <- fmt.Errorf("begin: %w", err)
		}
		return
	}
	txs := withTables(&Store{path: w.s.path, read: w.s.read, write: w.s.write, tx: tx, pending: w.s.pending, txStmts: map[string]*sql.Stmt{}})
	ok := 0
	for _, r := range batch {
		if r.err = r.ctx.Err(); r.err != nil {
			continue
		}
		if _, err := tx.ExecContext(ctx, "SAVEPOINT write"); err != nil {
			r.err = err
			continue
		}
		r.err = call(r.fn, txs)
		if r.err != nil {
			if _, err := tx.ExecContext(ctx, "ROLLBACK TO write"); err != nil {
				// The transaction is in an unknown state: fail the batch.
				tx.Rollback()
				for _, r := range batch {
					r.done <- fmt.Errorf("roll back a failed write: %w", err)
				}
				return
			}
		} else {
			ok++
		}
		if _, err := tx.ExecContext(ctx, "RELEASE write"); err != nil {
			tx.Rollback()
			for _, r := range batch {
				r.done <- fmt.Errorf("release savepoint: %w", err)
			}
			return
		}
	}
	var commitErr error
	if ok == 0 {
		commitErr = tx.Rollback()
	} else if err := tx.Commit(); err != nil {
		commitErr = fmt.Errorf("commit: %w", mapErr(err))
	}
	for _, r := range batch {
		if r.err != nil {
			r.done <- r.err
		} else {
			r.done <- commitErr
		}
	}
	w.s.preparePending(ctx)
}

// call runs fn, turning a panic into an error so one bad write cannot
// stop the writer.
func call(fn func(blog.Tx) error, s *Store) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic in write: %v", v)
		}
	}()
	return fn(s)
}

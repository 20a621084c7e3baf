// Package batch is the group commit both stores share: the writes
// waiting at the same moment run in one transaction, each in a savepoint
// of its own, and one commit (one WAL flush) answers them all. A write
// that fails rolls back to its savepoint and fails alone; the others
// commit.
package batch

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"folio/internal/blog"
)

// DefaultBatch bounds how many writes share one transaction unless the
// Store says otherwise.
const DefaultBatch = 128

// maxTries bounds how often a write that lost a deadlock or a
// serialization conflict to another transaction runs again.
const maxTries = 3

// ErrClosed is returned for writes queued after Stop.
var ErrClosed = errors.New("store: closed")

// Txn is the transaction a batch runs in, as its store opened it. Its
// one savepoint serves each write in turn.
type Txn interface {
	// Savepoint sets the savepoint before the first write.
	Savepoint(ctx context.Context) error
	// Next releases the savepoint after a write that succeeded and sets
	// it again for the next, in one round trip where the database
	// allows.
	Next(ctx context.Context) error
	// Undo rolls back to the savepoint, which stays set.
	Undo(ctx context.Context) error
	Commit(ctx context.Context) error
	Rollback(ctx context.Context) error
}

// Store says how to run batches on one database.
type Store struct {
	// Begin opens a transaction for worker (0 to Workers-1) and the
	// blog.Tx its writes run on.
	Begin func(ctx context.Context, worker int) (Txn, blog.Tx, error)
	// Workers is how many batches may run at once: 1 where the database
	// takes one writer (SQLite), more where writes run side by side.
	Workers int
	// MaxBatch bounds the writes of one batch; 0 means DefaultBatch.
	// Where several workers run, smaller batches keep them all busy:
	// a batch's writes run one after another, so its length is the
	// latency of each.
	MaxBatch int
	// Retry reports whether a write's error means another transaction
	// won a conflict, so the write runs again in a later batch; nil
	// never retries.
	Retry func(error) bool
	// After, when set, runs after each batch.
	After func(ctx context.Context)
}

type request struct {
	ctx   context.Context
	fn    func(blog.Tx) error
	tries int
	err   error
	done  chan error
}

// Writer queues writes and runs them in batches.
type Writer struct {
	st     Store
	queue  chan *request
	quit   chan struct{}
	closed sync.Once
	wg     sync.WaitGroup
}

// New starts the writer's workers.
func New(st Store) *Writer {
	if st.Workers < 1 {
		st.Workers = 1
	}
	if st.MaxBatch < 1 {
		st.MaxBatch = DefaultBatch
	}
	w := &Writer{st: st, queue: make(chan *request, st.MaxBatch*st.Workers), quit: make(chan struct{})}
	for i := range st.Workers {
		w.wg.Go(func() { w.loop(i) })
	}
	return w
}

// Do queues fn and waits for its outcome: nil once it is committed.
func (w *Writer) Do(ctx context.Context, fn func(blog.Tx) error) error {
	r := &request{ctx: ctx, fn: fn, done: make(chan error, 1)}
	if err := w.enqueue(r); err != nil {
		return err
	}
	// Once queued the write runs to its end even if ctx is cancelled, so
	// the caller learns whether it was committed.
	return <-r.done
}

func (w *Writer) enqueue(r *request) error {
	select {
	case w.queue <- r:
		return nil
	case <-w.quit:
		return ErrClosed
	case <-r.ctx.Done():
		return r.ctx.Err()
	}
}

// Stop runs what is queued, then stops the workers.
func (w *Writer) Stop() {
	w.closed.Do(func() { close(w.quit) })
	w.wg.Wait()
}

func (w *Writer) loop(worker int) {
	for {
		var first *request
		select {
		case first = <-w.queue:
		case <-w.quit:
			w.drain(worker)
			return
		}
		batch := []*request{first}
	more:
		for len(batch) < w.st.MaxBatch {
			select {
			case r := <-w.queue:
				batch = append(batch, r)
			default:
				break more
			}
		}
		w.run(worker, batch)
	}
}

// drain runs what was queued before Stop.
func (w *Writer) drain(worker int) {
	for {
		select {
		case r := <-w.queue:
			w.run(worker, []*request{r})
		default:
			return
		}
	}
}

func (w *Writer) run(worker int, batch []*request) {
	ctx := context.Background()
	if w.st.After != nil {
		defer w.st.After(ctx)
	}
	txn, tx, err := w.st.Begin(ctx, worker)
	if err != nil {
		w.answer(batch, fmt.Errorf("begin: %w", err))
		return
	}
	var done []*request // the writes that succeeded, for the commit to answer
	// abort ends the batch: nothing is committed, and the writes not yet
	// answered learn why.
	abort := func(pending []*request, err error) {
		txn.Rollback(ctx)
		w.answer(done, err)
		w.answer(pending, err)
	}
	// One savepoint serves every write in turn: a failed write rolls
	// back to it, which keeps it for the next; a write that succeeded
	// releases it and sets it again in the same round trip. A batch of
	// one needs none: its transaction is its savepoint.
	single := len(batch) == 1
	if !single {
		if err := txn.Savepoint(ctx); err != nil {
			abort(batch, fmt.Errorf("savepoint: %w", err))
			return
		}
	}
	for i, r := range batch {
		if r.err = r.ctx.Err(); r.err != nil {
			r.done <- r.err
			continue
		}
		if r.err = call(r.fn, tx); r.err != nil {
			if single {
				txn.Rollback(ctx)
				w.finish(r, r.err)
				return
			}
			if err := txn.Undo(ctx); err != nil {
				// The transaction is in an unknown state: fail the batch.
				w.finish(r, r.err)
				abort(batch[i+1:], fmt.Errorf("roll back a failed write: %w", err))
				return
			}
			w.finish(r, r.err)
			continue
		}
		done = append(done, r)
		if !single && i < len(batch)-1 {
			if err := txn.Next(ctx); err != nil {
				abort(batch[i+1:], fmt.Errorf("release savepoint: %w", err))
				return
			}
		}
	}
	if len(done) == 0 {
		txn.Rollback(ctx)
		return
	}
	err = txn.Commit(ctx)
	for _, r := range done {
		w.finish(r, err)
	}
}

// answer ends each write of list with err (or its own error).
func (w *Writer) answer(list []*request, err error) {
	for _, r := range list {
		if r.err != nil {
			w.finish(r, r.err)
		} else {
			w.finish(r, err)
		}
	}
}

// finish answers r with err, or queues it again when err says another
// transaction won a conflict and r has tries left.
func (w *Writer) finish(r *request, err error) {
	if err != nil && w.st.Retry != nil && w.st.Retry(err) && r.tries+1 < maxTries {
		r.tries++
		r.err = nil
		// From a worker the queue may be full: wait for room on
		// another goroutine rather than block this batch's answers.
		go func() {
			if qerr := w.enqueue(r); qerr != nil {
				r.done <- err
			}
		}()
		return
	}
	r.done <- err
}

// call runs fn, turning a panic into an error so one bad write cannot
// stop the writer.
func call(fn func(blog.Tx) error, tx blog.Tx) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic in write: %v", v)
		}
	}()
	return fn(tx)
}

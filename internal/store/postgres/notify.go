package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"
)

// changesChannel is the channel on which folio processes sharing a
// database announce writes.
const changesChannel = "folio_changes"

// Changes lets the folio processes sharing one database tell each other
// about writes, through PostgreSQL's LISTEN and NOTIFY, so each can drop
// what it cached.
type Changes struct {
	store *Store
	self  string // this process's name, to ignore its own notices
}

// Changes returns the change feed of this process.
func (s *Store) Changes() *Changes {
	b := make([]byte, 8)
	rand.Read(b)
	return &Changes{store: s, self: hex.EncodeToString(b)}
}

// Notify tells the other processes that something changed.
func (c *Changes) Notify(ctx context.Context) error {
	_, err := c.store.pool.Exec(ctx, `SELECT pg_notify($1, $2)`, changesChannel, c.self)
	return err
}

// retryListen is the pause before listening again after a lost
// connection.
const retryListen = time.Second

// Listen calls changed whenever another process announces a write, and
// also after a lost connection is back, since notices sent meanwhile
// are lost. Notices that arrive while changed runs are answered by one
// more call, so a burst of writes elsewhere costs a refresh or two, not
// one each. It returns when ctx ends; connection errors go to fail, and
// Listen tries again.
func (c *Changes) Listen(ctx context.Context, changed func(), fail func(error)) {
	due := make(chan struct{}, 1)
	done := make(chan struct{})
	defer func() { close(due); <-done }()
	go func() {
		defer close(done)
		for range due {
			changed()
		}
	}()
	signal := func() {
		select {
		case due <- struct{}{}:
		default: // a refresh is already due
		}
	}
	reconnected := false
	for ctx.Err() == nil {
		err := c.listen(ctx, signal, reconnected)
		if ctx.Err() != nil {
			return
		}
		fail(err)
		reconnected = true
		select {
		case <-ctx.Done():
		case <-time.After(retryListen):
		}
	}
}

func (c *Changes) listen(ctx context.Context, changed func(), reconnected bool) error {
	pooled, err := c.store.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// A connection that listened is not given back to the pool.
	conn := pooled.Hijack()
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+changesChannel); err != nil {
		return err
	}
	if reconnected {
		changed()
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		if n.Payload != c.self {
			changed()
		}
	}
}

package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
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

// Notify tells the other processes that something changed; what is in
// payload (PostgreSQL takes up to about 8,000 bytes).
func (c *Changes) Notify(ctx context.Context, payload string) error {
	_, err := c.store.pool.Exec(ctx, `SELECT pg_notify($1, $2)`, changesChannel, c.self+" "+payload)
	return err
}

// retryListen is the pause before listening again after a lost
// connection.
const retryListen = time.Second

// Listen calls changed with the payload of every notice another process
// sends, in order, and with "" after a lost connection is back, since
// notices sent meanwhile are lost: the caller must then assume anything
// changed. It returns when ctx ends; connection errors go to fail, and
// Listen tries again.
func (c *Changes) Listen(ctx context.Context, changed func(payload string), fail func(error)) {
	reconnected := false
	for ctx.Err() == nil {
		err := c.listen(ctx, changed, reconnected)
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

func (c *Changes) listen(ctx context.Context, changed func(string), reconnected bool) error {
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
		changed("")
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		if from, payload, _ := strings.Cut(n.Payload, " "); from != c.self {
			changed(payload)
		}
	}
}

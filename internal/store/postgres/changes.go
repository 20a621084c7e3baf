package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"folio/internal/blog"
	"folio/internal/store/query"

	"github.com/jackc/pgx/v5"
)

// changesChannel is the channel on which writes announce themselves to
// the folio processes sharing the database; a site in a schema other
// than public adds the schema's name.
const changesChannel = "folio_changes"

// maxNotice bounds the change a notice carries; PostgreSQL takes up to
// about 8,000 bytes. A larger change is read from the table instead.
const maxNotice = 7000

// catchUpMargin is how far before the last change heard a catch-up after
// a lost connection reads the feed: a transaction that recorded its
// change before that one may have committed after it.
const catchUpMargin = 60

// followerName is the application name of the connection that follows
// the change feed on channel.
func followerName(channel string) string { return "folio change feed " + channel }

// retryListen is the pause before listening again after a lost
// connection.
const retryListen = time.Second

// pendingChange is a change a batch's write recorded, waiting for the
// batch's commit.
type pendingChange struct{ origin, body string }

// RecordChange adds c to the change feed and sends the notice, both in
// the caller's transaction: PostgreSQL delivers the notice when the
// transaction commits and never for one rolled back, and the request
// makes no round trip of its own after the commit. In a batch the
// change waits, and all the batch's go in one statement before it
// commits.
func (s *Store) RecordChange(ctx context.Context, origin string, c blog.Change) error {
	body, err := json.Marshal(c)
	if err != nil {
		return err
	}
	pc := pendingChange{origin, string(body)}
	if s.batched {
		s.changes = append(s.changes, pc)
		return nil
	}
	return s.recordChanges(ctx, []pendingChange{pc})
}

// flushChanges records the changes waiting in a batch's Store.
func (s *Store) flushChanges(ctx context.Context) error {
	if len(s.changes) == 0 {
		return nil
	}
	err := s.recordChanges(ctx, s.changes)
	s.changes = nil
	return err
}

// recordChanges inserts list into the feed, in order, with a notice for
// each; a change too large for a notice is read from the table instead.
func (s *Store) recordChanges(ctx context.Context, list []pendingChange) error {
	origins, bodies := make([]string, len(list)), make([]string, len(list))
	for i, c := range list {
		origins[i], bodies[i] = c.origin, c.body
	}
	_, err := s.q.Exec(ctx, `WITH c AS (INSERT INTO changes (origin, body, at)
			SELECT o, b, extract(epoch FROM clock_timestamp())::bigint
			FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS x (o, b, n) ORDER BY n
			RETURNING seq, origin, body)
		SELECT pg_notify($3, origin || ' ' || seq || ' ' || CASE WHEN octet_length(body) > $4 THEN '' ELSE body END) FROM c`,
		origins, bodies, s.channel, maxNotice)
	return err
}

// PruneChanges forgets the changes recorded before t, keeping the last
// transaction ID of each subject they name.
func (s *Store) PruneChanges(ctx context.Context, before time.Time) error {
	return s.Atomic(ctx, func(tx blog.Tx) error { return tx.(*Store).FoldChanges(ctx, before) })
}

// FollowChanges listens for the notices of other processes' writes on a
// connection of its own. After a lost connection it listens again and
// reads what the feed holds since shortly before the last change it
// heard, so nothing committed meanwhile is missed; when that part of the
// feed was already pruned, it applies everything.
func (s *Store) FollowChanges(ctx context.Context, origin string, apply func(blog.Change), lapse func(error)) error {
	// The seq of the last change heard: at first, the feed's end when
	// the store was opened, so what was committed since is read at once.
	last := s.opened
	for {
		err := s.follow(ctx, origin, &last, apply)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		lapse(err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(retryListen):
		}
	}
}

func (s *Store) follow(ctx context.Context, self string, last *int64, apply func(blog.Change)) error {
	pooled, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// A connection that listened is not given back to the pool.
	conn := pooled.Hijack()
	defer conn.Close(context.Background())
	// Named, so an operator sees the follower in pg_stat_activity.
	if _, err := conn.Exec(ctx, "SET application_name = "+pgx.Identifier{followerName(s.channel)}.Sanitize()); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{s.channel}.Sanitize()); err != nil {
		return err
	}
	// Listening first, then reading the feed: a change committed in
	// between is both read and heard, which applies it twice, harmlessly.
	c, err := s.catchUp(ctx, conn, self, last)
	if err != nil {
		c = blog.Change{All: true}
	}
	if !c.Empty() {
		apply(c)
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		from, rest, _ := strings.Cut(n.Payload, " ")
		seqText, body, _ := strings.Cut(rest, " ")
		seq, _ := strconv.ParseInt(seqText, 10, 64)
		*last = max(*last, seq)
		if from == self {
			continue
		}
		if body == "" {
			// Too large for the notice: read it from the feed.
			if err := conn.QueryRow(ctx, `SELECT body FROM changes WHERE seq = $1`, seq).Scan(&body); err != nil {
				body = ""
			}
		}
		apply(query.DecodeChange(body))
	}
}

// catchUp returns what the feed says other processes changed since a
// little before the change seq *last, and moves *last to the newest
// change read; it fails when that part of the feed is gone.
func (s *Store) catchUp(ctx context.Context, conn *pgx.Conn, self string, last *int64) (blog.Change, error) {
	var since int64
	err := conn.QueryRow(ctx, `SELECT at FROM changes WHERE seq = $1`, *last).Scan(&since)
	if *last == 0 {
		err = nil // the feed was empty: everything in it is new
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return blog.Change{}, fmt.Errorf("the changes after %d were pruned", *last)
	}
	if err != nil {
		return blog.Change{}, err
	}
	rows, err := conn.Query(ctx, `SELECT seq, origin, body FROM changes WHERE at >= $1 ORDER BY seq`, since-catchUpMargin)
	if err != nil {
		return blog.Change{}, err
	}
	defer rows.Close()
	var c blog.Change
	for rows.Next() {
		var seq int64
		var from, body string
		if err := rows.Scan(&seq, &from, &body); err != nil {
			return blog.Change{}, err
		}
		*last = max(*last, seq)
		if from != self {
			c = c.Merge(query.DecodeChange(body))
		}
	}
	return c, rows.Err()
}

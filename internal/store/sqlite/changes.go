package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"folio/internal/blog"
	"folio/internal/store/query"
)

// followInterval is how often a follower asks whether another
// connection committed: a few times a second, so a change reaches every
// process well within a second. The question costs no disk read.
const followInterval = 200 * time.Millisecond

// RecordChange adds c to the change feed in the caller's transaction.
func (s *Store) RecordChange(ctx context.Context, origin string, c blog.Change) error {
	body, err := json.Marshal(c)
	if err != nil {
		return err
	}
	_, err = s.exec(ctx, `INSERT INTO changes (origin, body, at) VALUES (?, ?, unixepoch())`, origin, string(body))
	return err
}

// PruneChanges forgets the changes recorded before t, keeping the last
// seq of each subject they name.
func (s *Store) PruneChanges(ctx context.Context, before time.Time) error {
	return s.Atomic(ctx, func(tx blog.Tx) error { return tx.(*Store).FoldChanges(ctx, before) })
}

// FollowChanges reads the feed whenever another connection (of this
// process or another) has committed, which SQLite's data_version tells
// without reading the file, and calls apply with what processes other
// than origin changed, merged into one change per read.
func (s *Store) FollowChanges(ctx context.Context, origin string, apply func(blog.Change), lapse func(error)) error {
	// data_version moves only for commits of other connections, so the
	// follower has one of its own, apart from the pools.
	db, err := openDB(ctx, s.path, false)
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	version := func() (int64, error) {
		var v int64
		err := conn.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v)
		return v, err
	}
	seen, err := version()
	if err != nil {
		return err
	}
	// What was committed since the store was opened is read at once.
	last := s.opened
	seen--
	tick := time.NewTicker(followInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		v, err := version()
		if err == nil && v == seen {
			continue
		}
		if err == nil {
			seen = v
			var c blog.Change
			if c, last, err = readChanges(ctx, conn, origin, last); err == nil {
				if !c.Empty() {
					apply(c)
				}
				continue
			}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		lapse(err)
		apply(blog.Change{All: true})
	}
}

// readChanges returns what the changes after seq last, by origins other
// than self, changed, and the last seq read. When the changes right
// after last were pruned, it returns an error: what they said is lost.
func readChanges(ctx context.Context, conn *sql.Conn, self string, last int64) (blog.Change, int64, error) {
	rows, err := conn.QueryContext(ctx, `SELECT seq, origin, body FROM changes WHERE seq > ? ORDER BY seq`, last)
	if err != nil {
		return blog.Change{}, last, err
	}
	defer rows.Close()
	var c blog.Change
	first := true
	for rows.Next() {
		var seq int64
		var from, body string
		if err := rows.Scan(&seq, &from, &body); err != nil {
			return blog.Change{}, last, err
		}
		if first && seq != last+1 && last > 0 {
			var pruned bool
			if err := conn.QueryRowContext(ctx, `SELECT COALESCE(MIN(seq), 0) > ? FROM changes`, last+1).Scan(&pruned); err == nil && pruned {
				return blog.Change{}, seq, fmt.Errorf("changes after %d were pruned before this process read them", last)
			}
		}
		first, last = false, seq
		if from == self {
			continue
		}
		c = c.Merge(query.DecodeChange(body))
	}
	return c, last, rows.Err()
}

package postgres_test

import (
	"context"
	"testing"
	"time"

	"folio/internal/blog"
	"folio/internal/store/postgres"
	"folio/internal/store/postgres/pgtest"
)

// TestChangeFeedCatchesUpAfterLostConnection kills a follower's listening
// connection while another process writes: the follower reports the
// lapse, listens again, and reads what was committed meanwhile from the
// feed instead of dropping everything.
func TestChangeFeedCatchesUpAfterLostConnection(t *testing.T) {
	url := pgtest.Fresh(t)
	a, b := open(t, url), open(t, url)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	heard := make(chan blog.Change, 100)
	lapses := make(chan error, 10)
	go b.FollowChanges(ctx, "b", func(c blog.Change) { heard <- c }, func(err error) { lapses <- err })
	record := func(id int64) {
		t.Helper()
		if err := a.Atomic(ctx, func(tx blog.Tx) error {
			return tx.RecordChange(ctx, "a", blog.Change{Posts: []int64{id}})
		}); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.After(5 * time.Second)
	for started := false; !started; {
		record(1)
		select {
		case <-heard:
			started = true
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatal("B heard nothing")
		}
	}
	for len(heard) > 0 {
		<-heard
	}
	// Kill B's listening connection, and write before it is back.
	if _, err := a.Pool().Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE application_name = $1 AND datname = current_database()`, postgres.FollowerName(b)); err != nil {
		t.Fatal(err)
	}
	record(7)
	select {
	case <-lapses:
	case <-time.After(5 * time.Second):
		t.Fatal("the lost connection was not reported")
	}
	select {
	case c := <-heard:
		if c.All || len(c.Posts) == 0 || c.Posts[len(c.Posts)-1] != 7 {
			t.Fatalf("after reconnecting B applied %+v, want the change to post 7 read from the feed", c)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("nothing applied after the connection came back")
	}
}

package postgres_test

import (
	"context"
	"testing"
	"time"

	"folio/internal/store/postgres/pgtest"
)

// TestChangesReachOtherProcesses has two stores on one database stand
// for two processes: a notice from one reaches the other, not itself,
// and a listener whose connection is killed refreshes once it is back.
func TestChangesReachOtherProcesses(t *testing.T) {
	url := pgtest.Fresh(t)
	a, b := open(t, url), open(t, url)
	ca, cb := a.Changes(), b.Changes()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	heardA, heardB := make(chan string, 100), make(chan string, 100)
	failed := make(chan error, 10)
	go ca.Listen(ctx, func(p string) { heardA <- p }, func(err error) { failed <- err })
	go cb.Listen(ctx, func(p string) { heardB <- p }, func(err error) { failed <- err })
	// LISTEN runs in the goroutines; keep announcing until B hears.
	deadline := time.After(5 * time.Second)
	for heard := false; !heard; {
		if err := ca.Notify(ctx, `{"posts":[7]}`); err != nil {
			t.Fatal(err)
		}
		select {
		case p := <-heardB:
			if p != `{"posts":[7]}` {
				t.Fatalf("B heard %q", p)
			}
			heard = true
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatal("B did not hear A's notice")
		}
	}
	select {
	case <-heardA:
		t.Fatal("A heard its own notice")
	case <-time.After(200 * time.Millisecond):
	}

	// Kill B's listening connection: B reports it and refreshes when back.
	for len(heardB) > 0 {
		<-heardB
	}
	if _, err := a.Pool().Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid() AND datname = current_database()`); err != nil {
		t.Fatal(err)
	}
	select {
	case <-failed:
	case <-time.After(5 * time.Second):
		t.Fatal("the lost connection was not reported")
	}
	select {
	case p := <-heardB:
		if p != "" {
			t.Fatalf("after reconnecting B heard %q, want \"\" (anything may have changed)", p)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no refresh after the connection came back")
	}
}

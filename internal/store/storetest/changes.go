package storetest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"folio/internal/blog"
)

// testChangeFeed has two handles on one database stand for two
// processes: what one commits reaches the other's follower within a
// second, in order; a rolled-back write and the follower's own writes
// never do; pruning forgets old changes.
func testChangeFeed(t *testing.T, st blog.Store, again func() blog.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	other := again()
	heard := make(chan blog.Change, 100)
	lapses := make(chan error, 10)
	go other.FollowChanges(ctx, "other", func(c blog.Change) { heard <- c }, func(err error) { lapses <- err })

	record := func(origin string, id int64, fail bool) error {
		return st.Atomic(ctx, func(tx blog.Tx) error {
			if err := tx.RecordChange(ctx, origin, blog.Change{Posts: []int64{id}}); err != nil {
				return err
			}
			if fail {
				return errors.New("rolled back")
			}
			return nil
		})
	}
	// The follower hears what commits after it starts; until it has
	// started, keep writing.
	var ids []int64
	deadline := time.After(5 * time.Second)
	for started := false; !started; {
		if err := record("writer", 1, false); err != nil {
			t.Fatal(err)
		}
		select {
		case c := <-heard:
			ids, started = c.Posts, true
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatal("the follower heard nothing in 5 s")
		}
	}
	if !slices.Equal(ids, []int64{1}) {
		t.Fatalf("heard posts %v, want [1]", ids)
	}
	for len(heard) > 0 {
		<-heard
	}

	if err := record("writer", 2, true); err == nil {
		t.Fatal("the failing write committed")
	}
	if err := record("other", 3, false); err != nil {
		t.Fatal(err)
	}
	for id := int64(4); id <= 6; id++ {
		if err := record("writer", id, false); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	var got []int64
	for !slices.Contains(got, 6) {
		select {
		case c := <-heard:
			for _, id := range c.Posts {
				// A warm-up write may still be arriving: under load the
				// follower can read it after the drain above.
				if id != 1 {
					got = append(got, id)
				}
			}
		case <-time.After(time.Second):
			t.Fatalf("after 1 s the follower heard %v, want 4, 5 and 6", got)
		}
	}
	t.Logf("three commits heard within %s", time.Since(start).Round(time.Millisecond))
	if !slices.Equal(got, []int64{4, 5, 6}) {
		t.Errorf("heard %v, want [4 5 6]: neither the rolled-back write (2) nor the follower's own (3)", got)
	}
	select {
	case err := <-lapses:
		t.Errorf("lapse: %v", err)
	default:
	}

	// A change too large for a PostgreSQL notice arrives whole.
	many := make([]int64, 3000)
	for i := range many {
		many[i] = int64(1000 + i)
	}
	if err := st.Atomic(ctx, func(tx blog.Tx) error {
		return tx.RecordChange(ctx, "writer", blog.Change{Posts: many, Listings: true})
	}); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-heard:
		if !slices.Equal(c.Posts, many) || !c.Listings {
			t.Errorf("a change of %d posts arrived as %d posts, listings %v", len(many), len(c.Posts), c.Listings)
		}
	case <-time.After(time.Second):
		t.Fatal("a large change did not arrive within 1 s")
	}

	if err := st.PruneChanges(ctx, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
}

// testFeedFromOpen commits a change after a process opened the store
// but before it began to follow the feed, as when a command writes while
// a server starts: the follower still hears it.
func testFeedFromOpen(t *testing.T, st blog.Store, again func() blog.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	other := again()
	if err := st.Atomic(ctx, func(tx blog.Tx) error {
		return tx.RecordChange(ctx, "writer", blog.Change{Posts: []int64{7}})
	}); err != nil {
		t.Fatal(err)
	}
	heard := make(chan blog.Change, 10)
	go other.FollowChanges(ctx, "other", func(c blog.Change) { heard <- c }, func(error) {})
	select {
	case c := <-heard:
		if !c.All && !slices.Contains(c.Posts, 7) {
			t.Errorf("heard %+v, want the change to post 7", c)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("a change committed between opening and following was never heard")
	}
}

// testChangeMarks takes a mark between two rounds of changes and checks
// that ChangedSince reports the later round, before and after pruning
// folds the feed into marks, and everything for a mark this feed did
// not give (another database's, say).
// A store may report more than what followed the mark, never less.
func testChangeMarks(t *testing.T, st blog.Store) {
	ctx := t.Context()
	record := func(c blog.Change) {
		t.Helper()
		if err := st.Atomic(ctx, func(tx blog.Tx) error { return tx.RecordChange(ctx, "writer", c) }); err != nil {
			t.Fatal(err)
		}
	}
	mark := func() string {
		t.Helper()
		m, err := st.ChangeMark(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	since := func(m string) blog.Change {
		t.Helper()
		c, err := st.ChangedSince(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	covers := func(name string, got, want blog.Change) {
		t.Helper()
		if got.All {
			t.Errorf("%s: everything changed, want %+v", name, want)
			return
		}
		if merged := got.Merge(want); !slices.Equal(merged.Posts, got.Posts) || merged.Listings != got.Listings ||
			merged.Replies != got.Replies || merged.Words != got.Words || !slices.Equal(merged.Media, got.Media) {
			t.Errorf("%s: %+v misses some of %+v", name, got, want)
		}
	}
	record(blog.Change{Posts: []int64{1}, Words: true})
	before := mark()
	later := blog.Change{Posts: []int64{2, 3}, Replies: true, Media: []string{"k1"}}
	record(later)
	record(blog.Change{Posts: []int64{3}, Listings: true})
	want := later.Merge(blog.Change{Listings: true})
	covers("in the feed", since(before), want)

	if err := st.PruneChanges(ctx, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	covers("pruned into marks", since(before), want)
	// A transaction still running elsewhere may hold PostgreSQL's mark
	// back, so only a change recorded here may be reported.
	if c := since(mark()); c.All || len(c.Posts) > 3 {
		t.Errorf("after the last change and pruning, ChangedSince(now) = %+v, want at most what was recorded", c)
	}
	record(blog.Change{Posts: []int64{9}})
	if err := st.PruneChanges(ctx, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	covers("pruned twice", since(before), want.Merge(blog.Change{Posts: []int64{9}}))
	_, at, _ := strings.Cut(before, "/")
	for _, bad := range []string{"", "not a mark", "-1", "another feed/" + at} {
		if c := since(bad); !c.All {
			t.Errorf("ChangedSince(%q) = %+v, want everything", bad, c)
		}
	}
}

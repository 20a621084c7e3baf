package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"folio/internal/blog"
)

// testSlugRace has two writers create items with one slug at once: one
// wins, the other gets ErrConflict, never a second row.
func testSlugRace(t *testing.T, st blog.Store) {
	ctx := t.Context()
	u := mustUser(t, st, "race@example.com")
	for round := range 10 {
		slug := fmt.Sprint("race-", round)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = st.Atomic(ctx, func(tx blog.Tx) error {
					return tx.CreatePost(ctx, newPost(u, slug, t0, blog.StatusDraft))
				})
			}()
		}
		wg.Wait()
		won, lost := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case errors.Is(err, blog.ErrConflict):
				lost++
			default:
				t.Fatalf("round %d: unexpected error %v", round, err)
			}
		}
		if won != 1 || lost != 1 {
			t.Fatalf("round %d: %d writers won and %d lost, want 1 and 1", round, won, lost)
		}
	}
	if n, _ := st.CountPosts(ctx, blog.PostFilter{}); n != 10 {
		t.Errorf("%d posts after 10 races, want 10", n)
	}
}

// testApproveDeleteRace races an approval of a reply with its deletion,
// each done as the Service does it (read, change, adjust the count), and
// checks the post's count still equals its approved replies.
func testApproveDeleteRace(t *testing.T, st blog.Store) {
	ctx := t.Context()
	u := mustUser(t, st, "race@example.com")
	post := mustPost(t, st, newPost(u, "raced", t0, blog.StatusPublished))
	approve := func(id int64) error {
		return st.Atomic(ctx, func(tx blog.Tx) error {
			c, err := tx.Comment(ctx, id)
			if err != nil || c.Status == blog.CommentApproved {
				return err
			}
			c.Status = blog.CommentApproved
			if err := tx.UpdateComment(ctx, c); err != nil {
				return err
			}
			return tx.AddCommentCount(ctx, c.PostID, 1)
		})
	}
	remove := func(id int64) error {
		return st.Atomic(ctx, func(tx blog.Tx) error {
			c, err := tx.Comment(ctx, id)
			if err != nil {
				return err
			}
			if err := tx.DeleteComment(ctx, id); err != nil {
				return err
			}
			if c.Status == blog.CommentApproved {
				return tx.AddCommentCount(ctx, c.PostID, -1)
			}
			return nil
		})
	}
	for round := range 20 {
		c := mustComment(t, st, newComment(post, fmt.Sprint("r", round), blog.CommentPending, t0))
		var wg sync.WaitGroup
		wg.Add(2)
		var errA, errD error
		go func() { defer wg.Done(); errA = approve(c.ID) }()
		go func() { defer wg.Done(); errD = remove(c.ID) }()
		wg.Wait()
		if errD != nil {
			t.Fatalf("round %d: delete: %v", round, errD)
		}
		if errA != nil && !errors.Is(errA, blog.ErrNotFound) {
			t.Fatalf("round %d: approve: %v", round, errA)
		}
	}
	got, err := st.Post(ctx, post.ID)
	if err != nil {
		t.Fatal(err)
	}
	approved, _ := st.CountComments(ctx, blog.CommentFilter{PostID: post.ID, Statuses: []blog.CommentStatus{blog.CommentApproved}})
	if got.CommentCount != approved || approved != 0 {
		t.Errorf("comment_count = %d with %d approved replies left, want 0 and 0", got.CommentCount, approved)
	}
}

func testAtomicRollback(t *testing.T, st blog.Store) {
	ctx := t.Context()
	u := mustUser(t, st, "x@example.com")
	boom := errors.New("boom")
	err := st.Atomic(ctx, func(tx blog.Tx) error {
		if err := tx.CreatePost(ctx, newPost(u, "lost", t0, blog.StatusDraft)); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Atomic err = %v, want boom", err)
	}
	if _, err := st.PostBySlug(ctx, blog.KindPost, "lost"); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("rolled-back post is visible: %v", err)
	}
	err = st.Atomic(ctx, func(tx blog.Tx) error {
		return tx.CreatePost(ctx, newPost(u, "kept", t0, blog.StatusDraft))
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.PostBySlug(context.Background(), blog.KindPost, "kept"); err != nil {
		t.Errorf("committed post missing: %v", err)
	}
}

// testGroupCommit runs many writes at once, as a burst of replies does:
// the store may group them into one transaction, but each write's
// outcome is its own. Failing and panicking writes leave nothing; the
// others all commit; counts added at once all add up.
func testGroupCommit(t *testing.T, st blog.Store) {
	ctx := t.Context()
	u := mustUser(t, st, "g@example.com")
	post := newPost(u, "busy", t0, blog.StatusPublished)
	if err := st.Atomic(ctx, func(tx blog.Tx) error { return tx.CreatePost(ctx, post) }); err != nil {
		t.Fatal(err)
	}
	const n = 96
	boom := errors.New("boom")
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			errs[i] = st.Atomic(ctx, func(tx blog.Tx) error {
				if err := tx.CreatePost(ctx, newPost(u, fmt.Sprintf("w-%d", i), t0, blog.StatusDraft)); err != nil {
					return err
				}
				if err := tx.AddCommentCount(ctx, post.ID, 1); err != nil {
					return err
				}
				switch i % 8 {
				case 3:
					return boom
				case 5:
					panic("a broken write")
				}
				return nil
			})
		})
	}
	wg.Wait()
	kept := 0
	for i, err := range errs {
		_, lookErr := st.PostBySlug(ctx, blog.KindPost, fmt.Sprintf("w-%d", i))
		switch i % 8 {
		case 3, 5:
			if err == nil || (i%8 == 3 && !errors.Is(err, boom)) {
				t.Errorf("write %d: err = %v", i, err)
			}
			if !errors.Is(lookErr, blog.ErrNotFound) {
				t.Errorf("failed write %d left its post: %v", i, lookErr)
			}
		default:
			if err != nil || lookErr != nil {
				t.Errorf("write %d: %v, then %v", i, err, lookErr)
			}
			kept++
		}
	}
	got, err := st.Post(ctx, post.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.CommentCount != kept {
		t.Errorf("count = %d after %d committed additions", got.CommentCount, kept)
	}
}

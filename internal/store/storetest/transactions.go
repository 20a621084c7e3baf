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

package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"folio/internal/blog"
	"folio/internal/store/migrate"
	"folio/internal/store/sqlite"
	"folio/internal/store/storetest"
)

func mustOpen(tb testing.TB) *sqlite.Store {
	tb.Helper()
	st, err := sqlite.Open(tb.Context(), filepath.Join(tb.TempDir(), "folio.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) (blog.Store, func() blog.Store) {
		path := filepath.Join(t.TempDir(), "folio.db")
		open := func() blog.Store {
			st, err := sqlite.Open(t.Context(), path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		}
		return open(), open
	})
}

func TestMigrationsFromEmptyAndReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "folio.db")
	ctx := context.Background()
	for range 2 {
		st, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.CountUsers(ctx); err != nil {
			t.Fatal(err)
		}
		st.Close()
	}
	ms, err := sqlite.Migrations()
	if err != nil || len(ms) == 0 || ms[0].Version != 1 {
		t.Fatalf("Migrations = %v, %v", ms, err)
	}
}

func TestRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "folio.db")
	ctx := context.Background()
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	// Pretend a newer folio migrated the file.
	if err := sqlite.ExecForTest(ctx, path, "INSERT INTO schema_migrations (version) VALUES (9999)"); err != nil {
		t.Fatal(err)
	}
	if _, err := sqlite.Open(ctx, path); !errors.Is(err, migrate.ErrSchemaNewer) {
		t.Fatalf("Open on newer schema err = %v, want ErrSchemaNewer", err)
	}
}

// TestPostsLayoutMigrationKeepsEverything fills a database at schema 6,
// then opens it, which rebuilds the posts table (migration 7), and checks
// that posts and everything referring to them survived, and that foreign
// keys are enforced again afterwards.
func TestPostsLayoutMigrationKeepsEverything(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "folio.db")
	ms, err := sqlite.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	var before []migrate.Migration
	for _, m := range ms {
		if m.Version < 7 {
			before = append(before, m)
		}
	}
	if err := sqlite.MigrateForTest(ctx, path, before); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`INSERT INTO users (id, name, slug, email, role, created_at) VALUES (1, 'Ada', 'ada', 'ada@example.com', 'admin', 1)`,
		`INSERT INTO posts (id, kind, status, title, slug, body, body_html, excerpt_html, summary, lede, source_url, source_title,
			source_site, author_id, published_at, created_at, updated_at, trashed_at, comments_open, comment_count, body_text, parent_id, sticky)
			VALUES (7, 'post', 'published', 'Kept', 'kept', 'Body', '<p>Body</p>', '', 'Body', 'Lede', 'https://s.example', 'S', 'Site',
			1, 100, 90, 110, 0, 1, 1, 'Body', 0, 1)`,
		`INSERT INTO terms (id, kind, name, slug, description) VALUES (3, 'tag', 'Kept', 'kept', '')`,
		`INSERT INTO post_terms (post_id, term_id, position) VALUES (7, 3, 0)`,
		`INSERT INTO revisions (post_id, title, lede, body, author_id, created_at) VALUES (7, 'Kept', '', 'Body', 1, 95)`,
		`INSERT INTO comments (post_id, kind, status, author_name, author_email, author_url, ip, user_agent, body, body_html,
			created_at, updated_at, status_at) VALUES (7, 'comment', 'approved', 'R', 'r@example.com', '', '', '', 'Hi', '<p>Hi</p>', 1, 1, 1)`,
	} {
		if err := sqlite.ExecForTest(ctx, path, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, err := st.Post(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	if p.Title != "Kept" || p.Body != "Body" || p.BodyHTML != "<p>Body</p>" || p.Lede != "Lede" || p.Source.Site != "Site" ||
		!p.Sticky || p.CommentCount != 1 || p.PublishedAt.Unix() != 100 || len(p.Tags) != 1 {
		t.Errorf("post after the migration: %+v", p)
	}
	if revs, _ := st.Revisions(ctx, 7); len(revs) != 1 {
		t.Errorf("%d revisions after the migration", len(revs))
	}
	if n, _ := st.CountComments(ctx, blog.CommentFilter{PostID: 7}); n != 1 {
		t.Errorf("%d replies after the migration", n)
	}
	// Foreign keys hold again: deleting the post takes its rows along.
	if err := st.DeletePost(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.CountComments(ctx, blog.CommentFilter{PostID: 7}); n != 0 {
		t.Errorf("%d replies outlived their post: foreign keys are off", n)
	}
}

// TestChangeMarkIsExact: one writer commits in seq order, so a mark
// taken after the last write reports nothing, pruned or not, and one
// taken before it reports exactly that write.
func TestChangeMarkIsExact(t *testing.T) {
	ctx := t.Context()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "folio.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	record := func(c blog.Change) {
		if err := st.Atomic(ctx, func(tx blog.Tx) error { return tx.RecordChange(ctx, "w", c) }); err != nil {
			t.Fatal(err)
		}
	}
	record(blog.Change{Posts: []int64{1}})
	before, _ := st.ChangeMark(ctx)
	record(blog.Change{Posts: []int64{2}, Replies: true})
	for _, prune := range []bool{false, true} {
		if prune {
			if err := st.PruneChanges(ctx, time.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		now, _ := st.ChangeMark(ctx)
		if c, err := st.ChangedSince(ctx, now); err != nil || !c.Empty() {
			t.Errorf("pruned %v: since now = %+v, %v; want nothing", prune, c, err)
		}
		if c, err := st.ChangedSince(ctx, before); err != nil || fmt.Sprint(c.Posts) != "[2]" || !c.Replies || c.Listings {
			t.Errorf("pruned %v: since before = %+v, %v; want post 2 and replies", prune, c, err)
		}
	}
}

package sqlite_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

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
	storetest.Run(t, func(t *testing.T) blog.Store { return mustOpen(t) })
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

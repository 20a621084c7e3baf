package postgres_test

import (
	"context"
	"errors"
	"testing"

	"folio/internal/blog"
	"folio/internal/store/migrate"
	"folio/internal/store/postgres"
	"folio/internal/store/postgres/pgtest"
	"folio/internal/store/storetest"
)

// open opens a store on url, or on a fresh schema when url is "".
func open(tb testing.TB, url string) *postgres.Store {
	tb.Helper()
	if url == "" {
		url = pgtest.Fresh(tb)
	}
	st, err := postgres.Open(tb.Context(), url)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) (blog.Store, func() blog.Store) {
		url := pgtest.Fresh(t)
		return open(t, url), func() blog.Store { return open(t, url) }
	})
}

func TestMigrationsFromEmptyAndReopen(t *testing.T) {
	url := pgtest.Fresh(t)
	ctx := context.Background()
	for range 2 {
		st, err := postgres.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.CountUsers(ctx); err != nil {
			t.Fatal(err)
		}
		st.Close()
	}
}

func TestRefusesNewerSchema(t *testing.T) {
	url := pgtest.Fresh(t)
	ctx := context.Background()
	st, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	// Pretend a newer folio migrated the database.
	if _, err := st.Pool().Exec(ctx, "INSERT INTO schema_migrations (version) VALUES (9999)"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if _, err := postgres.Open(ctx, url); !errors.Is(err, migrate.ErrSchemaNewer) {
		t.Fatalf("Open on newer schema err = %v, want ErrSchemaNewer", err)
	}
}

func TestServerRefusesOlderSchema(t *testing.T) {
	url := pgtest.Fresh(t)
	ctx := context.Background()
	// An empty database gets its schema.
	st, err := postgres.OpenCurrent(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	// Pretend the last migration is still to come.
	if _, err := st.Pool().Exec(ctx, "DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations)"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if _, err := postgres.OpenCurrent(ctx, url); !errors.Is(err, migrate.ErrSchemaOlder) {
		t.Fatalf("OpenCurrent on an older schema err = %v, want ErrSchemaOlder", err)
	}
}

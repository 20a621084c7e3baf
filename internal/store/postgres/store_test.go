package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"

	"folio/internal/blog"
	"folio/internal/store/migrate"
	"folio/internal/store/postgres"
	"folio/internal/store/storetest"

	"github.com/jackc/pgx/v5"
)

// testURL returns the database the tests may use, from FOLIO_TEST_POSTGRES,
// or skips the test; under FOLIO_REQUIRE_POSTGRES=1 a missing database
// fails it instead.
func testURL(tb testing.TB) string {
	tb.Helper()
	url := os.Getenv("FOLIO_TEST_POSTGRES")
	if url == "" {
		if os.Getenv("FOLIO_REQUIRE_POSTGRES") == "1" {
			tb.Fatal("FOLIO_REQUIRE_POSTGRES=1 but FOLIO_TEST_POSTGRES is not set")
		}
		tb.Skip("PostgreSQL tests skipped: set FOLIO_TEST_POSTGRES=postgres://USER:PASS@HOST/DB (see README)")
	}
	return url
}

// freshSchema creates an empty schema for one test, dropped afterwards,
// and returns a URL whose connections use it.
func freshSchema(tb testing.TB) string {
	tb.Helper()
	url := testURL(tb)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		tb.Fatalf("connect to FOLIO_TEST_POSTGRES: %v", err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	// The extension lives in public, where every test schema finds it.
	if _, err := conn.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public"); err != nil {
		tb.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			return
		}
		defer conn.Close(ctx)
		conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
	})
	return withSearchPath(url, schema+",public")
}

// withSearchPath adds a search_path parameter to a URL or key=value
// connection string.
func withSearchPath(url, path string) string {
	switch {
	case !strings.HasPrefix(url, "postgres://") && !strings.HasPrefix(url, "postgresql://"):
		return url + " search_path=" + path
	case strings.Contains(url, "?"):
		return url + "&search_path=" + path
	}
	return url + "?search_path=" + path
}

func open(tb testing.TB) *postgres.Store {
	tb.Helper()
	st, err := postgres.Open(tb.Context(), freshSchema(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) blog.Store { return open(t) })
}

func TestMigrationsFromEmptyAndReopen(t *testing.T) {
	url := freshSchema(t)
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
	url := freshSchema(t)
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

// Package pgtest gives tests a PostgreSQL database of their own: an empty
// schema in the database FOLIO_TEST_POSTGRES names, dropped when the test
// ends. Without that variable tests skip, unless FOLIO_REQUIRE_POSTGRES=1
// makes the absence a failure (as CI does).
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// URL returns the server the tests may use, or skips tb.
func URL(tb testing.TB) string {
	tb.Helper()
	url := os.Getenv("FOLIO_TEST_POSTGRES")
	if url == "" {
		if os.Getenv("FOLIO_REQUIRE_POSTGRES") == "1" {
			tb.Fatal("FOLIO_REQUIRE_POSTGRES=1 but FOLIO_TEST_POSTGRES is not set")
		}
		tb.Skip("PostgreSQL test skipped: set FOLIO_TEST_POSTGRES=postgres://USER:PASS@HOST/DB (see README)")
	}
	return url
}

// Fresh creates an empty schema for one test, dropped afterwards, and
// returns a URL whose connections use it.
func Fresh(tb testing.TB) string {
	tb.Helper()
	url := URL(tb)
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

package cli

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"folio/internal/blog"
	"folio/internal/store/postgres"
	"folio/internal/store/sqlite"
)

// store is an open database of either kind.
type store interface {
	blog.Store
	Close() error
}

// isPostgres reports whether a database URL names PostgreSQL.
func isPostgres(dbURL string) bool {
	return strings.HasPrefix(dbURL, "postgres://") || strings.HasPrefix(dbURL, "postgresql://")
}

// openStore opens (creating and migrating) the database dbURL names:
// postgres:// or postgresql:// for PostgreSQL, sqlite:PATH for a SQLite
// file.
func openStore(ctx context.Context, dbURL string) (store, error) {
	if isPostgres(dbURL) {
		st, err := postgres.Open(ctx, dbURL)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", redact(dbURL), err)
		}
		return st, nil
	}
	path, ok := strings.CutPrefix(dbURL, "sqlite:")
	if !ok || path == "" {
		return nil, fmt.Errorf("database %q: use postgres://USER:PASS@HOST/DB or sqlite:PATH", redact(dbURL))
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("create the database's folder: %w", err)
	}
	return sqlite.Open(ctx, path)
}

// redact hides the password of a database URL, for messages and logs.
func redact(dbURL string) string {
	if u, err := url.Parse(dbURL); err == nil && u.User != nil {
		return u.Redacted()
	}
	return dbURL
}

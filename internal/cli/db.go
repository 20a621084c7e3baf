package cli

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"folio/internal/blog"
	"folio/internal/config"
	"folio/internal/store/archive"
	"folio/internal/store/migrate"
	"folio/internal/store/postgres"
	"folio/internal/store/sqlite"
)

// store is an open database of either kind.
type store interface {
	blog.Store
	archive.Source
	archive.Target
	Close() error
}

// isPostgres reports whether a database URL names PostgreSQL.
func isPostgres(dbURL string) bool {
	return strings.HasPrefix(dbURL, "postgres://") || strings.HasPrefix(dbURL, "postgresql://")
}

// openStore opens (creating and migrating) the database dbURL names:
// postgres:// or postgresql:// for PostgreSQL, sqlite:PATH for a SQLite
// file. Without upgrade a PostgreSQL schema older than this folio is
// refused with how to migrate it; a SQLite file, which one process
// serves, is always migrated.
func openStore(ctx context.Context, dbURL string, upgrade bool) (store, error) {
	if isPostgres(dbURL) {
		open := postgres.Open
		if !upgrade {
			open = postgres.OpenCurrent
		}
		st, err := open(ctx, dbURL)
		if errors.Is(err, migrate.ErrSchemaOlder) {
			return nil, fmt.Errorf("%w; stop the folio processes serving it, then run: folio migrate --database %s", err, redact(dbURL))
		}
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

// dbCmd runs `folio db copy`.
func dbCmd(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 || args[0] != "copy" {
		return errors.New("unknown db command; try: folio db copy --from sqlite:PATH --to postgres://USER:PASS@HOST/DB")
	}
	fs := newFlags("db copy", env)
	from := fs.String("from", "", "the database to copy: sqlite:PATH or postgres://USER:PASS@HOST/DB")
	to := fs.String("to", "", "the database to copy into, migrated and empty")
	replace := fs.Bool("replace", false, "delete what the target holds first, instead of refusing a target that holds a site")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *from == "" || *to == "" || fs.NArg() > 0 {
		return errors.New("say what to copy where: folio db copy --from sqlite:PATH --to postgres://USER:PASS@HOST/DB")
	}
	if *from == *to {
		return errors.New("--from and --to name the same database")
	}
	src, err := openStore(ctx, *from, true)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := openStore(ctx, *to, true)
	if err != nil {
		return err
	}
	defer dst.Close()
	sums, err := archive.Copy(ctx, src, dst, *replace)
	if errors.Is(err, archive.ErrNotEmpty) {
		return fmt.Errorf("%s already holds a site; add --replace to delete it and copy over it", redact(*to))
	}
	if err != nil {
		return err
	}
	printSums(env, sums)
	fmt.Fprintf(env.Stdout, "Copied %s to %s; every table's row count and SHA-256 match.\n", redact(*from), redact(*to))
	return nil
}

// backupCmd writes the site's database to an archive file while the site
// may be serving.
func backupCmd(ctx context.Context, args []string, env Env) error {
	var cfg config.Config
	fs := newFlags("backup", env)
	cfg.CommonFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("name the archive to write: folio backup FILE.folio.gz")
	}
	st, err := openStore(ctx, cfg.DatabaseURL(), true)
	if err != nil {
		return err
	}
	defer st.Close()
	sums, err := backupTo(ctx, st, fs.Arg(0))
	if err != nil {
		return err
	}
	printSums(env, sums)
	fmt.Fprintf(env.Stdout, "Backed up %s to %s.\n", redact(cfg.DatabaseURL()), fs.Arg(0))
	return nil
}

// restoreCmd loads an archive into the site's database, which must be
// empty unless --replace is given.
func restoreCmd(ctx context.Context, args []string, env Env) error {
	var cfg config.Config
	fs := newFlags("restore", env)
	cfg.CommonFlags(fs)
	replace := fs.Bool("replace", false, "delete the site the database holds first, instead of refusing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("name the archive to restore: folio restore FILE.folio.gz")
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := openStore(ctx, cfg.DatabaseURL(), true)
	if err != nil {
		return err
	}
	defer st.Close()
	sums, err := archive.Read(ctx, f, st, *replace)
	if errors.Is(err, archive.ErrNotEmpty) {
		return fmt.Errorf("%s already holds a site; add --replace to delete it and restore over it", redact(cfg.DatabaseURL()))
	}
	if err != nil {
		return fmt.Errorf("restore %s: %w (nothing was changed)", fs.Arg(0), err)
	}
	printSums(env, sums)
	fmt.Fprintf(env.Stdout, "Restored %s into %s.\n", fs.Arg(0), redact(cfg.DatabaseURL()))
	return nil
}

// printSums lists each table's rows and checksum.
func printSums(env Env, sums []archive.Sum) {
	for _, s := range sums {
		fmt.Fprintf(env.Stdout, "  %-12s %7d rows  sha256 %.16s\n", s.Table, s.Rows, s.SHA256)
	}
}

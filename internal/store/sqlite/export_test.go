package sqlite

import (
	"context"
	"database/sql"

	"folio/internal/store/migrate"
)

// ExecForTest runs one statement on the database file at path, bypassing
// migrations, for tests that need to damage or age a database.
func ExecForTest(ctx context.Context, path, stmt string) error {
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, stmt)
	return err
}

// MigrateForTest applies ms to the database file at path, for tests that
// need a database at an older schema.
func MigrateForTest(ctx context.Context, path string, ms []migrate.Migration) error {
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = migrate.Apply(ctx, db, ms)
	return err
}

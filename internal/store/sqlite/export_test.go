package sqlite

import (
	"context"
	"database/sql"
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

-- The change feed: what each committed write changed, so every process
-- serving the site (and every command run beside it) drops exactly the
-- cached pages it touched. Rows are written in the write's transaction
-- and pruned after a few minutes.
CREATE TABLE changes (
	seq    INTEGER PRIMARY KEY AUTOINCREMENT,
	origin TEXT NOT NULL,
	body   TEXT NOT NULL,
	at     INTEGER NOT NULL
);
CREATE INDEX changes_at ON changes (at);

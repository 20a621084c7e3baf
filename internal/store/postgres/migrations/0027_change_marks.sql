-- What the change feed said, kept past its pruning: per subject a change
-- named ("post 12", "listings", "all", …) the ID of the last transaction
-- that named it, so a static build taken long ago asks which pages to
-- render again instead of hashing the whole site. Transactions commit in
-- any order, so the feed's changes carry their transaction's ID too: a
-- build's mark is the oldest transaction running when it began.
ALTER TABLE changes ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE TABLE change_marks (
	subject TEXT PRIMARY KEY,
	mark    xid8 NOT NULL
);
CREATE INDEX change_marks_mark ON change_marks (mark);
-- A build's mark names this feed, so a mark of another database renders
-- everything instead of trusting another cluster's transaction IDs.
CREATE TABLE change_feed (id TEXT NOT NULL);
INSERT INTO change_feed (id) VALUES (md5(random()::text || clock_timestamp()::text));

-- A post's count of approved replies is its comment_count plus the sum of
-- its rows here. Each writer adds to a slot of its own (on PostgreSQL each
-- batch worker of each process; SQLite's one writer uses slot 0), so
-- replies committed at once by two processes or two batches add to
-- different rows instead of queueing on the post's row and on each
-- other's commits.
CREATE TABLE post_reply_counts (
	post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	slot    INTEGER NOT NULL,
	n       INTEGER NOT NULL,
	PRIMARY KEY (post_id, slot)
) WITHOUT ROWID;

-- A post's count of approved replies is its comment_count plus the sum of
-- its rows here. Each new count lands in one of a few slots picked at
-- random, so replies committed at once by two processes (or two batches)
-- add to different rows instead of queueing on the post's row and on each
-- other's commits.
CREATE TABLE post_reply_counts (
	post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	slot    INTEGER NOT NULL,
	n       INTEGER NOT NULL,
	PRIMARY KEY (post_id, slot)
) WITHOUT ROWID;

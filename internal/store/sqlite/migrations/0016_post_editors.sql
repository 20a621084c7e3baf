-- Who has a post open in the editor, by session, since when, and when
-- their editor last said so: another writer opening it is told. Rows
-- older than a few minutes mean nothing and are swept.
CREATE TABLE post_editors (
	post_id      INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	session_hash TEXT NOT NULL,
	user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	since        INTEGER NOT NULL,
	seen_at      INTEGER NOT NULL,
	PRIMARY KEY (post_id, session_hash)
);

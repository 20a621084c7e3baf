-- Who has a post open in the editor, by session, since when, and when
-- their editor last said so: another writer opening it is told. Rows
-- older than a few minutes mean nothing and are swept.
CREATE TABLE post_editors (
	post_id      BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	session_hash TEXT NOT NULL,
	user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	since        BIGINT NOT NULL,
	seen_at      BIGINT NOT NULL,
	PRIMARY KEY (post_id, session_hash)
);

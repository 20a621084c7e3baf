-- What the editor saved by itself while a writer typed, one per post and
-- writer, apart from the revisions: offered back when the writer returns
-- (after a closed tab, a crash, from another device) and dropped when
-- they save.
CREATE TABLE autosaves (
	post_id      BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	title        TEXT NOT NULL,
	lede         TEXT NOT NULL,
	body         TEXT NOT NULL,
	source_url   TEXT NOT NULL,
	source_title TEXT NOT NULL,
	source_site  TEXT NOT NULL,
	saved_at     BIGINT NOT NULL,
	PRIMARY KEY (post_id, user_id)
);

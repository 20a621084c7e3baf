ALTER TABLE posts ADD COLUMN comment_count INTEGER NOT NULL DEFAULT 0;

CREATE TABLE comments (
	id           INTEGER PRIMARY KEY,
	post_id      INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	parent_id    INTEGER NOT NULL DEFAULT 0,
	depth        INTEGER NOT NULL DEFAULT 0,
	kind         TEXT NOT NULL CHECK (kind IN ('comment', 'pingback', 'trackback')),
	status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'spam', 'trash')),
	prev_status  TEXT NOT NULL DEFAULT '',
	author_name  TEXT NOT NULL,
	author_email TEXT NOT NULL,
	author_url   TEXT NOT NULL,
	user_id      INTEGER NOT NULL DEFAULT 0,
	ip           TEXT NOT NULL,
	user_agent   TEXT NOT NULL,
	body         TEXT NOT NULL,
	body_html    TEXT NOT NULL,
	notify       INTEGER NOT NULL DEFAULT 0,
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL,
	status_at    INTEGER NOT NULL
);
CREATE INDEX comments_post ON comments (post_id, status, id);
CREATE INDEX comments_status ON comments (status, id);
CREATE INDEX comments_email ON comments (author_email, status);
CREATE INDEX comments_parent ON comments (parent_id);
CREATE INDEX comments_post_text ON comments (post_id, substr(body, 1, 64));
CREATE INDEX comments_status_at ON comments (status, status_at);

CREATE TABLE outbox (
	id              INTEGER PRIMARY KEY,
	to_addr         TEXT NOT NULL,
	subject         TEXT NOT NULL,
	body            TEXT NOT NULL,
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	last_error      TEXT NOT NULL DEFAULT '',
	created_at      INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox (next_attempt_at);

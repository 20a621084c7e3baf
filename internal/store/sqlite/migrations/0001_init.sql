CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	name          TEXT NOT NULL,
	slug          TEXT NOT NULL UNIQUE,
	email         TEXT NOT NULL UNIQUE,
	role          TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'author')),
	password_hash TEXT NOT NULL DEFAULT '',
	bio           TEXT NOT NULL DEFAULT '',
	created_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE posts (
	id            INTEGER PRIMARY KEY,
	kind          TEXT NOT NULL CHECK (kind IN ('post', 'page')),
	status        TEXT NOT NULL CHECK (status IN ('draft', 'scheduled', 'published', 'private', 'trash')),
	title         TEXT NOT NULL,
	slug          TEXT NOT NULL,
	body          TEXT NOT NULL,
	body_html     TEXT NOT NULL,
	excerpt_html  TEXT NOT NULL,
	summary       TEXT NOT NULL,
	lede          TEXT NOT NULL,
	source_url    TEXT NOT NULL,
	source_title  TEXT NOT NULL,
	source_site   TEXT NOT NULL,
	author_id     INTEGER NOT NULL REFERENCES users (id),
	published_at  INTEGER NOT NULL,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL,
	trashed_at    INTEGER NOT NULL,
	comments_open INTEGER NOT NULL,
	UNIQUE (kind, slug)
);
CREATE INDEX posts_listing ON posts (kind, status, published_at DESC, id DESC);
CREATE INDEX posts_author ON posts (author_id, published_at DESC);

CREATE TABLE terms (
	id          INTEGER PRIMARY KEY,
	kind        TEXT NOT NULL CHECK (kind IN ('tag', 'category')),
	name        TEXT NOT NULL,
	slug        TEXT NOT NULL,
	description TEXT NOT NULL,
	parent_id   INTEGER REFERENCES terms (id) ON DELETE SET NULL,
	UNIQUE (kind, slug)
);

CREATE TABLE post_terms (
	post_id  INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	term_id  INTEGER NOT NULL REFERENCES terms (id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	PRIMARY KEY (post_id, term_id)
);
CREATE INDEX post_terms_term ON post_terms (term_id, post_id);

CREATE TABLE revisions (
	id         INTEGER PRIMARY KEY,
	post_id    INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	title      TEXT NOT NULL,
	lede       TEXT NOT NULL,
	body       TEXT NOT NULL,
	author_id  INTEGER NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX revisions_post ON revisions (post_id, id DESC);

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

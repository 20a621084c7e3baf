-- Rebuilds posts with the long texts last. SQLite stores a row's columns
-- in order and spills long ones onto overflow pages; columns added later
-- (comment_count, parent_id, sticky) sat after the bodies, so every
-- listing read each post's whole body to reach them. Foreign keys are
-- off while migrations run, so dropping the old table touches no
-- replies, terms or revisions.
CREATE TABLE posts_new (
	id            INTEGER PRIMARY KEY,
	kind          TEXT NOT NULL CHECK (kind IN ('post', 'page')),
	status        TEXT NOT NULL CHECK (status IN ('draft', 'scheduled', 'published', 'private', 'trash')),
	slug          TEXT NOT NULL,
	author_id     INTEGER NOT NULL REFERENCES users (id),
	published_at  INTEGER NOT NULL,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL,
	trashed_at    INTEGER NOT NULL,
	comments_open INTEGER NOT NULL,
	comment_count INTEGER NOT NULL DEFAULT 0,
	parent_id     INTEGER NOT NULL DEFAULT 0,
	sticky        INTEGER NOT NULL DEFAULT 0,
	title         TEXT NOT NULL,
	summary       TEXT NOT NULL,
	lede          TEXT NOT NULL,
	source_url    TEXT NOT NULL,
	source_title  TEXT NOT NULL,
	source_site   TEXT NOT NULL,
	excerpt_html  TEXT NOT NULL,
	body_text     TEXT NOT NULL DEFAULT '',
	body          TEXT NOT NULL,
	body_html     TEXT NOT NULL,
	UNIQUE (kind, slug)
);

INSERT INTO posts_new (id, kind, status, slug, author_id, published_at, created_at, updated_at, trashed_at,
	comments_open, comment_count, parent_id, sticky, title, summary, lede, source_url, source_title, source_site,
	excerpt_html, body_text, body, body_html)
SELECT id, kind, status, slug, author_id, published_at, created_at, updated_at, trashed_at,
	comments_open, comment_count, parent_id, sticky, title, summary, lede, source_url, source_title, source_site,
	excerpt_html, body_text, body, body_html
FROM posts;

DROP TABLE posts;
ALTER TABLE posts_new RENAME TO posts;

CREATE INDEX posts_listing ON posts (kind, status, published_at DESC, id DESC);
CREATE INDEX posts_author ON posts (author_id, published_at DESC);
CREATE INDEX posts_status_date ON posts (status, published_at);
CREATE INDEX posts_listing_sticky ON posts (kind, status, sticky, published_at DESC, id DESC);

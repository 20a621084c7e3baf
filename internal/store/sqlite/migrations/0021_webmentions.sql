-- Webmentions received, verified in the background (next_at is when;
-- 0 when settled), and the links of the site's posts that mentions are
-- sent for (removed: the post no longer links it; sent once more, then
-- forgotten). A reply that came as a mention keeps its source page.
CREATE TABLE webmentions (
	id           INTEGER PRIMARY KEY,
	source       TEXT NOT NULL,
	target       TEXT NOT NULL,
	post_id      INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	kind         TEXT NOT NULL DEFAULT '',
	comment_id   INTEGER NOT NULL DEFAULT 0,
	author_name  TEXT NOT NULL DEFAULT '',
	author_url   TEXT NOT NULL DEFAULT '',
	author_photo TEXT NOT NULL DEFAULT '',
	received_at  INTEGER NOT NULL,
	verified_at  INTEGER NOT NULL DEFAULT 0,
	attempts     INTEGER NOT NULL DEFAULT 0,
	next_at      INTEGER NOT NULL DEFAULT 0,
	last_error   TEXT NOT NULL DEFAULT '',
	UNIQUE (source, target)
);
CREATE INDEX webmentions_due ON webmentions (next_at) WHERE next_at > 0;
CREATE INDEX webmentions_post ON webmentions (post_id, kind);

CREATE TABLE post_links (
	post_id    INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	target     TEXT NOT NULL,
	removed    INTEGER NOT NULL DEFAULT 0,
	attempts   INTEGER NOT NULL DEFAULT 0,
	next_at    INTEGER NOT NULL DEFAULT 0,
	sent_at    INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (post_id, target)
);
CREATE INDEX post_links_due ON post_links (next_at) WHERE next_at > 0;

ALTER TABLE comments ADD COLUMN source_url TEXT NOT NULL DEFAULT '';

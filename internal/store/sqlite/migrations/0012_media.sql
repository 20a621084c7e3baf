-- The media library: each picture's details, its original as uploaded
-- (kept for the writer), the copies readers get (derived from the
-- original, so backups leave them out and they are made again when
-- missing), and which posts and pages show it.
CREATE TABLE media (
	id          INTEGER PRIMARY KEY,
	key         TEXT NOT NULL UNIQUE,
	name        TEXT NOT NULL,
	file_name   TEXT NOT NULL,
	type        TEXT NOT NULL,
	copy_type   TEXT NOT NULL,
	width       INTEGER NOT NULL,
	height      INTEGER NOT NULL,
	orientation INTEGER NOT NULL,
	size        INTEGER NOT NULL,
	alt         TEXT NOT NULL DEFAULT '',
	caption     TEXT NOT NULL DEFAULT '',
	uploader_id INTEGER NOT NULL REFERENCES users (id),
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL
);
CREATE INDEX media_newest ON media (created_at DESC, id DESC);
CREATE INDEX media_uploader ON media (uploader_id, created_at DESC);

CREATE TABLE media_originals (
	media_id INTEGER PRIMARY KEY REFERENCES media (id) ON DELETE CASCADE,
	data     BLOB NOT NULL
);

CREATE TABLE media_copies (
	media_id INTEGER NOT NULL REFERENCES media (id) ON DELETE CASCADE,
	width    INTEGER NOT NULL,
	data     BLOB NOT NULL,
	PRIMARY KEY (media_id, width)
);

CREATE TABLE post_media (
	post_id  INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	media_id INTEGER NOT NULL REFERENCES media (id) ON DELETE CASCADE,
	featured INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (post_id, media_id)
);
CREATE INDEX post_media_media ON post_media (media_id);

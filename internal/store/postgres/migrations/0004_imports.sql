-- What an import created, by the source's own keys, so running the same
-- import again updates instead of duplicating.
CREATE TABLE import_keys (
	source   TEXT NOT NULL,
	kind     TEXT NOT NULL,
	key      TEXT NOT NULL,
	local_id BIGINT NOT NULL,
	PRIMARY KEY (source, kind, key)
);

-- Old addresses that answer 301 with a new one: a path, or a path with a
-- query such as /?p=12.
CREATE TABLE redirects (
	from_path  TEXT PRIMARY KEY,
	to_path    TEXT NOT NULL,
	created_at BIGINT NOT NULL
);

ALTER TABLE posts ADD COLUMN parent_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN sticky BOOLEAN NOT NULL DEFAULT FALSE;

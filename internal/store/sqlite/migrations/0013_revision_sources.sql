-- Revisions keep the source a post quoted, so comparing one with the
-- post shows a changed credit and restoring one brings it back. Earlier
-- revisions take the source their post has now, the nearest known.
ALTER TABLE revisions ADD COLUMN source_url TEXT NOT NULL DEFAULT '';
ALTER TABLE revisions ADD COLUMN source_title TEXT NOT NULL DEFAULT '';
ALTER TABLE revisions ADD COLUMN source_site TEXT NOT NULL DEFAULT '';
UPDATE revisions SET
	source_url = (SELECT p.source_url FROM posts p WHERE p.id = revisions.post_id),
	source_title = (SELECT p.source_title FROM posts p WHERE p.id = revisions.post_id),
	source_site = (SELECT p.source_site FROM posts p WHERE p.id = revisions.post_id);

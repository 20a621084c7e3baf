-- Every public address a post or page has had (its slug, date, the
-- permalink pattern, its category), and the old addresses an import
-- brought (WordPress's links, /?p=ID, /?page_id=ID): each answers 301
-- with the item's address now, looked up by ID, so there are no chains.
CREATE TABLE post_addresses (
	path       TEXT PRIMARY KEY,
	post_id    BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	created_at BIGINT NOT NULL
);
CREATE INDEX post_addresses_post ON post_addresses (post_id);

-- WordPress's plain links, until now fixed paths, find their posts by ID.
INSERT INTO post_addresses (path, post_id, created_at)
SELECT r.from_path, k.local_id, r.created_at
FROM redirects r JOIN import_keys k
	ON k.source = 'wordpress' AND k.kind = 'post' AND (r.from_path = '/?p=' || k.key OR r.from_path = '/?page_id=' || k.key)
WHERE k.local_id IN (SELECT id FROM posts);
DELETE FROM redirects WHERE from_path IN (SELECT path FROM post_addresses);

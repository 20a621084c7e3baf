-- A writer may read the admin in their own language, and a post may be
-- written in another language than the site's. Empty means the site's.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN language TEXT NOT NULL DEFAULT '';

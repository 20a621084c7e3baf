ALTER TABLE posts ADD COLUMN body_text TEXT NOT NULL DEFAULT '';

-- English stemming with accents folded, like the SQLite store's
-- Porter-over-unicode61 index. unaccent is a trusted extension, so the
-- database's owner may create it.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION folio (COPY = english);
ALTER TEXT SEARCH CONFIGURATION folio
	ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;

-- The search document of a published item, weighted title (A), tags (B),
-- lede (C), body (D); NULL for anything else. The store keeps it current
-- in the transaction of every write.
ALTER TABLE posts ADD COLUMN search tsvector;
CREATE INDEX posts_search ON posts USING GIN (search);

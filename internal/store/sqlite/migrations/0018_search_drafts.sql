-- Drafts, scheduled and private items join the search index, so the
-- admin's posts list finds them; readers' search keeps to published
-- items by the status column. Trashed items stay out.
DROP TABLE posts_fts;

CREATE VIRTUAL TABLE posts_fts USING fts5(
	title, lede, body, tags, status UNINDEXED,
	tokenize = 'porter unicode61 remove_diacritics 2',
	prefix = '2 3 4'
);

INSERT INTO posts_fts (rowid, title, lede, body, tags, status)
SELECT p.id, p.title, p.lede, p.body_text,
	COALESCE((SELECT group_concat(t.name, ' ') FROM post_terms pt JOIN terms t ON t.id = pt.term_id WHERE pt.post_id = p.id), ''),
	p.status
FROM posts p WHERE p.status <> 'trash';

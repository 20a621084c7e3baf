ALTER TABLE posts ADD COLUMN body_text TEXT NOT NULL DEFAULT '';

-- Full-text index of published posts and pages: rowid is the post's ID.
-- Porter stemming over the Unicode tokenizer, accents folded.
CREATE VIRTUAL TABLE posts_fts USING fts5(
	title, lede, body, tags,
	tokenize = 'porter unicode61 remove_diacritics 2',
	prefix = '2 3 4'
);

INSERT INTO posts_fts (rowid, title, lede, body, tags)
SELECT p.id, p.title, p.lede, CASE WHEN p.body_text = '' THEN p.body ELSE p.body_text END,
	COALESCE((SELECT group_concat(t.name, ' ') FROM post_terms pt JOIN terms t ON t.id = pt.term_id WHERE pt.post_id = p.id), '')
FROM posts p WHERE p.status = 'published';

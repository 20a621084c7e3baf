-- Drafts, scheduled and private items get a search document too, so the
-- admin's posts list finds them; readers' search keeps to published
-- items by their status. Trashed items have none.
UPDATE posts p SET search = CASE WHEN p.status <> 'trash' THEN
	setweight(to_tsvector('folio', p.title), 'A') ||
	setweight(to_tsvector('folio', COALESCE((SELECT string_agg(t.name, ' ') FROM post_terms pt
		JOIN terms t ON t.id = pt.term_id WHERE pt.post_id = p.id), '')), 'B') ||
	setweight(to_tsvector('folio', p.lede), 'C') ||
	setweight(to_tsvector('folio', p.body_text), 'D') END;

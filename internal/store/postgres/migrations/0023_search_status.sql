-- Readers' search looks only at published items: a partial index of
-- their search documents answers it without visiting the others.
-- (SQLite's 0023 puts the status into its full-text index instead.)
CREATE INDEX posts_search_published ON posts USING GIN (search) WHERE status = 'published';

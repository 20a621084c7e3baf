-- A writer's archive lists their published posts newest first: with the
-- kind and status in the index, counting them and skipping to a later
-- page read the index alone, not every post's row.
CREATE INDEX posts_author_listing ON posts (author_id, kind, status, published_at DESC, id DESC);

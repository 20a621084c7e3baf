-- The schedule is checked every second: scheduled posts whose time has
-- come, found without reading every post.
CREATE INDEX posts_status_date ON posts (status, published_at);

-- The front page lists sticky posts apart from the rest: counting and
-- paging either reads this index alone, not every post's row.
CREATE INDEX posts_listing_sticky ON posts (kind, status, sticky, published_at DESC, id DESC);

-- Builds sum up each post's approved replies (ReplyStamps); this index
-- holds every column that reads, so the sum never visits the replies.
CREATE INDEX comments_approved_stamp ON comments (status, post_id, updated_at, status_at, parent_id, depth);

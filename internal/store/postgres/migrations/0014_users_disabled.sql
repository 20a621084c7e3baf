-- A deactivated user keeps their posts and name but cannot sign in: the
-- time it happened, 0 for an active user.
ALTER TABLE users ADD COLUMN disabled_at BIGINT NOT NULL DEFAULT 0;

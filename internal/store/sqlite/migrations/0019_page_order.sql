-- A page's place among its siblings (WordPress's menu_order): lists of
-- pages go by it, then by title.
ALTER TABLE posts ADD COLUMN menu_order INTEGER NOT NULL DEFAULT 0;

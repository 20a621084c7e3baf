-- What the change feed said, kept past its pruning: per subject a change
-- named ("post 12", "listings", "all", …) the seq of the last change that
-- named it, so a static build taken long ago asks which pages to render
-- again instead of hashing the whole site.
CREATE TABLE change_marks (
	subject TEXT PRIMARY KEY,
	mark    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX change_marks_mark ON change_marks (mark);
-- A build's mark names this feed, so a mark of another database (a site
-- restored into a new file) renders everything instead of trusting seqs
-- that started again.
CREATE TABLE change_feed (id TEXT NOT NULL);
INSERT INTO change_feed (id) VALUES (lower(hex(randomblob(16))));

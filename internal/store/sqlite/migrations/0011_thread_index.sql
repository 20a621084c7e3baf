-- A page of a thread finds the answers under its replies one level at a
-- time; with the status in the index each step reads only those answers,
-- where the planner would otherwise scan every approved reply per step.
DROP INDEX comments_parent;
CREATE INDEX comments_thread ON comments (parent_id, status);

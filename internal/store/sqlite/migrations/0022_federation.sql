-- ActivityPub. Each writer's key pair; the remote accounts that follow
-- them (pending until accepted); the remote actors this site has read,
-- with their public keys; blocked actors and domains; what each post
-- last told the fediverse; the activities waiting to be delivered, one
-- row per inbox (next_at 0 and gave_up 1 once given up on); the replies
-- that came from the fediverse, by their object's id; notes that
-- mention a writer without answering a post; and small copies of remote
-- authors' pictures, which replies from the fediverse show (by key).
CREATE TABLE actor_keys (
	user_id     INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	private_pem TEXT NOT NULL,
	public_pem  TEXT NOT NULL,
	created_at  INTEGER NOT NULL
);

CREATE TABLE followers (
	id           INTEGER PRIMARY KEY,
	user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	actor        TEXT NOT NULL,
	follow_id    TEXT NOT NULL DEFAULT '',
	status       TEXT NOT NULL,
	created_at   INTEGER NOT NULL,
	UNIQUE (user_id, actor)
);

CREATE TABLE remote_actors (
	iri          TEXT PRIMARY KEY,
	key_id       TEXT NOT NULL,
	public_pem   TEXT NOT NULL,
	inbox        TEXT NOT NULL,
	shared_inbox TEXT NOT NULL DEFAULT '',
	name         TEXT NOT NULL DEFAULT '',
	handle       TEXT NOT NULL DEFAULT '',
	url          TEXT NOT NULL DEFAULT '',
	icon         TEXT NOT NULL DEFAULT '',
	host         TEXT NOT NULL,
	fetched_at   INTEGER NOT NULL
);
CREATE INDEX remote_actors_key ON remote_actors (key_id);

CREATE TABLE federation_blocks (
	value      TEXT PRIMARY KEY,
	created_at INTEGER NOT NULL
);

CREATE TABLE federated_posts (
	post_id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL,
	state   TEXT NOT NULL
);

CREATE TABLE deliveries (
	id         INTEGER PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	inbox      TEXT NOT NULL,
	host       TEXT NOT NULL,
	activity   TEXT NOT NULL,
	attempts   INTEGER NOT NULL DEFAULT 0,
	next_at    INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	gave_up    INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL
);
CREATE INDEX deliveries_due ON deliveries (next_at) WHERE next_at > 0;

CREATE TABLE remote_replies (
	comment_id INTEGER PRIMARY KEY REFERENCES comments (id) ON DELETE CASCADE,
	object_id  TEXT NOT NULL UNIQUE,
	actor      TEXT NOT NULL,
	host       TEXT NOT NULL
);
CREATE INDEX remote_replies_actor ON remote_replies (actor);
CREATE INDEX remote_replies_host ON remote_replies (host);

CREATE TABLE remote_mentions (
	id          INTEGER PRIMARY KEY,
	user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	object_id   TEXT NOT NULL UNIQUE,
	actor       TEXT NOT NULL,
	author_name TEXT NOT NULL DEFAULT '',
	author_url  TEXT NOT NULL DEFAULT '',
	url         TEXT NOT NULL DEFAULT '',
	content     TEXT NOT NULL DEFAULT '',
	received_at INTEGER NOT NULL
);

CREATE TABLE avatars (
	key        TEXT PRIMARY KEY,
	data       BLOB NOT NULL,
	fetched_at INTEGER NOT NULL
);

ALTER TABLE comments ADD COLUMN author_photo TEXT NOT NULL DEFAULT '';

-- Second factors for signing in: an authenticator app's secret (turned
-- on once a code from it was given; last_step keeps each code to one
-- use), single-use recovery codes kept as hashes, and passkeys
-- (WebAuthn credentials, stored as their verifier encodes them).
CREATE TABLE totp_secrets (
	user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	secret     TEXT NOT NULL,
	enabled_at INTEGER NOT NULL DEFAULT 0,
	last_step  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE recovery_codes (
	user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	code_hash TEXT NOT NULL,
	used_at   INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE passkeys (
	id         TEXT PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name       TEXT NOT NULL,
	credential TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	used_at    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX passkeys_user ON passkeys (user_id);

-- Ceremonies under way: a sign-in waiting for its second factor, a
-- passkey being added or used. Each row is good for minutes and one use.
CREATE TABLE auth_challenges (
	token_hash TEXT PRIMARY KEY,
	purpose    TEXT NOT NULL,
	user_id    INTEGER NOT NULL DEFAULT 0,
	data       TEXT NOT NULL,
	expires_at INTEGER NOT NULL
);

-- Events counted per key in fixed windows (sign-in attempts per address),
-- shared by every folio process serving the site.
CREATE TABLE rate_hits (
	key          TEXT NOT NULL,
	window_start BIGINT NOT NULL,
	hits         INTEGER NOT NULL,
	PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_hits_window ON rate_hits (window_start);

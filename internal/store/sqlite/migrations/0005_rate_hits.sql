-- Events counted per key in fixed windows (sign-in attempts per address),
-- so limits survive restarts.
CREATE TABLE rate_hits (
	key          TEXT NOT NULL,
	window_start INTEGER NOT NULL,
	hits         INTEGER NOT NULL,
	PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_hits_window ON rate_hits (window_start);

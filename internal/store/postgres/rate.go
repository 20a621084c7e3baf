package postgres

import (
	"context"
	"time"
)

// Hit counts one event for key in the window starting at window.
func (s *Store) Hit(ctx context.Context, key string, window time.Time) (int, error) {
	var n int
	err := s.q.QueryRow(ctx, `INSERT INTO rate_hits (key, window_start, hits) VALUES ($1, $2, 1)
		ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_hits.hits + 1 RETURNING hits`, key, window.Unix()).Scan(&n)
	return n, err
}

// DeleteHitsBefore forgets the windows that started before t.
func (s *Store) DeleteHitsBefore(ctx context.Context, t time.Time) error {
	_, err := s.q.Exec(ctx, `DELETE FROM rate_hits WHERE window_start < $1`, t.Unix())
	return err
}

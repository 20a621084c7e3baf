package sqlite

import (
	"context"
	"time"
)

// Hit counts one event for key in the window starting at window.
func (s *Store) Hit(ctx context.Context, key string, window time.Time) (int, error) {
	st, err := s.stmt(ctx, `INSERT INTO rate_hits (key, window_start, hits) VALUES (?, ?, 1)
		ON CONFLICT (key, window_start) DO UPDATE SET hits = hits + 1 RETURNING hits`, true)
	if err != nil {
		return 0, err
	}
	var n int
	err = st.QueryRowContext(ctx, key, window.Unix()).Scan(&n)
	return n, err
}

// DeleteHitsBefore forgets the windows that started before t.
func (s *Store) DeleteHitsBefore(ctx context.Context, t time.Time) error {
	_, err := s.exec(ctx, `DELETE FROM rate_hits WHERE window_start < ?`, t.Unix())
	return err
}

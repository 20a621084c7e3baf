package postgres

import "github.com/jackc/pgx/v5/pgxpool"

// Pool returns the store's connection pool, for tests that reach past
// the store.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// FollowerName is the application name of the connection that follows
// the change feed of st, for tests that cut it.
func FollowerName(st *Store) string { return followerName(st.channel) }

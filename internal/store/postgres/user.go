package postgres

import (
	"context"
	"time"

	"folio/internal/blog"
)

const userColumns = `id, name, slug, email, role, password_hash, bio, created_at`

func scanUser(sc scanner) (*blog.User, error) {
	u := &blog.User{}
	var created int64
	if err := sc.Scan(&u.ID, &u.Name, &u.Slug, &u.Email, &u.Role, &u.PasswordHash, &u.Bio, &created); err != nil {
		return nil, mapErr(err)
	}
	u.CreatedAt = fromUnix(created)
	return u, nil
}

// User returns the user with id.
func (s *Store) User(ctx context.Context, id int64) (*blog.User, error) {
	return scanUser(s.q.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
}

// UserByEmail returns the user with the (lower-case) e-mail address.
func (s *Store) UserByEmail(ctx context.Context, email string) (*blog.User, error) {
	return scanUser(s.q.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE email = $1`, email))
}

// UserBySlug returns the user with the public slug.
func (s *Store) UserBySlug(ctx context.Context, slug string) (*blog.User, error) {
	return scanUser(s.q.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE slug = $1`, slug))
}

// Users lists every user by name.
func (s *Store) Users(ctx context.Context) ([]*blog.User, error) {
	rows, err := s.q.Query(ctx, `SELECT `+userColumns+` FROM users ORDER BY name, id`)
	return collect(rows, err, scanUser)
}

// CountUsers returns the number of users.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.q.QueryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, err
}

// CreateUser inserts u and sets its ID.
func (s *Store) CreateUser(ctx context.Context, u *blog.User) error {
	err := s.q.QueryRow(ctx, `INSERT INTO users (name, slug, email, role, password_hash, bio, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		u.Name, u.Slug, u.Email, string(u.Role), u.PasswordHash, u.Bio, unix(u.CreatedAt)).Scan(&u.ID)
	return mapErr(err)
}

// UpdateUser stores every field of u.
func (s *Store) UpdateUser(ctx context.Context, u *blog.User) error {
	return expectOne(s.q.Exec(ctx, `UPDATE users SET name = $1, slug = $2, email = $3, role = $4, password_hash = $5, bio = $6 WHERE id = $7`,
		u.Name, u.Slug, u.Email, string(u.Role), u.PasswordHash, u.Bio, u.ID))
}

// CreateSession stores a new session.
func (s *Store) CreateSession(ctx context.Context, sess *blog.Session) error {
	_, err := s.q.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		sess.TokenHash, sess.UserID, unix(sess.CreatedAt), unix(sess.ExpiresAt))
	return mapErr(err)
}

// Session returns the session with the token hash.
func (s *Store) Session(ctx context.Context, tokenHash string) (*blog.Session, error) {
	sess := &blog.Session{}
	var created, expires int64
	err := s.q.QueryRow(ctx, `SELECT token_hash, user_id, created_at, expires_at FROM sessions WHERE token_hash = $1`, tokenHash).
		Scan(&sess.TokenHash, &sess.UserID, &created, &expires)
	if err != nil {
		return nil, mapErr(err)
	}
	sess.CreatedAt, sess.ExpiresAt = fromUnix(created), fromUnix(expires)
	return sess, nil
}

// DeleteSession removes a session; removing an unknown one is not an
// error.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := s.q.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash)
	return err
}

// DeleteExpiredSessions removes every session expired at now.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	_, err := s.q.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, now.Unix())
	return err
}

package query

import (
	"context"
	"time"

	"folio/internal/blog"
)

const userColumns = `id, name, slug, email, role, password_hash, bio, created_at, disabled_at, language`

func (t Tables) scanUser(sc Scanner) (*blog.User, error) {
	u := &blog.User{}
	var created, disabled int64
	if err := sc.Scan(&u.ID, &u.Name, &u.Slug, &u.Email, &u.Role, &u.PasswordHash, &u.Bio, &created, &disabled, &u.Language); err != nil {
		return nil, t.d.MapErr(err)
	}
	u.CreatedAt, u.DisabledAt = FromUnix(created), FromUnix(disabled)
	return u, nil
}

// User returns the user with id.
func (t Tables) User(ctx context.Context, id int64) (*blog.User, error) {
	return t.scanUser(t.db.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
}

// UserByEmail returns the user with the (lower-case) e-mail address.
func (t Tables) UserByEmail(ctx context.Context, email string) (*blog.User, error) {
	return t.scanUser(t.db.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE email = ?`, email))
}

// UserBySlug returns the user with the public slug.
func (t Tables) UserBySlug(ctx context.Context, slug string) (*blog.User, error) {
	return t.scanUser(t.db.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE slug = ?`, slug))
}

// Users lists every user by name.
func (t Tables) Users(ctx context.Context) ([]*blog.User, error) {
	return Collect(ctx, t.db, t.scanUser, `SELECT `+userColumns+` FROM users ORDER BY name, id`)
}

// CountUsers returns the number of users.
func (t Tables) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := t.db.QueryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, err
}

// CreateUser inserts u and sets its ID.
func (t Tables) CreateUser(ctx context.Context, u *blog.User) error {
	id, err := t.insert(ctx, `INSERT INTO users (name, slug, email, role, password_hash, bio, created_at, language) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		u.Name, u.Slug, u.Email, string(u.Role), u.PasswordHash, u.Bio, Unix(u.CreatedAt), u.Language)
	u.ID = id
	return err
}

// UpdateUser stores every field of u.
func (t Tables) UpdateUser(ctx context.Context, u *blog.User) error {
	return t.expectOne(t.db.Exec(ctx, `UPDATE users SET name = ?, slug = ?, email = ?, role = ?, password_hash = ?, bio = ?, disabled_at = ?, language = ? WHERE id = ?`,
		u.Name, u.Slug, u.Email, string(u.Role), u.PasswordHash, u.Bio, Unix(u.DisabledAt), u.Language, u.ID))
}

// DeleteUser removes a user, giving heirID their posts, revisions and
// uploads; their replies stay, no longer linked to an account, and
// their sessions go.
func (t Tables) DeleteUser(ctx context.Context, id, heirID int64) error {
	for _, q := range []string{
		`UPDATE posts SET author_id = ? WHERE author_id = ?`,
		`UPDATE revisions SET author_id = ? WHERE author_id = ?`,
		`UPDATE media SET uploader_id = ? WHERE uploader_id = ?`,
	} {
		if _, err := t.db.Exec(ctx, q, heirID, id); err != nil {
			return t.d.MapErr(err)
		}
	}
	if _, err := t.db.Exec(ctx, `UPDATE comments SET user_id = 0 WHERE user_id = ?`, id); err != nil {
		return t.d.MapErr(err)
	}
	if err := t.d.Reindex(ctx, t.db, `p.author_id = ?`, heirID); err != nil {
		return err
	}
	return t.expectOne(t.db.Exec(ctx, `DELETE FROM users WHERE id = ?`, id))
}

// CreateSession stores a new session.
func (t Tables) CreateSession(ctx context.Context, s *blog.Session) error {
	_, err := t.db.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		s.TokenHash, s.UserID, Unix(s.CreatedAt), Unix(s.ExpiresAt))
	return t.d.MapErr(err)
}

// Session returns the session with the token hash.
func (t Tables) Session(ctx context.Context, tokenHash string) (*blog.Session, error) {
	s := &blog.Session{}
	var created, expires int64
	err := t.db.QueryRow(ctx, `SELECT token_hash, user_id, created_at, expires_at FROM sessions WHERE token_hash = ?`, tokenHash).
		Scan(&s.TokenHash, &s.UserID, &created, &expires)
	if err != nil {
		return nil, t.d.MapErr(err)
	}
	s.CreatedAt, s.ExpiresAt = FromUnix(created), FromUnix(expires)
	return s, nil
}

// DeleteSession removes a session; removing an unknown one is not an
// error.
func (t Tables) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := t.db.Exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
	return err
}

// DeleteUserSessions removes every session of a user.
func (t Tables) DeleteUserSessions(ctx context.Context, userID int64) error {
	_, err := t.db.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
	return err
}

// UserSessions lists a user's sessions, newest first.
func (t Tables) UserSessions(ctx context.Context, userID int64) ([]*blog.Session, error) {
	return Collect(ctx, t.db, func(sc Scanner) (*blog.Session, error) {
		s := &blog.Session{}
		var created, expires int64
		if err := sc.Scan(&s.TokenHash, &s.UserID, &created, &expires); err != nil {
			return nil, err
		}
		s.CreatedAt, s.ExpiresAt = FromUnix(created), FromUnix(expires)
		return s, nil
	}, `SELECT token_hash, user_id, created_at, expires_at FROM sessions WHERE user_id = ? ORDER BY created_at DESC, token_hash`, userID)
}

// DeleteOtherSessions removes a user's sessions but one.
func (t Tables) DeleteOtherSessions(ctx context.Context, userID int64, keepHash string) error {
	_, err := t.db.Exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?`, userID, keepHash)
	return err
}

// DeleteExpiredSessions removes every session expired at now.
func (t Tables) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	_, err := t.db.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, now.Unix())
	return err
}

// Hit counts one event for key in the window starting at window.
func (t Tables) Hit(ctx context.Context, key string, window time.Time) (int, error) {
	var n int
	err := t.db.ExecRow(ctx, `INSERT INTO rate_hits (key, window_start, hits) VALUES (?, ?, 1)
		ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_hits.hits + 1 RETURNING hits`, key, window.Unix()).Scan(&n)
	return n, err
}

// Hits returns the count of key's window starting at window.
func (t Tables) Hits(ctx context.Context, key string, window time.Time) (int, error) {
	var n int
	err := t.db.QueryRow(ctx, `SELECT COALESCE(SUM(hits), 0) FROM rate_hits WHERE key = ? AND window_start = ?`, key, window.Unix()).Scan(&n)
	return n, err
}

// DeleteHitsBefore forgets the windows that started before t.
func (t Tables) DeleteHitsBefore(ctx context.Context, before time.Time) error {
	_, err := t.db.Exec(ctx, `DELETE FROM rate_hits WHERE window_start < ?`, before.Unix())
	return err
}

package blog

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// SessionTTL is how long a sign-in lasts.
const SessionTTL = 30 * 24 * time.Hour

// Sign-in attempts allowed per client address and window. The count
// lives in the store, so every process serving the site shares it.
const (
	LoginAttempts = 10
	LoginWindow   = time.Minute
)

// Accounts holds the people who sign in: users, their passwords and
// sessions, and the limit on sign-in attempts.
type Accounts struct {
	*core
	users    UserStore
	sessions SessionStore
	hits     RateStore
	hasher   Hasher
	factors  SecondFactorStore
	tokens   TokenStore
	codes    OneTimeCodes
	passkeys PasskeyCeremonies
}

// NeedsSetup reports whether the site has no users yet, so the first
// administrator must be created.
func (a *Accounts) NeedsSetup(ctx context.Context) (bool, error) {
	n, err := a.users.CountUsers(ctx)
	if err != nil {
		return false, fmt.Errorf("count users: %w", err)
	}
	return n == 0, nil
}

// SetupAdmin creates the first administrator. It returns ErrConflict once
// any user exists.
func (a *Accounts) SetupAdmin(ctx context.Context, in UserInput) (*User, error) {
	in.Role = RoleAdmin
	var u *User
	err := a.write(ctx, func(tx Tx) (Change, error) {
		n, err := tx.CountUsers(ctx)
		if err != nil {
			return Change{}, err
		}
		if n > 0 {
			return Change{}, ErrConflict
		}
		u, err = a.createUser(ctx, tx, in)
		return Change{}, err
	})
	return u, err
}

// CreateUser adds a user. actor must be an administrator; nil means the
// command line, which the operator controls.
func (a *Accounts) CreateUser(ctx context.Context, actor *User, in UserInput) (*User, error) {
	if actor != nil && !actor.CanManageSite() {
		return nil, ErrForbidden
	}
	var u *User
	err := a.write(ctx, func(tx Tx) (Change, error) {
		var err error
		u, err = a.createUser(ctx, tx, in)
		return everything, err
	})
	return u, err
}

func (a *Accounts) createUser(ctx context.Context, tx UserStore, in UserInput) (*User, error) {
	if err := in.normalize(); err != nil {
		return nil, err
	}
	if _, err := tx.UserByEmail(ctx, in.Email); err == nil {
		return nil, FieldError("email", "user_email_taken")
	} else if !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	hash, err := a.hasher.Hash(in.Password)
	if err != nil {
		return nil, fmt.Errorf("hash password: %w", err)
	}
	slug, err := uniqueUserSlug(ctx, tx, in.Name, "user")
	if err != nil {
		return nil, err
	}
	u := &User{Name: in.Name, Slug: slug, Email: in.Email, Role: in.Role, PasswordHash: hash, CreatedAt: a.now().UTC()}
	if err := tx.CreateUser(ctx, u); err != nil {
		if errors.Is(err, ErrConflict) {
			return nil, FieldError("email", "user_email_taken")
		}
		return nil, fmt.Errorf("create user: %w", err)
	}
	return u, nil
}

// uniqueUserSlug returns a slug made from name that no user has yet.
func uniqueUserSlug(ctx context.Context, users UserStore, name, fallback string) (string, error) {
	return uniqueSlug(Slugify(name), fallback, func(c string) (bool, error) {
		_, err := users.UserBySlug(ctx, c)
		if errors.Is(err, ErrNotFound) {
			return false, nil
		}
		return err == nil, err
	})
}

// Users lists every user by name.
func (a *Accounts) Users(ctx context.Context) ([]*User, error) { return a.users.Users(ctx) }

// Authenticate returns the user with email and password, or
// ErrBadCredentials. It spends the same hashing work whether or not the
// user exists, so timing does not reveal registered addresses.
func (a *Accounts) Authenticate(ctx context.Context, email, password string) (*User, error) {
	if len(password) > maxPasswordLen {
		return nil, ErrBadCredentials
	}
	u, err := a.users.UserByEmail(ctx, normalizeEmail(email))
	if errors.Is(err, ErrNotFound) {
		a.hasher.VerifyDummy(password)
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, err
	}
	if u.PasswordHash == "" || !a.hasher.Verify(u.PasswordHash, password) || !u.Active() {
		return nil, ErrBadCredentials
	}
	return u, nil
}

// StartSession signs a user in and returns the token for the session
// cookie.
func (a *Accounts) StartSession(ctx context.Context, userID int64) (string, error) {
	token := newToken()
	now := a.now().UTC()
	sess := &Session{TokenHash: hashToken(token), UserID: userID, CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}
	if err := a.sessions.CreateSession(ctx, sess); err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	return token, nil
}

// SessionUser returns the user signed in with token, or ErrNotFound when
// the token is unknown or expired.
func (a *Accounts) SessionUser(ctx context.Context, token string) (*User, error) {
	if token == "" {
		return nil, ErrNotFound
	}
	sess, err := a.sessions.Session(ctx, hashToken(token))
	if err != nil {
		return nil, err
	}
	if !a.now().Before(sess.ExpiresAt) {
		return nil, ErrNotFound
	}
	u, err := a.users.User(ctx, sess.UserID)
	if err == nil && !u.Active() {
		return nil, ErrNotFound
	}
	return u, err
}

// EndSession signs the session with token out.
func (a *Accounts) EndSession(ctx context.Context, token string) error {
	return a.sessions.DeleteSession(ctx, hashToken(token))
}

// newToken returns a random token for a cookie or a form.
func newToken() string {
	raw := make([]byte, 32)
	rand.Read(raw)
	return base64.RawURLEncoding.EncodeToString(raw)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// AllowLogin records a sign-in attempt from ip and reports whether it is
// within LoginAttempts per LoginWindow.
func (a *Accounts) AllowLogin(ctx context.Context, ip string) (bool, error) {
	n, err := a.hits.Hit(ctx, "login:"+ip, a.now().UTC().Truncate(LoginWindow))
	if err != nil {
		return false, fmt.Errorf("count sign-in attempts: %w", err)
	}
	return n <= LoginAttempts, nil
}

// SweepSessions deletes expired sessions and old sign-in counts.
func (a *Accounts) SweepSessions(ctx context.Context) error {
	now := a.now()
	if err := a.sessions.DeleteExpiredSessions(ctx, now); err != nil {
		return err
	}
	if err := a.factors.DeleteExpiredChallenges(ctx, now); err != nil {
		return err
	}
	return a.hits.DeleteHitsBefore(ctx, now.Add(-LoginWindow))
}

// SetPassword sets the password of the user with email: an administrator
// for anyone, a user for themselves, nil for the command line. Every
// session of the user ends, so whoever knew the old password is signed
// out.
func (a *Accounts) SetPassword(ctx context.Context, actor *User, email, password string) error {
	u, err := a.users.UserByEmail(ctx, normalizeEmail(email))
	if errors.Is(err, ErrNotFound) {
		return FieldError("email", "user_email_unknown")
	}
	if err != nil {
		return err
	}
	if actor != nil && !actor.CanManageSite() && actor.ID != u.ID {
		return ErrForbidden
	}
	if len(password) < MinPasswordLen {
		return FieldError("password", "password_too_short")
	}
	if len(password) > maxPasswordLen {
		return FieldError("password", "password_too_long")
	}
	if u.PasswordHash, err = a.hasher.Hash(password); err != nil {
		return err
	}
	return a.write(ctx, func(tx Tx) (Change, error) {
		if err := tx.UpdateUser(ctx, u); err != nil {
			return Change{}, err
		}
		return Change{}, tx.DeleteUserSessions(ctx, u.ID)
	})
}

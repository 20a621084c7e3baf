package blog

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Options configure a Service. Renderer and Hasher are required.
type Options struct {
	// Now returns the current time; time.Now when nil. Tests inject a
	// fixed clock.
	Now      func() time.Time
	Renderer Renderer
	Hasher   Hasher
	// CommentRenderer renders replies; required to accept replies.
	CommentRenderer CommentRenderer
	// Mailer sends queued e-mail; nil keeps mail in the outbox.
	Mailer Mailer
	// SpamChecker is asked about new replies when the settings name a
	// service; nil skips the check.
	SpamChecker SpamChecker
	// OnChange, when set, is called after every committed write that can
	// change what readers see, with what it changed.
	OnChange func(Change)
}

// SessionTTL is how long a sign-in lasts.
const SessionTTL = 30 * 24 * time.Hour

// Service applies folio's rules on top of a Store. It is safe for
// concurrent use.
type Service struct {
	store    Store
	now      func() time.Time
	renderer Renderer
	hasher   Hasher
	comments CommentRenderer
	mailer   Mailer
	spam     SpamChecker
	onChange func(Change)

	mu       sync.RWMutex
	settings Settings
	secret   []byte
}

// NewService loads the site's settings and signing secret (creating the
// secret on a new site) and returns a ready Service.
func NewService(ctx context.Context, st Store, opts Options) (*Service, error) {
	if opts.Renderer == nil || opts.Hasher == nil {
		return nil, errors.New("blog: NewService needs a Renderer and a Hasher")
	}
	s := &Service{store: st, now: opts.Now, renderer: opts.Renderer, hasher: opts.Hasher, onChange: opts.OnChange,
		comments: opts.CommentRenderer, mailer: opts.Mailer, spam: opts.SpamChecker}
	if s.now == nil {
		s.now = time.Now
	}
	if err := s.ReloadSettings(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// secretKey is the settings key of the site's signing secret.
const secretKey = "secret_key"

// ReloadSettings reads the settings from the store again. The Service
// caches them; call this when another process may have changed them.
func (s *Service) ReloadSettings(ctx context.Context) error {
	vals, err := s.store.Settings(ctx)
	if err != nil {
		return fmt.Errorf("load settings: %w", err)
	}
	secret, err := base64.RawURLEncoding.DecodeString(vals[secretKey])
	if err != nil || len(secret) < 32 {
		secret = make([]byte, 32)
		rand.Read(secret)
		if err := s.store.SaveSettings(ctx, map[string]string{secretKey: base64.RawURLEncoding.EncodeToString(secret)}); err != nil {
			return fmt.Errorf("save secret: %w", err)
		}
	}
	st := SettingsFromValues(vals)
	s.mu.Lock()
	s.settings, s.secret = st, secret
	s.mu.Unlock()
	return nil
}

// Settings returns the current site settings.
func (s *Service) Settings() Settings {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.settings
}

// Secret returns the site's 32-byte key for signing cookies and tokens.
// It is the same for every process serving the site.
func (s *Service) Secret() []byte {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.secret
}

// Now returns the Service's current time.
func (s *Service) Now() time.Time { return s.now() }

// SaveSettings validates and stores the settings an administrator typed
// (actor nil: the command line). On a *ValidationError nothing is
// stored.
func (s *Service) SaveSettings(ctx context.Context, actor *User, in SettingsInput) (Settings, error) {
	if actor != nil && !actor.CanManageSite() {
		return Settings{}, ErrForbidden
	}
	next, err := in.Apply(s.Settings())
	if err != nil {
		return Settings{}, err
	}
	if err := s.store.SaveSettings(ctx, next.Values()); err != nil {
		return Settings{}, fmt.Errorf("save settings: %w", err)
	}
	s.mu.Lock()
	s.settings = next
	s.mu.Unlock()
	s.changed(everything)
	return next, nil
}

// NeedsSetup reports whether the site has no users yet, so the first
// administrator must be created.
func (s *Service) NeedsSetup(ctx context.Context) (bool, error) {
	n, err := s.store.CountUsers(ctx)
	if err != nil {
		return false, fmt.Errorf("count users: %w", err)
	}
	return n == 0, nil
}

// SetupAdmin creates the first administrator. It returns ErrConflict once
// any user exists.
func (s *Service) SetupAdmin(ctx context.Context, in UserInput) (*User, error) {
	in.Role = RoleAdmin
	var u *User
	err := s.store.Atomic(ctx, func(tx Store) error {
		n, err := tx.CountUsers(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			return ErrConflict
		}
		u, err = s.createUser(ctx, tx, in)
		return err
	})
	return u, err
}

// CreateUser adds a user. actor must be an administrator; nil means the
// command line, which the operator controls.
func (s *Service) CreateUser(ctx context.Context, actor *User, in UserInput) (*User, error) {
	if actor != nil && !actor.CanManageSite() {
		return nil, ErrForbidden
	}
	var u *User
	err := s.store.Atomic(ctx, func(tx Store) error {
		var err error
		u, err = s.createUser(ctx, tx, in)
		return err
	})
	if err == nil {
		s.changed(everything)
	}
	return u, err
}

func (s *Service) createUser(ctx context.Context, tx Store, in UserInput) (*User, error) {
	if err := in.normalize(); err != nil {
		return nil, err
	}
	if _, err := tx.UserByEmail(ctx, in.Email); err == nil {
		return nil, FieldError("email", "A user with this e-mail address already exists.")
	} else if !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	hash, err := s.hasher.Hash(in.Password)
	if err != nil {
		return nil, fmt.Errorf("hash password: %w", err)
	}
	slug, err := uniqueSlug(Slugify(in.Name), "user", func(c string) (bool, error) {
		_, err := tx.UserBySlug(ctx, c)
		if errors.Is(err, ErrNotFound) {
			return false, nil
		}
		return err == nil, err
	})
	if err != nil {
		return nil, err
	}
	u := &User{Name: in.Name, Slug: slug, Email: in.Email, Role: in.Role, PasswordHash: hash, CreatedAt: s.now().UTC()}
	if err := tx.CreateUser(ctx, u); err != nil {
		if errors.Is(err, ErrConflict) {
			return nil, FieldError("email", "A user with this e-mail address already exists.")
		}
		return nil, fmt.Errorf("create user: %w", err)
	}
	return u, nil
}

// Users lists every user by name.
func (s *Service) Users(ctx context.Context) ([]*User, error) { return s.store.Users(ctx) }

// UserBySlug returns the user with the public slug, or ErrNotFound.
func (s *Service) UserBySlug(ctx context.Context, slug string) (*User, error) {
	return s.store.UserBySlug(ctx, slug)
}

// Authenticate returns the user with email and password, or
// ErrBadCredentials. It spends the same hashing work whether or not the
// user exists, so timing does not reveal registered addresses.
func (s *Service) Authenticate(ctx context.Context, email, password string) (*User, error) {
	if len(password) > maxPasswordLen {
		return nil, ErrBadCredentials
	}
	u, err := s.store.UserByEmail(ctx, normalizeEmail(email))
	if errors.Is(err, ErrNotFound) {
		s.hasher.Verify(dummyHash(s.hasher), password)
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, err
	}
	if u.PasswordHash == "" || !s.hasher.Verify(u.PasswordHash, password) {
		return nil, ErrBadCredentials
	}
	return u, nil
}

var (
	dummyOnce sync.Once
	dummy     string
)

func dummyHash(h Hasher) string {
	dummyOnce.Do(func() { dummy, _ = h.Hash("folio-timing-equaliser") })
	return dummy
}

// StartSession signs a user in and returns the token for the session
// cookie.
func (s *Service) StartSession(ctx context.Context, userID int64) (string, error) {
	raw := make([]byte, 32)
	rand.Read(raw)
	token := base64.RawURLEncoding.EncodeToString(raw)
	now := s.now().UTC()
	sess := &Session{TokenHash: hashToken(token), UserID: userID, CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}
	if err := s.store.CreateSession(ctx, sess); err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	return token, nil
}

// SessionUser returns the user signed in with token, or ErrNotFound when
// the token is unknown or expired.
func (s *Service) SessionUser(ctx context.Context, token string) (*User, error) {
	if token == "" {
		return nil, ErrNotFound
	}
	sess, err := s.store.Session(ctx, hashToken(token))
	if err != nil {
		return nil, err
	}
	if !s.now().Before(sess.ExpiresAt) {
		return nil, ErrNotFound
	}
	return s.store.User(ctx, sess.UserID)
}

// EndSession signs the session with token out.
func (s *Service) EndSession(ctx context.Context, token string) error {
	return s.store.DeleteSession(ctx, hashToken(token))
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// uniqueSlug returns base, or base-2, base-3, … whichever is free first.
// fallback is used when base is empty.
func uniqueSlug(base, fallback string, taken func(string) (bool, error)) (string, error) {
	if base == "" {
		base = fallback
	}
	for n := 1; n < 1000; n++ {
		c := base
		if n > 1 {
			c = numberedSlug(base, n)
		}
		t, err := taken(c)
		if err != nil {
			return "", err
		}
		if !t {
			return c, nil
		}
	}
	return "", ErrConflict
}

// Sign-in attempts allowed per client address and window. The count
// lives in the store, so every process serving the site shares it.
const (
	LoginAttempts = 10
	LoginWindow   = time.Minute
)

// AllowLogin records a sign-in attempt from ip and reports whether it is
// within LoginAttempts per LoginWindow.
func (s *Service) AllowLogin(ctx context.Context, ip string) (bool, error) {
	n, err := s.store.Hit(ctx, "login:"+ip, s.now().UTC().Truncate(LoginWindow))
	if err != nil {
		return false, fmt.Errorf("count sign-in attempts: %w", err)
	}
	return n <= LoginAttempts, nil
}

// SweepSessions deletes expired sessions and old sign-in counts.
func (s *Service) SweepSessions(ctx context.Context) error {
	now := s.now()
	if err := s.store.DeleteExpiredSessions(ctx, now); err != nil {
		return err
	}
	return s.store.DeleteHitsBefore(ctx, now.Add(-LoginWindow))
}

// SetPassword sets the password of the user with email: an administrator
// for anyone, a user for themselves, nil for the command line.
func (s *Service) SetPassword(ctx context.Context, actor *User, email, password string) error {
	u, err := s.store.UserByEmail(ctx, normalizeEmail(email))
	if errors.Is(err, ErrNotFound) {
		return FieldError("email", "No user has this e-mail address.")
	}
	if err != nil {
		return err
	}
	if actor != nil && !actor.CanManageSite() && actor.ID != u.ID {
		return ErrForbidden
	}
	if len(password) < MinPasswordLen {
		return FieldError("password", "Use at least 10 characters.")
	}
	if len(password) > maxPasswordLen {
		return FieldError("password", "Use at most 1024 characters.")
	}
	if u.PasswordHash, err = s.hasher.Hash(password); err != nil {
		return err
	}
	return s.store.UpdateUser(ctx, u)
}

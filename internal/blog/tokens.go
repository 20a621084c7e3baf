package blog

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
)

// The scopes a token may carry: Micropub's, plus reading everything a
// writer may see and moderating replies. IndieAuth adds profile (the
// writer's name and page) and email.
const (
	ScopeCreate   = "create"
	ScopeUpdate   = "update"
	ScopeDelete   = "delete"
	ScopeMedia    = "media"
	ScopeRead     = "read"
	ScopeModerate = "moderate"
	ScopeProfile  = "profile"
	ScopeEmail    = "email"
)

// Scopes lists every scope a token may carry, in the order screens show
// them.
var Scopes = []string{ScopeCreate, ScopeUpdate, ScopeDelete, ScopeMedia, ScopeRead, ScopeModerate, ScopeProfile, ScopeEmail}

// tokenPrefix starts every token, so one pasted somewhere it should not
// be is easy to recognise.
const tokenPrefix = "folio_"

// usedEvery is how often a token's last use is written down: each use
// would make every API call a write.
const usedEvery = time.Minute

// Token is an access token for an app or a script. Only its hash is
// stored; the token itself is shown once, when made.
type Token struct {
	ID       int64
	UserID   int64
	UserName string // the writer's name, in lists
	Name     string
	Scopes   []string
	// ClientID is the app that asked for it through IndieAuth; "" for a
	// personal token.
	ClientID  string
	Hash      string
	CreatedAt time.Time
	UsedAt    time.Time
	ExpiresAt time.Time // zero: it does not expire
}

// Has reports whether t carries scope.
func (t *Token) Has(scope string) bool { return slices.Contains(t.Scopes, scope) }

// TokenStore persists tokens.
type TokenStore interface {
	CreateToken(ctx context.Context, t *Token) error
	// TokenByHash returns the token with the hash, or ErrNotFound.
	TokenByHash(ctx context.Context, hash string) (*Token, error)
	// Tokens lists user userID's tokens, or every token for 0, newest
	// first.
	Tokens(ctx context.Context, userID int64) ([]*Token, error)
	TouchToken(ctx context.Context, id int64, at time.Time) error
	DeleteToken(ctx context.Context, id int64) error
}

// ParseScopes reads a space- or comma-separated list of scopes, refusing
// one folio does not know.
func ParseScopes(s string) ([]string, error) {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '+' }) {
		f = strings.ToLower(f)
		if !slices.Contains(Scopes, f) {
			return nil, FieldError("scope", "scope_unknown_choose", "Scope", f, "Scopes", strings.Join(Scopes, ", "))
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return nil, FieldError("scope", "scope_choose")
	}
	return out, nil
}

// TokenInput is what makes a token.
type TokenInput struct {
	Name     string
	Scopes   []string
	ClientID string
	TTL      time.Duration // 0: it does not expire
}

// CreateToken makes a token for user userID (the actor themselves, or
// anyone for an administrator or the command line, as nil) and returns
// it with the secret to hand over once.
func (a *Accounts) CreateToken(ctx context.Context, actor *User, userID int64, in TokenInput) (*Token, string, error) {
	if actor != nil && actor.ID != userID && !actor.CanManageSite() {
		return nil, "", ErrForbidden
	}
	u, err := a.users.User(ctx, userID)
	if err != nil {
		return nil, "", err
	}
	if !u.Active() {
		return nil, "", FieldError("user", "token_user_inactive")
	}
	in.Name = strings.TrimSpace(clean(in.Name))
	v := &ValidationError{}
	if in.Name == "" {
		v.Add("name", "token_name_enter")
	} else if len(in.Name) > 200 {
		v.Add("name", "name_over_200")
	}
	if len(in.Scopes) == 0 {
		v.Add("scope", "scope_choose")
	}
	for _, s := range in.Scopes {
		if !slices.Contains(Scopes, s) {
			v.Add("scope", "scope_unknown", "Scope", s)
		}
	}
	if err := v.Err(); err != nil {
		return nil, "", err
	}
	secret := tokenPrefix + newToken()
	now := a.now().UTC()
	t := &Token{UserID: u.ID, UserName: u.Name, Name: in.Name, Scopes: in.Scopes, ClientID: in.ClientID, Hash: hashToken(secret), CreatedAt: now}
	if in.TTL > 0 {
		t.ExpiresAt = now.Add(in.TTL)
	}
	err = a.write(ctx, func(tx Tx) (Change, error) { return Change{}, tx.CreateToken(ctx, t) })
	return t, secret, err
}

// ErrBadToken refuses a token that is unknown, expired or revoked, or
// whose writer may no longer sign in.
var ErrBadToken = errors.New("the access token is not valid")

// TokenUser returns the writer a token acts for, and the token. It
// notes when the token was used, at most once a minute.
func (a *Accounts) TokenUser(ctx context.Context, secret string) (*User, *Token, error) {
	if !strings.HasPrefix(secret, tokenPrefix) || len(secret) > 100 {
		return nil, nil, ErrBadToken
	}
	t, err := a.tokens.TokenByHash(ctx, hashToken(secret))
	if errors.Is(err, ErrNotFound) {
		return nil, nil, ErrBadToken
	}
	if err != nil {
		return nil, nil, err
	}
	now := a.now()
	if !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt) {
		return nil, nil, ErrBadToken
	}
	u, err := a.users.User(ctx, t.UserID)
	if errors.Is(err, ErrNotFound) || (err == nil && !u.Active()) {
		return nil, nil, ErrBadToken
	}
	if err != nil {
		return nil, nil, err
	}
	if now.Sub(t.UsedAt) >= usedEvery {
		t.UsedAt = now.UTC()
		if err := a.write(ctx, func(tx Tx) (Change, error) { return Change{}, tx.TouchToken(ctx, t.ID, t.UsedAt) }); err != nil {
			return nil, nil, err
		}
	}
	return u, t, nil
}

// Tokens lists the actor's tokens, or every token for an administrator.
func (a *Accounts) Tokens(ctx context.Context, actor *User) ([]*Token, error) {
	if actor == nil || actor.CanManageSite() {
		return a.tokens.Tokens(ctx, 0)
	}
	return a.tokens.Tokens(ctx, actor.ID)
}

// RevokeToken deletes token id: the actor's own, or any for an
// administrator or the command line (nil). A revoked token stops
// working at once, in every process.
func (a *Accounts) RevokeToken(ctx context.Context, actor *User, id int64) error {
	list, err := a.Tokens(ctx, actor)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(list, func(t *Token) bool { return t.ID == id }) {
		return ErrNotFound
	}
	return a.write(ctx, func(tx Tx) (Change, error) { return Change{}, tx.DeleteToken(ctx, id) })
}

// RevokeTokenSecret deletes the token whose secret is given, as OAuth's
// revocation endpoint does; an unknown one is not an error.
func (a *Accounts) RevokeTokenSecret(ctx context.Context, secret string) error {
	t, err := a.tokens.TokenByHash(ctx, hashToken(secret))
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return a.write(ctx, func(tx Tx) (Change, error) { return Change{}, tx.DeleteToken(ctx, t.ID) })
}

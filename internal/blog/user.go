package blog

import (
	"net/mail"
	"strings"
	"time"
)

// Role decides what a signed-in user may do.
type Role string

// The roles, from most to least powerful.
const (
	RoleAdmin  Role = "admin"  // everything, including settings and users
	RoleEditor Role = "editor" // every post and page, categories
	RoleAuthor Role = "author" // their own posts only
)

// ParseRole returns the role named s, or an error naming the valid roles.
func ParseRole(s string) (Role, error) {
	switch r := Role(strings.ToLower(strings.TrimSpace(s))); r {
	case RoleAdmin, RoleEditor, RoleAuthor:
		return r, nil
	}
	return "", FieldError("role", "role_invalid")
}

// User is someone who signs in to write or manage the site.
type User struct {
	ID           int64
	Name         string
	Slug         string
	Email        string
	Role         Role
	PasswordHash string // "" until the user has chosen a password
	Bio          string
	// Language is the BCP 47 tag of the language the writer reads the
	// admin and their mail in; "" for the site's.
	Language  string
	CreatedAt time.Time
	// DisabledAt is when an administrator deactivated the user, who then
	// cannot sign in; zero for an active user.
	DisabledAt time.Time
}

// CanEdit reports whether u may change p.
func (u *User) CanEdit(p *Post) bool {
	if u == nil {
		return false
	}
	return u.Role == RoleAdmin || u.Role == RoleEditor || p.AuthorID == u.ID
}

// CanEditOthers reports whether u may edit and assign posts of other
// users.
func (u *User) CanEditOthers() bool {
	return u != nil && (u.Role == RoleAdmin || u.Role == RoleEditor)
}

// LanguageOr returns the writer's language, or site when they chose
// none.
func (u *User) LanguageOr(site string) string {
	if u.Language != "" {
		return u.Language
	}
	return site
}

// Active reports whether u may sign in.
func (u *User) Active() bool { return u.DisabledAt.IsZero() }

// CanManageSite reports whether u may change settings and users.
func (u *User) CanManageSite() bool { return u != nil && u.Role == RoleAdmin }

// UserInput is what an administrator or the setup page submits to create
// a user.
type UserInput struct {
	Name     string
	Email    string
	Role     Role
	Password string
}

// MinPasswordLen is the shortest password folio accepts.
const MinPasswordLen = 10

// maxPasswordLen bounds the work one login attempt can cause.
const maxPasswordLen = 1024

func (in *UserInput) normalize() error {
	in.Name = strings.TrimSpace(clean(in.Name))
	in.Email = normalizeEmail(clean(in.Email))
	v := &ValidationError{}
	if in.Name == "" {
		v.Add("name", "name_enter")
	} else if len(in.Name) > 200 {
		v.Add("name", "name_over_200")
	}
	if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
		v.Add("email", "email_enter")
	}
	switch in.Role {
	case RoleAdmin, RoleEditor, RoleAuthor:
	default:
		v.Add("role", "role_choose")
	}
	if len(in.Password) < MinPasswordLen {
		v.Add("password", "password_too_short")
	} else if len(in.Password) > maxPasswordLen {
		v.Add("password", "password_too_long")
	}
	return v.Err()
}

// Session is a signed-in browser. The cookie holds a random token; only
// its hash is stored.
type Session struct {
	TokenHash string
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
	// Current marks the session of the browser asking, in a list.
	Current bool
}

// Hasher hashes and checks passwords. The password package provides the
// argon2id implementation.
type Hasher interface {
	Hash(password string) (string, error)
	Verify(hash, password string) bool
	// VerifyDummy spends the work of one Verify without a stored hash,
	// so signing in with an unknown address takes as long as with a
	// known one.
	VerifyDummy(password string)
}

func normalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

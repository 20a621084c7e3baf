package blog

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ProfileInput is what a writer changes of themselves, or an
// administrator of anyone: the role only an administrator.
type ProfileInput struct {
	Name  string
	Email string
	Bio   string
	Role  Role // "" keeps it
	// Language is the BCP 47 tag of the language the writer reads the
	// admin and their mail in, "" for the site's; nil keeps it.
	Language *string
}

// maxBioLen bounds a writer's bio, shown on their author page.
const maxBioLen = 5000

// UpdateProfile saves a user's name, e-mail address, bio and (for an
// administrator) role. The slug, and with it the author page's address,
// stays. The last administrator keeps the role, so the site always has
// one. Names show on every page a writer's posts are on, so every cache
// drops its pages.
func (a *Accounts) UpdateProfile(ctx context.Context, actor *User, id int64, in ProfileInput) (*User, error) {
	if actor == nil || (actor.ID != id && !actor.CanManageSite()) {
		return nil, ErrForbidden
	}
	in.Name, in.Email, in.Bio = strings.TrimSpace(clean(in.Name)), normalizeEmail(clean(in.Email)), strings.TrimSpace(clean(in.Bio))
	v := &ValidationError{}
	if in.Name == "" {
		v.Add("name", "name_enter")
	} else if utf8.RuneCountInString(in.Name) > 200 {
		v.Add("name", "name_over_200")
	}
	if addr, err := mail.ParseAddress(in.Email); err != nil || addr.Address != in.Email {
		v.Add("email", "email_enter")
	}
	if utf8.RuneCountInString(in.Bio) > maxBioLen {
		v.Add("bio", "bio_too_long")
	}
	if in.Language != nil {
		if l := strings.TrimSpace(*in.Language); l != "" && !validLanguageTag(l) {
			v.Add("language", "language_choose")
		}
	}
	if in.Role != "" {
		if !actor.CanManageSite() {
			return nil, ErrForbidden
		}
		if _, err := ParseRole(string(in.Role)); err != nil {
			v.Add("role", "role_choose")
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var u *User
	err := a.write(ctx, func(tx Tx) (Change, error) {
		var err error
		if u, err = tx.User(ctx, id); err != nil {
			return Change{}, err
		}
		if other, err := tx.UserByEmail(ctx, in.Email); err == nil && other.ID != id {
			return Change{}, FieldError("email", "email_taken_other")
		} else if err != nil && !errors.Is(err, ErrNotFound) {
			return Change{}, err
		}
		if in.Role != "" && in.Role != u.Role && u.Role == RoleAdmin {
			if err := lastAdmin(ctx, tx, u.ID); err != nil {
				return Change{}, err
			}
		}
		u.Name, u.Email, u.Bio = in.Name, in.Email, in.Bio
		if in.Language != nil {
			u.Language = strings.TrimSpace(*in.Language)
		}
		if in.Role != "" {
			u.Role = in.Role
		}
		if err := tx.UpdateUser(ctx, u); err != nil {
			if errors.Is(err, ErrConflict) {
				return Change{}, FieldError("email", "email_taken_other")
			}
			return Change{}, fmt.Errorf("save the profile: %w", err)
		}
		return everything, nil
	})
	return u, err
}

// lastAdmin refuses to take the role of administrator from user id when
// nobody else has it.
func lastAdmin(ctx context.Context, users UserStore, id int64) error {
	all, err := users.Users(ctx)
	if err != nil {
		return err
	}
	for _, o := range all {
		if o.ID != id && o.Role == RoleAdmin {
			return nil
		}
	}
	return FieldError("role", "role_only_admin")
}

// ChangePassword sets a writer's own password after checking the
// current one. Every session of theirs ends; the caller signs the
// browser in again.
func (a *Accounts) ChangePassword(ctx context.Context, actor *User, current, next string) error {
	if actor == nil {
		return ErrForbidden
	}
	if _, err := a.Authenticate(ctx, actor.Email, current); errors.Is(err, ErrBadCredentials) {
		return FieldError("current_password", "password_not_current")
	} else if err != nil {
		return err
	}
	return a.SetPassword(ctx, actor, actor.Email, next)
}

// Sessions lists where a writer is signed in, newest first; current
// (the token of the asking browser) marks theirs.
func (a *Accounts) Sessions(ctx context.Context, actor *User, current string) ([]*Session, error) {
	if actor == nil {
		return nil, ErrForbidden
	}
	list, err := a.sessions.UserSessions(ctx, actor.ID)
	if err != nil {
		return nil, err
	}
	mine := hashToken(current)
	for _, s := range list {
		s.Current = s.TokenHash == mine
	}
	return list, nil
}

// EndOtherSessions signs a writer out everywhere but the browser with
// token current.
func (a *Accounts) EndOtherSessions(ctx context.Context, actor *User, current string) error {
	if actor == nil {
		return ErrForbidden
	}
	return a.sessions.DeleteOtherSessions(ctx, actor.ID, hashToken(current))
}

// SetActive deactivates a user (they cannot sign in, and every session
// of theirs ends; their posts stay) or makes them active again. Only an
// administrator may, and not on themselves.
func (a *Accounts) SetActive(ctx context.Context, actor *User, id int64, active bool) error {
	if !actor.CanManageSite() {
		return ErrForbidden
	}
	if actor.ID == id {
		return FieldError("active", "deactivate_self")
	}
	return a.write(ctx, func(tx Tx) (Change, error) {
		u, err := tx.User(ctx, id)
		if err != nil {
			return Change{}, err
		}
		if active {
			u.DisabledAt = time.Time{}
		} else if u.Active() {
			u.DisabledAt = a.stamp()
		}
		if err := tx.UpdateUser(ctx, u); err != nil {
			return Change{}, err
		}
		if active {
			return Change{}, nil
		}
		return Change{}, tx.DeleteUserSessions(ctx, id)
	})
}

// DeleteUser removes a user, giving their posts, revisions and uploads
// to heirID; their replies stay, without the account. Only an
// administrator may, not on themselves, and the heir must be another
// user.
func (a *Accounts) DeleteUser(ctx context.Context, actor *User, id, heirID int64) error {
	if !actor.CanManageSite() {
		return ErrForbidden
	}
	if actor.ID == id {
		return FieldError("heir", "delete_self")
	}
	if heirID == id || heirID == 0 {
		return FieldError("heir", "heir_choose")
	}
	return a.write(ctx, func(tx Tx) (Change, error) {
		u, err := tx.User(ctx, id)
		if err != nil {
			return Change{}, err
		}
		if _, err := tx.User(ctx, heirID); errors.Is(err, ErrNotFound) {
			return Change{}, FieldError("heir", "heir_choose")
		} else if err != nil {
			return Change{}, err
		}
		if u.Role == RoleAdmin {
			if err := lastAdmin(ctx, tx, id); err != nil {
				return Change{}, err
			}
		}
		if err := tx.DeleteUser(ctx, id, heirID); err != nil {
			return Change{}, fmt.Errorf("delete user: %w", err)
		}
		return everything, nil
	})
}

// SendReset mails user id a link to choose a new password, as the
// forgotten-password form does; for an administrator.
func (a *Accounts) SendReset(ctx context.Context, actor *User, id int64, link string) error {
	if !actor.CanManageSite() {
		return ErrForbidden
	}
	if !a.current().Discussion.EmailEnabled() {
		return FieldError("reset", "reset_no_mail")
	}
	u, err := a.users.User(ctx, id)
	if err != nil {
		return err
	}
	return a.RequestReset(ctx, u.Email, "admin:"+strconv.FormatInt(actor.ID, 10), link)
}

package blog

import (
	"context"
	"crypto/hmac"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Password resets: how long a link lasts, and how many may be asked for
// an hour from one address and for one account.
const (
	ResetTTL        = time.Hour
	ResetsPerIP     = 5
	ResetsPerUser   = 3
	resetRateWindow = time.Hour
)

// ErrTooManyResets refuses a reset asked for too often from one address.
var ErrTooManyResets = errors.New("too many password resets asked for from this address")

// RequestReset mails the user with email a link to choose a new
// password, valid for ResetTTL and good for one use: the link is signed
// over the user's current password, so setting any password spends it.
// It answers the same whether or not the address is known, so nobody
// learns which addresses have accounts; the only refusal is
// ErrTooManyResets, per address ip. link is the reset page's absolute
// address, to which the token is added.
func (a *Accounts) RequestReset(ctx context.Context, email, ip, link string) error {
	now := a.now().UTC()
	window := now.Truncate(resetRateWindow)
	n, err := a.hits.Hit(ctx, "reset-ip:"+ip, window)
	if err != nil {
		return fmt.Errorf("count resets: %w", err)
	}
	if n > ResetsPerIP {
		return ErrTooManyResets
	}
	email = normalizeEmail(email)
	if len(email) > 320 {
		return nil
	}
	u, err := a.users.UserByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	st := a.current()
	if !st.Discussion.EmailEnabled() {
		return nil
	}
	err = a.write(ctx, func(tx Tx) (Change, error) {
		n, err := tx.Hit(ctx, "reset-user:"+strconv.FormatInt(u.ID, 10), window)
		if err != nil || n > ResetsPerUser {
			return Change{}, err
		}
		token := a.resetToken(u, now.Add(ResetTTL))
		subject := fmt.Sprintf("[%s] Choose a new password", st.Title)
		body := fmt.Sprintf("Someone, probably you, asked to choose a new password for %s on %s.\n\n"+
			"Choose it here within the hour; the link works once:\n%s?token=%s\n\n"+
			"If it was not you, ignore this e-mail: your password stays as it is.\n",
			u.Email, st.Title, link, token)
		now := a.stamp()
		return Change{}, tx.EnqueueMail(ctx, &Mail{To: u.Email, Subject: subject, Body: body, NextAttemptAt: now, CreatedAt: now})
	})
	if err == nil {
		a.mailSoon.Store(true)
	}
	return err
}

// resetToken is USERID.EXPIRES.SIGNATURE, the signature made over both
// and the user's password hash.
func (a *Accounts) resetToken(u *User, expires time.Time) string {
	head := strconv.FormatInt(u.ID, 10) + "." + strconv.FormatInt(expires.Unix(), 10)
	return head + "." + a.sign("reset:"+head+":"+u.PasswordHash)
}

// ResetUser returns the user a reset token is for, while it is valid,
// or ErrNotFound.
func (a *Accounts) ResetUser(ctx context.Context, token string) (*User, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, ErrNotFound
	}
	id, err1 := strconv.ParseInt(parts[0], 10, 64)
	exp, err2 := strconv.ParseInt(parts[1], 10, 64)
	if _, err3 := base64.RawURLEncoding.DecodeString(parts[2]); err1 != nil || err2 != nil || err3 != nil {
		return nil, ErrNotFound
	}
	if !a.now().Before(time.Unix(exp, 0)) {
		return nil, ErrNotFound
	}
	u, err := a.users.User(ctx, id)
	if err != nil {
		return nil, err
	}
	if !hmac.Equal([]byte(a.resetToken(u, time.Unix(exp, 0))), []byte(token)) {
		return nil, ErrNotFound
	}
	return u, nil
}

// ResetPassword sets the password of the user a valid reset token is
// for, which spends the token and ends every session of the user.
func (a *Accounts) ResetPassword(ctx context.Context, token, password string) (*User, error) {
	u, err := a.ResetUser(ctx, token)
	if err != nil {
		return nil, err
	}
	if err := a.SetPassword(ctx, u, u.Email, password); err != nil {
		return nil, err
	}
	return u, nil
}

// MailWaiting reports, once, whether a write of this process queued
// e-mail that should go out now rather than on the next round.
func (s *Outbox) MailWaiting() bool { return s.mailSoon.Swap(false) }

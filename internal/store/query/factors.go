package query

import (
	"context"
	"time"

	"folio/internal/blog"
)

// TOTPSecret returns the user's authenticator-app secret.
func (t Tables) TOTPSecret(ctx context.Context, userID int64) (*blog.TOTPSecret, error) {
	s := &blog.TOTPSecret{}
	var enabled int64
	err := t.db.QueryRow(ctx, `SELECT user_id, secret, enabled_at, last_step FROM totp_secrets WHERE user_id = ?`, userID).
		Scan(&s.UserID, &s.Secret, &enabled, &s.LastStep)
	if err != nil {
		return nil, t.d.MapErr(err)
	}
	s.EnabledAt = FromUnix(enabled)
	return s, nil
}

// PutTOTPSecret stores the user's secret, replacing the one before.
func (t Tables) PutTOTPSecret(ctx context.Context, s *blog.TOTPSecret) error {
	_, err := t.db.Exec(ctx, `INSERT INTO totp_secrets (user_id, secret, enabled_at, last_step) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, enabled_at = excluded.enabled_at, last_step = excluded.last_step`,
		s.UserID, s.Secret, Unix(s.EnabledAt), s.LastStep)
	return t.d.MapErr(err)
}

// DeleteTOTPSecret forgets the user's secret.
func (t Tables) DeleteTOTPSecret(ctx context.Context, userID int64) error {
	_, err := t.db.Exec(ctx, `DELETE FROM totp_secrets WHERE user_id = ?`, userID)
	return t.d.MapErr(err)
}

// UseTOTPStep records step as the last code used, if it is later.
func (t Tables) UseTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	n, err := t.db.Exec(ctx, `UPDATE totp_secrets SET last_step = ? WHERE user_id = ? AND last_step < ?`, step, userID, step)
	return n == 1, t.d.MapErr(err)
}

// ReplaceRecoveryCodes stores a user's new recovery code hashes.
func (t Tables) ReplaceRecoveryCodes(ctx context.Context, userID int64, hashes []string) error {
	if _, err := t.db.Exec(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
		return t.d.MapErr(err)
	}
	for _, h := range hashes {
		if _, err := t.db.Exec(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)`, userID, h); err != nil {
			return t.d.MapErr(err)
		}
	}
	return nil
}

// UseRecoveryCode spends an unused recovery code.
func (t Tables) UseRecoveryCode(ctx context.Context, userID int64, hash string, at time.Time) (bool, error) {
	n, err := t.db.Exec(ctx, `UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at = 0`, Unix(at), userID, hash)
	return n == 1, t.d.MapErr(err)
}

// RecoveryCodesLeft counts a user's unused recovery codes.
func (t Tables) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int
	err := t.db.QueryRow(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_at = 0`, userID).Scan(&n)
	return n, t.d.MapErr(err)
}

// Passkeys lists a user's passkeys, oldest first.
func (t Tables) Passkeys(ctx context.Context, userID int64) ([]*blog.Passkey, error) {
	return Collect(ctx, t.db, func(sc Scanner) (*blog.Passkey, error) {
		p := &blog.Passkey{}
		var created, used int64
		if err := sc.Scan(&p.ID, &p.UserID, &p.Name, &p.Credential, &created, &used); err != nil {
			return nil, err
		}
		p.CreatedAt, p.UsedAt = FromUnix(created), FromUnix(used)
		return p, nil
	}, `SELECT id, user_id, name, credential, created_at, used_at FROM passkeys WHERE user_id = ? ORDER BY created_at, id`, userID)
}

// CreatePasskey stores a new passkey; an ID already registered is
// blog.ErrConflict.
func (t Tables) CreatePasskey(ctx context.Context, p *blog.Passkey) error {
	_, err := t.db.Exec(ctx, `INSERT INTO passkeys (id, user_id, name, credential, created_at) VALUES (?, ?, ?, ?, ?)`,
		p.ID, p.UserID, p.Name, p.Credential, Unix(p.CreatedAt))
	return t.d.MapErr(err)
}

// UpdatePasskeyUse stores a passkey's counters after a sign-in.
func (t Tables) UpdatePasskeyUse(ctx context.Context, id, credential string, at time.Time) error {
	return t.expectOne(t.db.Exec(ctx, `UPDATE passkeys SET credential = ?, used_at = ? WHERE id = ?`, credential, Unix(at), id))
}

// DeletePasskey removes one of a user's passkeys.
func (t Tables) DeletePasskey(ctx context.Context, userID int64, id string) error {
	return t.expectOne(t.db.Exec(ctx, `DELETE FROM passkeys WHERE user_id = ? AND id = ?`, userID, id))
}

// CreateChallenge stores a ceremony under way.
func (t Tables) CreateChallenge(ctx context.Context, c *blog.Challenge) error {
	_, err := t.db.Exec(ctx, `INSERT INTO auth_challenges (token_hash, purpose, user_id, data, expires_at) VALUES (?, ?, ?, ?, ?)`,
		c.TokenHash, c.Purpose, c.UserID, c.Data, Unix(c.ExpiresAt))
	return t.d.MapErr(err)
}

// Challenge returns the ceremony with the token hash and purpose.
func (t Tables) Challenge(ctx context.Context, tokenHash, purpose string) (*blog.Challenge, error) {
	c := &blog.Challenge{}
	var expires int64
	err := t.db.QueryRow(ctx, `SELECT token_hash, purpose, user_id, data, expires_at FROM auth_challenges WHERE token_hash = ? AND purpose = ?`,
		tokenHash, purpose).Scan(&c.TokenHash, &c.Purpose, &c.UserID, &c.Data, &expires)
	if err != nil {
		return nil, t.d.MapErr(err)
	}
	c.ExpiresAt = FromUnix(expires)
	return c, nil
}

// DeleteChallenge ends a ceremony; ending an unknown one is not an error.
func (t Tables) DeleteChallenge(ctx context.Context, tokenHash string) error {
	_, err := t.db.Exec(ctx, `DELETE FROM auth_challenges WHERE token_hash = ?`, tokenHash)
	return t.d.MapErr(err)
}

// DeleteExpiredChallenges forgets ceremonies expired at now.
func (t Tables) DeleteExpiredChallenges(ctx context.Context, now time.Time) error {
	_, err := t.db.Exec(ctx, `DELETE FROM auth_challenges WHERE expires_at <= ?`, now.Unix())
	return t.d.MapErr(err)
}

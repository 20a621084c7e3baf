package blog

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Second factors: how long a sign-in waits for one, how long a passkey
// ceremony lasts, how many recovery codes a writer gets, and how many
// codes may be tried for one account per window.
const (
	SecondFactorTTL    = 10 * time.Minute
	passkeyCeremonyTTL = 5 * time.Minute
	RecoveryCodeCount  = 10
	CodeAttempts       = 5
	codeWindow         = 5 * time.Minute
	maxPasskeyName     = 100
	maxCeremonyReply   = 64 << 10
)

// ErrTooManyCodes refuses a second factor tried too often for one account.
var ErrTooManyCodes = errors.New("too many codes tried for this account")

// ErrNoSecondFactor says this build or site cannot offer the second
// factor asked for: no verifier was configured, or (for passkeys) the
// site has no address of its own yet.
var ErrNoSecondFactor = errors.New("this second factor is not available here")

// TOTPSecret is a writer's authenticator-app secret. Until EnabledAt is
// set it is only offered: the writer has not yet shown a code from it.
type TOTPSecret struct {
	UserID    int64
	Secret    string
	EnabledAt time.Time
	// LastStep is the time step of the last code accepted, so a code
	// works once.
	LastStep int64
}

// Passkey is a WebAuthn credential a writer registered.
type Passkey struct {
	ID     string // the credential ID, base64url
	UserID int64
	Name   string
	// Credential is the public key and counters as the verifier encodes
	// them; the domain does not read it.
	Credential string
	CreatedAt  time.Time
	UsedAt     time.Time
}

// Challenge is a ceremony under way: a sign-in waiting for its second
// factor, or a passkey being added or used. Only its token's hash is
// stored, and it is good for one use before ExpiresAt.
type Challenge struct {
	TokenHash string
	Purpose   string
	UserID    int64
	Data      string
	ExpiresAt time.Time
}

// The purposes of challenges.
const (
	purposeSignIn     = "sign-in"
	purposePasskeyAdd = "passkey-add"
	purposePasskeyUse = "passkey-sign-in"
)

// SecondFactorStore persists second factors and ceremonies.
type SecondFactorStore interface {
	// TOTPSecret returns the user's secret, or ErrNotFound.
	TOTPSecret(ctx context.Context, userID int64) (*TOTPSecret, error)
	// PutTOTPSecret stores s, replacing the user's secret.
	PutTOTPSecret(ctx context.Context, s *TOTPSecret) error
	DeleteTOTPSecret(ctx context.Context, userID int64) error
	// UseTOTPStep records step as the user's last accepted code and
	// reports whether it is later than the one before, atomically.
	UseTOTPStep(ctx context.Context, userID, step int64) (bool, error)
	// ReplaceRecoveryCodes forgets the user's codes and stores hashes.
	ReplaceRecoveryCodes(ctx context.Context, userID int64, hashes []string) error
	// UseRecoveryCode spends an unused code and reports whether there
	// was one.
	UseRecoveryCode(ctx context.Context, userID int64, hash string, at time.Time) (bool, error)
	RecoveryCodesLeft(ctx context.Context, userID int64) (int, error)
	// Passkeys lists the user's passkeys, oldest first.
	Passkeys(ctx context.Context, userID int64) ([]*Passkey, error)
	CreatePasskey(ctx context.Context, p *Passkey) error
	// UpdatePasskeyUse stores a passkey's new counters and time of use.
	UpdatePasskeyUse(ctx context.Context, id, credential string, at time.Time) error
	DeletePasskey(ctx context.Context, userID int64, id string) error
	CreateChallenge(ctx context.Context, c *Challenge) error
	// Challenge returns the challenge with the hash and purpose, or
	// ErrNotFound.
	Challenge(ctx context.Context, tokenHash, purpose string) (*Challenge, error)
	DeleteChallenge(ctx context.Context, tokenHash string) error
	DeleteExpiredChallenges(ctx context.Context, now time.Time) error
}

// OneTimeCodes makes and checks authenticator-app secrets (TOTP, RFC
// 6238). The twofactor package provides it.
type OneTimeCodes interface {
	// NewSecret returns a new secret and the otpauth:// URI that
	// carries it, naming the site as issuer and account as the account.
	NewSecret(issuer, account string) (secret, uri string, err error)
	// URI returns the otpauth:// URI of an existing secret.
	URI(issuer, account, secret string) string
	// Check returns the time step code is valid for at now (allowing a
	// step of clock skew), or false.
	Check(secret, code string, now time.Time) (step int64, ok bool)
}

// RelyingParty is the site as passkeys know it: its host and origin.
type RelyingParty struct {
	ID     string // the host, without port
	Origin string // scheme://host[:port]
	Name   string
}

// PasskeyUser is a writer as a passkey ceremony needs them.
type PasskeyUser struct {
	Handle      []byte
	Name        string
	DisplayName string
	Passkeys    []*Passkey
}

// PasskeyCeremonies runs WebAuthn ceremonies; the twofactor package
// provides it. Options are the JSON the browser's WebAuthn call takes;
// state is what the verifier needs to finish, kept by the domain.
type PasskeyCeremonies interface {
	BeginRegistration(rp RelyingParty, u PasskeyUser) (options, state string, err error)
	// FinishRegistration checks the browser's answer and returns the new
	// passkey's ID and credential.
	FinishRegistration(rp RelyingParty, u PasskeyUser, state string, response []byte) (id, credential string, err error)
	// BeginLogin starts a sign-in with one of u's passkeys, or with any
	// passkey the browser holds for the site when u is nil.
	BeginLogin(rp RelyingParty, u *PasskeyUser) (options, state string, err error)
	// FinishLogin checks the browser's answer; lookup finds the writer
	// a user handle names. It returns the passkey used and its new
	// credential.
	FinishLogin(rp RelyingParty, state string, response []byte, lookup func(handle []byte) (PasskeyUser, error)) (id, credential string, err error)
}

// SecondFactorStatus is what a writer has turned on.
type SecondFactorStatus struct {
	TOTP         bool
	TOTPOffered  bool // a secret waits for its first code
	Passkeys     []*Passkey
	RecoveryLeft int
	// PasskeysOffered reports whether passkeys can be added here.
	PasskeysOffered bool
	// CodesOffered reports whether an authenticator app can be used.
	CodesOffered bool
}

// Any reports whether the writer must give a second factor to sign in.
func (s *SecondFactorStatus) Any() bool { return s.TOTP || len(s.Passkeys) > 0 }

// SecondFactors returns what user userID has turned on.
func (a *Accounts) SecondFactors(ctx context.Context, userID int64) (*SecondFactorStatus, error) {
	st := &SecondFactorStatus{CodesOffered: a.codes != nil}
	_, err := a.relyingParty()
	st.PasskeysOffered = err == nil
	sec, err := a.factors.TOTPSecret(ctx, userID)
	switch {
	case err == nil:
		st.TOTP, st.TOTPOffered = !sec.EnabledAt.IsZero(), sec.EnabledAt.IsZero()
	case !errors.Is(err, ErrNotFound):
		return nil, err
	}
	if st.Passkeys, err = a.factors.Passkeys(ctx, userID); err != nil {
		return nil, err
	}
	if st.RecoveryLeft, err = a.factors.RecoveryCodesLeft(ctx, userID); err != nil {
		return nil, err
	}
	return st, nil
}

// PasskeysOffered reports whether writers can use passkeys on this site.
func (a *Accounts) PasskeysOffered() bool {
	_, err := a.relyingParty()
	return err == nil
}

// relyingParty is the site for passkeys: its base URL's host. Without a
// base URL, or without a verifier, passkeys are not offered.
func (a *Accounts) relyingParty() (RelyingParty, error) {
	st := a.current()
	u, err := url.Parse(st.BaseURL)
	if a.passkeys == nil || st.BaseURL == "" || err != nil || u.Hostname() == "" {
		return RelyingParty{}, ErrNoSecondFactor
	}
	return RelyingParty{ID: u.Hostname(), Origin: u.Scheme + "://" + u.Host, Name: st.Title}, nil
}

// OfferTOTP makes a new authenticator-app secret for u, replacing any
// secret not yet turned on, and returns its otpauth:// URI. It is
// refused while one is on.
func (a *Accounts) OfferTOTP(ctx context.Context, u *User) (string, error) {
	if a.codes == nil {
		return "", ErrNoSecondFactor
	}
	if sec, err := a.factors.TOTPSecret(ctx, u.ID); err == nil && !sec.EnabledAt.IsZero() {
		return "", ErrConflict
	} else if err != nil && !errors.Is(err, ErrNotFound) {
		return "", err
	}
	secret, uri, err := a.codes.NewSecret(a.issuer(), u.Email)
	if err != nil {
		return "", fmt.Errorf("make a secret: %w", err)
	}
	return uri, a.write(ctx, func(tx Tx) (Change, error) {
		return Change{}, tx.PutTOTPSecret(ctx, &TOTPSecret{UserID: u.ID, Secret: secret})
	})
}

// OfferedTOTP returns the otpauth:// URI of u's secret waiting for its
// first code, or ErrNotFound.
func (a *Accounts) OfferedTOTP(ctx context.Context, u *User) (string, error) {
	sec, err := a.factors.TOTPSecret(ctx, u.ID)
	if err != nil {
		return "", err
	}
	if !sec.EnabledAt.IsZero() || a.codes == nil {
		return "", ErrNotFound
	}
	return a.codes.URI(a.issuer(), u.Email, sec.Secret), nil
}

func (a *Accounts) issuer() string {
	if t := strings.TrimSpace(a.current().Title); t != "" {
		return t
	}
	return "folio"
}

// ConfirmTOTP turns u's offered secret on once code is one it makes. It
// returns new recovery codes when u had none, to be shown once.
func (a *Accounts) ConfirmTOTP(ctx context.Context, u *User, code string) ([]string, error) {
	sec, err := a.factors.TOTPSecret(ctx, u.ID)
	if errors.Is(err, ErrNotFound) || (err == nil && !sec.EnabledAt.IsZero()) {
		return nil, FieldError("code", "totp_start_again")
	}
	if err != nil {
		return nil, err
	}
	if err := a.allowCode(ctx, u.ID); err != nil {
		return nil, err
	}
	step, ok := a.codes.Check(sec.Secret, code, a.now())
	if !ok {
		return nil, FieldError("code", "totp_wrong_code")
	}
	var codes []string
	err = a.write(ctx, func(tx Tx) (Change, error) {
		sec.EnabledAt, sec.LastStep = a.now().UTC(), step
		if err := tx.PutTOTPSecret(ctx, sec); err != nil {
			return Change{}, err
		}
		codes, err = a.firstRecoveryCodes(ctx, tx, u.ID)
		return Change{}, err
	})
	return codes, err
}

// firstRecoveryCodes makes recovery codes for a writer turning on their
// first second factor; a writer who has some keeps them.
func (a *Accounts) firstRecoveryCodes(ctx context.Context, tx Tx, userID int64) ([]string, error) {
	n, err := tx.RecoveryCodesLeft(ctx, userID)
	if err != nil || n > 0 {
		return nil, err
	}
	return a.replaceRecoveryCodes(ctx, tx, userID)
}

func (a *Accounts) replaceRecoveryCodes(ctx context.Context, tx Tx, userID int64) ([]string, error) {
	codes := make([]string, RecoveryCodeCount)
	hashes := make([]string, RecoveryCodeCount)
	for i := range codes {
		b := make([]byte, 8)
		rand.Read(b)
		c := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))[:12]
		codes[i] = c[:4] + "-" + c[4:8] + "-" + c[8:]
		hashes[i] = hashToken(normalizeRecoveryCode(codes[i]))
	}
	return codes, tx.ReplaceRecoveryCodes(ctx, userID, hashes)
}

// normalizeRecoveryCode forgives case, spaces and dashes.
func normalizeRecoveryCode(c string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, strings.ToLower(strings.TrimSpace(c)))
}

// RenewRecoveryCodes replaces u's recovery codes with new ones, once u
// confirms their password. It needs a second factor to recover.
func (a *Accounts) RenewRecoveryCodes(ctx context.Context, u *User, password string) ([]string, error) {
	if err := a.confirmPassword(u, password); err != nil {
		return nil, err
	}
	st, err := a.SecondFactors(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	if !st.Any() {
		return nil, FieldError("password", "second_factor_first")
	}
	var codes []string
	err = a.write(ctx, func(tx Tx) (Change, error) {
		codes, err = a.replaceRecoveryCodes(ctx, tx, u.ID)
		return Change{}, err
	})
	return codes, err
}

// confirmPassword asks for u's password before a change to how they
// sign in.
func (a *Accounts) confirmPassword(u *User, password string) error {
	if len(password) > maxPasswordLen || u.PasswordHash == "" || !a.hasher.Verify(u.PasswordHash, password) {
		return FieldError("password", "password_confirm")
	}
	return nil
}

// TurnOffTOTP removes u's authenticator app once they confirm their
// password. The recovery codes go too when no passkey remains.
func (a *Accounts) TurnOffTOTP(ctx context.Context, u *User, password string) error {
	if err := a.confirmPassword(u, password); err != nil {
		return err
	}
	return a.write(ctx, func(tx Tx) (Change, error) {
		if err := tx.DeleteTOTPSecret(ctx, u.ID); err != nil {
			return Change{}, err
		}
		return Change{}, a.dropUnneededCodes(ctx, tx, u.ID)
	})
}

// dropUnneededCodes forgets the recovery codes of a writer left without
// a second factor.
func (a *Accounts) dropUnneededCodes(ctx context.Context, tx Tx, userID int64) error {
	keys, err := tx.Passkeys(ctx, userID)
	if err != nil || len(keys) > 0 {
		return err
	}
	if sec, err := tx.TOTPSecret(ctx, userID); err == nil && !sec.EnabledAt.IsZero() {
		return nil
	} else if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	return tx.ReplaceRecoveryCodes(ctx, userID, nil)
}

// RemovePasskey removes one of u's passkeys once they confirm their
// password.
func (a *Accounts) RemovePasskey(ctx context.Context, u *User, id, password string) error {
	if err := a.confirmPassword(u, password); err != nil {
		return err
	}
	return a.write(ctx, func(tx Tx) (Change, error) {
		if err := tx.DeletePasskey(ctx, u.ID, id); err != nil {
			return Change{}, err
		}
		return Change{}, a.dropUnneededCodes(ctx, tx, u.ID)
	})
}

// ResetSecondFactors turns off every second factor of user userID, for a
// writer who lost their phone and their recovery codes: an administrator
// may do it for anyone but themselves (another administrator, or the
// command line as nil, must), and the user's sessions end.
func (a *Accounts) ResetSecondFactors(ctx context.Context, actor *User, userID int64) error {
	if actor != nil && (!actor.CanManageSite() || actor.ID == userID) {
		return ErrForbidden
	}
	if _, err := a.users.User(ctx, userID); err != nil {
		return err
	}
	return a.write(ctx, func(tx Tx) (Change, error) {
		if err := tx.DeleteTOTPSecret(ctx, userID); err != nil {
			return Change{}, err
		}
		keys, err := tx.Passkeys(ctx, userID)
		if err != nil {
			return Change{}, err
		}
		for _, k := range keys {
			if err := tx.DeletePasskey(ctx, userID, k.ID); err != nil {
				return Change{}, err
			}
		}
		if err := tx.ReplaceRecoveryCodes(ctx, userID, nil); err != nil {
			return Change{}, err
		}
		return Change{}, tx.DeleteUserSessions(ctx, userID)
	})
}

// Ceremony is a passkey ceremony begun: the token that finishes it and
// the options for the browser's WebAuthn call.
type Ceremony struct {
	Token   string
	Options string
}

type ceremonyData struct {
	Options string `json:"options,omitempty"`
	State   string `json:"state,omitempty"`
	Next    string `json:"next,omitempty"`
}

// begin stores a challenge and returns its token.
func (a *Accounts) begin(ctx context.Context, purpose string, userID int64, d ceremonyData, ttl time.Duration) (string, error) {
	raw, err := json.Marshal(d)
	if err != nil {
		return "", err
	}
	token := newToken()
	c := &Challenge{TokenHash: hashToken(token), Purpose: purpose, UserID: userID, Data: string(raw), ExpiresAt: a.now().UTC().Add(ttl)}
	return token, a.write(ctx, func(tx Tx) (Change, error) { return Change{}, tx.CreateChallenge(ctx, c) })
}

// challenge returns the live challenge token names, with its data.
func (a *Accounts) challenge(ctx context.Context, token, purpose string) (*Challenge, ceremonyData, error) {
	var d ceremonyData
	if token == "" || len(token) > 100 {
		return nil, d, ErrNotFound
	}
	c, err := a.factors.Challenge(ctx, hashToken(token), purpose)
	if err != nil {
		return nil, d, err
	}
	if !a.now().Before(c.ExpiresAt) {
		return nil, d, ErrNotFound
	}
	return c, d, json.Unmarshal([]byte(c.Data), &d)
}

func (a *Accounts) passkeyUser(ctx context.Context, u *User) (PasskeyUser, error) {
	keys, err := a.factors.Passkeys(ctx, u.ID)
	if err != nil {
		return PasskeyUser{}, err
	}
	return PasskeyUser{Handle: userHandle(u.ID), Name: u.Email, DisplayName: u.Name, Passkeys: keys}, nil
}

// userHandle is the opaque ID passkeys hold for a writer.
func userHandle(id int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(id)) }

// BeginPasskey starts adding a passkey for u.
func (a *Accounts) BeginPasskey(ctx context.Context, u *User) (*Ceremony, error) {
	rp, err := a.relyingParty()
	if err != nil {
		return nil, err
	}
	pu, err := a.passkeyUser(ctx, u)
	if err != nil {
		return nil, err
	}
	options, state, err := a.passkeys.BeginRegistration(rp, pu)
	if err != nil {
		return nil, fmt.Errorf("begin passkey registration: %w", err)
	}
	token, err := a.begin(ctx, purposePasskeyAdd, u.ID, ceremonyData{Options: options, State: state}, passkeyCeremonyTTL)
	return &Ceremony{Token: token, Options: options}, err
}

// AddPasskey finishes adding a passkey for u from the browser's answer,
// naming it name. It returns new recovery codes when u had none.
func (a *Accounts) AddPasskey(ctx context.Context, u *User, token, name string, response []byte) ([]string, error) {
	rp, err := a.relyingParty()
	if err != nil {
		return nil, err
	}
	c, d, err := a.challenge(ctx, token, purposePasskeyAdd)
	if errors.Is(err, ErrNotFound) || (err == nil && c.UserID != u.ID) {
		return nil, FieldError("passkey", "passkey_expired")
	}
	if err != nil {
		return nil, err
	}
	name = strings.TrimSpace(clean(name))
	if name == "" {
		name = "Passkey"
	}
	if len(name) > maxPasskeyName {
		return nil, FieldError("name", "passkey_name_too_long")
	}
	if len(response) == 0 || len(response) > maxCeremonyReply {
		return nil, FieldError("passkey", "passkey_not_created")
	}
	pu, err := a.passkeyUser(ctx, u)
	if err != nil {
		return nil, err
	}
	id, credential, err := a.passkeys.FinishRegistration(rp, pu, d.State, response)
	if err != nil {
		v := FieldError("passkey", "passkey_unchecked")
		v.Cause = err
		return nil, v
	}
	var codes []string
	err = a.write(ctx, func(tx Tx) (Change, error) {
		if err := tx.DeleteChallenge(ctx, c.TokenHash); err != nil {
			return Change{}, err
		}
		now := a.now().UTC()
		if err := tx.CreatePasskey(ctx, &Passkey{ID: id, UserID: u.ID, Name: name, Credential: credential, CreatedAt: now}); err != nil {
			if errors.Is(err, ErrConflict) {
				return Change{}, FieldError("passkey", "passkey_registered")
			}
			return Change{}, err
		}
		codes, err = a.firstRecoveryCodes(ctx, tx, u.ID)
		return Change{}, err
	})
	return codes, err
}

// PendingSignIn is a sign-in whose password was right, waiting for a
// second factor.
type PendingSignIn struct {
	User    *User
	Next    string
	TOTP    bool
	Passkey *Ceremony // nil when the writer has no passkey
}

// BeginSecondFactor is called once u's password was right: when u has a
// second factor it returns the token of a pending sign-in (good for
// SecondFactorTTL), and "" when u may be signed in at once. next is
// where to go afterwards.
func (a *Accounts) BeginSecondFactor(ctx context.Context, u *User, next string) (string, error) {
	st, err := a.SecondFactors(ctx, u.ID)
	if err != nil || !st.Any() {
		return "", err
	}
	d := ceremonyData{Next: next}
	if rp, err := a.relyingParty(); err == nil && len(st.Passkeys) > 0 {
		pu := PasskeyUser{Handle: userHandle(u.ID), Name: u.Email, DisplayName: u.Name, Passkeys: st.Passkeys}
		if d.Options, d.State, err = a.passkeys.BeginLogin(rp, &pu); err != nil {
			return "", fmt.Errorf("begin passkey sign-in: %w", err)
		}
	}
	return a.begin(ctx, purposeSignIn, u.ID, d, SecondFactorTTL)
}

// PendingSecondFactor returns the pending sign-in token names, or
// ErrNotFound when it is unknown or expired.
func (a *Accounts) PendingSecondFactor(ctx context.Context, token string) (*PendingSignIn, error) {
	p, _, err := a.pendingSignIn(ctx, token)
	return p, err
}

// pendingSignIn returns the pending sign-in token names with the
// ceremony's data.
func (a *Accounts) pendingSignIn(ctx context.Context, token string) (*PendingSignIn, ceremonyData, error) {
	c, d, err := a.challenge(ctx, token, purposeSignIn)
	if err != nil {
		return nil, d, err
	}
	u, err := a.users.User(ctx, c.UserID)
	if err != nil {
		return nil, d, err
	}
	if !u.Active() {
		return nil, d, ErrNotFound
	}
	p := &PendingSignIn{User: u, Next: d.Next}
	if sec, err := a.factors.TOTPSecret(ctx, u.ID); err == nil {
		p.TOTP = !sec.EnabledAt.IsZero()
	}
	if d.Options != "" {
		p.Passkey = &Ceremony{Token: token, Options: d.Options}
	}
	return p, d, nil
}

// FinishWithCode finishes the pending sign-in token names with a code
// from the authenticator app or a recovery code, and returns the user to
// sign in. A wrong code leaves the sign-in pending; CodeAttempts per
// account per five minutes are allowed.
func (a *Accounts) FinishWithCode(ctx context.Context, token, code string) (*PendingSignIn, error) {
	p, err := a.PendingSecondFactor(ctx, token)
	if err != nil {
		return nil, err
	}
	if err := a.allowCode(ctx, p.User.ID); err != nil {
		return nil, err
	}
	wrong := FieldError("code", "second_step_wrong")
	code = strings.TrimSpace(code)
	if len(code) > 64 {
		return nil, wrong
	}
	ok := false
	err = a.write(ctx, func(tx Tx) (Change, error) {
		if sec, err := tx.TOTPSecret(ctx, p.User.ID); err == nil && !sec.EnabledAt.IsZero() && a.codes != nil {
			if step, valid := a.codes.Check(sec.Secret, code, a.now()); valid {
				if ok, err = tx.UseTOTPStep(ctx, p.User.ID, step); err != nil || ok {
					return Change{}, err
				}
			}
		} else if err != nil && !errors.Is(err, ErrNotFound) {
			return Change{}, err
		}
		if ok, err = tx.UseRecoveryCode(ctx, p.User.ID, hashToken(normalizeRecoveryCode(code)), a.now().UTC()); err != nil || !ok {
			return Change{}, err
		}
		return Change{}, nil
	})
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, wrong
	}
	return p, a.finishChallenge(ctx, token)
}

// allowCode counts one code tried for user userID.
func (a *Accounts) allowCode(ctx context.Context, userID int64) error {
	n, err := a.hits.Hit(ctx, "code:"+strconv.FormatInt(userID, 10), a.now().UTC().Truncate(codeWindow))
	if err != nil {
		return fmt.Errorf("count codes: %w", err)
	}
	if n > CodeAttempts {
		return ErrTooManyCodes
	}
	return nil
}

func (a *Accounts) finishChallenge(ctx context.Context, token string) error {
	return a.write(ctx, func(tx Tx) (Change, error) { return Change{}, tx.DeleteChallenge(ctx, hashToken(token)) })
}

// FinishWithPasskey finishes the pending sign-in token names with the
// browser's answer from one of the writer's passkeys.
func (a *Accounts) FinishWithPasskey(ctx context.Context, token string, response []byte) (*PendingSignIn, error) {
	p, d, err := a.pendingSignIn(ctx, token)
	if err != nil {
		return nil, err
	}
	if p.Passkey == nil {
		return nil, ErrNoSecondFactor
	}
	id, err := a.usePasskey(ctx, d.State, response)
	if err != nil {
		return nil, err
	}
	if id != p.User.ID {
		return nil, FieldError("passkey", "passkey_other_account")
	}
	return p, a.finishChallenge(ctx, token)
}

// usePasskey checks a sign-in answer against the state it was asked
// with, records the passkey's use and returns its writer's ID.
func (a *Accounts) usePasskey(ctx context.Context, state string, response []byte) (int64, error) {
	rp, err := a.relyingParty()
	if err != nil {
		return 0, err
	}
	refused := FieldError("passkey", "passkey_signin_unchecked")
	if len(response) == 0 || len(response) > maxCeremonyReply {
		return 0, refused
	}
	var userID int64
	id, credential, err := a.passkeys.FinishLogin(rp, state, response, func(handle []byte) (PasskeyUser, error) {
		if len(handle) != 8 {
			return PasskeyUser{}, ErrNotFound
		}
		userID = int64(binary.BigEndian.Uint64(handle))
		u, err := a.users.User(ctx, userID)
		if err != nil {
			return PasskeyUser{}, err
		}
		if !u.Active() {
			return PasskeyUser{}, ErrNotFound
		}
		return a.passkeyUser(ctx, u)
	})
	if err != nil {
		refused.Cause = err
		return 0, refused
	}
	return userID, a.write(ctx, func(tx Tx) (Change, error) {
		return Change{}, tx.UpdatePasskeyUse(ctx, id, credential, a.now().UTC())
	})
}

// BeginPasskeySignIn starts a sign-in with a passkey instead of the
// password: the browser offers whichever passkeys it holds for the site.
func (a *Accounts) BeginPasskeySignIn(ctx context.Context, next string) (*Ceremony, error) {
	rp, err := a.relyingParty()
	if err != nil {
		return nil, err
	}
	options, state, err := a.passkeys.BeginLogin(rp, nil)
	if err != nil {
		return nil, fmt.Errorf("begin passkey sign-in: %w", err)
	}
	token, err := a.begin(ctx, purposePasskeyUse, 0, ceremonyData{Options: options, State: state, Next: next}, passkeyCeremonyTTL)
	return &Ceremony{Token: token, Options: options}, err
}

// FinishPasskeySignIn finishes a passkey sign-in begun with
// BeginPasskeySignIn and returns the writer to sign in and where to go.
// The passkey verified its holder, so no password is asked.
func (a *Accounts) FinishPasskeySignIn(ctx context.Context, token string, response []byte) (*User, string, error) {
	_, d, err := a.challenge(ctx, token, purposePasskeyUse)
	if errors.Is(err, ErrNotFound) {
		return nil, "", FieldError("passkey", "passkey_signin_expired")
	}
	if err != nil {
		return nil, "", err
	}
	if err := a.finishChallenge(ctx, token); err != nil {
		return nil, "", err
	}
	id, err := a.usePasskey(ctx, d.State, response)
	if err != nil {
		return nil, "", err
	}
	u, err := a.users.User(ctx, id)
	return u, d.Next, err
}

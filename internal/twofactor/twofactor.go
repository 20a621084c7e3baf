// Package twofactor checks the second factors writers sign in with:
// codes from an authenticator app (TOTP, RFC 6238, through
// github.com/pquerna/otp) and passkeys (WebAuthn, through
// github.com/go-webauthn/webauthn). It implements the domain's
// OneTimeCodes and PasskeyCeremonies; the domain keeps the secrets,
// credentials and ceremonies.
package twofactor

import (
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"folio/internal/blog"
)

// period is the life of one code; skew how many periods either side of
// now are accepted, for a phone whose clock is a little off.
const (
	period = 30
	skew   = 1
)

var base32NoPad = base32.StdEncoding.WithPadding(base32.NoPadding)

// Codes makes and checks authenticator-app codes: six digits, SHA-1, 30
// seconds, what every app understands.
type Codes struct{}

var _ blog.OneTimeCodes = Codes{}

// NewSecret returns a new 160-bit secret and its otpauth:// URI.
func (Codes) NewSecret(issuer, account string) (string, string, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, Period: period,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return "", "", err
	}
	return key.Secret(), key.URL(), nil
}

// URI returns the otpauth:// URI of secret.
func (Codes) URI(issuer, account, secret string) string {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, Period: period,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1, Secret: mustDecode(secret)})
	if err != nil {
		return ""
	}
	return key.URL()
}

// mustDecode reads a stored base32 secret; a damaged one yields nil,
// and a URI that no app accepts.
func mustDecode(secret string) []byte {
	b, err := base32NoPad.DecodeString(secret)
	if err != nil {
		return nil
	}
	return b
}

// Check returns the time step code belongs to, trying now and skew
// steps either side.
func (Codes) Check(secret, code string, now time.Time) (int64, bool) {
	if len(code) != 6 {
		return 0, false
	}
	step := now.Unix() / period
	for d := -skew; d <= skew; d++ {
		at := time.Unix((step+int64(d))*period, 0)
		ok, err := totp.ValidateCustom(code, secret, at, totp.ValidateOpts{Period: period, Skew: 0,
			Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err == nil && ok {
			return step + int64(d), true
		}
	}
	return 0, false
}

// Passkeys runs WebAuthn ceremonies for the site's address.
type Passkeys struct{}

var _ blog.PasskeyCeremonies = Passkeys{}

func relyingParty(rp blog.RelyingParty) (*webauthn.WebAuthn, error) {
	name := rp.Name
	if name == "" {
		name = rp.ID
	}
	return webauthn.New(&webauthn.Config{RPID: rp.ID, RPDisplayName: name, RPOrigins: []string{rp.Origin}})
}

// user adapts a writer to the library's view of one.
type user struct {
	u     blog.PasskeyUser
	creds []webauthn.Credential
}

func newUser(u blog.PasskeyUser) (*user, error) {
	out := &user{u: u}
	for _, p := range u.Passkeys {
		var c webauthn.Credential
		if err := json.Unmarshal([]byte(p.Credential), &c); err != nil {
			return nil, fmt.Errorf("passkey %s: %w", p.ID, err)
		}
		out.creds = append(out.creds, c)
	}
	return out, nil
}

func (u *user) WebAuthnID() []byte                         { return u.u.Handle }
func (u *user) WebAuthnName() string                       { return u.u.Name }
func (u *user) WebAuthnDisplayName() string                { return u.u.DisplayName }
func (u *user) WebAuthnCredentials() []webauthn.Credential { return u.creds }

func encode(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// BeginRegistration asks for a discoverable passkey (so it can sign in
// without the password), excluding the writer's existing ones.
func (Passkeys) BeginRegistration(rp blog.RelyingParty, pu blog.PasskeyUser) (string, string, error) {
	w, err := relyingParty(rp)
	if err != nil {
		return "", "", err
	}
	u, err := newUser(pu)
	if err != nil {
		return "", "", err
	}
	exclude := make([]protocol.CredentialDescriptor, len(u.creds))
	for i, c := range u.creds {
		exclude[i] = c.Descriptor()
	}
	creation, session, err := w.BeginRegistration(u,
		webauthn.WithResidentKeyRequirement(protocol.ResidentKeyRequirementRequired),
		webauthn.WithExclusions(exclude))
	if err != nil {
		return "", "", err
	}
	return encodeBoth(creation, session)
}

func encodeBoth(options, state any) (string, string, error) {
	o, err := encode(options)
	if err != nil {
		return "", "", err
	}
	s, err := encode(state)
	return o, s, err
}

func decodeState(state string) (webauthn.SessionData, error) {
	var s webauthn.SessionData
	return s, json.Unmarshal([]byte(state), &s)
}

// FinishRegistration checks the browser's new credential.
func (Passkeys) FinishRegistration(rp blog.RelyingParty, pu blog.PasskeyUser, state string, response []byte) (string, string, error) {
	w, err := relyingParty(rp)
	if err != nil {
		return "", "", err
	}
	u, err := newUser(pu)
	if err != nil {
		return "", "", err
	}
	session, err := decodeState(state)
	if err != nil {
		return "", "", err
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(response)
	if err != nil {
		return "", "", describe(err)
	}
	cred, err := w.CreateCredential(u, session, parsed)
	if err != nil {
		return "", "", describe(err)
	}
	return credential(cred)
}

func credential(c *webauthn.Credential) (string, string, error) {
	s, err := encode(c)
	return base64.RawURLEncoding.EncodeToString(c.ID), s, err
}

// BeginLogin asks for one of pu's passkeys, or, with pu nil, for any
// passkey the browser holds for the site, verified by its holder.
func (Passkeys) BeginLogin(rp blog.RelyingParty, pu *blog.PasskeyUser) (string, string, error) {
	w, err := relyingParty(rp)
	if err != nil {
		return "", "", err
	}
	if pu == nil {
		assertion, session, err := w.BeginDiscoverableLogin(webauthn.WithUserVerification(protocol.VerificationRequired))
		if err != nil {
			return "", "", err
		}
		return encodeBoth(assertion, session)
	}
	u, err := newUser(*pu)
	if err != nil {
		return "", "", err
	}
	assertion, session, err := w.BeginLogin(u)
	if err != nil {
		return "", "", err
	}
	return encodeBoth(assertion, session)
}

// FinishLogin checks the browser's assertion; lookup finds the writer
// its user handle names.
func (Passkeys) FinishLogin(rp blog.RelyingParty, state string, response []byte, lookup func([]byte) (blog.PasskeyUser, error)) (string, string, error) {
	w, err := relyingParty(rp)
	if err != nil {
		return "", "", err
	}
	session, err := decodeState(state)
	if err != nil {
		return "", "", err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(response)
	if err != nil {
		return "", "", describe(err)
	}
	find := func(_, handle []byte) (webauthn.User, error) {
		pu, err := lookup(handle)
		if err != nil {
			return nil, err
		}
		return newUser(pu)
	}
	var cred *webauthn.Credential
	if len(session.UserID) == 0 {
		_, cred, err = w.ValidatePasskeyLogin(find, session, parsed)
	} else {
		var u webauthn.User
		if u, err = find(nil, session.UserID); err == nil {
			cred, err = w.ValidateLogin(u, session, parsed)
		}
	}
	if err != nil {
		return "", "", describe(err)
	}
	return credential(cred)
}

// describe adds the library's detail, which its errors keep apart, for
// the log.
func describe(err error) error {
	var pe *protocol.Error
	if errors.As(err, &pe) && pe.DevInfo != "" {
		return fmt.Errorf("%w: %s", err, pe.DevInfo)
	}
	return err
}

package blog

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"
)

// IndieAuth (https://indieauth.spec.indieweb.org/): folio is its own
// authorization server, so an app can sign in with nothing but the
// site's address. A writer approves an app's request; the app trades
// the one-time code, with its PKCE verifier, for an access token.

// authCodeTTL is how long an approved request's code may be redeemed.
const authCodeTTL = 10 * time.Minute

const purposeAuthCode = "indieauth-code"

// AuthRequest is an app's request to act for a writer, as the
// authorization endpoint receives it.
type AuthRequest struct {
	ClientID      string
	RedirectURI   string
	State         string
	CodeChallenge string
	Scopes        []string
	Me            string
}

// ClientHost is the app's host, to name it to the writer.
func (r AuthRequest) ClientHost() string {
	u, _ := url.Parse(r.ClientID)
	return u.Host
}

// ErrBadGrant refuses a code that is unknown, expired or spent, or
// redeemed with another client, redirect address or verifier.
var ErrBadGrant = errors.New("the authorization code is not valid")

// ParseAuthRequest checks an authorization request's parameters: a
// response_type of code, client_id an http(s) address, redirect_uri on
// the client's own host (folio fetches nothing to learn others), PKCE
// with S256, and scopes folio knows (unknown ones are dropped, as OAuth
// allows). The error's message can be shown to the writer.
func ParseAuthRequest(q url.Values) (AuthRequest, error) {
	r := AuthRequest{ClientID: q.Get("client_id"), RedirectURI: q.Get("redirect_uri"), State: q.Get("state"),
		CodeChallenge: q.Get("code_challenge"), Me: q.Get("me")}
	if rt := q.Get("response_type"); rt != "code" && rt != "id" && rt != "" {
		return r, FieldError("response_type", "authorize_response_type")
	}
	client, err := clientURL(r.ClientID)
	if err != nil {
		return r, err
	}
	redirect, err := url.Parse(r.RedirectURI)
	if err != nil || (redirect.Scheme != "https" && redirect.Scheme != "http") || redirect.Host == "" {
		return r, FieldError("redirect_uri", "authorize_no_redirect")
	}
	if redirect.Scheme != client.Scheme || !strings.EqualFold(redirect.Host, client.Host) {
		return r, FieldError("redirect_uri", "authorize_foreign_redirect", "Host", redirect.Host, "Client", client.Host)
	}
	if q.Get("code_challenge_method") != "S256" || len(r.CodeChallenge) < 43 || len(r.CodeChallenge) > 128 {
		return r, FieldError("code_challenge", "authorize_no_pkce")
	}
	if len(r.State) > 1000 {
		return r, FieldError("state", "authorize_state_long")
	}
	for _, s := range strings.Fields(q.Get("scope")) {
		if slices.Contains(Scopes, s) && !slices.Contains(r.Scopes, s) {
			r.Scopes = append(r.Scopes, s)
		}
	}
	return r, nil
}

// clientURL checks an IndieAuth client_id: an http(s) address without
// credentials or a fragment.
func clientURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.Fragment != "" || len(raw) > 2000 {
		return nil, FieldError("client_id", "authorize_no_client")
	}
	return u, nil
}

type authCode struct {
	ClientID    string   `json:"client_id"`
	RedirectURI string   `json:"redirect_uri"`
	Challenge   string   `json:"code_challenge"`
	Scopes      []string `json:"scopes"`
}

// Approve records the writer's approval of r with the scopes they kept,
// and returns the one-time code to send the app back with.
func (a *Accounts) Approve(ctx context.Context, actor *User, r AuthRequest, scopes []string) (string, error) {
	if actor == nil {
		return "", ErrForbidden
	}
	kept := []string{}
	for _, s := range scopes {
		if slices.Contains(r.Scopes, s) {
			kept = append(kept, s)
		}
	}
	data, err := jsonString(authCode{ClientID: r.ClientID, RedirectURI: r.RedirectURI, Challenge: r.CodeChallenge, Scopes: kept})
	if err != nil {
		return "", err
	}
	return a.begin(ctx, purposeAuthCode, actor.ID, ceremonyData{State: data}, authCodeTTL)
}

// Grant is what a redeemed code gives: the writer and the scopes they
// approved.
type Grant struct {
	User   *User
	Scopes []string
}

// Redeem spends an authorization code, once, for the client and
// redirect address it was given to, with the PKCE verifier whose hash
// the app sent first.
func (a *Accounts) Redeem(ctx context.Context, code, clientID, redirectURI, verifier string) (*Grant, error) {
	c, d, err := a.challenge(ctx, code, purposeAuthCode)
	if errors.Is(err, ErrNotFound) {
		return nil, ErrBadGrant
	}
	if err != nil {
		return nil, err
	}
	// Spent whatever comes next: a code tried with the wrong verifier
	// is not tried again.
	if err := a.finishChallenge(ctx, code); err != nil {
		return nil, err
	}
	var ac authCode
	if err := jsonValue(d.State, &ac); err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(verifier))
	want := base64.RawURLEncoding.EncodeToString(sum[:])
	if ac.ClientID != clientID || ac.RedirectURI != redirectURI || len(verifier) < 43 || len(verifier) > 128 ||
		subtle.ConstantTimeCompare([]byte(want), []byte(ac.Challenge)) != 1 {
		return nil, ErrBadGrant
	}
	u, err := a.users.User(ctx, c.UserID)
	if errors.Is(err, ErrNotFound) || (err == nil && !u.Active()) {
		return nil, ErrBadGrant
	}
	if err != nil {
		return nil, err
	}
	return &Grant{User: u, Scopes: ac.Scopes}, nil
}

// IssueToken makes the access token for a grant, named after the app.
func (a *Accounts) IssueToken(ctx context.Context, g *Grant, clientID string) (*Token, string, error) {
	name := clientID
	if u, err := clientURL(clientID); err == nil {
		name = u.Host
	}
	return a.CreateToken(ctx, g.User, g.User.ID, TokenInput{Name: name, Scopes: g.Scopes, ClientID: clientID})
}

// TokenInfo is what introspection tells of a token: its writer and
// scopes, or nothing for one that is not valid.
func (a *Accounts) TokenInfo(ctx context.Context, secret string) (*User, *Token, error) {
	u, t, err := a.TokenUser(ctx, secret)
	if errors.Is(err, ErrBadToken) {
		return nil, nil, nil
	}
	return u, t, err
}

func jsonString(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

func jsonValue(s string, v any) error { return json.Unmarshal([]byte(s), v) }

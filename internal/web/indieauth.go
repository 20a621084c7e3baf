package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"folio/internal/blog"
)

// IndieAuth's endpoints: the metadata document, the authorization
// endpoint (a writer approves an app; an app redeems a code for who
// signed in), the token endpoint, introspection and revocation.
const (
	metadataPath   = "/.well-known/oauth-authorization-server"
	authPath       = "/indieauth/auth"
	approvePath    = "/indieauth/auth/approve"
	tokenPath      = "/indieauth/token"
	introspectPath = "/indieauth/introspect"
	revokePath     = "/indieauth/revoke"
)

// issuer is the site's address as IndieAuth names it: the home page.
func issuer(r *http.Request) string { return requestURL(r, "/") }

func (s *Server) indieAuthMetadata(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                 issuer(r),
		"authorization_endpoint": requestURL(r, authPath),
		"token_endpoint":         requestURL(r, tokenPath),
		"introspection_endpoint": requestURL(r, introspectPath),
		"introspection_endpoint_auth_methods_supported":  []string{"Bearer"},
		"revocation_endpoint":                            requestURL(r, revokePath),
		"revocation_endpoint_auth_methods_supported":     []string{"none"},
		"scopes_supported":                               blog.Scopes,
		"response_types_supported":                       []string{"code"},
		"grant_types_supported":                          []string{"authorization_code"},
		"code_challenge_methods_supported":               []string{"S256"},
		"authorization_response_iss_parameter_supported": true,
	})
}

// authorizePage asks the writer to let an app act for them.
type authorizePage struct {
	adminBase
	Request blog.AuthRequest
	// Fields carry the request through the approval form.
	Fields url.Values
}

// authFields are the parameters of an authorization request.
var authFields = []string{"response_type", "client_id", "redirect_uri", "state", "code_challenge", "code_challenge_method", "scope", "me"}

func (s *Server) authorizeShow(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	req, err := blog.ParseAuthRequest(q)
	if err != nil {
		return s.authRefused(w, r, err)
	}
	fields := url.Values{}
	for _, k := range authFields {
		if v := q.Get(k); v != "" {
			fields.Set(k, v)
		}
	}
	return s.render(w, http.StatusOK, "admin/authorize", authorizePage{adminBase: s.adminBase(r, s.say(r, "title_allow_app", "Host", req.ClientHost()), ""), Request: req, Fields: fields})
}

// authRefused shows why a request cannot be approved; the app's
// addresses are not trusted enough to send the writer back to.
func (s *Server) authRefused(w http.ResponseWriter, r *http.Request, err error) error {
	var v *blog.ValidationError
	if !errors.As(err, &v) {
		return err
	}
	msg := ""
	for _, m := range v.In(s.theme.Words(), s.writerLang(r).Tag()) {
		msg = m
	}
	s.errorPage(w, r, http.StatusBadRequest, s.say(r, "app_refused_title"), s.say(r, "app_refused", "Why", msg))
	return nil
}

// authorizeDecide approves or denies a request and sends the writer
// back to the app with a code, or with access_denied.
func (s *Server) authorizeDecide(w http.ResponseWriter, r *http.Request) error {
	req, err := blog.ParseAuthRequest(r.PostForm)
	if err != nil {
		return s.authRefused(w, r, err)
	}
	back := url.Values{"state": {req.State}, "iss": {issuer(r)}}
	if r.PostFormValue("decision") != "approve" {
		back.Set("error", "access_denied")
	} else {
		code, err := s.accounts.Approve(r.Context(), currentUser(r), req, r.PostForm["grant"])
		if err != nil {
			return err
		}
		back.Set("code", code)
		s.log.Info("app approved", "user_id", currentUser(r).ID, "client_id", req.ClientID)
	}
	http.Redirect(w, r, withQuery(req.RedirectURI, back), http.StatusFound)
	return nil
}

// withQuery adds vals to the query of address u.
func withQuery(u string, vals url.Values) string {
	parsed, err := url.Parse(u)
	if err != nil {
		return u
	}
	q := parsed.Query()
	for k, vs := range vals {
		if len(vs) > 0 && vs[0] != "" {
			q.Set(k, vs[0])
		}
	}
	parsed.RawQuery = q.Encode()
	return parsed.String()
}

// redeem spends the code a request carries, answering the request
// itself when it cannot.
func (s *Server) redeem(w http.ResponseWriter, r *http.Request) (*blog.Grant, bool) {
	if gt := r.PostFormValue("grant_type"); gt != "authorization_code" && gt != "" {
		apiError(w, http.StatusBadRequest, "unsupported_grant_type", "Only authorization_code grants are issued here.")
		return nil, false
	}
	g, err := s.accounts.Redeem(r.Context(), r.PostFormValue("code"), r.PostFormValue("client_id"), r.PostFormValue("redirect_uri"), r.PostFormValue("code_verifier"))
	if errors.Is(err, blog.ErrBadGrant) {
		apiError(w, http.StatusBadRequest, "invalid_grant", "The code is unknown, expired or used, or does not match the client, redirect_uri or code_verifier.")
		return nil, false
	}
	if err != nil {
		s.log.Error("redeem an authorization code", "err", err)
		apiError(w, http.StatusInternalServerError, "server_error", "The code could not be checked; try again.")
		return nil, false
	}
	return g, true
}

// profileAnswer is who signed in, with their profile and e-mail when
// the grant's scopes allow.
func profileAnswer(r *http.Request, g *blog.Grant) map[string]any {
	out := map[string]any{"me": issuer(r)}
	profile := map[string]string{}
	if slices.Contains(g.Scopes, blog.ScopeProfile) {
		profile["name"], profile["url"] = g.User.Name, requestURL(r, "/author/"+g.User.Slug+"/")
	}
	if slices.Contains(g.Scopes, blog.ScopeEmail) {
		profile["email"] = g.User.Email
	}
	if len(profile) > 0 {
		out["profile"] = profile
	}
	return out
}

// authorizeRedeem is the authorization endpoint's POST: an app that
// only wants to know who signed in redeems its code here.
func (s *Server) authorizeRedeem(w http.ResponseWriter, r *http.Request) error {
	g, ok := s.redeem(w, r)
	if !ok {
		return nil
	}
	return writeJSON(w, http.StatusOK, profileAnswer(r, g))
}

// tokenEndpoint trades a code for an access token; it also revokes one
// (action=revoke, as older clients ask) and, on GET with a bearer
// token, says whose it is.
func (s *Server) tokenEndpoint(w http.ResponseWriter, r *http.Request) error {
	if r.Method == http.MethodGet {
		_, t, ok := s.bearer(w, r, "")
		if !ok {
			return nil
		}
		return writeJSON(w, http.StatusOK, map[string]any{"me": issuer(r), "client_id": t.ClientID, "scope": strings.Join(t.Scopes, " ")})
	}
	if r.PostFormValue("action") == "revoke" {
		return s.revokeEndpoint(w, r)
	}
	g, ok := s.redeem(w, r)
	if !ok {
		return nil
	}
	if len(g.Scopes) == 0 {
		apiError(w, http.StatusBadRequest, "invalid_grant", "The writer approved no scope, so no access token is issued; redeem the code at the authorization endpoint.")
		return nil
	}
	t, secret, err := s.accounts.IssueToken(r.Context(), g, r.PostFormValue("client_id"))
	if err != nil {
		return err
	}
	out := profileAnswer(r, g)
	out["access_token"], out["token_type"], out["scope"] = secret, "Bearer", strings.Join(t.Scopes, " ")
	return writeJSON(w, http.StatusOK, out)
}

// introspectEndpoint tells a resource server about a token (RFC 7662);
// the asker shows a valid token of its own.
func (s *Server) introspectEndpoint(w http.ResponseWriter, r *http.Request) error {
	if _, _, ok := s.bearer(w, r, ""); !ok {
		return nil
	}
	u, t, err := s.accounts.TokenInfo(r.Context(), r.PostFormValue("token"))
	if err != nil {
		return err
	}
	if t == nil {
		return writeJSON(w, http.StatusOK, map[string]any{"active": false})
	}
	out := map[string]any{"active": true, "me": issuer(r), "client_id": t.ClientID, "scope": strings.Join(t.Scopes, " "),
		"iat": t.CreatedAt.Unix(), "username": u.Name}
	if !t.ExpiresAt.IsZero() {
		out["exp"] = t.ExpiresAt.Unix()
	}
	return writeJSON(w, http.StatusOK, out)
}

// revokeEndpoint revokes a token (RFC 7009): the answer is the same
// whether or not it was known.
func (s *Server) revokeEndpoint(w http.ResponseWriter, r *http.Request) error {
	if err := s.accounts.RevokeTokenSecret(r.Context(), r.PostFormValue("token")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

package web

import (
	"net/http"
	"slices"
	"strconv"

	"folio/internal/blog"
)

// tokensPage lists the access tokens of apps and scripts, makes new
// ones (shown once) and revokes them.
type tokensPage struct {
	adminBase
	Errors
	Tokens []*blog.Token
	Scopes []string
	Name   string
	Picked []string
	// Secret is a token just made, shown only now.
	Secret string
	// Endpoint is the Micropub endpoint, and Home the site's address,
	// for the writer to paste into an app.
	Endpoint, Home string
}

// Picks reports whether scope was ticked.
func (p tokensPage) Picks(scope string) bool { return slices.Contains(p.Picked, scope) }

func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request, status int, p tokensPage) error {
	var err error
	if p.Tokens, err = s.accounts.Tokens(r.Context(), currentUser(r)); err != nil {
		return err
	}
	p.adminBase = s.adminBase(r, s.say(r, "title_tokens"), "tokens")
	p.Scopes = []string{blog.ScopeCreate, blog.ScopeUpdate, blog.ScopeDelete, blog.ScopeMedia, blog.ScopeRead, blog.ScopeModerate}
	p.Endpoint, p.Home = requestURL(r, micropubPath), issuer(r)
	if p.Flash == "" {
		p.Flash = s.flashText(r, r.URL.Query().Get("done"))
		p.Saved = p.Flash != ""
	}
	return s.render(w, status, "admin/tokens", p)
}

func (s *Server) adminTokens(w http.ResponseWriter, r *http.Request) error {
	return s.tokensPage(w, r, http.StatusOK, tokensPage{Picked: []string{blog.ScopeCreate, blog.ScopeMedia}})
}

func (s *Server) adminTokenCreate(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	p := tokensPage{Name: r.PostFormValue("name"), Picked: r.PostForm["scope"]}
	_, secret, err := s.accounts.CreateToken(r.Context(), u, u.ID, blog.TokenInput{Name: p.Name, Scopes: p.Picked})
	if err != nil {
		errs, err := s.formErrors(r, err)
		if err != nil {
			return err
		}
		p.Errors = errs
		return s.tokensPage(w, r, http.StatusUnprocessableEntity, p)
	}
	s.log.Info("access token made", "user_id", u.ID)
	p.Secret = secret
	p.Flash, p.Saved = s.say(r, "flash_token_made"), true
	return s.tokensPage(w, r, http.StatusOK, p)
}

func (s *Server) adminTokenRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return blog.ErrNotFound
	}
	if err := s.accounts.RevokeToken(r.Context(), currentUser(r), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/tokens?done=token-revoked", http.StatusSeeOther)
	return nil
}

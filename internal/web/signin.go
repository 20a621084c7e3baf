package web

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"folio/internal/blog"
)

type setupPage struct {
	adminBase
	Errors
	Token string
	Form  blog.UserInput
}

// setupAllowed reports whether token opens the setup page: the site has
// no users and the token is the one printed at start-up.
func (s *Server) setupAllowed(r *http.Request, token string) (bool, error) {
	needs, err := s.accounts.NeedsSetup(r.Context())
	if err != nil || !needs {
		return false, err
	}
	if s.setupToken == "" || subtle.ConstantTimeCompare([]byte(token), []byte(s.setupToken)) != 1 {
		return false, blog.ErrForbidden
	}
	return true, nil
}

func (s *Server) setupShow(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	ok, err := s.setupAllowed(r, token)
	if errors.Is(err, blog.ErrForbidden) {
		s.errorPage(w, r, http.StatusForbidden, s.say(r, "setup_invalid_title"), s.say(r, "setup_invalid_empty"))
		return nil
	}
	if err != nil {
		return err
	}
	if !ok {
		http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
		return nil
	}
	return s.render(w, http.StatusOK, "admin/setup", setupPage{adminBase: s.adminBase(r, s.say(r, "title_set_up"), ""), Token: token})
}

func (s *Server) setupCreate(w http.ResponseWriter, r *http.Request) error {
	token := r.PostFormValue("token")
	ok, err := s.setupAllowed(r, token)
	if errors.Is(err, blog.ErrForbidden) {
		s.errorPage(w, r, http.StatusForbidden, s.say(r, "setup_invalid_title"), s.say(r, "setup_invalid"))
		return nil
	}
	if err != nil {
		return err
	}
	if !ok {
		http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
		return nil
	}
	in := blog.UserInput{Name: r.PostFormValue("name"), Email: r.PostFormValue("email"), Password: r.PostFormValue("password")}
	u, err := s.accounts.SetupAdmin(r.Context(), in)
	if err != nil {
		errs, err := s.formErrors(r, err)
		if err != nil {
			return err
		}
		in.Password = ""
		return s.render(w, http.StatusUnprocessableEntity, "admin/setup", setupPage{adminBase: s.adminBase(r, s.say(r, "title_set_up"), ""), Errors: errs, Token: token, Form: in})
	}
	s.log.Info("first administrator created", "user_id", u.ID)
	// The address the administrator set the site up at (holding the
	// one-time token, so the Host they sent is theirs) is its address
	// until they choose another, so e-mail and feeds link to it.
	if s.site.Settings().BaseURL == "" {
		if _, err := s.site.SaveSettings(r.Context(), u, blog.SettingsInput{"base_url": requestURL(r, "")}); err != nil {
			s.log.Warn("keep the setup address as the site's address", "err", err)
		}
	}
	return s.signIn(w, r, u, "/admin/posts/new?kind=post")
}

func (s *Server) signIn(w http.ResponseWriter, r *http.Request, u *blog.User, next string) error {
	token, err := s.accounts.StartSession(r.Context(), u.ID)
	if err != nil {
		return err
	}
	http.SetCookie(w, s.cookie(r, sessionCookie, token, blog.SessionTTL))
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

type loginPage struct {
	adminBase
	Error string
	Email string
	Next  string
	// Passkeys offers signing in with a passkey instead.
	Passkeys bool
}

// safeNext keeps a post-login redirect on this site's admin.
func safeNext(next string) string {
	if strings.HasPrefix(next, "/admin/") && !strings.HasPrefix(next, "//") && !strings.Contains(next, "\\") {
		return next
	}
	return "/admin/"
}

func (s *Server) loginShow(w http.ResponseWriter, r *http.Request) error {
	if needs, err := s.accounts.NeedsSetup(r.Context()); err != nil {
		return err
	} else if needs {
		s.errorPage(w, r, http.StatusOK, s.say(r, "no_admin_title"), s.say(r, "no_admin"))
		return nil
	}
	if u, err := s.sessionUser(r); err == nil && u != nil {
		http.Redirect(w, r, "/admin/", http.StatusSeeOther)
		return nil
	}
	return s.render(w, http.StatusOK, "admin/login", loginPage{adminBase: s.adminBase(r, s.say(r, "title_sign_in"), ""), Next: safeNext(r.URL.Query().Get("next")),
		Passkeys: s.accounts.PasskeysOffered()})
}

func (s *Server) loginCreate(w http.ResponseWriter, r *http.Request) error {
	email, next := r.PostFormValue("email"), safeNext(r.PostFormValue("next"))
	page := loginPage{adminBase: s.adminBase(r, s.say(r, "title_sign_in"), ""), Email: email, Next: next, Passkeys: s.accounts.PasskeysOffered()}
	ok, err := s.accounts.AllowLogin(r.Context(), clientIP(r))
	if err != nil {
		return err
	}
	if !ok {
		page.Error = s.say(r, "signin_too_many")
		return s.render(w, http.StatusTooManyRequests, "admin/login", page)
	}
	u, err := s.accounts.Authenticate(r.Context(), email, r.PostFormValue("password"))
	if errors.Is(err, blog.ErrBadCredentials) {
		s.log.Warn("sign-in failed", "ip", clientIP(r))
		page.Error = s.say(r, "signin_wrong")
		return s.render(w, http.StatusUnauthorized, "admin/login", page)
	}
	if err != nil {
		return err
	}
	return s.passwordSignIn(w, r, u, next)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.accounts.EndSession(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, s.cookie(r, sessionCookie, "", -1))
	http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
	return nil
}

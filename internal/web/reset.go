package web

import (
	"errors"
	"net/http"

	"folio/internal/blog"
)

// resetPage is the forgotten-password flow: asking for a link, then
// choosing the new password.
type resetPage struct {
	adminBase
	Errors
	Email string
	Sent  bool   // the link was asked for
	Token string // the link's token, on the form for the new password
}

func (s *Server) forgotShow(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, http.StatusOK, "admin/forgot", resetPage{adminBase: s.adminBase(r, s.say(r, "title_forgot"), "")})
}

// forgotCreate asks for a reset link for the address given, answering
// alike whether or not it has an account.
func (s *Server) forgotCreate(w http.ResponseWriter, r *http.Request) error {
	email := r.PostFormValue("email")
	page := resetPage{adminBase: s.adminBase(r, s.say(r, "title_forgot"), ""), Email: email}
	err := s.accounts.RequestReset(r.Context(), email, clientIP(r), s.absURL(r, "/admin/reset"))
	if errors.Is(err, blog.ErrTooManyResets) {
		page.Errors = Errors{"email": s.say(r, "reset_too_many")}
		return s.render(w, http.StatusTooManyRequests, "admin/forgot", page)
	}
	if err != nil {
		return err
	}
	page.Sent = true
	return s.render(w, http.StatusOK, "admin/forgot", page)
}

func (s *Server) resetShow(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	if _, err := s.accounts.ResetUser(r.Context(), token); err != nil {
		return s.resetExpired(w, r, err)
	}
	return s.render(w, http.StatusOK, "admin/reset", resetPage{adminBase: s.adminBase(r, s.say(r, "title_new_password"), ""), Token: token})
}

// resetCreate sets the new password, signs every other session out and
// signs this browser in.
func (s *Server) resetCreate(w http.ResponseWriter, r *http.Request) error {
	token := r.PostFormValue("token")
	u, err := s.accounts.ResetPassword(r.Context(), token, r.PostFormValue("password"))
	if errs, ferr := s.formErrors(r, err); ferr == nil && errs != nil {
		return s.render(w, http.StatusUnprocessableEntity, "admin/reset", resetPage{adminBase: s.adminBase(r, s.say(r, "title_new_password"), ""),
			Errors: errs, Token: token})
	}
	if err != nil {
		return s.resetExpired(w, r, err)
	}
	s.log.Info("password reset", "user_id", u.ID)
	return s.passwordSignIn(w, r, u, "/admin/?done=password-reset")
}

func (s *Server) resetExpired(w http.ResponseWriter, r *http.Request, err error) error {
	if !errors.Is(err, blog.ErrNotFound) {
		return err
	}
	s.errorPage(w, r, http.StatusNotFound, s.say(r, "reset_expired_title"), s.say(r, "reset_expired"))
	return nil
}

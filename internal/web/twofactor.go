package web

import (
	"bytes"
	"encoding/base64"
	"errors"
	"html/template"
	"image/png"
	"net/http"

	"github.com/pquerna/otp"

	"folio/internal/blog"
	"folio/internal/locale"
)

// signInCookie holds a sign-in whose password was right while it waits
// for the second factor.
const signInCookie = "folio_signin"

// passwordSignIn signs u in after a right password: at once, or, when u
// has a second factor, after asking for it.
func (s *Server) passwordSignIn(w http.ResponseWriter, r *http.Request, u *blog.User, next string) error {
	token, err := s.accounts.BeginSecondFactor(r.Context(), u, next)
	if err != nil {
		return err
	}
	if token == "" {
		return s.signIn(w, r, u, next)
	}
	http.SetCookie(w, s.cookie(r, signInCookie, token, blog.SecondFactorTTL))
	http.Redirect(w, r, "/admin/login/verify", http.StatusSeeOther)
	return nil
}

// verifyPage asks for the second factor.
type verifyPage struct {
	adminBase
	Errors
	Pending *blog.PendingSignIn
	Passkey *passkeyForm
}

// passkeyForm is the form that runs one passkey ceremony in the
// browser: it carries the options to the WebAuthn call and its answer
// back.
type passkeyForm struct {
	L        *locale.Lang // the page's language
	CSRF     string
	Mode     string // "create" or "get"
	Action   string
	Label    string
	Next     string
	Name     string
	Ceremony *blog.Ceremony
}

func (s *Server) verifyPage(w http.ResponseWriter, r *http.Request, status int, p verifyPage) error {
	p.adminBase = s.adminBase(r, s.say(r, "title_two_factor"), "")
	if c := p.Pending.Passkey; c != nil {
		p.Passkey = &passkeyForm{L: p.L, CSRF: p.CSRF, Mode: "get", Action: "/admin/login/verify/passkey", Label: p.L.T("passkey_use"), Ceremony: c}
	}
	return s.render(w, status, "admin/verify", p)
}

func (s *Server) pendingSignIn(r *http.Request) (string, *blog.PendingSignIn, error) {
	c, err := r.Cookie(signInCookie)
	if err != nil {
		return "", nil, blog.ErrNotFound
	}
	p, err := s.accounts.PendingSecondFactor(r.Context(), c.Value)
	return c.Value, p, err
}

// signInAgain answers a second factor asked for after the pending
// sign-in expired: back to the password.
func (s *Server) signInAgain(w http.ResponseWriter, r *http.Request) error {
	http.SetCookie(w, s.cookie(r, signInCookie, "", -1))
	return s.render(w, http.StatusUnauthorized, "admin/login", loginPage{adminBase: s.adminBase(r, s.say(r, "title_sign_in"), ""),
		Error: s.say(r, "signin_too_slow"), Next: "/admin/", Passkeys: s.accounts.PasskeysOffered()})
}

func (s *Server) verifyShow(w http.ResponseWriter, r *http.Request) error {
	_, p, err := s.pendingSignIn(r)
	if errors.Is(err, blog.ErrNotFound) {
		return s.signInAgain(w, r)
	}
	if err != nil {
		return err
	}
	return s.verifyPage(w, r, http.StatusOK, verifyPage{Pending: p})
}

// verifyCode finishes a sign-in with an app's code or a recovery code.
func (s *Server) verifyCode(w http.ResponseWriter, r *http.Request) error {
	token, p, err := s.pendingSignIn(r)
	if err == nil {
		p, err = s.accounts.FinishWithCode(r.Context(), token, r.PostFormValue("code"))
	}
	return s.finishVerify(w, r, p, err)
}

// verifyPasskey finishes a sign-in with a passkey.
func (s *Server) verifyPasskey(w http.ResponseWriter, r *http.Request) error {
	token, p, err := s.pendingSignIn(r)
	if err == nil {
		p, err = s.accounts.FinishWithPasskey(r.Context(), token, []byte(r.PostFormValue("credential")))
	}
	return s.finishVerify(w, r, p, err)
}

func (s *Server) finishVerify(w http.ResponseWriter, r *http.Request, p *blog.PendingSignIn, err error) error {
	if errors.Is(err, blog.ErrNotFound) {
		return s.signInAgain(w, r)
	}
	status, errs := http.StatusUnprocessableEntity, Errors(nil)
	switch {
	case errors.Is(err, blog.ErrTooManyCodes):
		status, errs = http.StatusTooManyRequests, Errors{"code": s.say(r, "codes_too_many")}
	case err != nil:
		s.logRefusal(r, "second factor refused", err)
		if errs, err = s.formErrors(r, err); err != nil {
			return err
		}
	}
	if errs != nil {
		_, pending, perr := s.pendingSignIn(r)
		if perr != nil {
			return s.signInAgain(w, r)
		}
		return s.verifyPage(w, r, status, verifyPage{Errors: errs, Pending: pending})
	}
	http.SetCookie(w, s.cookie(r, signInCookie, "", -1))
	s.log.Info("signed in with a second factor", "user_id", p.User.ID)
	return s.signIn(w, r, p.User, p.Next)
}

// logRefusal logs why a check refused what a browser sent, when the
// refusal carries a cause.
func (s *Server) logRefusal(r *http.Request, msg string, err error) {
	var v *blog.ValidationError
	if errors.As(err, &v) && v.Cause != nil {
		s.log.Warn(msg, "ip", clientIP(r), "err", v.Cause)
	}
}

// passkeyPage runs a passkey ceremony on a page of its own.
type passkeyPage struct {
	adminBase
	Form passkeyForm
}

func (s *Server) passkeyPage(w http.ResponseWriter, r *http.Request, title, section string, f passkeyForm) error {
	p := passkeyPage{adminBase: s.adminBase(r, title, section), Form: f}
	p.Form.CSRF, p.Form.L = p.CSRF, p.L
	return s.render(w, http.StatusOK, "admin/passkey", p)
}

// loginPasskey begins a sign-in with a passkey instead of the password.
func (s *Server) loginPasskey(w http.ResponseWriter, r *http.Request) error {
	next := safeNext(r.PostFormValue("next"))
	if ok, err := s.accounts.AllowLogin(r.Context(), clientIP(r)); err != nil {
		return err
	} else if !ok {
		return s.render(w, http.StatusTooManyRequests, "admin/login", loginPage{adminBase: s.adminBase(r, s.say(r, "title_sign_in"), ""), Next: next,
			Error: s.say(r, "signin_too_many"), Passkeys: s.accounts.PasskeysOffered()})
	}
	c, err := s.accounts.BeginPasskeySignIn(r.Context(), next)
	if errors.Is(err, blog.ErrNoSecondFactor) {
		return s.render(w, http.StatusConflict, "admin/login", loginPage{adminBase: s.adminBase(r, s.say(r, "title_sign_in"), ""), Next: next,
			Error: s.say(r, "passkeys_need_address_signin")})
	}
	if err != nil {
		return err
	}
	return s.passkeyPage(w, r, s.say(r, "title_passkey_sign_in"), "", passkeyForm{Mode: "get", Action: "/admin/login/passkey/finish",
		Label: s.say(r, "passkey_use"), Next: next, Ceremony: c})
}

func (s *Server) loginPasskeyFinish(w http.ResponseWriter, r *http.Request) error {
	u, next, err := s.accounts.FinishPasskeySignIn(r.Context(), r.PostFormValue("token"), []byte(r.PostFormValue("credential")))
	if err != nil {
		s.logRefusal(r, "passkey sign-in refused", err)
		errs, err := s.formErrors(r, err)
		if err != nil {
			return err
		}
		return s.render(w, http.StatusUnauthorized, "admin/login", loginPage{adminBase: s.adminBase(r, s.say(r, "title_sign_in"), ""),
			Error: errs["passkey"], Next: "/admin/", Passkeys: s.accounts.PasskeysOffered()})
	}
	s.log.Info("signed in with a passkey", "user_id", u.ID)
	return s.signIn(w, r, u, safeNext(next))
}

// securityPage shows a secret being turned on, or new recovery codes.
type securityPage struct {
	adminBase
	Errors
	URI   string
	QR    template.URL
	Codes []string
}

// adminTOTPOffer makes a new authenticator secret and shows it.
func (s *Server) adminTOTPOffer(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.accounts.OfferTOTP(r.Context(), currentUser(r)); errors.Is(err, blog.ErrConflict) {
		http.Redirect(w, r, "/admin/profile#two-factor", http.StatusSeeOther)
		return nil
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/profile/totp", http.StatusSeeOther)
	return nil
}

func (s *Server) adminTOTPShow(w http.ResponseWriter, r *http.Request) error {
	return s.totpPage(w, r, http.StatusOK, nil)
}

func (s *Server) totpPage(w http.ResponseWriter, r *http.Request, status int, errs Errors) error {
	uri, err := s.accounts.OfferedTOTP(r.Context(), currentUser(r))
	if errors.Is(err, blog.ErrNotFound) {
		http.Redirect(w, r, "/admin/profile#two-factor", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	qr, err := qrCode(uri)
	if err != nil {
		return err
	}
	return s.render(w, status, "admin/totp", securityPage{adminBase: s.adminBase(r, s.say(r, "title_totp_on"), "profile"),
		Errors: errs, URI: uri, QR: qr})
}

// qrCode draws uri as a PNG data: URL, so the secret is never at an
// address of its own.
func qrCode(uri string) (template.URL, error) {
	key, err := otp.NewKeyFromURL(uri)
	if err != nil {
		return "", err
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", err
	}
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())), nil
}

func (s *Server) adminTOTPConfirm(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	codes, err := s.accounts.ConfirmTOTP(r.Context(), u, r.PostFormValue("code"))
	if errors.Is(err, blog.ErrTooManyCodes) {
		return s.totpPage(w, r, http.StatusTooManyRequests, Errors{"code": s.say(r, "codes_too_many")})
	}
	if errs, ferr := s.formErrors(r, err); ferr == nil && errs != nil {
		return s.totpPage(w, r, http.StatusUnprocessableEntity, errs)
	} else if err != nil {
		return err
	}
	s.log.Info("authenticator app turned on", "user_id", u.ID)
	return s.recoveryCodes(w, r, codes, "profile-totp")
}

// recoveryCodes shows new recovery codes once, or, when there are none
// to show, goes back to the profile saying done.
func (s *Server) recoveryCodes(w http.ResponseWriter, r *http.Request, codes []string, done string) error {
	if len(codes) == 0 {
		http.Redirect(w, r, "/admin/profile?done="+done+"#two-factor", http.StatusSeeOther)
		return nil
	}
	p := securityPage{adminBase: s.adminBase(r, s.say(r, "title_recovery_codes"), "profile"), Codes: codes}
	p.Flash = s.flashText(r, done)
	p.Saved = true
	return s.render(w, http.StatusOK, "admin/recovery", p)
}

// securityRefused shows the profile again with the message of a
// refused change to how the writer signs in.
func (s *Server) securityRefused(w http.ResponseWriter, r *http.Request, err error) error {
	errs, err := s.formErrors(r, err)
	if err != nil {
		return err
	}
	u := currentUser(r)
	return s.profilePage(w, r, http.StatusUnprocessableEntity, profilePage{Errors: errs, Form: blog.ProfileInput{Name: u.Name, Email: u.Email, Bio: u.Bio}})
}

func (s *Server) adminTOTPOff(w http.ResponseWriter, r *http.Request) error {
	if err := s.accounts.TurnOffTOTP(r.Context(), currentUser(r), r.PostFormValue("password")); err != nil {
		return s.securityRefused(w, r, err)
	}
	http.Redirect(w, r, "/admin/profile?done=totp-off#two-factor", http.StatusSeeOther)
	return nil
}

func (s *Server) adminRecoveryRenew(w http.ResponseWriter, r *http.Request) error {
	codes, err := s.accounts.RenewRecoveryCodes(r.Context(), currentUser(r), r.PostFormValue("recovery_password"))
	if err != nil {
		return s.securityRefused(w, r, err)
	}
	return s.recoveryCodes(w, r, codes, "recovery-renewed")
}

// adminPasskeyBegin begins adding a passkey.
func (s *Server) adminPasskeyBegin(w http.ResponseWriter, r *http.Request) error {
	c, err := s.accounts.BeginPasskey(r.Context(), currentUser(r))
	if errors.Is(err, blog.ErrNoSecondFactor) {
		return s.securityRefused(w, r, blog.FieldError("passkey_name", "passkeys_need_address"))
	}
	if err != nil {
		return err
	}
	return s.passkeyPage(w, r, s.say(r, "title_passkey_add"), "profile", passkeyForm{Mode: "create", Action: "/admin/profile/passkeys",
		Label: s.say(r, "passkey_create"), Name: r.PostFormValue("passkey_name"), Ceremony: c})
}

// adminPasskeyAdd stores the passkey the browser made.
func (s *Server) adminPasskeyAdd(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	codes, err := s.accounts.AddPasskey(r.Context(), u, r.PostFormValue("token"), r.PostFormValue("name"), []byte(r.PostFormValue("credential")))
	if err != nil {
		s.logRefusal(r, "passkey registration refused", err)
		return s.securityRefused(w, r, err)
	}
	s.log.Info("passkey added", "user_id", u.ID)
	return s.recoveryCodes(w, r, codes, "passkey-added")
}

func (s *Server) adminPasskeyDelete(w http.ResponseWriter, r *http.Request) error {
	err := s.accounts.RemovePasskey(r.Context(), currentUser(r), r.PathValue("id"), r.PostFormValue("password"))
	if errors.Is(err, blog.ErrNotFound) {
		return s.securityRefused(w, r, blog.FieldError("password", "passkey_gone"))
	}
	if err != nil {
		return s.securityRefused(w, r, err)
	}
	http.Redirect(w, r, "/admin/profile?done=passkey-removed#two-factor", http.StatusSeeOther)
	return nil
}

// adminUserSecondFactors turns off another user's second factors, for
// one who lost them.
func (s *Server) adminUserSecondFactors(w http.ResponseWriter, r *http.Request) error {
	return s.userAction(w, r, "second-factors-reset", func(id int64) error {
		s.log.Info("second factors reset", "user_id", id, "by", currentUser(r).ID)
		return s.accounts.ResetSecondFactors(r.Context(), currentUser(r), id)
	})
}

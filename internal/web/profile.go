package web

import (
	"net/http"

	"folio/internal/blog"
	"folio/internal/locale"
)

// profilePage is where every writer keeps their own details: name,
// e-mail, bio, password, and where they are signed in.
type profilePage struct {
	adminBase
	Errors
	Form     blog.ProfileInput
	Sessions []*blog.Session
	Factors  *blog.SecondFactorStatus
	// Languages are the ones the writer may read the admin in; Chosen
	// is theirs, "" for the site's.
	Languages []locale.Choice
	Chosen    string
}

func (s *Server) profilePage(w http.ResponseWriter, r *http.Request, status int, p profilePage) error {
	u := currentUser(r)
	p.adminBase = s.adminBase(r, s.say(r, "title_profile"), "profile")
	if p.Errors == nil {
		p.Form = blog.ProfileInput{Name: u.Name, Email: u.Email, Bio: u.Bio, Language: &u.Language}
	}
	var err error
	if p.Sessions, err = s.accounts.Sessions(r.Context(), u, sessionToken(r)); err != nil {
		return err
	}
	if p.Factors, err = s.accounts.SecondFactors(r.Context(), u.ID); err != nil {
		return err
	}
	p.Languages = s.theme.Words().Choices()
	if p.Form.Language != nil {
		p.Chosen = *p.Form.Language
	}
	p.Flash = s.flashText(r, r.URL.Query().Get("done"))
	p.Saved = p.Flash != ""
	return s.render(w, status, "admin/profile", p)
}

// sessionToken is the token of the request's session cookie.
func sessionToken(r *http.Request) string {
	if c, err := r.Cookie(sessionCookie); err == nil {
		return c.Value
	}
	return ""
}

func (s *Server) adminProfileShow(w http.ResponseWriter, r *http.Request) error {
	return s.profilePage(w, r, http.StatusOK, profilePage{})
}

func (s *Server) adminProfileUpdate(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	lang := r.PostFormValue("language")
	in := blog.ProfileInput{Name: r.PostFormValue("name"), Email: r.PostFormValue("email"), Bio: r.PostFormValue("bio"), Language: &lang}
	if _, err := s.accounts.UpdateProfile(r.Context(), u, u.ID, in); err != nil {
		errs, err := s.formErrors(r, err)
		if err != nil {
			return err
		}
		return s.profilePage(w, r, http.StatusUnprocessableEntity, profilePage{Errors: errs, Form: in})
	}
	http.Redirect(w, r, "/admin/profile?done=profile", http.StatusSeeOther)
	return nil
}

// adminProfilePassword changes the writer's password; every session
// ends, and this browser is signed in again.
func (s *Server) adminProfilePassword(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if err := s.accounts.ChangePassword(r.Context(), u, r.PostFormValue("current_password"), r.PostFormValue("new_password")); err != nil {
		errs, err := s.formErrors(r, err)
		if err != nil {
			return err
		}
		if msg, ok := errs["password"]; ok {
			errs["new_password"] = msg
			delete(errs, "password")
		}
		return s.profilePage(w, r, http.StatusUnprocessableEntity, profilePage{Errors: errs, Form: blog.ProfileInput{Name: u.Name, Email: u.Email, Bio: u.Bio, Language: &u.Language}})
	}
	return s.signIn(w, r, u, "/admin/profile?done=password")
}

// adminProfileSessions signs the writer out everywhere else.
func (s *Server) adminProfileSessions(w http.ResponseWriter, r *http.Request) error {
	if err := s.accounts.EndOtherSessions(r.Context(), currentUser(r), sessionToken(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/profile?done=signed-out-elsewhere#sessions", http.StatusSeeOther)
	return nil
}

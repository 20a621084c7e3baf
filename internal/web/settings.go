package web

import (
	"net/http"
	"time"

	"folio/internal/blog"
)

type settingsPage struct {
	adminBase
	Errors
	Form    map[string]string
	Example string // the date layout applied to a sample date
}

func (s *Server) settingsPage(r *http.Request, form map[string]string, errs Errors) settingsPage {
	p := settingsPage{adminBase: s.adminBase(r, "Settings", "settings"), Errors: errs, Form: form}
	p.Example = blog.FormatDate(time.Date(2015, 11, 28, 15, 4, 0, 0, time.UTC), form["date_layout"])
	return p
}

func (s *Server) adminSettingsShow(w http.ResponseWriter, r *http.Request) error {
	if !currentUser(r).CanManageSite() {
		return blog.ErrForbidden
	}
	p := s.settingsPage(r, s.site.Settings().Values(), nil)
	p.Flash = flashText(r.URL.Query().Get("done"))
	return s.render(w, http.StatusOK, "admin/settings", p)
}

func (s *Server) adminSettingsUpdate(w http.ResponseWriter, r *http.Request) error {
	in := blog.SettingsInput{}
	for k := range s.site.Settings().Values() {
		if vals, ok := r.PostForm[k]; ok {
			// A checkbox posts a hidden "false" and, when ticked, "true".
			in[k] = vals[len(vals)-1]
		}
	}
	if in["smtp_password"] == "" {
		delete(in, "smtp_password")
	}
	if _, err := s.site.SaveSettings(r.Context(), currentUser(r), in); err != nil {
		errs, err := formErrors(err)
		if err != nil {
			return err
		}
		form := s.site.Settings().Values()
		for k, v := range in {
			form[k] = v
		}
		form["smtp_password"] = ""
		return s.render(w, http.StatusUnprocessableEntity, "admin/settings", s.settingsPage(r, form, errs))
	}
	http.Redirect(w, r, "/admin/settings?done=settings", http.StatusSeeOther)
	return nil
}

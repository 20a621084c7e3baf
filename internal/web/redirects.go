package web

import (
	"net/http"
	"strconv"

	"folio/internal/blog"
)

type redirectsPage struct {
	adminBase
	Errors
	Addresses *blog.AddressPage // kept automatically
	Redirects []blog.Redirect   // made by hand
	From, To  string
}

func (s *Server) redirectsPage(w http.ResponseWriter, r *http.Request, status int, from, to string, errs Errors) error {
	list, err := s.site.Redirects(r.Context(), currentUser(r))
	if err != nil {
		return err
	}
	n, _ := strconv.Atoi(r.URL.Query().Get("page"))
	addresses, err := s.site.Addresses(r.Context(), currentUser(r), n)
	if err != nil {
		return err
	}
	p := redirectsPage{adminBase: s.adminBase(r, s.say(r, "title_redirects"), "redirects"), Errors: errs, Addresses: addresses, Redirects: list, From: from, To: to}
	p.Flash = s.flashText(r, r.URL.Query().Get("done"))
	return s.render(w, status, "admin/redirects", p)
}

func (s *Server) adminRedirectList(w http.ResponseWriter, r *http.Request) error {
	return s.redirectsPage(w, r, http.StatusOK, "", "", nil)
}

// adminRedirectSave adds or changes a redirect, or deletes one when the
// form's delete button names it.
func (s *Server) adminRedirectSave(w http.ResponseWriter, r *http.Request) error {
	if del := r.PostFormValue("delete"); del != "" {
		if err := s.site.DeleteRedirect(r.Context(), currentUser(r), del); err != nil {
			return err
		}
		http.Redirect(w, r, "/admin/redirects?done=redirect-deleted", http.StatusSeeOther)
		return nil
	}
	from, to := r.PostFormValue("from"), r.PostFormValue("to")
	if err := s.site.SaveRedirect(r.Context(), currentUser(r), from, to); err != nil {
		errs, err := s.formErrors(r, err)
		if err != nil {
			return err
		}
		return s.redirectsPage(w, r, http.StatusUnprocessableEntity, from, to, errs)
	}
	http.Redirect(w, r, "/admin/redirects?done=redirect", http.StatusSeeOther)
	return nil
}

package web

import (
	"folio/internal/blog"
	"net/http"
)

type categoryForm struct{ Name, Slug, Description string }

type categoriesPage struct {
	adminBase
	Errors
	Terms []blog.Term
	Form  categoryForm
}

func (s *Server) categoriesPage(w http.ResponseWriter, r *http.Request, status int, form categoryForm, errs Errors) error {
	if !currentUser(r).CanEditOthers() {
		return blog.ErrForbidden
	}
	terms, err := s.reading.Terms(r.Context(), blog.TermCategory)
	if err != nil {
		return err
	}
	p := categoriesPage{adminBase: s.adminBase(r, s.say(r, "title_categories"), "categories"), Errors: errs, Terms: terms, Form: form}
	p.Flash = s.flashText(r, r.URL.Query().Get("done"))
	return s.render(w, status, "admin/categories", p)
}

func (s *Server) adminCategoryList(w http.ResponseWriter, r *http.Request) error {
	return s.categoriesPage(w, r, http.StatusOK, categoryForm{}, nil)
}

func (s *Server) adminCategoryCreate(w http.ResponseWriter, r *http.Request) error {
	f := categoryForm{Name: r.PostFormValue("name"), Slug: r.PostFormValue("slug"), Description: r.PostFormValue("description")}
	if _, err := s.writing.CreateCategory(r.Context(), currentUser(r), f.Name, f.Slug, f.Description); err != nil {
		errs, err := s.formErrors(r, err)
		if err != nil {
			return err
		}
		return s.categoriesPage(w, r, http.StatusUnprocessableEntity, f, errs)
	}
	http.Redirect(w, r, "/admin/categories?done=category", http.StatusSeeOther)
	return nil
}

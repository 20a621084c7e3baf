package web

import (
	"net/http"
	"strings"
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
	p := categoriesPage{adminBase: s.adminBase(r, "Categories", "categories"), Errors: errs, Terms: terms, Form: form}
	p.Flash = flashText(r.URL.Query().Get("done"))
	return s.render(w, status, "admin/categories", p)
}

func (s *Server) adminCategoryList(w http.ResponseWriter, r *http.Request) error {
	return s.categoriesPage(w, r, http.StatusOK, categoryForm{}, nil)
}

func (s *Server) adminCategoryCreate(w http.ResponseWriter, r *http.Request) error {
	f := categoryForm{Name: r.PostFormValue("name"), Slug: r.PostFormValue("slug"), Description: r.PostFormValue("description")}
	if _, err := s.writing.CreateCategory(r.Context(), currentUser(r), f.Name, f.Slug, f.Description); err != nil {
		errs, err := formErrors(err)
		if err != nil {
			return err
		}
		return s.categoriesPage(w, r, http.StatusUnprocessableEntity, f, errs)
	}
	http.Redirect(w, r, "/admin/categories?done=category", http.StatusSeeOther)
	return nil
}

type usersPage struct {
	adminBase
	Errors
	Users []*blog.User
	Roles []blog.Role
	Form  blog.UserInput
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, status int, form blog.UserInput, errs Errors) error {
	if !currentUser(r).CanManageSite() {
		return blog.ErrForbidden
	}
	users, err := s.accounts.Users(r.Context())
	if err != nil {
		return err
	}
	form.Password = ""
	if form.Role == "" {
		form.Role = blog.RoleAuthor
	}
	p := usersPage{adminBase: s.adminBase(r, "Users", "users"), Errors: errs, Users: users, Form: form,
		Roles: []blog.Role{blog.RoleAuthor, blog.RoleEditor, blog.RoleAdmin}}
	p.Flash = flashText(r.URL.Query().Get("done"))
	return s.render(w, status, "admin/users", p)
}

func (s *Server) adminUserList(w http.ResponseWriter, r *http.Request) error {
	return s.usersPage(w, r, http.StatusOK, blog.UserInput{}, nil)
}

func (s *Server) adminUserCreate(w http.ResponseWriter, r *http.Request) error {
	in := blog.UserInput{Name: r.PostFormValue("name"), Email: r.PostFormValue("email"),
		Role: blog.Role(strings.TrimSpace(r.PostFormValue("role"))), Password: r.PostFormValue("password")}
	if _, err := s.accounts.CreateUser(r.Context(), currentUser(r), in); err != nil {
		errs, err := formErrors(err)
		if err != nil {
			return err
		}
		return s.usersPage(w, r, http.StatusUnprocessableEntity, in, errs)
	}
	http.Redirect(w, r, "/admin/users?done=user", http.StatusSeeOther)
	return nil
}

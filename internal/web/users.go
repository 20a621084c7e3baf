package web

import (
	"folio/internal/blog"
	"net/http"
	"strings"
)

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

package web

import (
	"net/http"
	"strconv"
	"strings"

	"folio/internal/blog"
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
	p := usersPage{adminBase: s.adminBase(r, s.say(r, "title_users"), "users"), Errors: errs, Users: users, Form: form,
		Roles: []blog.Role{blog.RoleAuthor, blog.RoleEditor, blog.RoleAdmin}}
	p.Flash = s.flashText(r, r.URL.Query().Get("done"))
	return s.render(w, status, "admin/users", p)
}

func (s *Server) adminUserList(w http.ResponseWriter, r *http.Request) error {
	return s.usersPage(w, r, http.StatusOK, blog.UserInput{}, nil)
}

func (s *Server) adminUserCreate(w http.ResponseWriter, r *http.Request) error {
	in := blog.UserInput{Name: r.PostFormValue("name"), Email: r.PostFormValue("email"),
		Role: blog.Role(strings.TrimSpace(r.PostFormValue("role"))), Password: r.PostFormValue("password")}
	if _, err := s.accounts.CreateUser(r.Context(), currentUser(r), in); err != nil {
		errs, err := s.formErrors(r, err)
		if err != nil {
			return err
		}
		return s.usersPage(w, r, http.StatusUnprocessableEntity, in, errs)
	}
	http.Redirect(w, r, "/admin/users?done=user", http.StatusSeeOther)
	return nil
}

// userPage is an administrator's view of one user: their details and
// role, a reset link, deactivating, and deleting with their posts given
// to another.
type userPage struct {
	adminBase
	Errors
	Person *blog.User
	Form   blog.ProfileInput
	Roles  []blog.Role
	Heirs  []*blog.User
	// MailOn says e-mail is set up, so a reset link can be sent.
	MailOn bool
	// Factors is what second factors the person has turned on.
	Factors *blog.SecondFactorStatus
}

func (s *Server) userPage(w http.ResponseWriter, r *http.Request, status int, p userPage) error {
	actor := currentUser(r)
	if !actor.CanManageSite() {
		return blog.ErrForbidden
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return blog.ErrNotFound
	}
	users, err := s.accounts.Users(r.Context())
	if err != nil {
		return err
	}
	for _, u := range users {
		if u.ID == id {
			p.Person = u
		} else {
			p.Heirs = append(p.Heirs, u)
		}
	}
	if p.Person == nil {
		return blog.ErrNotFound
	}
	if p.Form.Name == "" {
		// Not a refused details form: the details as stored.
		p.Form = blog.ProfileInput{Name: p.Person.Name, Email: p.Person.Email, Bio: p.Person.Bio, Role: p.Person.Role}
	}
	if p.Factors, err = s.accounts.SecondFactors(r.Context(), p.Person.ID); err != nil {
		return err
	}
	p.adminBase = s.adminBase(r, p.Person.Name, "users")
	p.Roles = []blog.Role{blog.RoleAuthor, blog.RoleEditor, blog.RoleAdmin}
	p.MailOn = s.site.Settings().Discussion.EmailEnabled()
	p.Flash = s.flashText(r, r.URL.Query().Get("done"))
	p.Saved = p.Flash != ""
	return s.render(w, status, "admin/user", p)
}

func (s *Server) adminUserShow(w http.ResponseWriter, r *http.Request) error {
	return s.userPage(w, r, http.StatusOK, userPage{})
}

// userAction runs one of the user page's forms and leads back to it, or
// shows it again with the form's errors.
func (s *Server) userAction(w http.ResponseWriter, r *http.Request, done string, act func(id int64) error) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return blog.ErrNotFound
	}
	if err := act(id); err != nil {
		errs, err := s.formErrors(r, err)
		if err != nil {
			return err
		}
		form := blog.ProfileInput{Name: r.PostFormValue("name"), Email: r.PostFormValue("email"), Bio: r.PostFormValue("bio"),
			Role: blog.Role(r.PostFormValue("role"))}
		return s.userPage(w, r, http.StatusUnprocessableEntity, userPage{Errors: errs, Form: form})
	}
	to := "/admin/users/" + strconv.FormatInt(id, 10) + "?done=" + done
	if done == "user-deleted" {
		to = "/admin/users?done=" + done
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

func (s *Server) adminUserUpdate(w http.ResponseWriter, r *http.Request) error {
	return s.userAction(w, r, "user-saved", func(id int64) error {
		in := blog.ProfileInput{Name: r.PostFormValue("name"), Email: r.PostFormValue("email"), Bio: r.PostFormValue("bio"),
			Role: blog.Role(strings.TrimSpace(r.PostFormValue("role")))}
		_, err := s.accounts.UpdateProfile(r.Context(), currentUser(r), id, in)
		return err
	})
}

func (s *Server) adminUserActive(w http.ResponseWriter, r *http.Request) error {
	active := r.PostFormValue("active") == "1"
	done := "user-deactivated"
	if active {
		done = "user-activated"
	}
	return s.userAction(w, r, done, func(id int64) error {
		return s.accounts.SetActive(r.Context(), currentUser(r), id, active)
	})
}

func (s *Server) adminUserReset(w http.ResponseWriter, r *http.Request) error {
	return s.userAction(w, r, "reset-sent", func(id int64) error {
		return s.accounts.SendReset(r.Context(), currentUser(r), id, s.absURL(r, "/admin/reset"))
	})
}

func (s *Server) adminUserDelete(w http.ResponseWriter, r *http.Request) error {
	heir, _ := strconv.ParseInt(r.PostFormValue("heir"), 10, 64)
	return s.userAction(w, r, "user-deleted", func(id int64) error {
		return s.accounts.DeleteUser(r.Context(), currentUser(r), id, heir)
	})
}

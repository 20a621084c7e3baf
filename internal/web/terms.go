package web

import (
	"net/http"
	"net/url"

	"folio/internal/blog"
)

// termPage edits one tag or category: its name, slug and description,
// merging it into another, deleting it.
type termPage struct {
	adminBase
	Errors
	Term   *blog.Term
	Form   blog.TermInput
	Others []blog.Term // what it may merge into
}

// termKind reads the kind in a term screen's address.
func termKind(r *http.Request) (blog.TermKind, error) {
	switch k := blog.TermKind(r.PathValue("kind")); k {
	case blog.TermTag, blog.TermCategory:
		return k, nil
	}
	return "", blog.ErrNotFound
}

// termsAddress is the list screen of a kind of term.
func termsAddress(k blog.TermKind) string {
	if k == blog.TermTag {
		return "/admin/tags"
	}
	return "/admin/categories"
}

// termAddress is the edit screen of a term.
func termAddress(k blog.TermKind, slug string) string {
	return "/admin/terms/" + string(k) + "/" + url.PathEscape(slug)
}

func (s *Server) termPage(w http.ResponseWriter, r *http.Request, status int, p termPage) error {
	if !currentUser(r).CanEditOthers() {
		return blog.ErrForbidden
	}
	kind, err := termKind(r)
	if err != nil {
		return err
	}
	terms, err := s.reading.Terms(r.Context(), kind)
	if err != nil {
		return err
	}
	slug := r.PathValue("slug")
	for i := range terms {
		if terms[i].Slug == slug {
			p.Term = &terms[i]
		} else {
			p.Others = append(p.Others, terms[i])
		}
	}
	if p.Term == nil {
		return blog.ErrNotFound
	}
	if p.Errors == nil {
		p.Form = blog.TermInput{Name: p.Term.Name, Slug: p.Term.Slug, Description: p.Term.Description}
	}
	section := "categories"
	if kind == blog.TermTag {
		section = "tags"
	}
	p.adminBase = s.adminBase(r, p.Term.Name, section)
	p.Flash = s.flashText(r, r.URL.Query().Get("done"))
	p.Saved = p.Flash != ""
	return s.render(w, status, "admin/term", p)
}

func (s *Server) adminTermShow(w http.ResponseWriter, r *http.Request) error {
	return s.termPage(w, r, http.StatusOK, termPage{})
}

func (s *Server) adminTermUpdate(w http.ResponseWriter, r *http.Request) error {
	kind, err := termKind(r)
	if err != nil {
		return err
	}
	in := blog.TermInput{Name: r.PostFormValue("name"), Slug: r.PostFormValue("slug"), Description: r.PostFormValue("description")}
	t, err := s.writing.UpdateTerm(r.Context(), currentUser(r), kind, r.PathValue("slug"), in)
	if err != nil {
		errs, err := s.formErrors(r, err)
		if err != nil {
			return err
		}
		return s.termPage(w, r, http.StatusUnprocessableEntity, termPage{Errors: errs, Form: in})
	}
	http.Redirect(w, r, termAddress(kind, t.Slug)+"?done=term-saved", http.StatusSeeOther)
	return nil
}

func (s *Server) adminTermMerge(w http.ResponseWriter, r *http.Request) error {
	kind, err := termKind(r)
	if err != nil {
		return err
	}
	into := r.PostFormValue("into")
	if err := s.writing.MergeTerm(r.Context(), currentUser(r), kind, r.PathValue("slug"), into); err != nil {
		errs, err := s.formErrors(r, err)
		if err != nil {
			return err
		}
		return s.termPage(w, r, http.StatusUnprocessableEntity, termPage{Errors: errs})
	}
	http.Redirect(w, r, termAddress(kind, into)+"?done=term-merged", http.StatusSeeOther)
	return nil
}

func (s *Server) adminTermDelete(w http.ResponseWriter, r *http.Request) error {
	kind, err := termKind(r)
	if err != nil {
		return err
	}
	if err := s.writing.DeleteTerm(r.Context(), currentUser(r), kind, r.PathValue("slug")); err != nil {
		return err
	}
	http.Redirect(w, r, termsAddress(kind)+"?done=term-deleted", http.StatusSeeOther)
	return nil
}

// tagsPage lists the tags, each leading to its screen.
type tagsPage struct {
	adminBase
	Terms []blog.Term
}

func (s *Server) adminTagList(w http.ResponseWriter, r *http.Request) error {
	if !currentUser(r).CanEditOthers() {
		return blog.ErrForbidden
	}
	terms, err := s.reading.Terms(r.Context(), blog.TermTag)
	if err != nil {
		return err
	}
	p := tagsPage{adminBase: s.adminBase(r, s.say(r, "title_tags"), "tags"), Terms: terms}
	p.Flash = s.flashText(r, r.URL.Query().Get("done"))
	p.Saved = p.Flash != ""
	return s.render(w, http.StatusOK, "admin/tags", p)
}

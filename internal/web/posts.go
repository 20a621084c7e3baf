package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"folio/internal/blog"
)

// adminPerPage is how many rows the admin post list shows.
const adminPerPage = 25

// postListFilter is the post list's query string.
type postListFilter struct {
	Kind     string
	Status   string
	Query    string
	AuthorID int64
	Page     int
}

type postListPage struct {
	adminBase
	Filter   postListFilter
	Statuses []blog.Status
	Authors  []*blog.User
	Posts    []*blog.Post
	Total    int
	Page     int
	Pages    int
	PrevURL  string
	NextURL  string
}

// FilterURL returns the list URL with the status filter changed.
func (p postListPage) FilterURL(status blog.Status) string {
	f := p.Filter
	f.Status, f.Page = string(status), 1
	return f.url()
}

func (f postListFilter) url() string {
	v := url.Values{"kind": {f.Kind}}
	if f.Status != "" {
		v.Set("status", f.Status)
	}
	if f.Query != "" {
		v.Set("q", f.Query)
	}
	if f.AuthorID != 0 {
		v.Set("author", strconv.FormatInt(f.AuthorID, 10))
	}
	if f.Page > 1 {
		v.Set("page", strconv.Itoa(f.Page))
	}
	return "/admin/posts?" + v.Encode()
}

func (s *Server) adminPostList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := postListFilter{Kind: q.Get("kind"), Status: q.Get("status"), Query: strings.TrimSpace(q.Get("q"))}
	if !blog.Kind(f.Kind).Valid() {
		f.Kind = string(blog.KindPost)
	}
	if !blog.Status(f.Status).Valid() {
		f.Status = ""
	}
	f.AuthorID, _ = strconv.ParseInt(q.Get("author"), 10, 64)
	f.Page, _ = strconv.Atoi(q.Get("page"))
	f.Page = max(f.Page, 1)

	bf := blog.PostFilter{Kind: blog.Kind(f.Kind), Search: f.Query, AuthorID: f.AuthorID, Limit: adminPerPage, Offset: (f.Page - 1) * adminPerPage}
	if f.Status != "" {
		bf.Statuses = []blog.Status{blog.Status(f.Status)}
	} else {
		// "All" leaves the trash out, as every mail program does.
		bf.Statuses = []blog.Status{blog.StatusPublished, blog.StatusScheduled, blog.StatusDraft, blog.StatusPrivate}
	}
	u := currentUser(r)
	posts, total, err := s.writing.AdminPosts(r.Context(), u, bf)
	if err != nil {
		return err
	}
	section := f.Kind
	p := postListPage{adminBase: s.adminBase(r, strings.ToUpper(section[:1])+section[1:]+"s", section),
		Filter: f, Statuses: blog.Statuses(), Posts: posts, Total: total, Page: f.Page,
		Pages: max(1, (total+adminPerPage-1)/adminPerPage)}
	p.Flash = flashText(q.Get("done"))
	if u.CanEditOthers() {
		if p.Authors, err = s.accounts.Users(r.Context()); err != nil {
			return err
		}
	}
	if f.Page > 1 {
		prev := f
		prev.Page--
		p.PrevURL = prev.url()
	}
	if f.Page < p.Pages {
		next := f
		next.Page++
		p.NextURL = next.url()
	}
	return s.render(w, http.StatusOK, "admin/posts", p)
}

func (s *Server) postParam(r *http.Request) (*blog.Post, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, blog.ErrNotFound
	}
	return s.writing.Post(r.Context(), currentUser(r), id)
}

func (s *Server) adminPostTrash(w http.ResponseWriter, r *http.Request) error {
	return s.postAction(w, r, s.writing.Trash, "trashed")
}

func (s *Server) adminPostRestore(w http.ResponseWriter, r *http.Request) error {
	return s.postAction(w, r, s.writing.Restore, "restored")
}

func (s *Server) adminPostDelete(w http.ResponseWriter, r *http.Request) error {
	return s.postAction(w, r, s.writing.DeleteForever, "deleted")
}

// postAction runs a trash, restore or delete and returns to the list the
// item was in.
func (s *Server) postAction(w http.ResponseWriter, r *http.Request, act func(context.Context, *blog.User, int64) error, done string) error {
	p, err := s.postParam(r)
	if err != nil {
		return err
	}
	if err := act(r.Context(), currentUser(r), p.ID); err != nil {
		return err
	}
	status := ""
	if done == "deleted" {
		status = "&status=trash"
	}
	http.Redirect(w, r, "/admin/posts?kind="+string(p.Kind)+status+"&done="+done, http.StatusSeeOther)
	return nil
}

func (s *Server) adminTrashEmpty(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.writing.EmptyTrash(r.Context(), currentUser(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/posts?kind=post&done=emptied", http.StatusSeeOther)
	return nil
}

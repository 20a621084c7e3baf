package web

import (
	"context"
	"errors"
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
	Category string // slug
	Tag      string // slug
	Page     int
}

type postListPage struct {
	adminBase
	Errors
	Filter     postListFilter
	Statuses   []blog.Status
	Authors    []*blog.User
	Categories []blog.Term
	Posts      []*blog.Post
	Total      int
	Page       int
	Pages      int
	PrevURL    string
	NextURL    string
}

// FilterURL returns the list URL with the status filter changed.
func (p postListPage) FilterURL(status blog.Status) string {
	f := p.Filter
	f.Status, f.Page = string(status), 1
	return f.url()
}

// BackURL is this list as it is, for a bulk action to return to.
func (p postListPage) BackURL() string { return p.Filter.url() }

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
	if f.Category != "" {
		v.Set("category", f.Category)
	}
	if f.Tag != "" {
		v.Set("tag", f.Tag)
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
	f.Category, f.Tag = strings.TrimSpace(q.Get("category")), blog.Slugify(q.Get("tag"))
	f.Page, _ = strconv.Atoi(q.Get("page"))
	f.Page = max(f.Page, 1)

	bf := blog.PostFilter{Kind: blog.Kind(f.Kind), Search: f.Query, AuthorID: f.AuthorID, Limit: adminPerPage, Offset: (f.Page - 1) * adminPerPage,
		ByMenuOrder: f.Kind == string(blog.KindPage)}
	for kind, slug := range map[blog.TermKind]string{blog.TermCategory: f.Category, blog.TermTag: f.Tag} {
		if slug == "" {
			continue
		}
		t, err := s.reading.Term(r.Context(), kind, slug)
		if errors.Is(err, blog.ErrNotFound) {
			bf.TermID = -1 // nothing has it
			continue
		}
		if err != nil {
			return err
		}
		if bf.TermID == 0 {
			bf.TermID = t.ID
		} else {
			bf.AlsoTermID = t.ID
		}
	}
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
	p := postListPage{adminBase: s.adminBase(r, s.say(r, kindText(section, "title_posts", "title_pages")), section),
		Filter: f, Statuses: blog.Statuses(), Posts: posts, Total: total, Page: f.Page,
		Pages: max(1, (total+adminPerPage-1)/adminPerPage)}
	p.Flash = s.flashText(r, q.Get("done"))
	if n, err := strconv.Atoi(q.Get("changed")); err == nil {
		p.Flash = s.say(r, "flash_changed", "Count", n)
	}
	p.Saved = p.Flash != ""
	if p.Categories, err = s.reading.TermNames(r.Context(), blog.TermCategory); err != nil {
		return err
	}
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

// adminPostBulk applies the bulk action chosen to the items ticked, in
// one transaction, and returns to the list.
func (s *Server) adminPostBulk(w http.ResponseWriter, r *http.Request) error {
	var ids []int64
	for _, v := range r.PostForm["ids"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	back := r.PostFormValue("back")
	if !strings.HasPrefix(back, "/admin/posts?") {
		back = "/admin/posts?kind=post"
	}
	action := blog.BulkAction(r.PostFormValue("bulk"))
	if len(ids) == 0 || action == "" {
		// Nothing asked for: back to the list, which says how.
		http.Redirect(w, r, back+"&done=bulk-none", http.StatusSeeOther)
		return nil
	}
	n, err := s.writing.Bulk(r.Context(), currentUser(r), ids, action, r.PostFormValue("term"))
	if err != nil {
		errs, ferr := s.formErrors(r, err)
		if ferr != nil {
			return ferr
		}
		var msgs []string
		for _, m := range errs {
			msgs = append(msgs, m)
		}
		s.errorPage(w, r, http.StatusUnprocessableEntity, s.say(r, "nothing_changed"), s.say(r, "bulk_refused", "Why", strings.Join(msgs, " ")))
		return nil
	}
	http.Redirect(w, r, back+"&changed="+strconv.Itoa(n), http.StatusSeeOther)
	return nil
}

package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"folio/internal/blog"
	"folio/internal/diff"
)

// revisionPage compares a saved version of a post with the post as it
// is, field by field, and offers to restore it.
type revisionPage struct {
	adminBase
	Post     *blog.Post
	Revision *blog.Revision
	Fields   []fieldDiff
	// Newer and Older are the neighbouring revisions, 0 for none.
	Newer, Older int64
}

// fieldDiff is one field of a comparison: what the revision had, struck
// out, and what the post has now, inserted.
type fieldDiff struct {
	Name    string
	Changed bool
	HTML    template.HTML
}

// sourceText is a post's source as one text, for comparing.
func sourceText(s blog.Source) string {
	return strings.TrimSpace(strings.Join([]string{s.URL, s.Title, s.Site}, "\n"))
}

// revisionParams reads a revision screen's address: the post, and the
// revision's ID.
func (s *Server) revisionParams(r *http.Request) (*blog.Post, int64, error) {
	p, err := s.postParam(r)
	if err != nil {
		return nil, 0, err
	}
	id, err := strconv.ParseInt(r.PathValue("rev"), 10, 64)
	if err != nil {
		return nil, 0, blog.ErrNotFound
	}
	return p, id, nil
}

func (s *Server) adminRevisionShow(w http.ResponseWriter, r *http.Request) error {
	p, id, err := s.revisionParams(r)
	if err != nil {
		return err
	}
	u := currentUser(r)
	rev, err := s.writing.Revision(r.Context(), u, p.ID, id)
	if err != nil {
		return err
	}
	all, err := s.writing.Revisions(r.Context(), u, p.ID)
	if err != nil {
		return err
	}
	page := revisionPage{adminBase: s.adminBase(r, s.say(r, "title_revision_of", "Title", s.writerLang(r).Quote(p.Title)), string(p.Kind)), Post: p, Revision: rev}
	for i, x := range all { // newest first
		if x.ID == rev.ID {
			if i > 0 {
				page.Newer = all[i-1].ID
			}
			if i+1 < len(all) {
				page.Older = all[i+1].ID
			}
		}
	}
	for _, f := range []struct{ name, was, now string }{
		{page.L.T("title"), rev.Title, p.Title},
		{page.L.T("lede"), rev.Lede, p.Lede},
		{page.L.T("field_source"), sourceText(rev.Source), sourceText(p.Source)},
		{page.L.T("text"), rev.Body, p.Body},
	} {
		parts := diff.Words(f.was, f.now)
		page.Fields = append(page.Fields, fieldDiff{Name: f.name, Changed: diff.Changed(parts), HTML: diff.HTML(parts)})
	}
	return s.render(w, http.StatusOK, "admin/revision", page)
}

// adminRevisionRestore puts a revision's words back into its post, as a
// new save.
func (s *Server) adminRevisionRestore(w http.ResponseWriter, r *http.Request) error {
	p, id, err := s.revisionParams(r)
	if err != nil {
		return err
	}
	if _, err := s.writing.RestoreRevision(r.Context(), currentUser(r), p.ID, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/posts/"+strconv.FormatInt(p.ID, 10)+"?done=revision-restored", http.StatusSeeOther)
	return nil
}

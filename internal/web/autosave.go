package web

import (
	"net/http"
	"strconv"
	"time"

	"folio/internal/blog"
)

// adminAutosave keeps what the editor holds, every AutosaveInterval
// while the writer types: for a new post it first saves a draft, and
// answers with its ID and editor address, so the editor goes on there.
func (s *Server) adminAutosave(w http.ResponseWriter, r *http.Request) error {
	var id int64
	if v := r.PathValue("id"); v != "" {
		var err error
		if id, err = strconv.ParseInt(v, 10, 64); err != nil {
			return blog.ErrNotFound
		}
	}
	_, in, _ := parsePostForm(r, s.site.Settings().Location())
	in.LoadedAt, in.RequireAlt = time.Time{}, false
	id, err := s.writing.Autosave(r.Context(), currentUser(r), id, in)
	if err != nil {
		errs, ferr := s.formErrors(r, err)
		if ferr != nil {
			return ferr
		}
		return writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"errors": errs})
	}
	edit := "/admin/posts/" + strconv.FormatInt(id, 10)
	return writeJSON(w, http.StatusOK, map[string]any{"id": id, "edit": edit, "action": edit,
		"saved_at": s.site.Now().In(s.site.Settings().Location()).Format("15:04")})
}

// editingNote tells who else has a post open, as the editor shows it.
type editingNote struct {
	Name  string `json:"name"`
	Since string `json:"since"`
}

// editingNotes turns the other sessions with a post open into notes.
func (s *Server) editingNotes(others []blog.Editing) []editingNote {
	loc := s.site.Settings().Location()
	out := []editingNote{}
	for _, e := range others {
		out = append(out, editingNote{Name: e.UserName, Since: e.Since.In(loc).Format("15:04")})
	}
	return out
}

// adminEditing renews the mark that this browser has the post open and
// answers who else has.
func (s *Server) adminEditing(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return blog.ErrNotFound
	}
	others, err := s.writing.OpenEditor(r.Context(), currentUser(r), id, sessionToken(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"others": s.editingNotes(others)})
}

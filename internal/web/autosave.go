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
		errs, ferr := formErrors(err)
		if ferr != nil {
			return ferr
		}
		return writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"errors": errs})
	}
	edit := "/admin/posts/" + strconv.FormatInt(id, 10)
	return writeJSON(w, http.StatusOK, map[string]any{"id": id, "edit": edit, "action": edit,
		"saved_at": s.site.Now().In(s.site.Settings().Location()).Format("15:04")})
}

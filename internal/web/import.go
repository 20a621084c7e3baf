package web

import (
	"errors"
	"net/http"
	"time"

	"folio/internal/blog"
	"folio/internal/wordpress"
)

// maxImportBytes bounds an uploaded export; larger sites import with the
// command line.
const maxImportBytes = 512 << 20

// importTimeout is how long one upload and import may take.
const importTimeout = 30 * time.Minute

type importRow struct {
	Kind             string
	Created, Updated int
}

type importPage struct {
	adminBase
	DryRun bool
	Error  string
	Done   bool
	Rows   []importRow
	Notes  []string
}

func (s *Server) adminImportShow(w http.ResponseWriter, r *http.Request) error {
	if !currentUser(r).CanManageSite() {
		return blog.ErrForbidden
	}
	return s.render(w, http.StatusOK, "admin/import", importPage{adminBase: s.adminBase(r, "Import", "import"), DryRun: true})
}

// adminImportRun imports an uploaded WordPress export (or, ticked, only
// reports what it would do) and shows the report.
func (s *Server) adminImportRun(w http.ResponseWriter, r *http.Request) error {
	if !currentUser(r).CanManageSite() {
		return blog.ErrForbidden
	}
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Now().Add(importTimeout))
	rc.SetWriteDeadline(time.Now().Add(importTimeout))
	p := importPage{adminBase: s.adminBase(r, "Import", "import"), DryRun: r.PostFormValue("dry_run") != ""}
	file, _, err := r.FormFile("file")
	if err != nil {
		p.Error = "Choose the export file WordPress made (Tools → Export → All content)."
		return s.render(w, http.StatusUnprocessableEntity, "admin/import", p)
	}
	defer file.Close()
	rep, err := wordpress.Import(r.Context(), s.moving, currentUser(r), file, wordpress.Options{DryRun: p.DryRun})
	var se *wordpress.SyntaxError
	switch {
	case errors.As(err, &se), errors.Is(err, wordpress.ErrNotWXR):
		p.Error = err.Error() + ". Nothing was imported."
		return s.render(w, http.StatusUnprocessableEntity, "admin/import", p)
	case err != nil:
		return err
	}
	p.Done, p.Notes = true, rep.Notes
	for _, k := range rep.Kinds() {
		p.Rows = append(p.Rows, importRow{Kind: k, Created: rep.Created[k], Updated: rep.Updated[k]})
	}
	return s.render(w, http.StatusOK, "admin/import", p)
}

package web

import (
	"errors"
	"fmt"
	"io"
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
	return s.render(w, http.StatusOK, "admin/import", importPage{adminBase: s.adminBase(r, s.say(r, "title_import"), "import"), DryRun: true})
}

// maxImportParts bounds the parts of an import form: it has three.
const maxImportParts = 8

// adminImportRun imports an uploaded WordPress export (or, ticked, only
// reports what it would do) and shows the report. The upload is read as
// a stream, under a deadline of its own: the CSRF token and the dry-run
// box come first in the form, and the file goes straight into the
// import, so a large file over a slow line is neither held in memory nor
// cut off by the server's usual read timeout.
func (s *Server) adminImportRun(w http.ResponseWriter, r *http.Request) error {
	if !currentUser(r).CanManageSite() {
		return blog.ErrForbidden
	}
	rc := http.NewResponseController(w)
	if err := errors.Join(rc.SetReadDeadline(time.Now().Add(importTimeout)), rc.SetWriteDeadline(time.Now().Add(importTimeout))); err != nil {
		return fmt.Errorf("give the upload time: %w", err)
	}
	p := importPage{adminBase: s.adminBase(r, s.say(r, "title_import"), "import")}
	refuse := func(id string) error {
		p.Error = s.say(r, id)
		return s.render(w, http.StatusUnprocessableEntity, "admin/import", p)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return refuse("import_not_form")
	}
	var token string
	for n := 0; n < maxImportParts; n++ {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return err
		}
		if err != nil {
			return refuse("import_cut_short")
		}
		switch part.FormName() {
		case "csrf_token":
			token = smallValue(part)
		case "dry_run":
			p.DryRun = smallValue(part) != ""
		case "file":
			if err := s.checkCSRF(r, token); err != nil {
				return err
			}
			if part.FileName() == "" {
				return refuse("import_choose_file")
			}
			return s.importReport(w, r, &p, part)
		}
	}
	return refuse("import_choose_file")
}

// smallValue reads a form field that holds a short value.
func smallValue(r io.Reader) string {
	b, _ := io.ReadAll(io.LimitReader(r, 256))
	return string(b)
}

// importReport imports file and shows the report, or why nothing was
// imported.
func (s *Server) importReport(w http.ResponseWriter, r *http.Request, p *importPage, file io.Reader) error {
	rep, err := wordpress.Import(r.Context(), s.moving, currentUser(r), file, wordpress.Options{DryRun: p.DryRun})
	var se *wordpress.SyntaxError
	var item *blog.ItemError
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return err
	case errors.As(err, &se), errors.Is(err, wordpress.ErrNotWXR), errors.As(err, &item):
		p.Error = s.say(r, "import_failed", "Why", err.Error())
		return s.render(w, http.StatusUnprocessableEntity, "admin/import", *p)
	case err != nil:
		return err
	}
	p.Done, p.Notes = true, blog.Say(rep.Notes, s.theme.Words(), s.writerLang(r).Tag())
	for _, k := range rep.Kinds() {
		p.Rows = append(p.Rows, importRow{Kind: k, Created: rep.Created[k], Updated: rep.Updated[k]})
	}
	return s.render(w, http.StatusOK, "admin/import", *p)
}

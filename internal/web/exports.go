package web

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"folio/internal/blog"
	"folio/internal/export"
	"folio/internal/wordpress"
)

// exportPage offers the site to take away: as a WordPress export, as
// Markdown, and as a backup.
type exportPage struct {
	adminBase
	CanBackUp bool
}

func (s *Server) adminExportShow(w http.ResponseWriter, r *http.Request) error {
	if !currentUser(r).CanManageSite() {
		return blog.ErrForbidden
	}
	return s.render(w, http.StatusOK, "admin/export", exportPage{adminBase: s.adminBase(r, s.say(r, "title_export"), "export"), CanBackUp: s.backup != nil})
}

// download names the file a response is saved as.
func download(w http.ResponseWriter, name, typ string) {
	w.Header().Set("Content-Type", typ)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
}

// stamp is today's date for a file name.
func (s *Server) stamp() string {
	return s.site.Now().In(s.site.Settings().Location()).Format("2006-01-02")
}

// adminExportWordPress sends the whole site as a WXR file WordPress
// imports.
func (s *Server) adminExportWordPress(w http.ResponseWriter, r *http.Request) error {
	all, err := s.moving.Export(r.Context(), currentUser(r))
	if err != nil {
		return err
	}
	download(w, "folio-"+s.stamp()+".xml", "application/xml")
	return wordpress.Export(w, all, s.site.Settings(), s.absURL(r, ""))
}

// adminExportMarkdown sends the site as Hugo-compatible Markdown in a
// zip file, pictures included.
func (s *Server) adminExportMarkdown(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	all, err := s.moving.Export(ctx, currentUser(r))
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "folio-export-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if _, err := export.Markdown(dir, all, s.site.Settings(), func(m *blog.Media) ([]byte, error) {
		_, data, err := s.library.Copy(ctx, m.Key, 0)
		return data, err
	}); err != nil {
		return err
	}
	download(w, "folio-"+s.stamp()+"-markdown.zip", "application/zip")
	return zipTree(w, dir)
}

// zipTree writes the files under dir as a zip archive.
func zipTree(w io.Writer, dir string) error {
	zw := zip.NewWriter(w)
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		out, err := zw.Create(filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		_, err = io.Copy(out, f)
		return err
	})
	if err != nil {
		return err
	}
	return zw.Close()
}

// adminBackupCreate takes a backup of the whole site, read in one
// snapshot while it keeps serving, and sends it.
func (s *Server) adminBackupCreate(w http.ResponseWriter, r *http.Request) error {
	if !currentUser(r).CanManageSite() {
		return blog.ErrForbidden
	}
	if s.backup == nil {
		return blog.ErrNotFound
	}
	rc := http.NewResponseController(w)
	if err := errors.Join(rc.SetWriteDeadline(time.Now().Add(importTimeout))); err != nil {
		return fmt.Errorf("give the backup time: %w", err)
	}
	download(w, "folio-"+s.stamp()+".folio.gz", "application/gzip")
	return s.backup(r.Context(), w)
}

// Backup writes the site's backup archive to w; the command line wires
// it to the store.
type Backup func(ctx context.Context, w io.Writer) error

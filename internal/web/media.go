package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"folio/internal/blog"
)

// picturePrefix starts the addresses of the library's copies.
const picturePrefix = "/media/"

// mediaPerPage is how many items a page of the library shows.
const mediaPerPage = 30

// maxMediaParts bounds the parts of one upload form: the token, and
// files.
const maxMediaParts = 64

// mediaTimeout is how long an upload may take to arrive.
const mediaTimeout = 10 * time.Minute

// maxMediaBody bounds one upload form, several files in it; each file is
// bounded by the media_max_mb setting.
const maxMediaBody = 1 << 30

// pictureShow serves a copy of a library item: upright, without
// metadata, at an address named by the original's content, so it never
// changes and browsers keep it for a year.
func (s *Server) pictureShow(w http.ResponseWriter, r *http.Request) error {
	key, width, ok := blog.ParseMediaPath(r.URL.Path)
	if !ok {
		return blog.ErrNotFound
	}
	m, data, err := s.library.Copy(r.Context(), key, width)
	if err != nil {
		return err
	}
	ws := m.Widths()
	if width == 0 {
		width = ws[len(ws)-1]
	}
	if r.URL.Path != m.SizeURL(width) {
		return blog.ErrNotFound // one address per copy
	}
	showsTo(w, Shows{Known: true, Media: m.Key})
	h := w.Header()
	h.Set("Content-Type", m.CopyType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", `"`+m.Key+"-"+strconv.Itoa(width)+`"`)
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Last-Modified", m.CreatedAt.UTC().Format(http.TimeFormat))
	h.Set("Content-Length", strconv.Itoa(len(data)))
	if r.Method == http.MethodHead {
		return nil
	}
	_, err = w.Write(data)
	return err
}

// mediaPage is the library: an upload form and the items, newest first.
type mediaPage struct {
	adminBase
	Items    []*blog.Media
	Query    string
	Unused   bool
	Page     int
	Pages    int
	Total    int
	Failures []uploadFailure // files an upload refused
	Uploaded []*blog.Media   // and those it took, beside them
	MaxMB    int
}

// uploadFailure is one file an upload refused, and why.
type uploadFailure struct {
	Name, Reason string
}

func (p mediaPage) PageURL(n int) string {
	q := url.Values{}
	if p.Query != "" {
		q.Set("q", p.Query)
	}
	if p.Unused {
		q.Set("unused", "1")
	}
	if n > 1 {
		q.Set("page", strconv.Itoa(n))
	}
	if len(q) == 0 {
		return "/admin/media"
	}
	return "/admin/media?" + q.Encode()
}

func (s *Server) mediaPage(w http.ResponseWriter, r *http.Request, status int, p mediaPage) error {
	q := r.URL.Query()
	p.adminBase = s.adminBase(r, s.say(r, "title_media"), "media")
	p.Query, p.Unused = strings.TrimSpace(q.Get("q")), q.Get("unused") != ""
	p.Page, _ = strconv.Atoi(q.Get("page"))
	p.Page = max(p.Page, 1)
	p.MaxMB = s.site.Settings().MediaMaxMB
	items, total, err := s.library.List(r.Context(), currentUser(r), blog.MediaFilter{Query: p.Query, Unused: p.Unused,
		Limit: mediaPerPage, Offset: (p.Page - 1) * mediaPerPage})
	if err != nil {
		return err
	}
	p.Items, p.Total, p.Pages = items, total, max(1, (total+mediaPerPage-1)/mediaPerPage)
	p.Flash = s.flashText(r, q.Get("done"))
	p.Saved = p.Flash != ""
	return s.render(w, status, "admin/media", p)
}

func (s *Server) adminMediaList(w http.ResponseWriter, r *http.Request) error {
	return s.mediaPage(w, r, http.StatusOK, mediaPage{})
}

// adminMediaUpload takes the files of an upload form, streamed: each is
// checked and stored as it arrives. One file leads to its page, several
// to the library; the editor, asking for JSON, gets the item's Markdown.
// Refused files are listed with the reason, and the others kept.
func (s *Server) adminMediaUpload(w http.ResponseWriter, r *http.Request) error {
	wantsJSON := strings.Contains(r.Header.Get("Accept"), "application/json")
	rc := http.NewResponseController(w)
	if err := errors.Join(rc.SetReadDeadline(time.Now().Add(mediaTimeout)), rc.SetWriteDeadline(time.Now().Add(mediaTimeout))); err != nil {
		return fmt.Errorf("give the upload time: %w", err)
	}
	actor := currentUser(r)
	limit := int64(s.site.Settings().MediaMaxMB) << 20
	mr, err := r.MultipartReader()
	if err != nil {
		return s.uploadRefused(w, r, wantsJSON, http.StatusBadRequest, nil,
			[]uploadFailure{{Reason: s.say(r, "upload_not_form")}})
	}
	var token string
	var took []*blog.Media
	var failed []uploadFailure
	status := http.StatusUnprocessableEntity
	for n := 0; n < maxMediaParts; n++ {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return err
		}
		if err != nil {
			failed = append(failed, uploadFailure{Reason: s.say(r, "upload_cut_short")})
			break
		}
		switch part.FormName() {
		case "csrf_token":
			token = smallValue(part)
		case "file":
			if err := s.checkCSRF(r, token); err != nil {
				return err
			}
			name := part.FileName()
			if name == "" {
				continue // the form's empty file input
			}
			data, err := io.ReadAll(io.LimitReader(part, limit+1))
			if err != nil {
				if errors.As(err, &tooLarge) {
					return err
				}
				failed = append(failed, uploadFailure{name, s.say(r, "upload_file_cut_short")})
				continue
			}
			if int64(len(data)) > limit {
				status = http.StatusRequestEntityTooLarge
				failed = append(failed, uploadFailure{name, s.say(r, "upload_file_too_large", "Limit", limit>>20)})
				continue
			}
			m, err := s.library.Upload(r.Context(), actor, name, data)
			var v *blog.ValidationError
			if errors.As(err, &v) {
				failed = append(failed, uploadFailure{name, v.Fields["file"].In(s.theme.Words(), s.writerLang(r).Tag())})
				continue
			}
			if err != nil {
				return err
			}
			took = append(took, m)
		}
	}
	if token == "" {
		if err := s.checkCSRF(r, token); err != nil {
			return err
		}
	}
	if len(failed) > 0 || len(took) == 0 {
		if len(failed) == 0 {
			failed = []uploadFailure{{Reason: s.say(r, "upload_choose")}}
		}
		return s.uploadRefused(w, r, wantsJSON, status, took, failed)
	}
	if wantsJSON {
		return writeJSON(w, http.StatusCreated, uploadAnswer(took[0]))
	}
	if len(took) == 1 {
		http.Redirect(w, r, "/admin/media/"+strconv.FormatInt(took[0].ID, 10)+"?done=uploaded", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/admin/media?done=uploaded-several", http.StatusSeeOther)
	return nil
}

// uploadAnswer is what the editor gets for an uploaded picture.
func uploadAnswer(m *blog.Media) map[string]any {
	return map[string]any{"id": m.ID, "url": m.URL(), "markdown": m.Markdown(), "page": "/admin/media/" + strconv.FormatInt(m.ID, 10),
		"width": m.Width, "height": m.Height, "alt": m.Alt}
}

// uploadRefused answers an upload some of whose files were refused.
func (s *Server) uploadRefused(w http.ResponseWriter, r *http.Request, wantsJSON bool, status int, took []*blog.Media, failed []uploadFailure) error {
	if wantsJSON {
		return writeJSON(w, status, map[string]any{"error": failed[0].Reason, "file": failed[0].Name})
	}
	return s.mediaPage(w, r, status, mediaPage{Failures: failed, Uploaded: took})
}

// writeJSON answers with v as JSON, never cached.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// picturePage shows one library item: the picture, its sizes, where it
// is used, its alt text and caption, and the Markdown to paste.
type picturePage struct {
	adminBase
	Errors
	Item    *blog.Media
	Uses    []*blog.Post
	InUse   []*blog.Post // published items that stop a delete
	Alt     string
	Caption string
}

// Sizes lists the item's copies, narrowest first.
func (p picturePage) Sizes() []pictureSize {
	var out []pictureSize
	for _, w := range p.Item.Widths() {
		out = append(out, pictureSize{Width: w, Height: p.Item.HeightAt(w), URL: p.Item.SizeURL(w)})
	}
	return out
}

// SizeText is the original's size in bytes, for people.
func (p picturePage) SizeText() string { return sizeText(p.Item.Size) }

// pictureSize is one copy of an item.
type pictureSize struct {
	Width, Height int
	URL           string
}

func (s *Server) picturePage(w http.ResponseWriter, r *http.Request, status int, p picturePage) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return blog.ErrNotFound
	}
	m, err := s.library.Item(r.Context(), currentUser(r), id)
	if err != nil {
		return err
	}
	uses, err := s.library.Uses(r.Context(), currentUser(r), id)
	if err != nil {
		return err
	}
	p.adminBase = s.adminBase(r, m.FileName, "media")
	p.Item, p.Uses = m, uses
	if p.Errors == nil {
		p.Alt, p.Caption = m.Alt, m.Caption
	}
	p.Flash = s.flashText(r, r.URL.Query().Get("done"))
	p.Saved = p.Flash != ""
	return s.render(w, status, "admin/picture", p)
}

func (s *Server) adminMediaShow(w http.ResponseWriter, r *http.Request) error {
	return s.picturePage(w, r, http.StatusOK, picturePage{})
}

// adminMediaUpdate saves an item's alt text and caption.
func (s *Server) adminMediaUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return blog.ErrNotFound
	}
	alt, caption := r.PostFormValue("alt"), r.PostFormValue("caption")
	if _, err := s.library.Describe(r.Context(), currentUser(r), id, alt, caption); err != nil {
		errs, err := s.formErrors(r, err)
		if err != nil {
			return err
		}
		return s.picturePage(w, r, http.StatusUnprocessableEntity, picturePage{Errors: errs, Alt: alt, Caption: caption})
	}
	http.Redirect(w, r, "/admin/media/"+strconv.FormatInt(id, 10)+"?done=described", http.StatusSeeOther)
	return nil
}

// adminMediaDelete deletes an item, unless published posts show it and
// the writer has not confirmed.
func (s *Server) adminMediaDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return blog.ErrNotFound
	}
	err = s.library.Delete(r.Context(), currentUser(r), id, r.PostFormValue("force") != "")
	var inUse *blog.MediaInUseError
	if errors.As(err, &inUse) {
		return s.picturePage(w, r, http.StatusConflict, picturePage{InUse: inUse.Posts})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/media?done=media-deleted", http.StatusSeeOther)
	return nil
}

// adminMediaOriginal sends an item's original, as uploaded, to its
// writer: metadata and all, so only as a download.
func (s *Server) adminMediaOriginal(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return blog.ErrNotFound
	}
	m, data, err := s.library.Original(r.Context(), currentUser(r), id)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", m.Type)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": m.FileName}))
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	_, err = w.Write(data)
	return err
}

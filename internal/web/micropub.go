package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"folio/internal/blog"
)

// Micropub (W3C Recommendation, https://www.w3.org/TR/micropub/): apps
// post, edit and delete with an access token, and upload pictures to the
// media endpoint, which stores them in the library.

// micropubPath and mediaPath are the endpoints' addresses.
const (
	micropubPath = "/micropub"
	mediaPath    = "/micropub/media"
	maxJSONBody  = 2 << 20
)

// apiError answers as OAuth 2.0 and Micropub do: a JSON object with an
// error code and a description.
func apiError(w http.ResponseWriter, status int, code, desc string) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	}
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

// bearer returns the writer and token a request's access token names:
// from the Authorization header, or the access_token form field that
// Micropub allows. It answers the request itself when there is none.
func (s *Server) bearer(w http.ResponseWriter, r *http.Request, scope string) (*blog.User, *blog.Token, bool) {
	secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok && r.MultipartForm == nil && r.PostForm != nil {
		secret = r.PostForm.Get("access_token")
	}
	secret = strings.TrimSpace(secret)
	if secret == "" {
		apiError(w, http.StatusUnauthorized, "unauthorized", "Send an access token: Authorization: Bearer TOKEN.")
		return nil, nil, false
	}
	u, t, err := s.accounts.TokenUser(r.Context(), secret)
	if errors.Is(err, blog.ErrBadToken) {
		apiError(w, http.StatusUnauthorized, "unauthorized", "The access token is not valid: unknown, expired or revoked.")
		return nil, nil, false
	}
	if err != nil {
		s.log.Error("check an access token", "err", err)
		apiError(w, http.StatusInternalServerError, "server_error", "The token could not be checked; try again.")
		return nil, nil, false
	}
	if scope != "" && !t.Has(scope) {
		insufficientScope(w, scope)
		return nil, nil, false
	}
	return u, t, true
}

// insufficientScope refuses a token that lacks scope.
func insufficientScope(w http.ResponseWriter, scope string) {
	writeJSON(w, http.StatusForbidden, map[string]string{"error": "insufficient_scope", "scope": scope,
		"error_description": fmt.Sprintf("The token lacks the %q scope.", scope)})
}

// micropubQuery answers q=config, q=source, q=syndicate-to and
// q=category.
func (s *Server) micropubQuery(w http.ResponseWriter, r *http.Request) {
	u, _, ok := s.bearer(w, r, "")
	if !ok {
		return
	}
	q := r.URL.Query()
	switch q.Get("q") {
	case "config":
		writeJSON(w, http.StatusOK, map[string]any{
			"media-endpoint": requestURL(r, mediaPath),
			"syndicate-to":   []any{},
			"q":              []string{"config", "source", "syndicate-to", "category"},
			"post-types":     []map[string]string{{"type": "note", "name": "Note"}, {"type": "article", "name": "Post"}, {"type": "photo", "name": "Photo"}, {"type": "reply", "name": "Reply"}, {"type": "bookmark", "name": "Bookmark"}},
		})
	case "syndicate-to":
		writeJSON(w, http.StatusOK, map[string]any{"syndicate-to": []any{}})
	case "category":
		terms, err := s.reading.Terms(r.Context(), blog.TermTag)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		filter := strings.ToLower(q.Get("filter"))
		names := []string{}
		for _, t := range terms {
			if filter == "" || strings.Contains(strings.ToLower(t.Name), filter) {
				names = append(names, t.Name)
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{"categories": names})
	case "source":
		p, err := s.writing.PostAtURL(r.Context(), u, q.Get("url"))
		if err != nil {
			s.micropubMissing(w, err)
			return
		}
		props := s.sourceProperties(r, p)
		if want := append(q["properties[]"], q["properties"]...); len(want) > 0 {
			only := map[string]any{}
			for _, k := range want {
				if v, ok := props[k]; ok {
					only[k] = v
				}
			}
			writeJSON(w, http.StatusOK, map[string]any{"properties": only})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"type": []string{"h-entry"}, "properties": props})
	default:
		apiError(w, http.StatusBadRequest, "invalid_request", "Ask q=config, q=source, q=syndicate-to or q=category.")
	}
}

// micropubMissing answers a url that names no post the token may edit.
func (s *Server) micropubMissing(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, blog.ErrNotFound):
		apiError(w, http.StatusBadRequest, "invalid_request", "No post or page of this site has that url.")
	case errors.Is(err, blog.ErrForbidden):
		apiError(w, http.StatusForbidden, "forbidden", "This writer may not change that post.")
	default:
		s.log.Error("micropub", "err", err)
		apiError(w, http.StatusInternalServerError, "server_error", "The request failed; try again.")
	}
}

// sourceProperties are a post's microformats properties, as q=source
// returns them: the text as the writer wrote it.
func (s *Server) sourceProperties(r *http.Request, p *blog.Post) map[string]any {
	status := "published"
	if p.Status != blog.StatusPublished && p.Status != blog.StatusScheduled {
		status = "draft"
	}
	props := map[string]any{
		"content":     []string{p.Body},
		"url":         []string{requestURL(r, p.Path)},
		"post-status": []string{status},
		"mp-slug":     []string{p.Slug},
	}
	if p.Title != "" {
		props["name"] = []string{p.Title}
	}
	if p.Lede != "" {
		props["summary"] = []string{p.Lede}
	}
	if !p.PublishedAt.IsZero() {
		props["published"] = []string{p.PublishedAt.Format(time.RFC3339)}
	}
	if p.Source.URL != "" {
		props["in-reply-to"] = []string{p.Source.URL}
	}
	var cats []string
	for _, t := range p.Tags {
		cats = append(cats, t.Name)
	}
	if len(cats) > 0 {
		props["category"] = cats
	}
	return props
}

// entry is a Micropub h-entry, from a form or JSON.
type entry map[string][]any

// strings returns a property's plain values.
func (e entry) strings(name string) []string {
	var out []string
	for _, v := range e[name] {
		switch v := v.(type) {
		case string:
			out = append(out, v)
		case map[string]any:
			if s, ok := v["value"].(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

func (e entry) first(name string) string {
	if v := e.strings(name); len(v) > 0 {
		return v[0]
	}
	return ""
}

// content returns the entry's text as Markdown: plain text as is, and
// {"html": …} as HTML, which the renderer sanitizes.
func (e entry) content() string {
	for _, v := range e["content"] {
		switch v := v.(type) {
		case string:
			return v
		case map[string]any:
			if h, ok := v["html"].(string); ok {
				return h
			}
			if t, ok := v["value"].(string); ok {
				return t
			}
		}
	}
	return ""
}

// photo is a picture an entry shows.
type photo struct{ URL, Alt string }

func (e entry) photos() []photo {
	var out []photo
	for _, v := range e["photo"] {
		switch v := v.(type) {
		case string:
			out = append(out, photo{URL: v})
		case map[string]any:
			u, _ := v["value"].(string)
			alt, _ := v["alt"].(string)
			if u != "" {
				out = append(out, photo{URL: u, Alt: alt})
			}
		}
	}
	return out
}

// formEntry reads a form-encoded or multipart request, where a property
// may be sent as name or name[].
func formEntry(vals map[string][]string) entry {
	e := entry{}
	for k, vs := range vals {
		k = strings.TrimSuffix(k, "[]")
		for _, v := range vs {
			e[k] = append(e[k], v)
		}
	}
	return e
}

// micropubRequest is a JSON request: a new entry or an action.
type micropubRequest struct {
	Type       []string        `json:"type"`
	Properties entry           `json:"properties"`
	Action     string          `json:"action"`
	URL        string          `json:"url"`
	Replace    entry           `json:"replace"`
	Add        entry           `json:"add"`
	Delete     json.RawMessage `json:"delete"`
}

// micropubPost creates a post, or runs an update, delete or undelete.
func (s *Server) micropubPost(w http.ResponseWriter, r *http.Request) {
	var req micropubRequest
	ctype := r.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ctype, "application/json"):
		body, err := io.ReadAll(io.LimitReader(r.Body, maxJSONBody+1))
		if err != nil || len(body) > maxJSONBody {
			apiError(w, http.StatusRequestEntityTooLarge, "invalid_request", "The request is larger than 2 MiB.")
			return
		}
		if err := json.Unmarshal(body, &req); err != nil {
			apiError(w, http.StatusBadRequest, "invalid_request", "The JSON could not be read: "+err.Error())
			return
		}
	case strings.HasPrefix(ctype, "multipart/form-data"):
		if err := r.ParseMultipartForm(maxFormMemory); err != nil {
			apiError(w, http.StatusBadRequest, "invalid_request", "The form could not be read.")
			return
		}
		req = formRequest(r.MultipartForm.Value)
	default:
		if err := r.ParseForm(); err != nil {
			apiError(w, http.StatusBadRequest, "invalid_request", "The form could not be read.")
			return
		}
		req = formRequest(r.PostForm)
	}
	scope := blog.ScopeCreate
	switch req.Action {
	case "update":
		scope = blog.ScopeUpdate
	case "delete", "undelete":
		scope = blog.ScopeDelete
	case "":
	default:
		apiError(w, http.StatusBadRequest, "invalid_request", fmt.Sprintf("Unknown action %q; use update, delete or undelete.", req.Action))
		return
	}
	u, _, ok := s.bearer(w, r, scope)
	if !ok {
		return
	}
	if req.Action == "" {
		s.micropubCreate(w, r, u, req)
		return
	}
	p, err := s.writing.PostAtURL(r.Context(), u, req.URL)
	if err != nil {
		s.micropubMissing(w, err)
		return
	}
	switch req.Action {
	case "delete":
		err = s.writing.Trash(r.Context(), u, p.ID)
	case "undelete":
		err = s.writing.Restore(r.Context(), u, p.ID)
	case "update":
		var in blog.PostInput
		if in, err = applyUpdate(p, req); err == nil {
			_, err = s.writing.SavePost(r.Context(), u, p.ID, in)
		}
	}
	if err != nil {
		s.micropubRefused(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// formRequest reads a form: h=entry and its properties, or an action
// with its url.
func formRequest(vals map[string][]string) micropubRequest {
	e := formEntry(vals)
	req := micropubRequest{Action: e.first("action"), URL: e.first("url")}
	for _, k := range []string{"access_token", "h", "action", "url"} {
		delete(e, k)
	}
	req.Properties = e
	return req
}

// micropubRefused answers a write the domain refused.
func (s *Server) micropubRefused(w http.ResponseWriter, err error) {
	var v *blog.ValidationError
	switch {
	case errors.As(err, &v):
		apiError(w, http.StatusBadRequest, "invalid_request", v.Error())
	case errors.Is(err, blog.ErrForbidden):
		apiError(w, http.StatusForbidden, "forbidden", "This writer may not do that.")
	default:
		s.micropubMissing(w, err)
	}
}

// micropubCreate makes a post from an h-entry and answers 201 with its
// address.
func (s *Server) micropubCreate(w http.ResponseWriter, r *http.Request, u *blog.User, req micropubRequest) {
	if len(req.Type) > 0 && req.Type[0] != "h-entry" {
		apiError(w, http.StatusBadRequest, "invalid_request", "Only h-entry posts can be made here.")
		return
	}
	e := req.Properties
	if e == nil {
		e = entry{}
	}
	photos := e.photos()
	if r.MultipartForm != nil {
		for _, key := range []string{"photo", "photo[]"} {
			for _, fh := range r.MultipartForm.File[key] {
				m, err := s.uploadFile(r, u, fh)
				if err != nil {
					s.micropubRefused(w, err)
					return
				}
				photos = append(photos, photo{URL: m.URL(), Alt: m.Alt})
			}
		}
	}
	in := blog.PostInput{Kind: blog.KindPost, Title: e.first("name"), Slug: e.first("mp-slug"), Lede: e.first("summary"),
		Body: e.content(), Tags: e.strings("category"), Status: blog.StatusPublished, CommentsOpen: true}
	if e.first("post-status") == "draft" {
		in.Status = blog.StatusDraft
	}
	if src := e.first("in-reply-to"); src != "" {
		in.Source.URL = src
	} else if src := e.first("bookmark-of"); src != "" {
		in.Source.URL = src
	}
	if pub := e.first("published"); pub != "" {
		t, err := time.Parse(time.RFC3339, pub)
		if err != nil {
			apiError(w, http.StatusBadRequest, "invalid_request", "published must be a date like 2026-12-01T09:30:00Z.")
			return
		}
		in.PublishedAt = t
	}
	var pics strings.Builder
	for _, ph := range photos {
		fmt.Fprintf(&pics, "![%s](<%s>)\n\n", strings.NewReplacer("[", "", "]", "").Replace(ph.Alt), ph.URL)
	}
	in.Body = pics.String() + in.Body
	if in.Title == "" {
		in.Title = titleFrom(in.Body)
	}
	p, err := s.writing.SavePost(r.Context(), u, 0, in)
	if err != nil {
		s.micropubRefused(w, err)
		return
	}
	w.Header().Set("Location", s.absURL(r, p.Path))
	w.WriteHeader(http.StatusCreated)
}

// titleFrom names a note sent without one: its first words.
func titleFrom(body string) string {
	words := strings.Fields(body)
	var b strings.Builder
	for _, w := range words {
		if strings.HasPrefix(w, "![") || strings.HasPrefix(w, "](") {
			continue
		}
		if b.Len()+len(w) > 60 {
			b.WriteString("…")
			break
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	if b.Len() == 0 || !utf8.ValidString(b.String()) {
		return "Note"
	}
	return b.String()
}

// applyUpdate changes p's input as an update request asks: replace,
// add and delete of name, content, summary, category, mp-slug,
// post-status, published and in-reply-to.
func applyUpdate(p *blog.Post, req micropubRequest) (blog.PostInput, error) {
	in := p.Input()
	set := func(k string, e entry) error {
		switch k {
		case "name":
			in.Title = e.first(k)
		case "content":
			in.Body = e.content()
		case "summary":
			in.Lede = e.first(k)
		case "mp-slug":
			in.Slug = e.first(k)
		case "in-reply-to", "bookmark-of":
			in.Source.URL = e.first(k)
		case "category":
			in.Tags = e.strings(k)
		case "post-status":
			in.Status = blog.StatusPublished
			if e.first(k) == "draft" {
				in.Status = blog.StatusDraft
			}
		case "published":
			t, err := time.Parse(time.RFC3339, e.first(k))
			if err != nil {
				return blog.FieldError("published", "published must be a date like 2026-12-01T09:30:00Z.")
			}
			in.PublishedAt = t
		default:
			return blog.FieldError(k, fmt.Sprintf("folio cannot change %q.", k))
		}
		return nil
	}
	for k := range req.Replace {
		if err := set(k, req.Replace); err != nil {
			return in, err
		}
	}
	for k, vals := range req.Add {
		if k != "category" {
			return in, blog.FieldError(k, "Only category values can be added; replace the others.")
		}
		in.Tags = append(in.Tags, entry{k: vals}.strings(k)...)
	}
	if len(req.Delete) > 0 {
		var names []string
		var values entry
		if json.Unmarshal(req.Delete, &names) == nil {
			for _, k := range names {
				switch k {
				case "category":
					in.Tags = nil
				case "summary":
					in.Lede = ""
				case "in-reply-to", "bookmark-of":
					in.Source = blog.Source{}
				default:
					return in, blog.FieldError(k, fmt.Sprintf("folio cannot delete %q.", k))
				}
			}
		} else if json.Unmarshal(req.Delete, &values) == nil {
			for k := range values {
				if k != "category" {
					return in, blog.FieldError(k, "Only category values can be deleted one by one.")
				}
				drop := values.strings(k)
				kept := in.Tags[:0]
				for _, t := range in.Tags {
					if !slices.ContainsFunc(drop, func(d string) bool { return strings.EqualFold(d, t) }) {
						kept = append(kept, t)
					}
				}
				in.Tags = kept
			}
		} else {
			return in, blog.FieldError("delete", "delete is a list of property names or an object of values.")
		}
	}
	return in, nil
}

// uploadFile stores an uploaded file in the library.
func (s *Server) uploadFile(r *http.Request, u *blog.User, fh *multipart.FileHeader) (*blog.Media, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, err
	}
	return s.library.Upload(r.Context(), u, fh.Filename, data)
}

// micropubMedia is the media endpoint: one file, stored in the library,
// answered 201 with its address.
func (s *Server) micropubMedia(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(maxFormMemory); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			apiError(w, http.StatusRequestEntityTooLarge, "invalid_request", "The file is larger than this site accepts.")
			return
		}
		apiError(w, http.StatusBadRequest, "invalid_request", "Send the file as multipart/form-data in a part named file.")
		return
	}
	u, t, ok := s.bearer(w, r, "")
	if !ok {
		return
	}
	if !t.Has(blog.ScopeMedia) && !t.Has(blog.ScopeCreate) {
		insufficientScope(w, blog.ScopeMedia)
		return
	}
	files := r.MultipartForm.File["file"]
	if len(files) != 1 {
		apiError(w, http.StatusBadRequest, "invalid_request", "Send exactly one file, in a part named file.")
		return
	}
	m, err := s.uploadFile(r, u, files[0])
	if err != nil {
		s.micropubRefused(w, err)
		return
	}
	w.Header().Set("Location", s.absURL(r, m.URL()))
	w.WriteHeader(http.StatusCreated)
}

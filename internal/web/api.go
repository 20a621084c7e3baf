package web

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"folio/internal/blog"
)

// The JSON API under /api/: posts, pages, replies, media, tags,
// categories and settings, for scripts and apps, with the same access
// tokens as Micropub, the same rules and the same change feed as the
// admin. Errors are RFC 9457 problem details; /api/openapi.json
// describes every route.

//go:embed openapi.json
var openAPIDoc []byte

const (
	apiPerPage    = 20
	apiMaxPerPage = 100
)

// apiRoute is one route of the API: the scope its token needs ("" for
// none) and its handler.
type apiRoute struct {
	pattern string
	scope   string
	h       func(w http.ResponseWriter, r *http.Request, u *blog.User) error
}

// apiRoutes lists the API; the OpenAPI document describes each (a test
// checks both ways).
func (s *Server) apiRoutes() []apiRoute {
	return []apiRoute{
		{"GET /api/posts", blog.ScopeRead, s.apiPostList},
		{"POST /api/posts", blog.ScopeCreate, s.apiPostCreate},
		{"GET /api/posts/{id}", blog.ScopeRead, s.apiPostShow},
		{"PATCH /api/posts/{id}", blog.ScopeUpdate, s.apiPostUpdate},
		{"DELETE /api/posts/{id}", blog.ScopeDelete, s.apiPostDelete},
		{"GET /api/replies", blog.ScopeModerate, s.apiReplyList},
		{"PATCH /api/replies/{id}", blog.ScopeModerate, s.apiReplyModerate},
		{"GET /api/tags", blog.ScopeRead, s.apiTerms(blog.TermTag)},
		{"GET /api/categories", blog.ScopeRead, s.apiTerms(blog.TermCategory)},
		{"GET /api/media", blog.ScopeRead, s.apiMediaList},
		{"POST /api/media", blog.ScopeMedia, s.apiMediaUpload},
		{"GET /api/settings", blog.ScopeRead, s.apiSettingsShow},
		{"PATCH /api/settings", blog.ScopeUpdate, s.apiSettingsUpdate},
	}
}

// apiRoutesOn registers the API on mux.
func (s *Server) apiRoutesOn(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Write(openAPIDoc)
	})
	for _, rt := range s.apiRoutes() {
		mux.HandleFunc(rt.pattern, s.api(rt.scope, rt.h))
	}
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		mux.HandleFunc(m+" /api/", func(w http.ResponseWriter, r *http.Request) {
			problem(w, http.StatusNotFound, "No such API route", "See /api/openapi.json for the routes.", nil)
		})
	}
}

// problem answers with RFC 9457 problem details.
func problem(w http.ResponseWriter, status int, title, detail string, fields map[string]string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	body := map[string]any{"type": "about:blank", "title": title, "status": status}
	if detail != "" {
		body["detail"] = detail
	}
	if len(fields) > 0 {
		body["errors"] = fields
	}
	json.NewEncoder(w).Encode(body)
}

// api authenticates a request's token, checks its scope, and answers
// the handler's errors as problems.
func (s *Server) api(scope string, h func(http.ResponseWriter, *http.Request, *blog.User) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="folio"`)
			problem(w, http.StatusUnauthorized, "Unauthorized", "Send an access token: Authorization: Bearer TOKEN.", nil)
			return
		}
		u, t, err := s.accounts.TokenUser(r.Context(), strings.TrimSpace(secret))
		if errors.Is(err, blog.ErrBadToken) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="folio", error="invalid_token"`)
			problem(w, http.StatusUnauthorized, "Unauthorized", "The access token is unknown, expired or revoked.", nil)
			return
		}
		if err == nil && !t.Has(scope) {
			problem(w, http.StatusForbidden, "Insufficient scope", fmt.Sprintf("The token lacks the %q scope.", scope), nil)
			return
		}
		if err == nil {
			err = h(w, r, u)
		}
		if err != nil {
			s.apiFail(w, r, err)
		}
	}
}

// apiFail answers a handler's error.
func (s *Server) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	var v *blog.ValidationError
	var conflict *blog.EditConflictError
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &v):
		problem(w, http.StatusUnprocessableEntity, "Invalid input", "Some fields cannot be taken as sent; nothing was changed.", v.In(s.theme.Words(), s.writerLang(r).Tag()))
	case errors.As(err, &conflict), errors.Is(err, errPrecondition):
		problem(w, http.StatusPreconditionFailed, "Changed meanwhile", "The item was saved after the version this request names (If-Match); fetch it again.", nil)
	case errors.Is(err, blog.ErrNotFound):
		problem(w, http.StatusNotFound, "Not found", "", nil)
	case errors.Is(err, blog.ErrForbidden):
		problem(w, http.StatusForbidden, "Forbidden", "The token's writer may not do this.", nil)
	case errors.Is(err, blog.ErrConflict):
		problem(w, http.StatusConflict, "Conflict", err.Error(), nil)
	case errors.As(err, &tooLarge):
		problem(w, http.StatusRequestEntityTooLarge, "Too large", fmt.Sprintf("The body is larger than %s.", sizeText(tooLarge.Limit)), nil)
	case errors.Is(err, errBadJSON):
		problem(w, http.StatusBadRequest, "Bad request", err.Error(), nil)
	default:
		s.log.Error("api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		problem(w, http.StatusInternalServerError, "Server error", "The request failed; it is logged. Try again.", nil)
	}
}

var (
	errPrecondition = errors.New("precondition failed")
	errBadJSON      = errors.New("the body is not the JSON this route takes")
)

// readJSON decodes a JSON body into v, refusing unknown fields.
func readJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxJSONBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return err
		}
		return fmt.Errorf("%w: %v", errBadJSON, err)
	}
	return nil
}

// page reads page and per_page.
func pageParams(r *http.Request) (page, per int, err error) {
	q := r.URL.Query()
	page, per = 1, apiPerPage
	if v := q.Get("page"); v != "" {
		if page, err = strconv.Atoi(v); err != nil || page < 1 {
			return 0, 0, blog.FieldError("page", "page is a whole number from 1.")
		}
	}
	if v := q.Get("per_page"); v != "" {
		if per, err = strconv.Atoi(v); err != nil || per < 1 || per > apiMaxPerPage {
			return 0, 0, blog.FieldError("per_page", "per_page is a whole number from 1 to 100.")
		}
	}
	return page, per, nil
}

// listAnswer writes one page of a list, with Link headers to the pages
// before and after.
func listAnswer(w http.ResponseWriter, r *http.Request, items any, page, per, total int) error {
	pages := max(1, (total+per-1)/per)
	link := func(p int, rel string) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(p))
		return "<" + r.URL.Path + "?" + q.Encode() + `>; rel="` + rel + `"`
	}
	if page < pages {
		w.Header().Add("Link", link(page+1, "next"))
	}
	if page > 1 {
		w.Header().Add("Link", link(page-1, "prev"))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": items, "page": page, "per_page": per, "total": total, "pages": pages})
}

// cached answers 304 when the client has the version etag names, and
// otherwise sets the ETag.
func cached(w http.ResponseWriter, r *http.Request, etag string) bool {
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return true
	}
	return false
}

// apiPost is a post or page as the API shows it.
type apiPost struct {
	ID           int64       `json:"id"`
	Kind         blog.Kind   `json:"kind"`
	Status       blog.Status `json:"status"`
	Title        string      `json:"title"`
	Slug         string      `json:"slug"`
	URL          string      `json:"url"`
	Lede         string      `json:"lede"`
	Body         string      `json:"body"`
	HTML         string      `json:"html"`
	Source       apiSource   `json:"source"`
	Tags         []string    `json:"tags"`
	Categories   []string    `json:"categories"`
	AuthorID     int64       `json:"author_id"`
	Author       string      `json:"author"`
	PublishedAt  *time.Time  `json:"published_at"`
	UpdatedAt    time.Time   `json:"updated_at"`
	CommentsOpen bool        `json:"comments_open"`
	CommentCount int         `json:"comment_count"`
	ParentID     int64       `json:"parent_id"`
	MenuOrder    int         `json:"menu_order"`
	Language     string      `json:"language"`
	Sticky       bool        `json:"sticky"`
	FeaturedID   int64       `json:"featured_id"`
}

type apiSource struct {
	URL   string `json:"url"`
	Title string `json:"title"`
	Site  string `json:"site"`
}

func (s *Server) apiPostOf(r *http.Request, p *blog.Post) apiPost {
	out := apiPost{ID: p.ID, Kind: p.Kind, Status: p.Status, Title: p.Title, Slug: p.Slug, URL: requestURL(r, p.Path), Lede: p.Lede,
		Body: p.Body, HTML: p.BodyHTML, Source: apiSource{p.Source.URL, p.Source.Title, p.Source.Site}, Tags: []string{}, Categories: []string{},
		AuthorID: p.AuthorID, UpdatedAt: p.UpdatedAt, CommentsOpen: p.CommentsOpen, CommentCount: p.CommentCount,
		ParentID: p.ParentID, MenuOrder: p.MenuOrder, Language: p.Language, Sticky: p.Sticky}
	if p.Author != nil {
		out.Author = p.Author.Name
	}
	if !p.PublishedAt.IsZero() {
		t := p.PublishedAt
		out.PublishedAt = &t
	}
	for _, t := range p.Tags {
		out.Tags = append(out.Tags, t.Name)
	}
	for _, c := range p.Categories {
		out.Categories = append(out.Categories, c.Slug)
	}
	if p.Featured != nil {
		out.FeaturedID = p.Featured.ID
	}
	return out
}

// postETag names a post's version: a hash of all the API shows of it.
func (s *Server) postETag(r *http.Request, p *blog.Post) string {
	b, _ := json.Marshal(s.apiPostOf(r, p))
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, blog.ErrNotFound
	}
	return id, nil
}

func (s *Server) apiPostList(w http.ResponseWriter, r *http.Request, u *blog.User) error {
	page, per, err := pageParams(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := blog.PostFilter{Kind: blog.KindPost, Search: q.Get("q"), Limit: per, Offset: (page - 1) * per}
	if k := blog.Kind(q.Get("kind")); k != "" {
		if !k.Valid() {
			return blog.FieldError("kind", "kind is post or page.")
		}
		f.Kind = k
	}
	if st := q.Get("status"); st != "" {
		if !blog.Status(st).Valid() {
			return blog.FieldError("status", "status is published, scheduled, draft, private or trash.")
		}
		f.Statuses = []blog.Status{blog.Status(st)}
	} else {
		f.Statuses = []blog.Status{blog.StatusPublished, blog.StatusScheduled, blog.StatusDraft, blog.StatusPrivate}
	}
	f.ByMenuOrder = f.Kind == blog.KindPage
	posts, total, err := s.writing.AdminPosts(r.Context(), u, f)
	if err != nil {
		return err
	}
	items := make([]apiPost, len(posts))
	for i, p := range posts {
		items[i] = s.apiPostOf(r, p)
	}
	return listAnswer(w, r, items, page, per, total)
}

func (s *Server) apiPostShow(w http.ResponseWriter, r *http.Request, u *blog.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.writing.Post(r.Context(), u, id)
	if err != nil {
		return err
	}
	if cached(w, r, s.postETag(r, p)) {
		return nil
	}
	return writeJSON(w, http.StatusOK, s.apiPostOf(r, p))
}

// apiPostInput is what creating or changing a post takes; in a PATCH,
// absent fields keep their values.
type apiPostInput struct {
	Kind         *blog.Kind   `json:"kind"`
	Status       *blog.Status `json:"status"`
	Title        *string      `json:"title"`
	Slug         *string      `json:"slug"`
	Lede         *string      `json:"lede"`
	Body         *string      `json:"body"`
	Source       *apiSource   `json:"source"`
	Tags         *[]string    `json:"tags"`
	Categories   *[]string    `json:"categories"`
	PublishedAt  *time.Time   `json:"published_at"`
	CommentsOpen *bool        `json:"comments_open"`
	ParentID     *int64       `json:"parent_id"`
	MenuOrder    *int         `json:"menu_order"`
	Language     *string      `json:"language"`
	Sticky       *bool        `json:"sticky"`
	FeaturedID   *int64       `json:"featured_id"`
	AuthorID     *int64       `json:"author_id"`
}

// apply sets the fields a request gave on in.
func (a apiPostInput) apply(in *blog.PostInput) {
	given(&in.Kind, a.Kind)
	given(&in.Status, a.Status)
	given(&in.Title, a.Title)
	given(&in.Slug, a.Slug)
	given(&in.Lede, a.Lede)
	given(&in.Body, a.Body)
	if a.Source != nil {
		in.Source = blog.Source{URL: a.Source.URL, Title: a.Source.Title, Site: a.Source.Site}
	}
	given(&in.Tags, a.Tags)
	given(&in.Categories, a.Categories)
	given(&in.PublishedAt, a.PublishedAt)
	given(&in.CommentsOpen, a.CommentsOpen)
	given(&in.ParentID, a.ParentID)
	given(&in.MenuOrder, a.MenuOrder)
	given(&in.Language, a.Language)
	given(&in.Sticky, a.Sticky)
	given(&in.FeaturedID, a.FeaturedID)
	given(&in.AuthorID, a.AuthorID)
}

// given sets *dst to *src when the request gave src.
func given[T any](dst, src *T) {
	if src != nil {
		*dst = *src
	}
}

func (s *Server) apiPostCreate(w http.ResponseWriter, r *http.Request, u *blog.User) error {
	var a apiPostInput
	if err := readJSON(r, &a); err != nil {
		return err
	}
	in := blog.PostInput{Kind: blog.KindPost, Status: blog.StatusDraft, CommentsOpen: true}
	a.apply(&in)
	p, err := s.writing.SavePost(r.Context(), u, 0, in)
	if err != nil {
		return err
	}
	if p, err = s.writing.Post(r.Context(), u, p.ID); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/posts/"+strconv.FormatInt(p.ID, 10))
	w.Header().Set("ETag", s.postETag(r, p))
	return writeJSON(w, http.StatusCreated, s.apiPostOf(r, p))
}

func (s *Server) apiPostUpdate(w http.ResponseWriter, r *http.Request, u *blog.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.writing.Post(r.Context(), u, id)
	if err != nil {
		return err
	}
	if m := r.Header.Get("If-Match"); m != "" && m != "*" && m != s.postETag(r, p) {
		return errPrecondition
	}
	var a apiPostInput
	if err := readJSON(r, &a); err != nil {
		return err
	}
	in := p.Input()
	a.apply(&in)
	if r.Header.Get("If-Match") != "" {
		in.LoadedAt = p.UpdatedAt
	}
	if _, err := s.writing.SavePost(r.Context(), u, id, in); err != nil {
		return err
	}
	if p, err = s.writing.Post(r.Context(), u, id); err != nil {
		return err
	}
	w.Header().Set("ETag", s.postETag(r, p))
	return writeJSON(w, http.StatusOK, s.apiPostOf(r, p))
}

func (s *Server) apiPostDelete(w http.ResponseWriter, r *http.Request, u *blog.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.writing.Trash(r.Context(), u, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// apiReply is a reply as the API shows it to a moderator.
type apiReply struct {
	ID          int64              `json:"id"`
	PostID      int64              `json:"post_id"`
	PostTitle   string             `json:"post_title"`
	ParentID    int64              `json:"parent_id"`
	Status      blog.CommentStatus `json:"status"`
	AuthorName  string             `json:"author_name"`
	AuthorEmail string             `json:"author_email"`
	AuthorURL   string             `json:"author_url"`
	SourceURL   string             `json:"source_url"`
	Body        string             `json:"body"`
	HTML        string             `json:"html"`
	CreatedAt   time.Time          `json:"created_at"`
}

func replyOf(c *blog.Comment) apiReply {
	return apiReply{ID: c.ID, PostID: c.PostID, PostTitle: c.PostTitle, ParentID: c.ParentID, Status: c.Status, AuthorName: c.AuthorName,
		AuthorEmail: c.AuthorEmail, AuthorURL: c.AuthorURL, SourceURL: c.SourceURL, Body: c.Body, HTML: c.BodyHTML, CreatedAt: c.CreatedAt}
}

func (s *Server) apiReplyList(w http.ResponseWriter, r *http.Request, u *blog.User) error {
	page, per, err := pageParams(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := blog.CommentFilter{Search: q.Get("q"), Limit: per, Offset: (page - 1) * per, NewestFirst: true}
	if st := q.Get("status"); st != "" {
		f.Statuses = []blog.CommentStatus{blog.CommentStatus(st)}
	}
	if p := q.Get("post"); p != "" {
		if f.PostID, err = strconv.ParseInt(p, 10, 64); err != nil {
			return blog.FieldError("post", "post is a post's ID.")
		}
	}
	list, total, err := s.discussion.ModerationQueue(r.Context(), u, f)
	if err != nil {
		return err
	}
	items := make([]apiReply, len(list))
	for i, c := range list {
		items[i] = replyOf(c)
	}
	return listAnswer(w, r, items, page, per, total)
}

// replyActions are the statuses a moderator may set, and the action
// each is.
var replyActions = map[blog.CommentStatus]blog.CommentAction{
	blog.CommentApproved: blog.ActionApprove,
	blog.CommentPending:  blog.ActionUnapprove,
	blog.CommentSpam:     blog.ActionSpam,
	blog.CommentTrash:    blog.ActionTrash,
}

func (s *Server) apiReplyModerate(w http.ResponseWriter, r *http.Request, u *blog.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Status blog.CommentStatus `json:"status"`
	}
	if err := readJSON(r, &in); err != nil {
		return err
	}
	action, ok := replyActions[in.Status]
	if !ok {
		return blog.FieldError("status", "status is approved, pending, spam or trash.")
	}
	if err := s.discussion.ModerateComment(r.Context(), u, id, action); err != nil {
		return err
	}
	c, err := s.discussion.Comment(r.Context(), u, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, replyOf(c))
}

// apiTerm is a tag or category.
type apiTerm struct {
	Name        string `json:"name"`
	Slug        string `json:"slug"`
	Description string `json:"description"`
	URL         string `json:"url"`
}

func (s *Server) apiTerms(kind blog.TermKind) func(http.ResponseWriter, *http.Request, *blog.User) error {
	return func(w http.ResponseWriter, r *http.Request, _ *blog.User) error {
		terms, err := s.reading.Terms(r.Context(), kind)
		if err != nil {
			return err
		}
		items := make([]apiTerm, len(terms))
		for i, t := range terms {
			items[i] = apiTerm{Name: t.Name, Slug: t.Slug, Description: t.Description, URL: requestURL(r, t.Path())}
		}
		return writeJSON(w, http.StatusOK, map[string]any{"items": items})
	}
}

// apiMedia is a library item.
type apiMedia struct {
	ID       int64     `json:"id"`
	URL      string    `json:"url"`
	FileName string    `json:"file_name"`
	Type     string    `json:"type"`
	Width    int       `json:"width"`
	Height   int       `json:"height"`
	Alt      string    `json:"alt"`
	Caption  string    `json:"caption"`
	Created  time.Time `json:"created_at"`
}

func mediaOf(r *http.Request, m *blog.Media) apiMedia {
	return apiMedia{ID: m.ID, URL: requestURL(r, m.URL()), FileName: m.FileName, Type: m.CopyType, Width: m.Width, Height: m.Height,
		Alt: m.Alt, Caption: m.Caption, Created: m.CreatedAt}
}

func (s *Server) apiMediaList(w http.ResponseWriter, r *http.Request, u *blog.User) error {
	page, per, err := pageParams(r)
	if err != nil {
		return err
	}
	list, total, err := s.library.List(r.Context(), u, blog.MediaFilter{Query: r.URL.Query().Get("q"), Limit: per, Offset: (page - 1) * per})
	if err != nil {
		return err
	}
	items := make([]apiMedia, len(list))
	for i, m := range list {
		items[i] = mediaOf(r, m)
	}
	return listAnswer(w, r, items, page, per, total)
}

func (s *Server) apiMediaUpload(w http.ResponseWriter, r *http.Request, u *blog.User) error {
	if err := r.ParseMultipartForm(maxFormMemory); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return err
		}
		return fmt.Errorf("%w: send the file as multipart/form-data in a part named file", errBadJSON)
	}
	files := r.MultipartForm.File["file"]
	if len(files) != 1 {
		return blog.FieldError("file", "api_one_file")
	}
	m, err := s.uploadFile(r, u, files[0])
	if err != nil {
		return err
	}
	if alt := r.PostFormValue("alt"); alt != "" {
		if m, err = s.library.Describe(r.Context(), u, m.ID, alt, r.PostFormValue("caption")); err != nil {
			return err
		}
	}
	w.Header().Set("Location", m.URL())
	return writeJSON(w, http.StatusCreated, mediaOf(r, m))
}

// secretSettings are never shown through the API.
var secretSettings = map[string]bool{"smtp_password": true, "akismet_key": true}

func (s *Server) apiSettingsShow(w http.ResponseWriter, r *http.Request, u *blog.User) error {
	if !u.CanManageSite() {
		return blog.ErrForbidden
	}
	vals := s.site.Settings().Values()
	for k := range secretSettings {
		delete(vals, k)
	}
	return writeJSON(w, http.StatusOK, vals)
}

func (s *Server) apiSettingsUpdate(w http.ResponseWriter, r *http.Request, u *blog.User) error {
	var in map[string]string
	if err := readJSON(r, &in); err != nil {
		return err
	}
	known := s.site.Settings().Values()
	for k := range in {
		if _, ok := known[k]; !ok {
			return blog.FieldError(k, fmt.Sprintf("%q is not a setting.", k))
		}
	}
	if _, err := s.site.SaveSettings(r.Context(), u, blog.SettingsInput(in)); err != nil {
		return err
	}
	return s.apiSettingsShow(w, r, u)
}

// APIRoutes lists the API's routes ("METHOD /path"), for the test that
// holds them to the OpenAPI document.
func APIRoutes() []string {
	var out []string
	for _, rt := range (&Server{}).apiRoutes() {
		out = append(out, rt.pattern)
	}
	return out
}

package web

import (
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"folio/internal/blog"
	"folio/internal/diff"
)

// postForm holds the editor's fields as typed, so a refused save shows
// them again unchanged.
type postForm struct {
	Kind         string
	Title        string
	Slug         string
	Body         string
	Lede         string
	SourceURL    string
	SourceTitle  string
	SourceSite   string
	Tags         string
	Categories   []string
	AuthorID     int64
	PublishedAt  string
	CommentsOpen bool
	FeaturedID   int64
	ParentID     int64  // a page's parent page
	Sticky       bool   // a post shown first on the front page
	MenuOrder    string // a page's place among its siblings, as typed
	Language     string // a BCP 47 tag, "" for the site's language
	// LoadedAt is when the post was last saved as this form shows it,
	// in Unix seconds; 0 for a new one.
	LoadedAt int64
}

// HasCategory reports whether the category with slug is ticked.
func (f postForm) HasCategory(slug string) bool {
	for _, c := range f.Categories {
		if c == slug {
			return true
		}
	}
	return false
}

// featuredChoices is how many of the newest library items the editor
// offers as the featured picture, besides the one chosen.
const featuredChoices = 100

// dateInputLayout is the value format of <input type="datetime-local">.
const dateInputLayout = "2006-01-02T15:04"

func formFromPost(p *blog.Post, loc *time.Location) postForm {
	f := postForm{Kind: string(p.Kind), Title: p.Title, Slug: p.Slug, Body: p.Body, Lede: p.Lede,
		SourceURL: p.Source.URL, SourceTitle: p.Source.Title, SourceSite: p.Source.Site,
		AuthorID: p.AuthorID, CommentsOpen: p.CommentsOpen, LoadedAt: p.UpdatedAt.Unix(), ParentID: p.ParentID, Sticky: p.Sticky,
		MenuOrder: strconv.Itoa(p.MenuOrder), Language: p.Language}
	if p.Featured != nil {
		f.FeaturedID = p.Featured.ID
	}
	names := make([]string, len(p.Tags))
	for i, t := range p.Tags {
		names[i] = t.Name
	}
	f.Tags = strings.Join(names, ", ")
	for _, c := range p.Categories {
		f.Categories = append(f.Categories, c.Slug)
	}
	if !p.PublishedAt.IsZero() {
		f.PublishedAt = p.PublishedAt.In(loc).Format(dateInputLayout)
	}
	return f
}

// parsePostForm reads the editor form. A malformed date is reported in
// errs, by message ID; everything else is left for the Service to judge.
func parsePostForm(r *http.Request, loc *time.Location) (postForm, blog.PostInput, Errors) {
	f := postForm{
		Kind:         r.PostFormValue("kind"),
		Title:        r.PostFormValue("title"),
		Slug:         r.PostFormValue("slug"),
		Body:         r.PostFormValue("body"),
		Lede:         r.PostFormValue("lede"),
		SourceURL:    r.PostFormValue("source_url"),
		SourceTitle:  r.PostFormValue("source_title"),
		SourceSite:   r.PostFormValue("source_site"),
		Tags:         r.PostFormValue("tags"),
		Categories:   r.PostForm["categories"],
		PublishedAt:  strings.TrimSpace(r.PostFormValue("published_at")),
		CommentsOpen: r.PostFormValue("comments_open") != "",
	}
	f.AuthorID, _ = strconv.ParseInt(r.PostFormValue("author_id"), 10, 64)
	f.FeaturedID, _ = strconv.ParseInt(r.PostFormValue("featured_id"), 10, 64)
	f.LoadedAt, _ = strconv.ParseInt(r.PostFormValue("loaded_at"), 10, 64)
	f.ParentID, _ = strconv.ParseInt(r.PostFormValue("parent_id"), 10, 64)
	f.Sticky = r.PostFormValue("sticky") != ""
	f.MenuOrder = strings.TrimSpace(r.PostFormValue("menu_order"))
	f.Language = strings.TrimSpace(r.PostFormValue("language"))
	in := blog.PostInput{
		Kind: blog.Kind(f.Kind), Title: f.Title, Slug: f.Slug, Body: f.Body, Lede: f.Lede,
		Source:     blog.Source{URL: f.SourceURL, Title: f.SourceTitle, Site: f.SourceSite},
		Tags:       strings.Split(f.Tags, ","),
		Categories: f.Categories, AuthorID: f.AuthorID, CommentsOpen: f.CommentsOpen,
		FeaturedID: f.FeaturedID, RequireAlt: r.PostFormValue("alt_ok") == "", ParentID: f.ParentID, Sticky: f.Sticky,
		Language: f.Language,
	}
	if f.MenuOrder != "" {
		n, err := strconv.Atoi(f.MenuOrder)
		if err != nil {
			n = blog.MaxMenuOrder + 1 // the domain refuses it with its message
		}
		in.MenuOrder = n
	}
	if f.LoadedAt > 0 {
		in.LoadedAt = time.Unix(f.LoadedAt, 0)
	}
	errs := Errors{}
	if f.PublishedAt != "" {
		t, err := time.ParseInLocation(dateInputLayout, f.PublishedAt, loc)
		if err != nil {
			// Browsers without a date picker send what was typed.
			t, err = time.ParseInLocation("2006-01-02 15:04", f.PublishedAt, loc)
		}
		if err != nil {
			errs["published_at"] = "published_at_format"
		}
		in.PublishedAt = t
	}
	switch r.PostFormValue("action") {
	case "draft":
		in.Status = blog.StatusDraft
	case "private":
		in.Status = blog.StatusPrivate
	case "publish":
		in.Status = blog.StatusPublished
	default:
		in.Status = ""
	}
	return f, in, errs
}

type editorPage struct {
	adminBase
	Errors
	Post       *blog.Post // nil for a new item
	Form       postForm
	Preview    template.HTML
	Categories []blog.Term
	Authors    []*blog.User
	Revisions  []*blog.Revision
	// Pictures are the library items the featured picture is chosen
	// from, and FeaturedItem the one chosen.
	Pictures     []*blog.Media
	FeaturedItem *blog.Media
	// Now is the time in the site's zone, as the date field writes it,
	// for the script that names the main button.
	Now string
	// MaxBytes is the largest form the server reads; the script checks
	// a form against it before sending, so nothing typed is lost.
	MaxBytes int64
	// Conflict is someone else's save since this editor opened, shown
	// beside the writer's text so they choose.
	Conflict *editConflict
	// Autosave is what the editor kept by itself after the last save,
	// offered back; Restored says the form shows it.
	Autosave *blog.Autosave
	Restored bool
	// AutosaveSeconds is how often the script saves by itself.
	AutosaveSeconds int
	// Others are the other sessions that have the post open.
	Others []editingNote
	// Parents are the pages a page may sit under.
	Parents []*blog.Post
}

// editConflict shows a save that came between opening the editor and
// saving it: who, when, and how it differs from what the writer has.
type editConflict struct {
	Who   string
	When  time.Time
	Title template.HTML
	Body  template.HTML
}

// wordsPerMinute is the reading speed reading times assume.
const wordsPerMinute = 230

// Words counts the words of the text as typed.
func (p editorPage) Words() int { return len(strings.Fields(p.Form.Body)) }

// WordsPerMinute is the reading speed, for the script that counts.
func (editorPage) WordsPerMinute() int { return wordsPerMinute }

// ReadingMinutes is how long the text takes to read, at least a minute.
func (p editorPage) ReadingMinutes() int { return max(1, (p.Words()+wordsPerMinute-1)/wordsPerMinute) }

// PublishLabel names the main button as WordPress does: Update for a
// published item, Schedule for a date in the future, else Publish.
func (p editorPage) PublishLabel() string {
	switch {
	case p.Post != nil && p.Post.Status == blog.StatusPublished:
		return p.L.T("button_update")
	case p.Form.PublishedAt != "" && p.Form.PublishedAt > p.Now:
		return p.L.T("button_schedule")
	}
	return p.L.T("button_publish")
}

func (s *Server) editor(w http.ResponseWriter, r *http.Request, status int, p editorPage) error {
	var err error
	if p.Categories, err = s.reading.TermNames(r.Context(), blog.TermCategory); err != nil {
		return err
	}
	if p.User.CanEditOthers() {
		if p.Authors, err = s.accounts.Users(r.Context()); err != nil {
			return err
		}
	}
	if p.Post != nil {
		if p.Revisions, err = s.writing.Revisions(r.Context(), p.User, p.Post.ID); err != nil {
			return err
		}
	}
	if p.Form.Kind == string(blog.KindPage) {
		pages, _, err := s.writing.AdminPosts(r.Context(), p.User, blog.PostFilter{Kind: blog.KindPage, NoBodies: true,
			Statuses: []blog.Status{blog.StatusPublished, blog.StatusDraft, blog.StatusPrivate, blog.StatusScheduled}})
		if err != nil {
			return err
		}
		for _, pg := range pages {
			if p.Post == nil || pg.ID != p.Post.ID {
				p.Parents = append(p.Parents, pg)
			}
		}
	}
	if p.Pictures, _, err = s.library.List(r.Context(), p.User, blog.MediaFilter{Limit: featuredChoices}); err != nil {
		return err
	}
	if p.Form.FeaturedID != 0 {
		for _, m := range p.Pictures {
			if m.ID == p.Form.FeaturedID {
				p.FeaturedItem = m
			}
		}
		if p.FeaturedItem == nil {
			if m, err := s.library.Item(r.Context(), p.User, p.Form.FeaturedID); err == nil {
				p.FeaturedItem = m
				p.Pictures = append(p.Pictures, m)
			}
		}
	}
	title := s.say(r, kindText(p.Form.Kind, "title_new_post", "title_new_page"))
	if p.Post != nil {
		title = s.say(r, "title_edit", "Title", s.writerLang(r).Quote(p.Post.Title))
	}
	p.Title, p.Section = title, p.Form.Kind
	p.Now, p.MaxBytes = s.site.Now().In(p.Site.Location()).Format(dateInputLayout), editorMaxBody
	p.AutosaveSeconds = max(1, int(s.autosave/time.Second))
	return s.render(w, status, "admin/editor", p)
}

func (s *Server) adminPostNew(w http.ResponseWriter, r *http.Request) error {
	kind := r.URL.Query().Get("kind")
	if !blog.Kind(kind).Valid() {
		kind = string(blog.KindPost)
	}
	u := currentUser(r)
	return s.editor(w, r, http.StatusOK, editorPage{adminBase: s.adminBase(r, "", kind),
		Form: postForm{Kind: kind, AuthorID: u.ID, CommentsOpen: kind == string(blog.KindPost)}})
}

func (s *Server) adminPostEdit(w http.ResponseWriter, r *http.Request) error {
	p, err := s.postParam(r)
	if err != nil {
		return err
	}
	page := editorPage{adminBase: s.adminBase(r, "", string(p.Kind)), Post: p, Form: formFromPost(p, s.site.Settings().Location())}
	if done := r.URL.Query().Get("done"); done != "" {
		page.Flash, page.Saved = s.flashText(r, done), true
	}
	if page.Autosave, err = s.writing.AutosaveFor(r.Context(), currentUser(r), p); err != nil {
		return err
	}
	others, err := s.writing.OpenEditor(r.Context(), currentUser(r), p.ID, sessionToken(r))
	if err != nil {
		return err
	}
	page.Others = s.editingNotes(others)
	if a := page.Autosave; a != nil && r.URL.Query().Get("autosave") == "1" {
		page.Form.Title, page.Form.Lede, page.Form.Body = a.Title, a.Lede, a.Body
		page.Form.SourceURL, page.Form.SourceTitle, page.Form.SourceSite = a.Source.URL, a.Source.Title, a.Source.Site
		page.Restored = true
	}
	return s.editor(w, r, http.StatusOK, page)
}

func (s *Server) adminPostCreate(w http.ResponseWriter, r *http.Request) error {
	return s.savePost(w, r, nil)
}

func (s *Server) adminPostUpdate(w http.ResponseWriter, r *http.Request) error {
	p, err := s.postParam(r)
	if err != nil {
		return err
	}
	return s.savePost(w, r, p)
}

// savePost handles every editor button: preview re-renders the form, the
// others save. A refused save shows the form again with everything typed.
func (s *Server) savePost(w http.ResponseWriter, r *http.Request, old *blog.Post) error {
	loc := s.site.Settings().Location()
	form, in, errs := parsePostForm(r, loc)
	page := editorPage{adminBase: s.adminBase(r, "", form.Kind), Post: old, Form: form}
	if old != nil {
		page.Form.Kind = string(old.Kind)
		if in.Status == "" {
			// "Update" keeps the status the item has.
			in.Status = old.Status
		}
	}
	if !blog.Kind(page.Form.Kind).Valid() {
		page.Form.Kind = string(blog.KindPost)
	}
	if r.PostFormValue("action") == "preview" {
		rendered, err := s.writing.Preview(r.Context(), in.Body, in.Source)
		if err != nil {
			if page.Errors, err = s.formErrors(r, err); err != nil {
				return err
			}
		}
		page.Preview = template.HTML(rendered.HTML)
		return s.editor(w, r, http.StatusOK, page)
	}
	if len(errs) > 0 {
		page.Errors = Errors{}
		for k, id := range errs {
			page.Errors[k] = s.say(r, id)
		}
		return s.editor(w, r, http.StatusUnprocessableEntity, page)
	}
	if in.Status == "" {
		in.Status = blog.StatusDraft
	}
	var id int64
	if old != nil {
		id = old.ID
	}
	saved, err := s.writing.SavePost(r.Context(), currentUser(r), id, in)
	var conflict *blog.EditConflictError
	if errors.As(err, &conflict) {
		page.Conflict = s.conflictView(r, conflict.Current, form)
		page.Post, page.Form.LoadedAt = conflict.Current, conflict.Current.UpdatedAt.Unix()
		return s.editor(w, r, http.StatusConflict, page)
	}
	if err != nil {
		if page.Errors, err = s.formErrors(r, err); err != nil {
			return err
		}
		return s.editor(w, r, http.StatusUnprocessableEntity, page)
	}
	http.Redirect(w, r, "/admin/posts/"+strconv.FormatInt(saved.ID, 10)+"?done="+string(saved.Status), http.StatusSeeOther)
	return nil
}

// conflictView compares the save that came in between with what the
// writer has in the form.
func (s *Server) conflictView(r *http.Request, current *blog.Post, form postForm) *editConflict {
	c := &editConflict{When: current.UpdatedAt, Title: diff.HTML(diff.Words(current.Title, form.Title)),
		Body: diff.HTML(diff.Words(current.Body, form.Body))}
	if revs, err := s.writing.Revisions(r.Context(), currentUser(r), current.ID); err == nil && len(revs) > 0 {
		c.Who = revs[0].AuthorName
	}
	return c
}

// adminPostPreview shows any item with the public template, whatever its
// status, as readers will see it once it is published: dated now when it
// has no date yet, with its replies open or closed as they will be.
func (s *Server) adminPostPreview(w http.ResponseWriter, r *http.Request) error {
	p, err := s.postParam(r)
	if err != nil {
		return err
	}
	if p.PublishedAt.IsZero() {
		p.PublishedAt = s.site.Now()
	}
	p.Status = blog.StatusPublished
	b, err := s.publicBase(r, p.Title+" (preview)")
	if err != nil {
		return err
	}
	b.Canonical = ""
	w.Header().Set("X-Robots-Tag", "noindex")
	page := "post"
	if p.Kind == blog.KindPage {
		page = "page"
	}
	pp := &postPage{Base: b, Post: p}
	if p.Kind == blog.KindPost {
		if err := s.threadFor(r, pp); err != nil {
			return err
		}
		pp.Form.Preview = true
	}
	return s.render(w, http.StatusOK, page, pp)
}

// adminPreview renders Markdown for the editor's live preview, with the
// source's credit. The result is sanitized like a saved post.
func (s *Server) adminPreview(w http.ResponseWriter, r *http.Request) error {
	src := blog.Source{URL: strings.TrimSpace(r.PostFormValue("source_url")), Title: strings.TrimSpace(r.PostFormValue("source_title")),
		Site: strings.TrimSpace(r.PostFormValue("source_site"))}
	rendered, err := s.writing.Preview(r.Context(), r.PostFormValue("body"), src)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, err = w.Write([]byte(rendered.HTML))
	return err
}

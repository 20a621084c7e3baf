package blog

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on what the editor accepts.
const (
	maxTitleLen = 300
	maxLedeLen  = 1000
	maxBodyLen  = 1 << 20
	maxTerms    = 50
)

// reservedPageSlugs are first path segments the site itself answers, so
// no page may take them.
var reservedPageSlugs = map[string]bool{
	"admin": true, "tag": true, "category": true, "author": true, "page": true, "feed": true,
	"static": true, "search": true, "login": true, "logout": true, "healthz": true,
	"sitemap.xml": true, "robots.txt": true, "comments": true, "wp-admin": true, "wp-content": true,
}

// Writing holds what writers do: posts and pages with their revisions,
// categories, and the schedule.
type Writing struct {
	*core
	posts     PostStore
	revisions RevisionStore
	media     MediaStore
	search    Searcher
	renderer  Renderer
	fed       *Federation
}

// Post returns any post or page by ID, whatever its status, for the
// admin. actor must be allowed to edit it.
func (s *Writing) Post(ctx context.Context, actor *User, id int64) (*Post, error) {
	p, err := s.posts.Post(ctx, id)
	if err != nil {
		return nil, err
	}
	if !actor.CanEdit(p) {
		return nil, ErrForbidden
	}
	s.decorate(p)
	return p, nil
}

// AdminPosts lists posts for the admin's list screen, with the total
// count for pagination. Authors see only their own.
func (s *Writing) AdminPosts(ctx context.Context, actor *User, f PostFilter) ([]*Post, int, error) {
	if actor == nil {
		return nil, 0, ErrForbidden
	}
	if !actor.CanEditOthers() {
		f.AuthorID = actor.ID
	}
	// The index holds everything but the trash, which is searched by
	// title.
	if q := adminSearch(f.Search); !q.Empty() && !slices.Equal(f.Statuses, []Status{StatusTrash}) {
		ids, err := s.search.SearchAll(ctx, q)
		if err != nil {
			return nil, 0, fmt.Errorf("search: %w", err)
		}
		if len(ids) == 0 {
			return nil, 0, nil
		}
		f.IDs, f.Search = ids, ""
	}
	return s.list(ctx, s.posts, f)
}

// adminSearch reads the posts list's search box: the search index's
// query, with each word a prefix, so a writer finds a post by the start
// of a word they remember.
func adminSearch(raw string) SearchQuery {
	q := ParseSearch(raw)
	for i, t := range q.Terms {
		if !t.Phrase && !t.Exclude {
			q.Terms[i].Prefix = true
		}
	}
	return q
}

// list returns the posts matching f, decorated, and how many match in
// all.
func (c *core) list(ctx context.Context, posts PostStore, f PostFilter) ([]*Post, int, error) {
	total, err := posts.CountPosts(ctx, f)
	if err != nil {
		return nil, 0, fmt.Errorf("count posts: %w", err)
	}
	list, err := posts.Posts(ctx, f)
	if err != nil {
		return nil, 0, fmt.Errorf("list posts: %w", err)
	}
	return c.decorateAll(list), total, nil
}

// Preview renders Markdown the way saving would, with the credit of the
// source it quotes, without storing anything.
func (s *Writing) Preview(ctx context.Context, markdown string, src Source) (Rendered, error) {
	if len(markdown) > maxBodyLen {
		return Rendered{}, FieldError("body", "body_too_long")
	}
	r, err := s.renderer.Render(markdown, s.findPicture(ctx, s.media))
	if err != nil {
		return Rendered{}, err
	}
	r.HTML = CreditSource(r.HTML, src, s.say("source_label"))
	return r, nil
}

// SavePost creates (id 0) or updates a post or page from the editor. The
// requested status decides what happens: StatusDraft saves or unpublishes,
// StatusPublished publishes now (or schedules when the date is in the
// future), StatusPrivate hides it from readers. Every save also keeps a
// revision. On a *ValidationError nothing is stored.
func (s *Writing) SavePost(ctx context.Context, actor *User, id int64, in PostInput) (*Post, error) {
	if actor == nil {
		return nil, ErrForbidden
	}
	var saved *Post
	err := s.write(ctx, func(tx Tx) (c Change, err error) {
		if saved, c, err = s.savePost(ctx, tx, actor, id, in); err != nil {
			return c, err
		}
		return c, s.announce(ctx, tx, saved)
	})
	if err != nil {
		return nil, err
	}
	s.decorate(saved)
	return saved, nil
}

// savePost stores the editor's input as post id (0: a new one) and
// returns it with the change readers see; the item's old address is
// kept when it moves.
func (s *Writing) savePost(ctx context.Context, tx Tx, actor *User, id int64, in PostInput) (*Post, Change, error) {
	before := postBefore(ctx, tx, id)
	p, err := s.storePost(ctx, tx, actor, id, in)
	if err != nil {
		return nil, Change{}, err
	}
	c, err := s.settleAs(ctx, tx, p.ID, before, p)
	if err != nil {
		return nil, Change{}, err
	}
	return p, c, nil
}

func (s *Writing) storePost(ctx context.Context, tx Tx, actor *User, id int64, in PostInput) (*Post, error) {
	now := s.stamp()
	p := &Post{Kind: in.Kind, CreatedAt: now, AuthorID: actor.ID}
	if id != 0 {
		old, err := tx.Post(ctx, id)
		if err != nil {
			return nil, err
		}
		if !actor.CanEdit(old) {
			return nil, ErrForbidden
		}
		if old.Status == StatusTrash {
			return nil, FieldError("status", "edit_trashed")
		}
		if !in.LoadedAt.IsZero() && old.UpdatedAt.After(in.LoadedAt) {
			s.decorate(old)
			return nil, &EditConflictError{Current: old}
		}
		p = old
		in.Kind = old.Kind
	}
	v := &ValidationError{}
	in.normalize(v)
	if in.AuthorID != 0 && in.AuthorID != p.AuthorID {
		if !actor.CanEditOthers() {
			return nil, ErrForbidden
		}
		if _, err := tx.User(ctx, in.AuthorID); errors.Is(err, ErrNotFound) {
			v.Add("author", "author_choose")
		} else if err != nil {
			return nil, err
		} else {
			p.AuthorID = in.AuthorID
		}
	}
	slug, err := resolveSlug(ctx, tx, p.ID, in, v)
	if err != nil {
		return nil, err
	}
	termIDs, err := resolveTerms(ctx, tx, in, v)
	if err != nil {
		return nil, err
	}
	if err := checkPlace(ctx, tx, p.ID, in, v); err != nil {
		return nil, err
	}
	featured, err := s.featured(ctx, tx, actor, p, in.FeaturedID, v)
	if err != nil {
		return nil, err
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	r, err := s.renderer.Render(in.Body, s.findPicture(ctx, tx))
	if err != nil {
		return nil, fmt.Errorf("render body: %w", err)
	}
	if in.RequireAlt && r.Unlabelled > 0 && in.Status != StatusDraft {
		return nil, FieldError("alt", "pictures_unlabelled", "Count", r.Unlabelled)
	}

	// A save that leaves the words as they were (a status change, a
	// repeated import) adds no revision, as in WordPress.
	changed := p.ID == 0 || p.Title != in.Title || p.Lede != in.Lede || p.Body != in.Body || p.Source != in.Source
	p.Title, p.Slug, p.Body, p.Lede, p.Source, p.Language = in.Title, slug, in.Body, in.Lede, in.Source, in.Language
	p.BodyHTML, p.ExcerptHTML = CreditSource(r.HTML, in.Source, s.words.Say(p.LanguageOr(s.current().Language), "source_label")), r.ExcerptHTML
	p.Summary, p.BodyText = in.Lede, r.Text
	if p.Summary == "" {
		p.Summary = Summarize(r.Prose)
	}
	p.CommentsOpen, p.ParentID, p.Sticky, p.MenuOrder = in.CommentsOpen, in.ParentID, in.Sticky, in.MenuOrder
	p.UpdatedAt = now
	p.PublishedAt = in.PublishedAt
	p.Status = in.Status
	if p.Status == StatusPublished || p.Status == StatusPrivate {
		if p.PublishedAt.IsZero() {
			p.PublishedAt = now
		}
		if p.Status == StatusPublished && p.PublishedAt.After(now) {
			p.Status = StatusScheduled
		}
	}

	err = tx.SavePost(ctx, p, termIDs)
	if errors.Is(err, ErrConflict) {
		return nil, FieldError("slug", kindMessage(p.Kind, "post_slug_taken", "page_slug_taken"), "Slug", p.Slug)
	}
	if err != nil {
		return nil, fmt.Errorf("save post: %w", err)
	}
	if err := s.recordPictures(ctx, tx, p.ID, r.Pictures, featured); err != nil {
		return nil, err
	}
	// What the writer saves replaces what the editor kept by itself.
	if err := tx.DeleteAutosave(ctx, p.ID, actor.ID); err != nil {
		return nil, fmt.Errorf("drop the autosave: %w", err)
	}
	if changed {
		rev := &Revision{PostID: p.ID, Title: p.Title, Lede: p.Lede, Body: p.Body, Source: p.Source, AuthorID: actor.ID, CreatedAt: now}
		if err := tx.CreateRevision(ctx, rev); err != nil {
			return nil, fmt.Errorf("save revision: %w", err)
		}
		if keep := s.current().RevisionsKept; keep > 0 {
			if err := tx.PruneRevisions(ctx, p.ID, keep); err != nil {
				return nil, fmt.Errorf("prune revisions: %w", err)
			}
		}
	}
	return tx.Post(ctx, p.ID)
}

// MaxMenuOrder bounds a page's order either way.
const MaxMenuOrder = 1_000_000

// checkPlace refuses a page's order out of bounds, and a parent that is
// not a page, is the page itself, or sits under it.
func checkPlace(ctx context.Context, posts PostStore, id int64, in PostInput, v *ValidationError) error {
	if in.MenuOrder < -MaxMenuOrder || in.MenuOrder > MaxMenuOrder {
		v.Add("menu_order", "menu_order_range")
	}
	if in.Language != "" && !validLanguageTag(in.Language) {
		v.Add("language", "post_language_tag")
	}
	if in.ParentID == 0 {
		return nil
	}
	if in.Kind != KindPage {
		v.Add("parent_id", "parent_pages_only")
		return nil
	}
	for at, depth := in.ParentID, 0; at != 0; depth++ {
		if at == id && id != 0 || depth > 50 {
			v.Add("parent_id", "parent_loop")
			return nil
		}
		parent, err := posts.Post(ctx, at)
		if errors.Is(err, ErrNotFound) || (err == nil && parent.Kind != KindPage) {
			v.Add("parent_id", "parent_choose")
			return nil
		}
		if err != nil {
			return err
		}
		at = parent.ParentID
	}
	return nil
}

func (in *PostInput) normalize(v *ValidationError) {
	in.Title = strings.TrimSpace(clean(in.Title))
	in.Slug = strings.TrimSpace(clean(in.Slug))
	in.Lede = strings.TrimSpace(clean(in.Lede))
	in.Body = clean(in.Body)
	in.Source.URL = strings.TrimSpace(clean(in.Source.URL))
	in.Source.Title = strings.TrimSpace(clean(in.Source.Title))
	in.Source.Site = strings.TrimSpace(clean(in.Source.Site))
	in.Tags, in.Categories = cleanAll(in.Tags), cleanAll(in.Categories)
	if !in.Kind.Valid() {
		v.Add("kind", "kind_choose")
	}
	switch {
	case in.Title == "":
		v.Add("title", "title_enter")
	case utf8.RuneCountInString(in.Title) > maxTitleLen:
		v.Add("title", "title_too_long")
	}
	if utf8.RuneCountInString(in.Lede) > maxLedeLen {
		v.Add("lede", "lede_too_long")
	}
	if len(in.Body) > maxBodyLen {
		v.Add("body", "body_too_long")
	}
	if !utf8.ValidString(in.Title + in.Body + in.Lede) {
		v.Add("body", "body_not_utf8")
	}
	if in.Source.URL != "" {
		u, err := url.Parse(in.Source.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			v.Add("source_url", "source_url_full")
		}
	} else if in.Source.Title != "" || in.Source.Site != "" {
		v.Add("source_url", "source_url_missing")
	}
	switch in.Status {
	case StatusDraft, StatusPublished, StatusPrivate:
	case StatusScheduled:
		in.Status = StatusPublished
		if in.PublishedAt.IsZero() {
			v.Add("published_at", "published_at_choose")
		}
	default:
		v.Add("status", "status_choose")
	}
	in.Tags, in.Categories = nonBlank(in.Tags), nonBlank(in.Categories)
	if in.Kind == KindPage && len(in.Categories)+len(in.Tags) > 0 {
		v.Add("tags", "page_no_terms")
	}
	if len(in.Tags) > maxTerms || len(in.Categories) > maxTerms {
		v.Add("tags", "terms_too_many")
	}
}

func resolveSlug(ctx context.Context, tx PostStore, id int64, in PostInput, v *ValidationError) (string, error) {
	taken := func(c string) (bool, error) { return tx.SlugTaken(ctx, in.Kind, c, id) }
	if in.Slug == "" {
		if in.Title == "" {
			return "", nil
		}
		base := Slugify(in.Title)
		if in.Kind == KindPage && (reservedPageSlugs[base] || isDigits(base)) {
			base += "-page"
		}
		return uniqueSlug(base, string(in.Kind), taken)
	}
	slug := Slugify(in.Slug)
	if slug == "" {
		v.Add("slug", "slug_letters")
		return "", nil
	}
	if in.Kind == KindPage && (reservedPageSlugs[slug] || isDigits(slug)) {
		v.Add("slug", "slug_reserved", "Slug", slug)
		return "", nil
	}
	t, err := taken(slug)
	if err != nil {
		return "", err
	}
	if t {
		v.Add("slug", kindMessage(in.Kind, "post_slug_taken", "page_slug_taken"), "Slug", slug)
	}
	return slug, nil
}

// nonBlank returns the names that are not blank, trimmed: an empty
// field of tags arrives as one blank name.
func nonBlank(names []string) []string {
	var out []string
	for _, n := range names {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// resolveTerms finds the terms named in the input, each once: tags are
// created when new, categories must exist. An import's terms are taken
// as given.
func resolveTerms(ctx context.Context, tx TermStore, in PostInput, v *ValidationError) ([]int64, error) {
	var ids []int64
	seen := map[int64]bool{}
	add := func(id int64) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if in.termIDs != nil {
		for _, id := range in.termIDs {
			add(id)
		}
		return ids, nil
	}
	for _, name := range in.Tags {
		t, err := ensureTerm(ctx, tx, TermTag, name)
		if err != nil {
			return nil, err
		}
		if t != nil {
			add(t.ID)
		}
	}
	for _, name := range in.Categories {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		t, err := tx.TermBySlug(ctx, TermCategory, Slugify(name))
		if errors.Is(err, ErrNotFound) {
			v.Add("categories", "category_unknown", "Name", name)
			continue
		}
		if err != nil {
			return nil, err
		}
		add(t.ID)
	}
	return ids, nil
}

// ensureTerm returns the term of kind with name's slug, creating it when
// missing. It returns nil for a blank name.
func ensureTerm(ctx context.Context, tx TermStore, kind TermKind, name string) (*Term, error) {
	name = strings.TrimSpace(name)
	slug := Slugify(name)
	if slug == "" {
		return nil, nil
	}
	t, err := tx.TermBySlug(ctx, kind, slug)
	if err == nil {
		return t, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	t = &Term{Kind: kind, Name: name, Slug: slug}
	if err := tx.CreateTerm(ctx, t); err != nil {
		return nil, fmt.Errorf("create %s %q: %w", kind, name, err)
	}
	return t, nil
}

// Trash moves a post or page to the trash, from where it can be restored
// or deleted for good.
func (s *Writing) Trash(ctx context.Context, actor *User, id int64) error {
	return s.edit(ctx, actor, id, func(tx Tx, p *Post) error {
		if p.Status == StatusTrash {
			return nil
		}
		p.Status, p.TrashedAt = StatusTrash, s.stamp()
		if err := tx.UpdatePost(ctx, p); err != nil {
			return err
		}
		return s.announce(ctx, tx, p)
	})
}

// announce queues what a write to p tells other sites: the
// Webmentions it calls for (see queueLinks) and the activity its
// writer's followers get (see Federation.queuePost). A site without an
// address sends none, having no address to send as. Imports do not
// come here, so moving a site in tells nobody.
func (s *Writing) announce(ctx context.Context, tx Tx, p *Post) error {
	st := s.current()
	u, err := url.Parse(st.BaseURL)
	if st.BaseURL == "" || err != nil {
		return nil
	}
	if err := queueLinks(ctx, tx, p, u.Host, s.stamp()); err != nil {
		return err
	}
	return s.fed.queuePost(ctx, tx, p)
}

// Restore takes a post or page out of the trash as a draft.
func (s *Writing) Restore(ctx context.Context, actor *User, id int64) error {
	return s.edit(ctx, actor, id, func(tx Tx, p *Post) error {
		if p.Status != StatusTrash {
			return nil
		}
		p.Status, p.TrashedAt = StatusDraft, time.Time{}
		return tx.UpdatePost(ctx, p)
	})
}

// DeleteForever removes a trashed post or page and its revisions. Items
// not in the trash must be trashed first.
func (s *Writing) DeleteForever(ctx context.Context, actor *User, id int64) error {
	return s.edit(ctx, actor, id, func(tx Tx, p *Post) error {
		if p.Status != StatusTrash {
			return FieldError("status", "delete_trash_first")
		}
		return tx.DeletePost(ctx, id)
	})
}

// EmptyTrash deletes for good every trashed item actor may edit and
// returns how many were deleted.
func (s *Writing) EmptyTrash(ctx context.Context, actor *User) (int, error) {
	if actor == nil {
		return 0, ErrForbidden
	}
	f := PostFilter{Statuses: []Status{StatusTrash}}
	if !actor.CanEditOthers() {
		f.AuthorID = actor.ID
	}
	n := 0
	err := s.write(ctx, func(tx Tx) (Change, error) {
		posts, err := tx.Posts(ctx, f)
		if err != nil {
			return Change{}, err
		}
		for _, p := range posts {
			if err := tx.DeletePost(ctx, p.ID); err != nil {
				return Change{}, err
			}
		}
		n = len(posts)
		// Trashed items are shown nowhere.
		return Change{}, nil
	})
	return n, err
}

// edit runs fn on post id in a transaction, when actor may edit it.
func (s *Writing) edit(ctx context.Context, actor *User, id int64, fn func(Tx, *Post) error) error {
	return s.write(ctx, func(tx Tx) (Change, error) {
		before := postBefore(ctx, tx, id)
		p, err := tx.Post(ctx, id)
		if err != nil {
			return Change{}, err
		}
		if !actor.CanEdit(p) {
			return Change{}, ErrForbidden
		}
		if err := fn(tx, p); err != nil {
			return Change{}, err
		}
		return s.settle(ctx, tx, id, before)
	})
}

// Revisions lists the saved versions of a post, newest first.
func (s *Writing) Revisions(ctx context.Context, actor *User, postID int64) ([]*Revision, error) {
	if _, err := s.Post(ctx, actor, postID); err != nil {
		return nil, err
	}
	return s.revisions.Revisions(ctx, postID)
}

// Revision returns one saved version of a post.
func (s *Writing) Revision(ctx context.Context, actor *User, postID, id int64) (*Revision, error) {
	if _, err := s.Post(ctx, actor, postID); err != nil {
		return nil, err
	}
	return s.revisions.Revision(ctx, postID, id)
}

// RestoreRevision puts a saved version's title, lede, text and source
// back into its post, keeping everything else (status, date, terms).
// Restoring is a save like any other, so it adds a revision and nothing
// is lost.
func (s *Writing) RestoreRevision(ctx context.Context, actor *User, postID, id int64) (*Post, error) {
	if actor == nil {
		return nil, ErrForbidden
	}
	var saved *Post
	err := s.write(ctx, func(tx Tx) (Change, error) {
		p, err := tx.Post(ctx, postID)
		if err != nil {
			return Change{}, err
		}
		if !actor.CanEdit(p) {
			return Change{}, ErrForbidden
		}
		rev, err := tx.Revision(ctx, postID, id)
		if err != nil {
			return Change{}, err
		}
		in := p.Input()
		in.Title, in.Lede, in.Body, in.Source = rev.Title, rev.Lede, rev.Body, rev.Source
		var c Change
		saved, c, err = s.savePost(ctx, tx, actor, postID, in)
		return c, err
	})
	if err != nil {
		return nil, err
	}
	s.decorate(saved)
	return saved, nil
}

// Input returns the input that saves p as it is, for a change to some
// of its fields.
func (p *Post) Input() PostInput {
	in := PostInput{Kind: p.Kind, Title: p.Title, Slug: p.Slug, Body: p.Body, Lede: p.Lede, Source: p.Source,
		AuthorID: p.AuthorID, PublishedAt: p.PublishedAt, CommentsOpen: p.CommentsOpen, ParentID: p.ParentID,
		Sticky: p.Sticky, MenuOrder: p.MenuOrder, Language: p.Language, Status: p.Status}
	if in.Status == StatusScheduled {
		in.Status = StatusPublished // the date keeps it scheduled
	}
	for _, t := range p.Tags {
		in.Tags = append(in.Tags, t.Name)
	}
	for _, c := range p.Categories {
		in.Categories = append(in.Categories, c.Slug)
	}
	if p.Featured != nil {
		in.FeaturedID = p.Featured.ID
	}
	return in
}

// PublishDue publishes every scheduled post whose time has come and
// returns how many went live. The server calls it periodically and at
// start-up, so schedules survive restarts.
func (s *Writing) PublishDue(ctx context.Context) (int, error) {
	f := PostFilter{Statuses: []Status{StatusScheduled}, To: s.now().Add(time.Second)}
	// A read first, so the common case takes no write lock.
	if n, err := s.posts.CountPosts(ctx, f); err != nil || n == 0 {
		return 0, err
	}
	var due []*Post
	err := s.write(ctx, func(tx Tx) (Change, error) {
		var err error
		if due, err = tx.Posts(ctx, f); err != nil {
			return Change{}, err
		}
		for _, p := range due {
			p.Status = StatusPublished
			if err := tx.UpdatePost(ctx, p); err != nil {
				return Change{}, err
			}
			if err := s.announce(ctx, tx, p); err != nil {
				return Change{}, err
			}
		}
		var c Change
		for _, p := range due {
			// Scheduled, it was shown nowhere.
			d, err := s.settle(ctx, tx, p.ID, postState{})
			if err != nil {
				return Change{}, err
			}
			c = c.Merge(d)
		}
		return c, nil
	})
	if err != nil {
		return 0, fmt.Errorf("publish due posts: %w", err)
	}
	return len(due), nil
}

// CreateCategory adds a category. Editors and administrators may.
func (s *Writing) CreateCategory(ctx context.Context, actor *User, name, slug, description string) (*Term, error) {
	if !actor.CanEditOthers() {
		return nil, ErrForbidden
	}
	name, description = strings.TrimSpace(name), strings.TrimSpace(description)
	if slug = Slugify(strings.TrimSpace(slug)); slug == "" {
		slug = Slugify(name)
	}
	v := &ValidationError{}
	if name == "" || slug == "" {
		v.Add("name", "category_name_enter")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	t := &Term{Kind: TermCategory, Name: name, Slug: slug, Description: description}
	err := s.write(ctx, func(tx Tx) (Change, error) {
		if err := tx.CreateTerm(ctx, t); errors.Is(err, ErrConflict) {
			return Change{}, FieldError("slug", "category_slug_taken", "Slug", slug)
		} else if err != nil {
			return Change{}, err
		}
		return everything, nil
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// PostAtURL returns the post or page at a URL of this site (its
// address, whatever its status, the trash included) for the admin and
// the apps that edit it, or ErrNotFound. actor must be allowed to edit
// it.
func (s *Writing) PostAtURL(ctx context.Context, actor *User, raw string) (*Post, error) {
	st := s.current()
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Path == "" {
		return nil, ErrNotFound
	}
	if base, err := url.Parse(st.BaseURL); err == nil && st.BaseURL != "" && u.Host != "" && !strings.EqualFold(u.Host, base.Host) {
		return nil, ErrNotFound
	}
	var p *Post
	if m, ok := st.PermalinkRule().Match(u.Path); ok {
		if m.ID != 0 {
			p, err = s.posts.Post(ctx, m.ID)
		} else {
			p, err = s.posts.PostBySlug(ctx, KindPost, m.Slug)
		}
	} else if slug := strings.Trim(u.Path, "/"); slug != "" && !strings.Contains(slug, "/") {
		p, err = s.posts.PostBySlug(ctx, KindPage, slug)
	} else {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if !actor.CanEdit(p) {
		return nil, ErrForbidden
	}
	s.decorate(p)
	return p, nil
}

package blog

import (
	"context"
	"errors"
	"fmt"
	"net/url"
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

// Post returns any post or page by ID, whatever its status, for the
// admin. actor must be allowed to edit it.
func (s *Service) Post(ctx context.Context, actor *User, id int64) (*Post, error) {
	p, err := s.store.Post(ctx, id)
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
func (s *Service) AdminPosts(ctx context.Context, actor *User, f PostFilter) ([]*Post, int, error) {
	if actor == nil {
		return nil, 0, ErrForbidden
	}
	if !actor.CanEditOthers() {
		f.AuthorID = actor.ID
	}
	return s.list(ctx, f)
}

func (s *Service) list(ctx context.Context, f PostFilter) ([]*Post, int, error) {
	total, err := s.store.CountPosts(ctx, f)
	if err != nil {
		return nil, 0, fmt.Errorf("count posts: %w", err)
	}
	posts, err := s.store.Posts(ctx, f)
	if err != nil {
		return nil, 0, fmt.Errorf("list posts: %w", err)
	}
	for _, p := range posts {
		s.decorate(p)
	}
	return posts, total, nil
}

// decorate fills the fields derived from settings.
func (s *Service) decorate(p *Post) {
	if p.Kind == KindPage {
		p.Path = "/" + p.Slug + "/"
		return
	}
	st := s.Settings()
	p.Path = st.PermalinkRule().Build(p, st.Location())
}

// Preview renders Markdown the way saving would, without storing
// anything.
func (s *Service) Preview(markdown string) (Rendered, error) {
	if len(markdown) > maxBodyLen {
		return Rendered{}, FieldError("body", "The text is longer than 1 MiB.")
	}
	return s.renderer.Render(markdown)
}

// SavePost creates (id 0) or updates a post or page from the editor. The
// requested status decides what happens: StatusDraft saves or unpublishes,
// StatusPublished publishes now (or schedules when the date is in the
// future), StatusPrivate hides it from readers. Every save also keeps a
// revision. On a *ValidationError nothing is stored.
func (s *Service) SavePost(ctx context.Context, actor *User, id int64, in PostInput) (*Post, error) {
	if actor == nil {
		return nil, ErrForbidden
	}
	var saved *Post
	before := s.postBefore(ctx, id)
	err := s.store.Atomic(ctx, func(tx Store) error {
		var err error
		saved, err = s.savePost(ctx, tx, actor, id, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.decorate(saved)
	s.changed(s.postAfter(ctx, saved.ID, before))
	return saved, nil
}

func (s *Service) savePost(ctx context.Context, tx Store, actor *User, id int64, in PostInput) (*Post, error) {
	now := s.now().UTC().Truncate(time.Second)
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
			return nil, FieldError("status", "Restore this item from the trash before editing it.")
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
			v.Add("author", "Choose an existing author.")
		} else if err != nil {
			return nil, err
		} else {
			p.AuthorID = in.AuthorID
		}
	}
	slug, err := s.resolveSlug(ctx, tx, p.ID, in, v)
	if err != nil {
		return nil, err
	}
	termIDs, err := s.resolveTerms(ctx, tx, in, v)
	if err != nil {
		return nil, err
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	r, err := s.renderer.Render(in.Body)
	if err != nil {
		return nil, fmt.Errorf("render body: %w", err)
	}

	p.Title, p.Slug, p.Body, p.Lede, p.Source = in.Title, slug, in.Body, in.Lede, in.Source
	p.BodyHTML, p.ExcerptHTML = CreditSource(r.HTML, in.Source), r.ExcerptHTML
	p.Summary, p.BodyText = in.Lede, r.Text
	if p.Summary == "" {
		p.Summary = Summarize(r.Text)
	}
	p.CommentsOpen, p.ParentID, p.Sticky = in.CommentsOpen, in.ParentID, in.Sticky
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

	if p.ID == 0 {
		err = tx.CreatePost(ctx, p)
	} else {
		err = tx.UpdatePost(ctx, p)
	}
	if errors.Is(err, ErrConflict) {
		return nil, FieldError("slug", "Another "+string(p.Kind)+" already uses this slug.")
	}
	if err != nil {
		return nil, fmt.Errorf("save post: %w", err)
	}
	if err := tx.SetPostTerms(ctx, p.ID, termIDs); err != nil {
		return nil, fmt.Errorf("save terms: %w", err)
	}
	rev := &Revision{PostID: p.ID, Title: p.Title, Lede: p.Lede, Body: p.Body, AuthorID: actor.ID, CreatedAt: now}
	if err := tx.CreateRevision(ctx, rev); err != nil {
		return nil, fmt.Errorf("save revision: %w", err)
	}
	return tx.Post(ctx, p.ID)
}

func (in *PostInput) normalize(v *ValidationError) {
	in.Title = strings.TrimSpace(in.Title)
	in.Slug = strings.TrimSpace(in.Slug)
	in.Lede = strings.TrimSpace(in.Lede)
	in.Source.URL = strings.TrimSpace(in.Source.URL)
	in.Source.Title = strings.TrimSpace(in.Source.Title)
	in.Source.Site = strings.TrimSpace(in.Source.Site)
	if !in.Kind.Valid() {
		v.Add("kind", "Choose post or page.")
	}
	switch {
	case in.Title == "":
		v.Add("title", "Enter a title.")
	case utf8.RuneCountInString(in.Title) > maxTitleLen:
		v.Add("title", "Keep the title under 300 characters.")
	}
	if utf8.RuneCountInString(in.Lede) > maxLedeLen {
		v.Add("lede", "Keep the lede under 1,000 characters.")
	}
	if len(in.Body) > maxBodyLen {
		v.Add("body", "The text is longer than 1 MiB.")
	}
	if !utf8.ValidString(in.Title + in.Body + in.Lede) {
		v.Add("body", "The text contains bytes that are not UTF-8.")
	}
	if in.Source.URL != "" {
		u, err := url.Parse(in.Source.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			v.Add("source_url", "Enter the source's full address, starting with https://.")
		}
	} else if in.Source.Title != "" || in.Source.Site != "" {
		v.Add("source_url", "Enter the address of the source you name.")
	}
	switch in.Status {
	case StatusDraft, StatusPublished, StatusPrivate:
	case StatusScheduled:
		in.Status = StatusPublished
		if in.PublishedAt.IsZero() {
			v.Add("published_at", "Choose the date and time to publish at.")
		}
	default:
		v.Add("status", "Choose draft, published or private.")
	}
	if in.Kind == KindPage && len(in.Categories)+len(in.Tags) > 0 {
		v.Add("tags", "Pages have no tags or categories.")
	}
	if len(in.Tags) > maxTerms || len(in.Categories) > maxTerms {
		v.Add("tags", "Use at most 50 tags and 50 categories.")
	}
}

func (s *Service) resolveSlug(ctx context.Context, tx Store, id int64, in PostInput, v *ValidationError) (string, error) {
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
		v.Add("slug", "Use letters or digits in the slug.")
		return "", nil
	}
	if in.Kind == KindPage && (reservedPageSlugs[slug] || isDigits(slug)) {
		v.Add("slug", "The address /"+slug+"/ is used by the site itself; choose another slug.")
		return "", nil
	}
	t, err := taken(slug)
	if err != nil {
		return "", err
	}
	if t {
		v.Add("slug", "Another "+string(in.Kind)+" already uses the slug “"+slug+"”.")
	}
	return slug, nil
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// resolveTerms finds the terms named in the input: tags are created when
// new, categories must exist.
func (s *Service) resolveTerms(ctx context.Context, tx Store, in PostInput, v *ValidationError) ([]int64, error) {
	var ids []int64
	seen := map[int64]bool{}
	add := func(id int64) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for _, name := range in.Tags {
		t, err := s.ensureTerm(ctx, tx, TermTag, name)
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
			v.Add("categories", "Unknown category “"+name+"”: create it under Categories first.")
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
func (s *Service) ensureTerm(ctx context.Context, tx Store, kind TermKind, name string) (*Term, error) {
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
func (s *Service) Trash(ctx context.Context, actor *User, id int64) error {
	return s.edit(ctx, actor, id, func(tx Store, p *Post) error {
		if p.Status == StatusTrash {
			return nil
		}
		p.Status, p.TrashedAt = StatusTrash, s.now().UTC().Truncate(time.Second)
		return tx.UpdatePost(ctx, p)
	})
}

// Restore takes a post or page out of the trash as a draft.
func (s *Service) Restore(ctx context.Context, actor *User, id int64) error {
	return s.edit(ctx, actor, id, func(tx Store, p *Post) error {
		if p.Status != StatusTrash {
			return nil
		}
		p.Status, p.TrashedAt = StatusDraft, time.Time{}
		return tx.UpdatePost(ctx, p)
	})
}

// DeleteForever removes a trashed post or page and its revisions. Items
// not in the trash must be trashed first.
func (s *Service) DeleteForever(ctx context.Context, actor *User, id int64) error {
	return s.edit(ctx, actor, id, func(tx Store, p *Post) error {
		if p.Status != StatusTrash {
			return FieldError("status", "Move the item to the trash before deleting it for good.")
		}
		return tx.DeletePost(ctx, id)
	})
}

// EmptyTrash deletes for good every trashed item actor may edit and
// returns how many were deleted.
func (s *Service) EmptyTrash(ctx context.Context, actor *User) (int, error) {
	if actor == nil {
		return 0, ErrForbidden
	}
	f := PostFilter{Statuses: []Status{StatusTrash}}
	if !actor.CanEditOthers() {
		f.AuthorID = actor.ID
	}
	n := 0
	err := s.store.Atomic(ctx, func(tx Store) error {
		posts, err := tx.Posts(ctx, f)
		if err != nil {
			return err
		}
		for _, p := range posts {
			if err := tx.DeletePost(ctx, p.ID); err != nil {
				return err
			}
		}
		n = len(posts)
		return nil
	})
	return n, err
}

func (s *Service) edit(ctx context.Context, actor *User, id int64, fn func(Store, *Post) error) error {
	before := s.postBefore(ctx, id)
	err := s.store.Atomic(ctx, func(tx Store) error {
		p, err := tx.Post(ctx, id)
		if err != nil {
			return err
		}
		if !actor.CanEdit(p) {
			return ErrForbidden
		}
		return fn(tx, p)
	})
	if err == nil {
		s.changed(s.postAfter(ctx, id, before))
	}
	return err
}

// Revisions lists the saved versions of a post, newest first.
func (s *Service) Revisions(ctx context.Context, actor *User, postID int64) ([]*Revision, error) {
	if _, err := s.Post(ctx, actor, postID); err != nil {
		return nil, err
	}
	return s.store.Revisions(ctx, postID)
}

// PublishDue publishes every scheduled post whose time has come and
// returns how many went live. The server calls it periodically and at
// start-up, so schedules survive restarts.
func (s *Service) PublishDue(ctx context.Context) (int, error) {
	f := PostFilter{Statuses: []Status{StatusScheduled}, To: s.now().Add(time.Second)}
	// A read first, so the common case takes no write lock.
	if n, err := s.store.CountPosts(ctx, f); err != nil || n == 0 {
		return 0, err
	}
	var due []*Post
	err := s.store.Atomic(ctx, func(tx Store) error {
		var err error
		if due, err = tx.Posts(ctx, f); err != nil {
			return err
		}
		for _, p := range due {
			p.Status = StatusPublished
			if err := tx.UpdatePost(ctx, p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("publish due posts: %w", err)
	}
	var c Change
	for _, p := range due {
		// Scheduled, it was shown nowhere.
		c = c.Merge(s.postAfter(ctx, p.ID, postState{}))
	}
	s.changed(c)
	return len(due), nil
}

// Terms lists the tags or categories with their published post counts.
func (s *Service) Terms(ctx context.Context, kind TermKind) ([]Term, error) {
	return s.store.Terms(ctx, kind)
}

// CreateCategory adds a category. Editors and administrators may.
func (s *Service) CreateCategory(ctx context.Context, actor *User, name, slug, description string) (*Term, error) {
	if !actor.CanEditOthers() {
		return nil, ErrForbidden
	}
	name, description = strings.TrimSpace(name), strings.TrimSpace(description)
	if slug = Slugify(strings.TrimSpace(slug)); slug == "" {
		slug = Slugify(name)
	}
	v := &ValidationError{}
	if name == "" || slug == "" {
		v.Add("name", "Enter a category name with letters or digits.")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	t := &Term{Kind: TermCategory, Name: name, Slug: slug, Description: description}
	if err := s.store.CreateTerm(ctx, t); errors.Is(err, ErrConflict) {
		return nil, FieldError("slug", "A category with the slug “"+slug+"” already exists.")
	} else if err != nil {
		return nil, err
	}
	s.changed(everything)
	return t, nil
}

// ImportResult counts what an import did.
type ImportResult struct {
	Created int
	Updated int
}

// ItemError names the input of a batch that failed.
type ItemError struct {
	Index int // 0-based position in the batch
	Err   error
}

func (e *ItemError) Error() string { return fmt.Sprintf("item %d: %v", e.Index+1, e.Err) }

// Unwrap returns the item's own error.
func (e *ItemError) Unwrap() error { return e.Err }

// ImportPosts saves every input with author as the writer, in one
// transaction: an item whose slug (given, or derived from its title)
// already exists in its kind is updated, so running an import twice
// changes nothing; the others are created. Categories an item names are
// created when missing. If any item is refused,
// nothing is stored and the error is an *ItemError. progress, when not
// nil, is called after each item.
func (s *Service) ImportPosts(ctx context.Context, author *User, ins []PostInput, progress func(done int)) (ImportResult, error) {
	var res ImportResult
	err := s.store.Atomic(ctx, func(tx Store) error {
		res = ImportResult{}
		for i, in := range ins {
			if in.Slug == "" {
				in.Slug = Slugify(in.Title)
			}
			var id int64
			old, err := tx.PostBySlug(ctx, in.Kind, Slugify(in.Slug))
			switch {
			case err == nil:
				id = old.ID
				res.Updated++
			case errors.Is(err, ErrNotFound):
				res.Created++
			default:
				return err
			}
			// Static site generators create categories by using them.
			for _, name := range in.Categories {
				if _, err := s.ensureTerm(ctx, tx, TermCategory, name); err != nil {
					return &ItemError{Index: i, Err: err}
				}
			}
			if _, err := s.savePost(ctx, tx, author, id, in); err != nil {
				return &ItemError{Index: i, Err: err}
			}
			if progress != nil {
				progress(i + 1)
			}
		}
		return nil
	})
	if err != nil {
		return ImportResult{}, err
	}
	s.changed(everything)
	return res, nil
}

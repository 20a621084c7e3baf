package blog

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ImportReport counts what an import did, per kind of item, and lists
// what it skipped and why.
type ImportReport struct {
	Created map[string]int
	Updated map[string]int
	Notes   []string // one line each: skipped items, conversions worth knowing
}

func (r *ImportReport) count(kind string, created bool) {
	if created {
		r.Created[kind]++
	} else {
		r.Updated[kind]++
	}
}

// Kinds lists the kinds of item the report counts, sorted.
func (r *ImportReport) Kinds() []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range []map[string]int{r.Created, r.Updated} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Note adds a line to the report.
func (r *ImportReport) Note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

// errDryRun rolls back a dry run's transaction.
var errDryRun = errors.New("dry run")

// Importer writes one import inside one transaction. Every item is keyed
// by the source's own ID, so importing the same file again updates what
// the first run created instead of duplicating it.
type Importer struct {
	ctx    context.Context
	s      *Service
	tx     Store
	actor  *User
	source string
	Report *ImportReport
}

// Import runs fn with an Importer in one transaction: everything fn
// writes is committed together, or nothing is (also when fn fails part
// way). A dry run rolls back at the end and returns the report of what
// would have changed. actor must be an administrator (nil is the command
// line); source names the kind of site, e.g. "wordpress".
func (s *Service) Import(ctx context.Context, actor *User, source string, dryRun bool, fn func(*Importer) error) (*ImportReport, error) {
	if actor != nil && !actor.CanManageSite() {
		return nil, ErrForbidden
	}
	rep := &ImportReport{Created: map[string]int{}, Updated: map[string]int{}}
	err := s.store.Atomic(ctx, func(tx Store) error {
		im := &Importer{ctx: ctx, s: s, tx: tx, actor: actor, source: source, Report: rep}
		if im.actor == nil {
			users, err := tx.Users(ctx)
			if err != nil {
				return err
			}
			for _, u := range users {
				if u.Role == RoleAdmin {
					im.actor = u
					break
				}
			}
			if im.actor == nil {
				return errors.New("the site has no administrator yet; create one before importing")
			}
		}
		if err := fn(im); err != nil {
			return err
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return nil, err
	}
	if !dryRun {
		s.changed(everything)
	}
	return rep, nil
}

// Lookup returns the local ID an earlier import gave the source's key,
// or 0.
func (im *Importer) Lookup(kind, key string) (int64, error) {
	id, err := im.tx.ImportKey(im.ctx, im.source, kind, key)
	if errors.Is(err, ErrNotFound) {
		return 0, nil
	}
	return id, err
}

func (im *Importer) remember(kind, key string, id int64) error {
	return im.tx.SetImportKey(im.ctx, im.source, kind, key, id)
}

// User finds or creates the writer with key. A new writer has no
// password: they choose one (folio user password) before signing in.
func (im *Importer) User(key, name, email string) (*User, error) {
	if id, err := im.Lookup("user", key); err != nil {
		return nil, err
	} else if id != 0 {
		im.Report.count("user", false)
		return im.tx.User(im.ctx, id)
	}
	email = normalizeEmail(email)
	if email == "" {
		email = Slugify(key) + "@imported.invalid"
	}
	u, err := im.tx.UserByEmail(im.ctx, email)
	if errors.Is(err, ErrNotFound) {
		slug, err := uniqueSlug(Slugify(name), "writer", func(c string) (bool, error) {
			_, err := im.tx.UserBySlug(im.ctx, c)
			if errors.Is(err, ErrNotFound) {
				return false, nil
			}
			return err == nil, err
		})
		if err != nil {
			return nil, err
		}
		if strings.TrimSpace(name) == "" {
			name = key
		}
		u = &User{Name: strings.TrimSpace(name), Slug: slug, Email: email, Role: RoleAuthor, CreatedAt: im.s.now().UTC()}
		if err := im.tx.CreateUser(im.ctx, u); err != nil {
			return nil, fmt.Errorf("create writer %s: %w", key, err)
		}
		im.Report.count("user", true)
	} else if err != nil {
		return nil, err
	} else {
		im.Report.count("user", false)
	}
	return u, im.remember("user", key, u.ID)
}

// Term finds or creates a tag or category with key, keeping its slug
// (so old archive addresses stay the same), name, description and
// parent (a key given earlier).
func (im *Importer) Term(kind TermKind, key, slug, name, description, parentKey string) (*Term, error) {
	slug = Slugify(slug)
	if slug == "" {
		slug = Slugify(name)
	}
	if slug == "" {
		return nil, nil
	}
	if strings.TrimSpace(name) == "" {
		name = slug
	}
	var parentID int64
	if parentKey != "" {
		var err error
		if parentID, err = im.Lookup(string(kind), parentKey); err != nil {
			return nil, err
		}
	}
	t, err := im.tx.TermBySlug(im.ctx, kind, slug)
	switch {
	case errors.Is(err, ErrNotFound):
		t = &Term{Kind: kind, Name: strings.TrimSpace(name), Slug: slug, Description: strings.TrimSpace(description), ParentID: parentID}
		if err := im.tx.CreateTerm(im.ctx, t); err != nil {
			return nil, fmt.Errorf("create %s %q: %w", kind, name, err)
		}
		im.Report.count(string(kind), true)
	case err != nil:
		return nil, err
	default:
		t.Name, t.Description, t.ParentID = strings.TrimSpace(name), strings.TrimSpace(description), parentID
		if err := im.tx.UpdateTerm(im.ctx, t); err != nil {
			return nil, err
		}
		im.Report.count(string(kind), false)
	}
	return t, im.remember(string(kind), key, t.ID)
}

// SetTermParent makes the term parentKey the parent of the term key,
// for exports that list a child before its parent.
func (im *Importer) SetTermParent(kind TermKind, key, parentKey string) error {
	id, err := im.Lookup(string(kind), key)
	if err != nil || id == 0 {
		return err
	}
	parent, err := im.Lookup(string(kind), parentKey)
	if err != nil || parent == 0 {
		return err
	}
	terms, err := im.tx.Terms(im.ctx, kind)
	if err != nil {
		return err
	}
	for _, t := range terms {
		if t.ID == id {
			t.ParentID = parent
			return im.tx.UpdateTerm(im.ctx, &t)
		}
	}
	return nil
}

// Post creates or updates the post or page with key. in.Body is the
// text to render (HTML passes through the Markdown renderer unchanged);
// termIDs replace the item's tags and categories, so imported archives
// keep their slugs. CreatedAt keeps the original date.
func (im *Importer) Post(key string, in PostInput, termIDs []int64) (*Post, error) {
	id, err := im.Lookup("post", key)
	if err != nil {
		return nil, err
	}
	in.Tags, in.Categories = nil, nil
	if in.Slug != "" {
		// A slug another item already took gets a number, as WordPress
		// does; the item's old address redirects to the new one.
		base := Slugify(in.Slug)
		if base == "" {
			base = Slugify(in.Title)
		}
		if in.Kind == KindPage && (reservedPageSlugs[base] || isDigits(base)) {
			base += "-page"
		}
		in.Slug, err = uniqueSlug(base, string(in.Kind), func(c string) (bool, error) {
			return im.tx.SlugTaken(im.ctx, in.Kind, c, id)
		})
		if err != nil {
			return nil, err
		}
	}
	p, err := im.s.savePost(im.ctx, im.tx, im.actor, id, in)
	if err != nil {
		return nil, fmt.Errorf("%s %s (%q): %w", in.Kind, key, in.Title, err)
	}
	if err := im.tx.SetPostTerms(im.ctx, p.ID, termIDs); err != nil {
		return nil, err
	}
	im.Report.count(string(in.Kind), id == 0)
	if err := im.remember("post", key, p.ID); err != nil {
		return nil, err
	}
	p, err = im.tx.Post(im.ctx, p.ID)
	if err != nil {
		return nil, err
	}
	im.s.decorate(p)
	return p, nil
}

// PostPath returns the public path of an item written in this import.
func (im *Importer) PostPath(id int64) (string, error) {
	p, err := im.tx.Post(im.ctx, id)
	if err != nil {
		return "", err
	}
	im.s.decorate(p)
	return p.Path, nil
}

// SetParent makes the page parentKey (a key given earlier) the parent of
// the page with id. Unknown parents are left out.
func (im *Importer) SetParent(id int64, parentKey string) error {
	parent, err := im.Lookup("post", parentKey)
	if err != nil || parent == 0 {
		return err
	}
	p, err := im.tx.Post(im.ctx, id)
	if err != nil {
		return err
	}
	p.ParentID = parent
	return im.tx.UpdatePost(im.ctx, p)
}

// Comment creates or updates the reply with key on post, answering the
// reply parentKey when given. The reply keeps its status, kind and
// dates; its text is rendered like a reader's.
func (im *Importer) Comment(key string, post *Post, parentKey string, c Comment) (*Comment, error) {
	id, err := im.Lookup("comment", key)
	if err != nil {
		return nil, err
	}
	c.PostID = post.ID
	if parentKey != "" && parentKey != "0" {
		pid, err := im.Lookup("comment", parentKey)
		if err != nil {
			return nil, err
		}
		if pid != 0 {
			parent, err := im.tx.Comment(im.ctx, pid)
			if err != nil {
				return nil, err
			}
			c.ParentID, c.Depth = parent.ID, parent.Depth+1
		}
	}
	if c.BodyHTML, err = im.s.comments.RenderComment(c.Body); err != nil {
		return nil, err
	}
	c.AuthorEmail = normalizeEmail(c.AuthorEmail)
	c.UpdatedAt, c.StatusAt = c.CreatedAt, c.CreatedAt
	was := CommentStatus("")
	if id != 0 {
		old, err := im.tx.Comment(im.ctx, id)
		if err != nil {
			return nil, err
		}
		was, c.ID = old.Status, id
		err = im.tx.UpdateComment(im.ctx, &c)
		if err != nil {
			return nil, err
		}
	} else if err := im.tx.CreateComment(im.ctx, &c); err != nil {
		return nil, err
	}
	if err := im.tx.AddCommentCount(im.ctx, post.ID, approvedDelta(was, c.Status)); err != nil {
		return nil, err
	}
	im.Report.count("reply", id == 0)
	return &c, im.remember("comment", key, c.ID)
}

// Redirect makes the old address from answer 301 with to. Addresses that
// already are to are left alone.
func (im *Importer) Redirect(from, to string) error {
	if from == "" || from == to {
		return nil
	}
	return im.tx.SetRedirect(im.ctx, Redirect{From: from, To: to, CreatedAt: im.s.now().UTC()})
}

// Key formats a numeric source ID as an import key.
func Key(id int64) string { return strconv.FormatInt(id, 10) }

// RedirectFor returns where an old address now lives, or ErrNotFound.
func (s *Service) RedirectFor(ctx context.Context, from string) (string, error) {
	return s.store.RedirectFor(ctx, from)
}

// Redirects lists the redirects for the admin.
func (s *Service) Redirects(ctx context.Context, actor *User) ([]Redirect, error) {
	if !actor.CanManageSite() {
		return nil, ErrForbidden
	}
	return s.store.Redirects(ctx)
}

// SaveRedirect adds or changes a redirect from an old path to a new one.
// Both must be paths on this site.
func (s *Service) SaveRedirect(ctx context.Context, actor *User, from, to string) error {
	if !actor.CanManageSite() {
		return ErrForbidden
	}
	from, to = strings.TrimSpace(from), strings.TrimSpace(to)
	v := &ValidationError{}
	if !strings.HasPrefix(from, "/") || strings.HasPrefix(from, "//") {
		v.Add("from", "Enter the old address as a path starting with /, like /2015/11/old-post/ or /?p=12.")
	}
	if !strings.HasPrefix(to, "/") || strings.HasPrefix(to, "//") {
		v.Add("to", "Enter the new address as a path starting with /.")
	}
	if from == to && from != "" {
		v.Add("to", "The new address must differ from the old one.")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.store.SetRedirect(ctx, Redirect{From: from, To: to, CreatedAt: s.now().UTC().Truncate(time.Second)})
}

// DeleteRedirect removes a redirect.
func (s *Service) DeleteRedirect(ctx context.Context, actor *User, from string) error {
	if !actor.CanManageSite() {
		return ErrForbidden
	}
	return s.store.DeleteRedirect(ctx, from)
}

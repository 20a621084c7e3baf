package blog

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ImportReport counts what an import did, per kind of item, and lists
// what it skipped and why.
type ImportReport struct {
	Created map[string]int
	Updated map[string]int
	Notes   []Message // one line each: skipped items, conversions worth knowing
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

// Note adds a line to the report: message id with its named values.
func (r *ImportReport) Note(id string, pairs ...any) {
	r.Notes = append(r.Notes, Msg(id, pairs...))
}

// errDryRun rolls back a dry run's transaction.
var errDryRun = errors.New("dry run")

// Moving holds what moves a site in and out: imports from other engines
// and files, and the export of everything.
type Moving struct {
	*core
	writing  *Writing
	posts    PostStore
	comments CommentStore
	users    UserStore
	terms    TermStore
	renderer CommentRenderer
	library  *Library
}

// Importer writes one import inside one transaction. Every item is keyed
// by the source's own ID, so importing the same file again updates what
// the first run created instead of duplicating it.
type Importer struct {
	ctx    context.Context
	m      *Moving
	tx     Tx
	actor  *User
	source string
	Report *ImportReport
}

// Import runs fn with an Importer in one transaction: everything fn
// writes is committed together, or nothing is (also when fn fails part
// way). A dry run rolls back at the end and returns the report of what
// would have changed. actor must be an administrator (nil is the command
// line); source names the kind of site, e.g. "wordpress".
func (m *Moving) Import(ctx context.Context, actor *User, source string, dryRun bool, fn func(*Importer) error) (*ImportReport, error) {
	if actor != nil && !actor.CanManageSite() {
		return nil, ErrForbidden
	}
	rep := &ImportReport{Created: map[string]int{}, Updated: map[string]int{}}
	err := m.write(ctx, func(tx Tx) (Change, error) {
		im := &Importer{ctx: ctx, m: m, tx: tx, actor: actor, source: source, Report: rep}
		if im.actor == nil {
			users, err := tx.Users(ctx)
			if err != nil {
				return Change{}, err
			}
			for _, u := range users {
				if u.Role == RoleAdmin {
					im.actor = u
					break
				}
			}
			if im.actor == nil {
				return Change{}, errors.New("the site has no administrator yet; create one before importing")
			}
		}
		if err := fn(im); err != nil {
			return Change{}, err
		}
		if dryRun {
			return Change{}, errDryRun
		}
		return everything, nil
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return nil, err
	}
	return rep, nil
}

// Location returns the site's time zone, in which dates given without
// one are read.
func (im *Importer) Location() *time.Location { return im.m.current().Location() }

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
	name, email = clean(name), clean(email)
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
		slug, err := uniqueUserSlug(im.ctx, im.tx, name, "writer")
		if err != nil {
			return nil, err
		}
		if strings.TrimSpace(name) == "" {
			name = key
		}
		u = &User{Name: strings.TrimSpace(name), Slug: slug, Email: email, Role: RoleAuthor, CreatedAt: im.m.now().UTC()}
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
	slug, name, description = clean(slug), clean(name), clean(description)
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
	// The terms are saved with the item, which indexes it once with them.
	in.Tags, in.Categories, in.termIDs = nil, nil, append([]int64{}, termIDs...)
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
	name := fmt.Sprintf("%s %s (%s)", in.Kind, key, Quote(truncate(in.Title, 60)))
	if utf8.RuneCountInString(in.Title) > maxTitleLen {
		// WordPress allows titles of any length; folio keeps the start.
		in.Title = string([]rune(in.Title)[:maxTitleLen-1]) + "…"
		im.Report.Note("import_title_shortened", "Item", name, "Limit", maxTitleLen)
	}
	before := postBefore(im.ctx, im.tx, id)
	p, err := im.m.writing.storePost(im.ctx, im.tx, im.actor, id, in)
	if err != nil {
		return nil, &ItemError{Name: name, Err: err}
	}
	// Imports change everything, so only the address a renamed item
	// had is kept.
	if err := im.m.keepAddress(im.ctx, im.tx, p.ID, before, p); err != nil {
		return nil, err
	}
	im.Report.count(string(in.Kind), id == 0)
	if err := im.remember("post", key, p.ID); err != nil {
		return nil, err
	}
	im.m.decorate(p)
	return p, nil
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
	c.AuthorName, c.AuthorEmail, c.AuthorURL, c.Body = clean(c.AuthorName), clean(c.AuthorEmail), WebAddress(clean(c.AuthorURL)), clean(c.Body)
	c.IP, c.UserAgent = clean(c.IP), clean(c.UserAgent)
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
	if c.BodyHTML, err = im.m.renderer.RenderComment(c.Body); err != nil {
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

// Address records path as an old address of the imported item with ID
// postID, answering 301 with wherever the item lives (looked up when a
// reader asks, so later renames keep it working). The item's own
// address is left alone.
func (im *Importer) Address(path string, postID int64) error {
	if path == "" {
		return nil
	}
	p, err := im.tx.Post(im.ctx, postID)
	if err != nil {
		return err
	}
	return im.Addresses(p, path)
}

// Addresses is Address for each of paths, of the item p as Post
// returned it.
func (im *Importer) Addresses(p *Post, paths ...string) error {
	im.m.decorate(p)
	for _, path := range paths {
		if path == "" || p.Visible() && p.Path == path {
			continue
		}
		if err := im.tx.SetAddress(im.ctx, Address{Path: path, PostID: p.ID, CreatedAt: im.m.stamp()}); err != nil {
			return err
		}
	}
	return nil
}

// Redirect makes the old address from answer 301 with the path to, for
// addresses that are not an item's (archives, files). Addresses that
// already are to are left alone.
func (im *Importer) Redirect(from, to string) error {
	if from == "" || from == to || !LocalPath(from) || !LocalPath(to) {
		return nil
	}
	return im.tx.SetRedirect(im.ctx, Redirect{From: from, To: to, CreatedAt: im.m.now().UTC()})
}

// Picture adds a file of the old site to the library (the same file
// again is the same item), without federating or announcing anything;
// its copies are made when first asked for. A file that is not a
// picture the library takes returns a *ValidationError on "file".
func (im *Importer) Picture(fileName string, data []byte) (*Media, error) {
	l := im.m.library
	if l.maker == nil {
		return nil, FieldError("file", "import_no_pictures")
	}
	if max := im.m.current().MediaMaxMB; len(data) > max<<20 {
		return nil, FieldError("file", "upload_too_large", "Limit", max)
	}
	key := mediaKey(im.actor.ID, data)
	if m, err := im.tx.MediaByKey(im.ctx, key); err == nil {
		return m, nil
	} else if !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	info, err := l.maker.Inspect(im.ctx, data)
	if err != nil {
		if im.ctx.Err() != nil {
			return nil, im.ctx.Err()
		}
		var v *ValidationError
		if errors.As(err, &v) {
			return nil, v
		}
		return nil, err
	}
	now := im.m.stamp()
	m := &Media{Key: key, Name: mediaName(fileName), FileName: cleanFileName(fileName), Type: info.Type, CopyType: info.CopyType,
		Width: info.Width, Height: info.Height, Orientation: info.Orientation, Size: int64(len(data)), UploaderID: im.actor.ID,
		CreatedAt: now, UpdatedAt: now}
	if err := im.tx.CreateMedia(im.ctx, m, data); err != nil {
		return nil, fmt.Errorf("store %s: %w", fileName, err)
	}
	im.Report.count("picture", true)
	return m, nil
}

// DescribePicture gives an imported picture the old site's alt text and
// caption, where it has none of its own yet.
func (im *Importer) DescribePicture(m *Media, alt, caption string) error {
	alt, caption = strings.TrimSpace(clean(alt)), strings.TrimSpace(clean(caption))
	if (m.Alt != "" || alt == "") && (m.Caption != "" || caption == "") {
		return nil
	}
	if m.Alt == "" {
		m.Alt = truncate(alt, maxAltLen)
	}
	if m.Caption == "" {
		m.Caption = truncate(caption, maxAltLen)
	}
	m.UpdatedAt = im.m.stamp()
	return im.tx.UpdateMedia(im.ctx, m)
}

// Feature makes picture m the featured picture of post postID.
func (im *Importer) Feature(postID int64, m *Media) error {
	return im.tx.SetPostFeatured(im.ctx, postID, m.ID)
}

// Key formats a numeric source ID as an import key.
func Key(id int64) string { return strconv.FormatInt(id, 10) }

// ImportResult counts what an import did.
type ImportResult struct {
	Created int
	Updated int
}

// ItemError names the input of a batch or an import that failed.
type ItemError struct {
	Index int    // 0-based position in the batch
	Name  string // how an import names the item, e.g. post 12 (“Title”); "" in a batch
	Err   error
}

func (e *ItemError) Error() string {
	if e.Name != "" {
		return fmt.Sprintf("%s: %v", e.Name, e.Err)
	}
	return fmt.Sprintf("item %d: %v", e.Index+1, e.Err)
}

// Unwrap returns the item's own error.
func (e *ItemError) Unwrap() error { return e.Err }

// ImportPosts saves every input with author as the writer, in one
// transaction: an item whose slug (given, or derived from its title)
// already exists in its kind is updated, so running an import twice
// changes nothing; the others are created. Categories an item names are
// created when missing. If any item is refused,
// nothing is stored and the error is an *ItemError. progress, when not
// nil, is called after each item.
func (m *Moving) ImportPosts(ctx context.Context, author *User, ins []PostInput, progress func(done int)) (ImportResult, error) {
	var res ImportResult
	err := m.write(ctx, func(tx Tx) (Change, error) {
		res = ImportResult{}
		// What the editor would report for each item, so a file imported
		// again drops (and a static build renders again) only its pages.
		var sum changeSum
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
				return Change{}, err
			}
			// Static site generators create categories by using them.
			for _, name := range in.Categories {
				if _, err := ensureTerm(ctx, tx, TermCategory, name); err != nil {
					return Change{}, &ItemError{Index: i, Err: err}
				}
			}
			_, c, err := m.writing.savePost(ctx, tx, author, id, in)
			if err != nil {
				return Change{}, &ItemError{Index: i, Err: err}
			}
			sum.add(c)
			if progress != nil {
				progress(i + 1)
			}
		}
		return sum.total(), nil
	})
	if err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

// Everything is the whole site for an export: every post and page in any
// status but the trash, every reply to them, users, tags and categories.
type Everything struct {
	Posts      []*Post
	Comments   []*Comment // oldest first
	Users      []*User
	Tags       []Term
	Categories []Term
	Pictures   []*Media // the library, newest first
}

// Export returns the whole site. actor must be an administrator; nil is
// the command line.
func (m *Moving) Export(ctx context.Context, actor *User) (*Everything, error) {
	if actor != nil && !actor.CanManageSite() {
		return nil, ErrForbidden
	}
	var e Everything
	var err error
	live := []Status{StatusPublished, StatusScheduled, StatusDraft, StatusPrivate}
	if e.Posts, err = m.posts.Posts(ctx, PostFilter{Statuses: live}); err != nil {
		return nil, err
	}
	m.decorateAll(e.Posts)
	if e.Comments, err = m.comments.Comments(ctx, CommentFilter{}); err != nil {
		return nil, err
	}
	if e.Users, err = m.users.Users(ctx); err != nil {
		return nil, err
	}
	if e.Tags, err = m.terms.Terms(ctx, TermTag); err != nil {
		return nil, err
	}
	if e.Categories, err = m.terms.Terms(ctx, TermCategory); err != nil {
		return nil, err
	}
	if e.Pictures, _, err = m.library.media.MediaList(ctx, MediaFilter{}); err != nil {
		return nil, err
	}
	return &e, nil
}

package blog

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Listing is one page of a list of published posts.
type Listing struct {
	Posts []*Post
	Page  int // 1-based
	Pages int // at least 1
	Total int
}

// HasPrev reports whether a newer page exists.
func (l *Listing) HasPrev() bool { return l.Page > 1 }

// HasNext reports whether an older page exists.
func (l *Listing) HasNext() bool { return l.Page < l.Pages }

// published is the filter every public listing starts from.
func published() PostFilter {
	return PostFilter{Kind: KindPost, Statuses: []Status{StatusPublished}}
}

// Listing returns page (1-based) of the published posts matching f's
// author, term and date fields. A page past the end returns ErrNotFound,
// except the first page of an empty list.
func (s *Service) Listing(ctx context.Context, f PostFilter, page int) (*Listing, error) {
	if page < 1 {
		return nil, ErrNotFound
	}
	pub := published()
	// On the front page sticky posts come first on page one and are not
	// repeated below, as in WordPress.
	front := f.AuthorID == 0 && f.TermID == 0 && f.From.IsZero() && f.To.IsZero()
	var sticky []*Post
	if front {
		var err error
		if sticky, _, err = s.list(ctx, PostFilter{Kind: pub.Kind, Statuses: pub.Statuses, Sticky: StickyOnly}); err != nil {
			return nil, err
		}
		f.Sticky = StickyNone
	}
	f.Kind, f.Statuses = pub.Kind, pub.Statuses
	per := s.Settings().PostsPerPage
	f.Limit, f.Offset = per, (page-1)*per
	posts, total, err := s.list(ctx, f)
	if err != nil {
		return nil, err
	}
	if page == 1 && len(sticky) > 0 {
		posts = append(sticky, posts...)
	}
	l := &Listing{Posts: posts, Page: page, Total: total, Pages: (total + per - 1) / per}
	if l.Pages == 0 {
		l.Pages = 1
	}
	if page > l.Pages {
		return nil, ErrNotFound
	}
	return l, nil
}

// Term returns the tag or category with slug, or ErrNotFound.
func (s *Service) Term(ctx context.Context, kind TermKind, slug string) (*Term, error) {
	return s.store.TermBySlug(ctx, kind, slug)
}

// DateRange returns the start and end of a year, month or day archive in
// the site's zone (month and day 0 widen the range). It returns
// ErrNotFound for impossible dates.
func (s *Service) DateRange(year, month, day int) (from, to time.Time, err error) {
	loc := s.Settings().Location()
	switch {
	case year < 1 || year > 9999 || month < 0 || month > 12 || day < 0 || day > 31 || (month == 0 && day != 0):
		return from, to, ErrNotFound
	case month == 0:
		from = time.Date(year, 1, 1, 0, 0, 0, 0, loc)
		return from, from.AddDate(1, 0, 0), nil
	case day == 0:
		from = time.Date(year, time.Month(month), 1, 0, 0, 0, 0, loc)
		return from, from.AddDate(0, 1, 0), nil
	}
	from = time.Date(year, time.Month(month), day, 0, 0, 0, 0, loc)
	if from.Day() != day {
		return from, to, ErrNotFound
	}
	return from, from.AddDate(0, 0, 1), nil
}

// PostAt resolves a request path against the permalink pattern. It
// returns the published post and "" when path is its permalink, the post
// and its permalink when the path names it in an outdated form (the
// caller redirects), or ErrNotFound.
func (s *Service) PostAt(ctx context.Context, path string) (*Post, string, error) {
	st := s.Settings()
	m, ok := st.PermalinkRule().Match(path)
	if !ok {
		return nil, "", ErrNotFound
	}
	var p *Post
	var err error
	if m.ID != 0 {
		p, err = s.store.Post(ctx, m.ID)
	} else {
		p, err = s.store.PostBySlug(ctx, KindPost, m.Slug)
	}
	if err != nil {
		return nil, "", err
	}
	if p.Kind != KindPost || !p.Visible() {
		return nil, "", ErrNotFound
	}
	s.decorate(p)
	if p.Path != path {
		return p, p.Path, nil
	}
	return p, "", nil
}

// Page returns the published page with slug, or ErrNotFound.
func (s *Service) Page(ctx context.Context, slug string) (*Post, error) {
	return s.visible(s.store.PostBySlug(ctx, KindPage, strings.ToLower(slug)))
}

// visible passes on a looked-up item readers may see, decorated, and
// turns any other into ErrNotFound.
func (s *Service) visible(p *Post, err error) (*Post, error) {
	if err != nil {
		return nil, err
	}
	if !p.Visible() {
		return nil, ErrNotFound
	}
	s.decorate(p)
	return p, nil
}

// Pages lists the published pages by title, for navigation.
func (s *Service) Pages(ctx context.Context) ([]*Post, error) {
	posts, _, err := s.list(ctx, PostFilter{Kind: KindPage, Statuses: []Status{StatusPublished}})
	return posts, err
}

// Adjacent returns the published posts before (older) and after (newer)
// p; either may be nil.
func (s *Service) Adjacent(ctx context.Context, p *Post) (older, newer *Post, err error) {
	get := func(old bool) (*Post, error) {
		q, err := s.store.AdjacentPost(ctx, p, published(), old)
		if errors.Is(err, ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("adjacent post: %w", err)
		}
		s.decorate(q)
		return q, nil
	}
	if older, err = get(true); err != nil {
		return nil, nil, err
	}
	newer, err = get(false)
	return older, newer, err
}

// Recent returns the n newest published posts.
func (s *Service) Recent(ctx context.Context, n int) ([]*Post, error) {
	f := published()
	f.Limit = n
	posts, _, err := s.list(ctx, f)
	return posts, err
}

// PublicPost returns the published post or page with id, or ErrNotFound.
func (s *Service) PublicPost(ctx context.Context, id int64) (*Post, error) {
	return s.visible(s.store.Post(ctx, id))
}

// FeedPosts returns the newest published posts matching f's author, term
// and date fields, as many as a feed holds.
func (s *Service) FeedPosts(ctx context.Context, f PostFilter) ([]*Post, error) {
	pub := published()
	f.Kind, f.Statuses, f.Limit, f.Offset = pub.Kind, pub.Statuses, s.Settings().FeedItems, 0
	posts, err := s.store.Posts(ctx, f)
	for _, p := range posts {
		s.decorate(p)
	}
	return posts, err
}

// RecentComments returns the newest approved replies, to one post or
// (postID 0) to any published post, as many as a feed holds, with their
// posts' paths and titles.
func (s *Service) RecentComments(ctx context.Context, postID int64) ([]*Comment, error) {
	list, err := s.store.Comments(ctx, CommentFilter{PostID: postID, Statuses: []CommentStatus{CommentApproved},
		NewestFirst: true, Limit: s.Settings().FeedItems})
	if err != nil || len(list) == 0 {
		return nil, err
	}
	ids := make([]int64, 0, len(list))
	for _, c := range list {
		ids = append(ids, c.PostID)
	}
	posts, err := s.store.Posts(ctx, PostFilter{IDs: ids, Statuses: []Status{StatusPublished}})
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*Post, len(posts))
	for _, p := range posts {
		s.decorate(p)
		byID[p.ID] = p
	}
	out := list[:0]
	for _, c := range list {
		if p, ok := byID[c.PostID]; ok {
			c.PostPath, c.PostTitle = p.Path, p.Title
			out = append(out, c)
		}
	}
	return out, nil
}

// SitemapPosts returns every published post and page, newest first,
// without their texts.
func (s *Service) SitemapPosts(ctx context.Context) ([]*Post, error) {
	posts, err := s.store.Posts(ctx, PostFilter{Statuses: []Status{StatusPublished}, NoBodies: true})
	for _, p := range posts {
		s.decorate(p)
	}
	return posts, err
}

// Everything is the whole site for an export: every post and page in any
// status but the trash, every reply to them, users, tags and categories.
type Everything struct {
	Posts      []*Post
	Comments   []*Comment // oldest first
	Users      []*User
	Tags       []Term
	Categories []Term
}

// Export returns the whole site. actor must be an administrator; nil is
// the command line.
func (s *Service) Export(ctx context.Context, actor *User) (*Everything, error) {
	if actor != nil && !actor.CanManageSite() {
		return nil, ErrForbidden
	}
	var e Everything
	var err error
	live := []Status{StatusPublished, StatusScheduled, StatusDraft, StatusPrivate}
	if e.Posts, err = s.store.Posts(ctx, PostFilter{Statuses: live}); err != nil {
		return nil, err
	}
	for _, p := range e.Posts {
		s.decorate(p)
	}
	if e.Comments, err = s.store.Comments(ctx, CommentFilter{}); err != nil {
		return nil, err
	}
	if e.Users, err = s.store.Users(ctx); err != nil {
		return nil, err
	}
	if e.Tags, err = s.store.Terms(ctx, TermTag); err != nil {
		return nil, err
	}
	if e.Categories, err = s.store.Terms(ctx, TermCategory); err != nil {
		return nil, err
	}
	return &e, nil
}

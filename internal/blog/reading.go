package blog

import (
	"context"
	"errors"
	"fmt"
	"strconv"
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

// Reading holds what readers see: listings, posts and pages at their
// addresses, feeds, search and old addresses.
type Reading struct {
	*core
	posts     PostStore
	terms     TermStore
	users     UserStore
	comments  CommentStore
	search    Searcher
	redirects RedirectStore
	addresses AddressStore
	searching chan struct{} // a slot per search running; see searchesAtOnce
}

// published is the filter every public listing starts from.
func published() PostFilter {
	return PostFilter{Kind: KindPost, Statuses: []Status{StatusPublished}}
}

// Listing returns page (1-based) of the published posts matching f's
// author, term and date fields. A page past the end returns ErrNotFound,
// except the first page of an empty list.
func (s *Reading) Listing(ctx context.Context, f PostFilter, page int) (*Listing, error) {
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
		if sticky, _, err = s.list(ctx, s.posts, PostFilter{Kind: pub.Kind, Statuses: pub.Statuses, Sticky: StickyOnly}); err != nil {
			return nil, err
		}
		f.Sticky = StickyNone
	}
	f.Kind, f.Statuses = pub.Kind, pub.Statuses
	per := s.current().PostsPerPage
	f.Limit, f.Offset = per, (page-1)*per
	posts, total, err := s.list(ctx, s.posts, f)
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
func (s *Reading) Term(ctx context.Context, kind TermKind, slug string) (*Term, error) {
	return s.terms.TermBySlug(ctx, kind, slug)
}

// Terms lists the tags or categories with their published post counts.
func (s *Reading) Terms(ctx context.Context, kind TermKind) ([]Term, error) {
	return s.terms.Terms(ctx, kind)
}

// TermNames lists the tags or categories without their counts, which
// cost a read of every tagged post: for pages that only link them (a
// search that found nothing, a missing page, the editor).
func (s *Reading) TermNames(ctx context.Context, kind TermKind) ([]Term, error) {
	return s.terms.TermNames(ctx, kind)
}

// Writer returns the writer with the public slug of their archive, or
// ErrNotFound.
func (s *Reading) Writer(ctx context.Context, slug string) (*User, error) {
	return s.users.UserBySlug(ctx, slug)
}

// maxRedirectHops bounds how many hand-made redirects Moved follows.
const maxRedirectHops = 5

// Moved returns where the old address from leads now: an old address of
// a post or page, looked up by the item's ID, so every address it ever
// had leads straight to where it is; a redirect made by hand, followed
// through further redirects and old addresses, so a reader gets one 301
// and no chain; or WordPress's /?p=ID and /?page_id=ID, by the item's
// own ID. It returns ErrNotFound when from leads to nothing readers may
// see.
func (s *Reading) Moved(ctx context.Context, from string) (string, error) {
	path := from
	for range maxRedirectHops {
		id, err := s.addresses.AddressOwner(ctx, path)
		if err == nil {
			return s.liveAt(ctx, id, from)
		}
		if !errors.Is(err, ErrNotFound) {
			return "", err
		}
		to, err := s.redirects.RedirectFor(ctx, path)
		if errors.Is(err, ErrNotFound) {
			break
		}
		if err != nil {
			return "", err
		}
		path = to
	}
	if path != from {
		// A redirect stored before targets were checked may lead off the
		// site; none is followed there.
		if !LocalPath(path) {
			return "", ErrNotFound
		}
		return path, nil
	}
	for _, prefix := range []string{"/?p=", "/?page_id="} {
		if rest, ok := strings.CutPrefix(from, prefix); ok {
			if id, err := strconv.ParseInt(rest, 10, 64); err == nil && id > 0 {
				return s.liveAt(ctx, id, from)
			}
		}
	}
	return "", ErrNotFound
}

// liveAt returns the address of the published item id, unless it is
// from itself.
func (s *Reading) liveAt(ctx context.Context, id int64, from string) (string, error) {
	p, err := s.posts.Post(ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && !p.Visible()) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", err
	}
	if s.decorate(p); p.Path == from {
		return "", ErrNotFound
	}
	return p.Path, nil
}

// DateRange returns the start and end of a year, month or day archive in
// the site's zone (month and day 0 widen the range). It returns
// ErrNotFound for impossible dates.
func (s *Reading) DateRange(year, month, day int) (from, to time.Time, err error) {
	loc := s.current().Location()
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
func (s *Reading) PostAt(ctx context.Context, path string) (*Post, string, error) {
	st := s.current()
	m, ok := st.PermalinkRule().Match(path)
	if !ok {
		return nil, "", ErrNotFound
	}
	var p *Post
	var err error
	if m.ID != 0 {
		p, err = s.posts.Post(ctx, m.ID)
	} else {
		p, err = s.posts.PostBySlug(ctx, KindPost, m.Slug)
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
func (s *Reading) Page(ctx context.Context, slug string) (*Post, error) {
	return s.visible(s.posts.PostBySlug(ctx, KindPage, strings.ToLower(slug)))
}

// visible passes on a looked-up item readers may see, decorated, and
// turns any other into ErrNotFound.
func (s *Reading) visible(p *Post, err error) (*Post, error) {
	if err != nil {
		return nil, err
	}
	if !p.Visible() {
		return nil, ErrNotFound
	}
	s.decorate(p)
	return p, nil
}

// Pages lists the published pages in their order, then by title, for
// navigation.
func (s *Reading) Pages(ctx context.Context) ([]*Post, error) {
	posts, _, err := s.list(ctx, s.posts, PostFilter{Kind: KindPage, Statuses: []Status{StatusPublished}, ByMenuOrder: true})
	return posts, err
}

// Adjacent returns the published posts before (older) and after (newer)
// p; either may be nil.
func (s *Reading) Adjacent(ctx context.Context, p *Post) (older, newer *Post, err error) {
	get := func(old bool) (*Post, error) {
		q, err := s.posts.AdjacentPost(ctx, p, published(), old)
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
func (s *Reading) Recent(ctx context.Context, n int) ([]*Post, error) {
	f := published()
	f.Limit = n
	posts, _, err := s.list(ctx, s.posts, f)
	return posts, err
}

// PublicPost returns the published post or page with id, or ErrNotFound.
func (s *Reading) PublicPost(ctx context.Context, id int64) (*Post, error) {
	return s.visible(s.posts.Post(ctx, id))
}

// FeedPosts returns the newest published posts matching f's author, term
// and date fields, as many as a feed holds.
func (s *Reading) FeedPosts(ctx context.Context, f PostFilter) ([]*Post, error) {
	pub := published()
	f.Kind, f.Statuses, f.Limit, f.Offset = pub.Kind, pub.Statuses, s.current().FeedItems, 0
	posts, err := s.posts.Posts(ctx, f)
	return s.decorateAll(posts), err
}

// RecentComments returns the newest approved replies, to one post or
// (postID 0) to any published post, as many as a feed holds, with their
// posts' paths and titles.
func (s *Reading) RecentComments(ctx context.Context, postID int64) ([]*Comment, error) {
	list, err := s.comments.Comments(ctx, CommentFilter{PostID: postID, Statuses: []CommentStatus{CommentApproved},
		NewestFirst: true, Limit: s.current().FeedItems})
	if err != nil || len(list) == 0 {
		return nil, err
	}
	ids := make([]int64, 0, len(list))
	for _, c := range list {
		ids = append(ids, c.PostID)
	}
	posts, err := s.posts.Posts(ctx, PostFilter{IDs: ids, Statuses: []Status{StatusPublished}, NoBodies: true})
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*Post, len(posts))
	for _, p := range s.decorateAll(posts) {
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
func (s *Reading) SitemapPosts(ctx context.Context) ([]*Post, error) {
	posts, err := s.posts.Posts(ctx, PostFilter{Statuses: []Status{StatusPublished}, NoBodies: true})
	return s.decorateAll(posts), err
}

package blog

import (
	"cmp"
	"context"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// snapshot is the PostStore of a frozen site (folio build): every
// published post and page, read from the store in two queries once it
// has been asked snapshotAfter questions and kept in memory, so that
// the tens of thousands of pages of a build list, count and find their
// posts without a query each. Its lists keep the store's own order, so
// a listing here is the store's listing. What it does not hold (items
// not published, title searches, writes) it passes to the store.
type snapshot struct {
	PostStore
	warmth
	once sync.Once
	err  error
	// all is every published item, newest first as the store lists
	// them; posts the posts among them; menu the pages in menu order.
	all, posts, menu []*Post
	byID             map[int64]*Post
	bySlug           map[Kind]map[string]*Post
	byTerm           map[int64][]*Post // the term's items, newest first
	byAuthor         map[int64][]*Post
	rank             map[int64]int // an item's place in all
	place            map[int64]int // a post's place in posts
	lists            sync.Map      // a filter's items, by the filter without limit and offset (%+v)
	// wholes keeps the store's answers to whole listings (no limit, no
	// offset) asked before the snapshot answers, by filter (%+v): a
	// build after one edit asks for every published item once for its
	// seeds and again for each page of the sitemap, each a read of the
	// whole site.
	wholes sync.Map
}

// snapshotAfter is how many questions a snapshot passes to the store
// before it reads the site: reading it whole costs what a few thousand
// page queries do, so a build rendering a few pages again (after one
// edit) asks the store, and a full build soon holds the site.
var snapshotAfter int64 = 1000

// warmth counts the questions a snapshot was asked.
type warmth struct{ asked atomic.Int64 }

// warm counts a question and reports whether the snapshot answers it.
func (w *warmth) warm() bool { return w.asked.Add(1) > snapshotAfter }

func newSnapshot(posts PostStore) *snapshot { return &snapshot{PostStore: posts} }

// load reads the published site once.
func (s *snapshot) load(ctx context.Context) error {
	s.once.Do(func() {
		pub := []Status{StatusPublished}
		if s.all, s.err = s.PostStore.Posts(ctx, PostFilter{Statuses: pub}); s.err != nil {
			return
		}
		if s.menu, s.err = s.PostStore.Posts(ctx, PostFilter{Kind: KindPage, Statuses: pub, ByMenuOrder: true}); s.err != nil {
			return
		}
		for _, p := range s.all {
			shown(p)
		}
		s.byID = make(map[int64]*Post, len(s.all))
		s.bySlug = map[Kind]map[string]*Post{KindPost: {}, KindPage: {}}
		s.byTerm, s.byAuthor = map[int64][]*Post{}, map[int64][]*Post{}
		s.rank, s.place = make(map[int64]int, len(s.all)), make(map[int64]int, len(s.all))
		for i, p := range s.all {
			s.byID[p.ID], s.rank[p.ID] = p, i
			if s.bySlug[p.Kind] == nil {
				s.bySlug[p.Kind] = map[string]*Post{}
			}
			s.bySlug[p.Kind][p.Slug] = p
			s.byAuthor[p.AuthorID] = append(s.byAuthor[p.AuthorID], p)
			for _, t := range slices.Concat(p.Tags, p.Categories) {
				s.byTerm[t.ID] = append(s.byTerm[t.ID], p)
			}
			if p.Kind == KindPost {
				s.place[p.ID] = len(s.posts)
				s.posts = append(s.posts, p)
			}
		}
		// The menu's pages are the same items as all's.
		for i, p := range s.menu {
			if q, ok := s.byID[p.ID]; ok {
				s.menu[i] = q
			}
		}
	})
	return s.err
}

// shown drops what no public page shows from a post the snapshot holds:
// its Markdown, and its plain text past the word that decides whether
// listings show it in full. At 10,000 posts the two are more than half
// of the snapshot's text.
func shown(p *Post) {
	p.Body = ""
	// A copy, so that the whole text is not kept for its start.
	p.BodyText = strings.Clone(wordsBefore(p.BodyText, summaryWords+1))
}

// wordsBefore cuts text just after the first letter of its nth word,
// or returns it whole when it has fewer: fewWords answers the same of
// both for any count below n.
func wordsBefore(text string, n int) string {
	i := wordAt(text, n)
	if i < 0 {
		return text
	}
	_, size := utf8.DecodeRuneInString(text[i:])
	return text[:i+size]
}

// shownReply drops what no public page shows from a reply the snapshot
// holds: its Markdown, and the address and browser it was sent from.
func shownReply(c *Comment) {
	c.Body, c.IP, c.UserAgent = "", "", ""
}

// holds reports whether the snapshot answers f: published items only,
// and no title search.
func holds(f PostFilter) bool {
	return len(f.Statuses) == 1 && f.Statuses[0] == StatusPublished && f.Search == "" &&
		(!f.ByMenuOrder || f.Kind == KindPage)
}

// copyOf returns a copy of p the caller may change (readers fill in its
// path), with the long texts left out when f says so.
func copyOf(p *Post, noBodies bool) *Post {
	c := *p
	if noBodies {
		c.Body, c.BodyHTML, c.ExcerptHTML, c.BodyText = "", "", "", ""
	}
	return &c
}

// everyPost reports whether f keeps every published post.
func everyPost(f PostFilter) bool {
	return f.Kind == KindPost && f.AuthorID == 0 && f.TermID == 0 && f.AlsoTermID == 0 && f.From.IsZero() &&
		f.To.IsZero() && f.Sticky == "" && len(f.IDs) == 0 && !f.ByMenuOrder
}

// candidates returns the items f can match, in its order: the smallest
// of the lists it narrows to, cut to f's dates when the list is newest
// first.
func (s *snapshot) candidates(f PostFilter) []*Post {
	list := s.all
	switch {
	case f.ByMenuOrder:
		return s.menu
	case len(f.IDs) > 0:
		list = make([]*Post, 0, len(f.IDs))
		for _, id := range f.IDs {
			if p, ok := s.byID[id]; ok && !slices.Contains(list, p) {
				list = append(list, p)
			}
		}
		sort.Slice(list, func(i, j int) bool { return s.rank[list[i].ID] < s.rank[list[j].ID] })
		return list
	case f.TermID != 0:
		list = s.byTerm[f.TermID]
	case f.AuthorID != 0:
		list = s.byAuthor[f.AuthorID]
	case f.Kind == KindPost:
		list = s.posts
	}
	// Newest first: the posts before To come from an index on, those
	// at or after From up to one.
	if !f.To.IsZero() {
		to := f.To.Unix()
		list = list[sort.Search(len(list), func(i int) bool { return list[i].PublishedAt.Unix() < to }):]
	}
	if !f.From.IsZero() {
		from := f.From.Unix()
		list = list[:sort.Search(len(list), func(i int) bool { return list[i].PublishedAt.Unix() < from })]
	}
	return list
}

// matches reports whether p, a published item, passes f.
func matches(p *Post, f PostFilter) bool {
	has := func(id int64) bool {
		for _, t := range p.Tags {
			if t.ID == id {
				return true
			}
		}
		for _, t := range p.Categories {
			if t.ID == id {
				return true
			}
		}
		return false
	}
	at := p.PublishedAt.Unix()
	switch {
	case f.Kind != "" && p.Kind != f.Kind,
		f.AuthorID != 0 && p.AuthorID != f.AuthorID,
		f.TermID != 0 && !has(f.TermID),
		f.AlsoTermID != 0 && !has(f.AlsoTermID),
		!f.From.IsZero() && at < f.From.Unix(),
		!f.To.IsZero() && at >= f.To.Unix(),
		f.Sticky == StickyOnly && !p.Sticky,
		f.Sticky == StickyNone && p.Sticky:
		return false
	}
	return true
}

// matching returns every item matching f, in f's order, ignoring its
// limit and offset. The answer to each filter is kept: a build's pages
// of one listing ask the same filter for every page of it.
func (s *snapshot) matching(f PostFilter) []*Post {
	f.Limit, f.Offset = 0, 0
	key := fmt.Sprintf("%+v", f)
	if list, ok := s.lists.Load(key); ok {
		return list.([]*Post)
	}
	var list []*Post
	for _, p := range s.candidates(f) {
		if matches(p, f) {
			list = append(list, p)
		}
	}
	s.lists.Store(key, list)
	return list
}

// Posts returns the published items matching f from memory.
func (s *snapshot) Posts(ctx context.Context, f PostFilter) ([]*Post, error) {
	if !holds(f) {
		return s.PostStore.Posts(ctx, f)
	}
	if !s.warm() {
		if f.Limit != 0 || f.Offset != 0 {
			return s.PostStore.Posts(ctx, f)
		}
		return s.whole(ctx, f)
	}
	if err := s.load(ctx); err != nil {
		return nil, err
	}
	list := page(s.matching(f), f.Limit, f.Offset)
	if len(list) == 0 {
		return nil, nil // as the stores answer
	}
	out := make([]*Post, len(list))
	for i, p := range list {
		out[i] = copyOf(p, f.NoBodies)
	}
	return out, nil
}

// whole answers a whole listing of published items from the store once
// and from memory after.
func (s *snapshot) whole(ctx context.Context, f PostFilter) ([]*Post, error) {
	key := fmt.Sprintf("%+v", f)
	list, ok := s.wholes.Load(key)
	if !ok {
		got, err := s.PostStore.Posts(ctx, f)
		if err != nil {
			return nil, err
		}
		list, _ = s.wholes.LoadOrStore(key, got)
	}
	posts := list.([]*Post)
	if len(posts) == 0 {
		return posts, nil
	}
	out := make([]*Post, len(posts))
	for i, p := range posts {
		out[i] = copyOf(p, false)
	}
	return out, nil
}

// CountPosts counts the published items matching f from memory.
func (s *snapshot) CountPosts(ctx context.Context, f PostFilter) (int, error) {
	if !holds(f) || !s.warm() {
		return s.PostStore.CountPosts(ctx, f)
	}
	if err := s.load(ctx); err != nil {
		return 0, err
	}
	return len(s.matching(f)), nil
}

// Post returns a published item from memory, any other from the store.
func (s *snapshot) Post(ctx context.Context, id int64) (*Post, error) {
	if !s.warm() {
		return s.PostStore.Post(ctx, id)
	}
	if err := s.load(ctx); err != nil {
		return nil, err
	}
	if p, ok := s.byID[id]; ok {
		return copyOf(p, false), nil
	}
	return s.PostStore.Post(ctx, id)
}

// PostBySlug returns a published item from memory, any other from the
// store.
func (s *snapshot) PostBySlug(ctx context.Context, kind Kind, slug string) (*Post, error) {
	if !s.warm() {
		return s.PostStore.PostBySlug(ctx, kind, slug)
	}
	if err := s.load(ctx); err != nil {
		return nil, err
	}
	if p, ok := s.bySlug[kind][slug]; ok {
		return copyOf(p, false), nil
	}
	return s.PostStore.PostBySlug(ctx, kind, slug)
}

// AdjacentPost returns the published post next to a published p from
// memory; other questions go to the store.
func (s *snapshot) AdjacentPost(ctx context.Context, p *Post, f PostFilter, older bool) (*Post, error) {
	if !s.warm() {
		return s.PostStore.AdjacentPost(ctx, p, f, older)
	}
	if err := s.load(ctx); err != nil {
		return nil, err
	}
	i, ok := s.place[p.ID]
	if !holds(f) || !everyPost(f) || !ok || !s.posts[i].PublishedAt.Equal(p.PublishedAt) {
		return s.PostStore.AdjacentPost(ctx, p, f, older)
	}
	if older {
		i++
	} else {
		i--
	}
	if i < 0 || i >= len(s.posts) {
		return nil, ErrNotFound
	}
	return copyOf(s.posts[i], false), nil
}

// replySnapshot is the CommentStore of a frozen site: every approved
// reply, read once it has been asked snapshotAfter questions, for the
// threads and reply feeds of a build's pages. Other questions go to the
// store.
type replySnapshot struct {
	CommentStore
	warmth
	once     sync.Once
	err      error
	all      []*Comment           // approved, oldest first
	byPost   map[int64][]*Comment // the same, per post
	byParent map[int64][]*Comment // approved answers to an approved reply, oldest first
	approved map[int64]bool
}

func newReplySnapshot(comments CommentStore) *replySnapshot {
	return &replySnapshot{CommentStore: comments}
}

func (s *replySnapshot) load(ctx context.Context) error {
	s.once.Do(func() {
		if s.all, s.err = s.CommentStore.Comments(ctx, CommentFilter{Statuses: []CommentStatus{CommentApproved}}); s.err != nil {
			return
		}
		s.byPost, s.byParent = map[int64][]*Comment{}, map[int64][]*Comment{}
		s.approved = make(map[int64]bool, len(s.all))
		for _, c := range s.all {
			shownReply(c)
			s.approved[c.ID] = true
			s.byPost[c.PostID] = append(s.byPost[c.PostID], c)
		}
		for _, c := range s.all {
			if s.approved[c.ParentID] {
				s.byParent[c.ParentID] = append(s.byParent[c.ParentID], c)
			}
		}
	})
	return s.err
}

// copies returns copies of list the caller may change (feeds fill in
// their posts' addresses), newest first when asked.
func copies(list []*Comment, newestFirst bool) []*Comment {
	if len(list) == 0 {
		return nil // as the stores answer
	}
	out := make([]*Comment, len(list))
	for i, c := range list {
		cp := *c
		if newestFirst {
			i = len(list) - 1 - i
		}
		out[i] = &cp
	}
	return out
}

// page cuts list to limit items from offset; limit 0 keeps the rest.
func page[T any](list []T, limit, offset int) []T {
	list = list[min(max(offset, 0), len(list)):]
	if limit > 0 {
		list = list[:min(limit, len(list))]
	}
	return list
}

// Comments answers the approved replies of one post, or of the site,
// from memory.
func (s *replySnapshot) Comments(ctx context.Context, f CommentFilter) ([]*Comment, error) {
	plain := CommentFilter{PostID: f.PostID, Statuses: f.Statuses, Limit: f.Limit, Offset: f.Offset, NewestFirst: f.NewestFirst}
	if len(f.Statuses) != 1 || f.Statuses[0] != CommentApproved || !reflect.DeepEqual(f, plain) || !s.warm() {
		return s.CommentStore.Comments(ctx, f)
	}
	if err := s.load(ctx); err != nil {
		return nil, err
	}
	list := s.all
	if f.PostID != 0 {
		list = s.byPost[f.PostID]
	}
	if f.NewestFirst {
		// The page counts from the newest end.
		end := len(list) - min(max(f.Offset, 0), len(list))
		start := 0
		if f.Limit > 0 {
			start = max(0, end-f.Limit)
		}
		return copies(list[start:end], true), nil
	}
	return copies(page(list, f.Limit, f.Offset), false), nil
}

// ThreadPage returns a page of a post's thread from memory, as the
// stores thread it: the top-level replies (answering the post, or a
// reply not approved) of the page, every approved answer under them,
// oldest first, at most MaxThreadRows.
func (s *replySnapshot) ThreadPage(ctx context.Context, postID int64, newestFirst bool, limit, offset int) ([]*Comment, int, error) {
	if limit <= 0 || !s.warm() {
		return s.CommentStore.ThreadPage(ctx, postID, newestFirst, limit, offset)
	}
	if err := s.load(ctx); err != nil {
		return nil, 0, err
	}
	var tops []*Comment
	for _, c := range s.byPost[postID] {
		if c.ParentID == 0 || !s.approved[c.ParentID] {
			tops = append(tops, c)
		}
	}
	if newestFirst {
		tops = slices.Clone(tops)
		slices.Reverse(tops)
	}
	thread := slices.Clone(page(tops, limit, offset))
	for i := 0; i < len(thread); i++ {
		thread = append(thread, s.byParent[thread[i].ID]...)
	}
	slices.SortFunc(thread, func(a, b *Comment) int { return cmp.Compare(a.ID, b.ID) })
	return copies(page(thread, MaxThreadRows, 0), false), len(tops), nil
}

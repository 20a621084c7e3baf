package blog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Change tells what a committed write may have changed on the public
// site, so caches drop exactly the pages that show it and keep the rest.
type Change struct {
	// All: anything may show it (settings, writers, terms, the pages in
	// the menu, imports).
	All bool `json:"all,omitempty"`
	// Posts whose pages, titles, texts or reply counts changed, and
	// those whose previous or next post changed.
	Posts []int64 `json:"posts,omitempty"`
	// Listings: which posts lists hold may have changed (a post was
	// published, unpublished, moved in time or retagged).
	Listings bool `json:"listings,omitempty"`
	// Replies: the site's lists of replies changed.
	Replies bool `json:"replies,omitempty"`
	// Words: a post's words, address, date or visibility changed, so
	// any search may now find something else. A reply never sets it.
	Words bool `json:"words,omitempty"`
	// Media names the library items deleted, by key: their copies are
	// no longer served.
	Media []string `json:"media,omitempty"`
}

// Empty reports whether c changes nothing.
func (c Change) Empty() bool {
	return !c.All && len(c.Posts) == 0 && !c.Listings && !c.Replies && !c.Words && len(c.Media) == 0
}

// Merge returns a change covering c and d, its posts sorted once each.
func (c Change) Merge(d Change) Change {
	posts := append(slices.Clone(c.Posts), d.Posts...)
	slices.Sort(posts)
	media := append(slices.Clone(c.Media), d.Media...)
	slices.Sort(media)
	return Change{All: c.All || d.All, Posts: slices.Compact(posts), Listings: c.Listings || d.Listings, Replies: c.Replies || d.Replies,
		Words: c.Words || d.Words, Media: slices.Compact(media)}
}

// tidy returns c with its posts sorted once each.
func (c Change) tidy() Change { return c.Merge(Change{}) }

// everything is the change that empties every cache.
var everything = Change{All: true}

// maxSummedPosts bounds the posts a sum of changes names: past it, the
// sum is everything, since checking every cached page against thousands
// of posts costs more than rendering them again.
const maxSummedPosts = 200

// changeSum adds up the changes of many writes in one transaction.
type changeSum struct{ c Change }

func (s *changeSum) add(d Change) {
	if s.c.All {
		return
	}
	if d.All {
		s.c = everything
		return
	}
	s.c.Posts = append(s.c.Posts, d.Posts...)
	if len(s.c.Posts) > maxSummedPosts {
		if s.c = s.c.tidy(); len(s.c.Posts) > maxSummedPosts {
			s.c = everything
			return
		}
	}
	s.c.Listings, s.c.Replies, s.c.Words = s.c.Listings || d.Listings, s.c.Replies || d.Replies, s.c.Words || d.Words
	s.c.Media = append(s.c.Media, d.Media...)
}

// total returns the sum, its posts sorted once each.
func (s *changeSum) total() Change { return s.c.tidy() }

// postState is a post as it was before a write, to tell afterwards
// what the write changed.
type postState struct {
	post   *Post   // nil for a new post
	linked []int64 // the post and its neighbours then
}

// postBefore records post id's state before a write (0: a new post).
func postBefore(ctx context.Context, posts PostStore, id int64) postState {
	if id == 0 {
		return postState{}
	}
	p, err := posts.Post(ctx, id)
	if err != nil {
		return postState{}
	}
	return postState{post: p, linked: linked(ctx, posts, p)}
}

// postAfter returns the change of a write to post id that was in state
// before and is after (nil once deleted): nothing when readers saw it
// neither before nor after; everything for a page, which the menu lists;
// else the post, and when it moved between lists, the lists and its
// neighbours before and after.
func postAfter(ctx context.Context, posts PostStore, id int64, before postState, after *Post) Change {
	shown := func(p *Post) bool { return p != nil && p.Visible() }
	if !shown(before.post) && !shown(after) {
		return Change{}
	}
	for _, p := range []*Post{before.post, after} {
		if p != nil && p.Kind == KindPage {
			return everything
		}
	}
	// Words is always set: a post's own writes say so, which tells them
	// from a reply's (the reply memo keeps posts through those).
	// Pages showing the post as the previous or next one show it, so
	// its ID drops them; when it moved, the posts beside it before and
	// after get new neighbours.
	c := Change{Posts: []int64{id}, Listings: !sameLists(before.post, after), Words: true}
	if c.Listings {
		var now []int64
		if after != nil {
			now = linked(ctx, posts, after)
		}
		if !slices.Equal(now, before.linked) {
			c.Posts = append(append(c.Posts, before.linked...), now...)
		}
	}
	return c.tidy()
}

// linked returns p's ID and, for a published post, those of the posts
// shown beside it as the previous and next one: the pages that show its
// title.
func linked(ctx context.Context, posts PostStore, p *Post) []int64 {
	ids := []int64{p.ID}
	if p.Kind != KindPost || !p.Visible() {
		return ids
	}
	for _, older := range []bool{true, false} {
		if q, err := posts.AdjacentPost(ctx, p, published(), older); err == nil {
			ids = append(ids, q.ID)
		}
	}
	return ids
}

// sameLists reports whether a post before and after a write sits in
// the same lists at the same places.
func sameLists(a, b *Post) bool {
	sameTerm := func(x, y Term) bool { return x.ID == y.ID }
	return a != nil && b != nil && a.Kind == b.Kind && a.Status == b.Status && a.PublishedAt.Equal(b.PublishedAt) &&
		a.AuthorID == b.AuthorID && a.Sticky == b.Sticky && a.MenuOrder == b.MenuOrder &&
		slices.EqualFunc(a.Tags, b.Tags, sameTerm) && slices.EqualFunc(a.Categories, b.Categories, sameTerm)
}

// settle ends a write to post id that was in state before, keeping its
// addresses (see keepAddress), and returns the change readers see.
func (c *core) settle(ctx context.Context, tx Tx, id int64, before postState) (Change, error) {
	after, err := tx.Post(ctx, id)
	if errors.Is(err, ErrNotFound) {
		after = nil
	} else if err != nil {
		return Change{}, err
	}
	return c.settleAs(ctx, tx, id, before, after)
}

// settleAs is settle for a write whose caller holds the item as it is
// now (after, nil once deleted), read inside the write.
func (c *core) settleAs(ctx context.Context, tx Tx, id int64, before postState, after *Post) (Change, error) {
	if err := c.keepAddress(ctx, tx, id, before, after); err != nil {
		return Change{}, err
	}
	return postAfter(ctx, tx, id, before, after), nil
}

// keepAddress ends a write to post id that was in state before and is
// after (nil once deleted): when the write moved a published item to
// another address, or took it off the site, its address until now is
// kept as an old address of the item, so it answers 301 with wherever
// the item is next; the address it lives at now is no longer anyone's
// old address, since a live item wins.
func (c *core) keepAddress(ctx context.Context, tx Tx, id int64, before postState, after *Post) error {
	st := c.current()
	var was, now string
	if before.post != nil && before.post.Visible() {
		c.decorateWith(st, before.post)
		was = before.post.Path
	}
	if after != nil && after.Visible() {
		c.decorateWith(st, after)
		now = after.Path
	}
	if was != "" && was != now && after != nil {
		if err := tx.SetAddress(ctx, Address{Path: was, PostID: id, CreatedAt: c.stamp()}); err != nil {
			return fmt.Errorf("keep the old address %s: %w", was, err)
		}
	}
	if now != "" {
		return tx.DeleteAddress(ctx, now)
	}
	return nil
}

// Subjects names what c changed, one word each ("all", "listings",
// "replies", "words", "post 12", "media KEY"), so a store can keep, per
// subject, the last change that touched it after the change itself is
// pruned from the feed. ChangeOf reverses it.
func (c Change) Subjects() []string {
	var out []string
	for _, s := range []struct {
		set  bool
		name string
	}{{c.All, "all"}, {c.Listings, "listings"}, {c.Replies, "replies"}, {c.Words, "words"}} {
		if s.set {
			out = append(out, s.name)
		}
	}
	for _, id := range c.Posts {
		out = append(out, "post "+strconv.FormatInt(id, 10))
	}
	for _, key := range c.Media {
		out = append(out, "media "+key)
	}
	return out
}

// ChangeOf returns the change of the named subjects; a name it does not
// know means everything.
func ChangeOf(subjects []string) Change {
	var c Change
	for _, s := range subjects {
		kind, rest, _ := strings.Cut(s, " ")
		switch kind {
		case "all":
			c.All = true
		case "listings":
			c.Listings = true
		case "replies":
			c.Replies = true
		case "words":
			c.Words = true
		case "media":
			c.Media = append(c.Media, rest)
		case "post":
			id, err := strconv.ParseInt(rest, 10, 64)
			if err != nil {
				return everything
			}
			c.Posts = append(c.Posts, id)
		default:
			return everything
		}
	}
	return c.tidy()
}

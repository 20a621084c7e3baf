package blog

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"maps"
	"slices"
)

// Stamps tell two moments of the site apart, so a static build can
// render again only what changed in between: Site covers what every page
// shows (settings, writers), Posts each published post and page, with
// its tags and categories.
type Stamps struct {
	Site  string              `json:"site"`
	Posts map[int64]PostStamp `json:"posts"`
}

// PostStamp is one published item's stamp. Lists changes when it moves
// between lists of posts or its neighbours change, Content when what its
// pages show of it does (title, address, summary, last edit, reply
// count, its tags' and categories' names), Replies when its approved replies do. Edits made through folio
// always set the last-edit time, so the text itself is not read.
type PostStamp struct {
	Path    string `json:"path"`
	Page    bool   `json:"page,omitempty"`
	Lists   string `json:"lists"`
	Content string `json:"content"`
	Replies string `json:"replies,omitempty"`
}

// Stamps computes the site's stamps as they are now.
func (s *Reading) Stamps(ctx context.Context) (Stamps, error) {
	site := sha256.New()
	vals := s.current().Values()
	for _, k := range slices.Sorted(maps.Keys(vals)) {
		fmt.Fprintf(site, "%s=%q\n", k, vals[k])
	}
	users, err := s.users.Users(ctx)
	if err != nil {
		return Stamps{}, err
	}
	for _, u := range users {
		fmt.Fprintf(site, "user %d %q %q %q %s\n", u.ID, u.Name, u.Slug, u.Bio, u.Role)
	}
	items, err := s.posts.Posts(ctx, PostFilter{Statuses: []Status{StatusPublished}, NoBodies: true})
	if err != nil {
		return Stamps{}, err
	}
	replies, err := s.comments.ReplyStamps(ctx)
	if err != nil {
		return Stamps{}, err
	}
	// Items come newest first; posts' neighbours are the posts beside
	// them in that order.
	var posts []*Post
	for _, p := range items {
		if p.Kind == KindPost {
			posts = append(posts, p)
		}
	}
	neighbours := make(map[int64][2]int64, len(posts))
	for i, p := range posts {
		var n [2]int64
		if i > 0 {
			n[0] = posts[i-1].ID
		}
		if i+1 < len(posts) {
			n[1] = posts[i+1].ID
		}
		neighbours[p.ID] = n
	}
	out := Stamps{Site: sum(site), Posts: make(map[int64]PostStamp, len(items))}
	for _, p := range items {
		s.decorate(p)
		lists := sha256.New()
		fmt.Fprintf(lists, "%s %s %d %d %v %v", p.Kind, p.Status, p.PublishedAt.Unix(), p.AuthorID, p.Sticky, neighbours[p.ID])
		for _, t := range append(slices.Clone(p.Tags), p.Categories...) {
			fmt.Fprintf(lists, " %d", t.ID)
		}
		// Tags and categories show where their posts do, and their lists
		// show their posts.
		content := sha256.New()
		fmt.Fprintf(content, "%q %q %q %q %d %d %v", p.Title, p.Path, p.Summary, p.Lede, p.UpdatedAt.Unix(), p.CommentCount, p.CommentsOpen)
		for _, t := range append(slices.Clone(p.Tags), p.Categories...) {
			fmt.Fprintf(content, " %q %q %q %d", t.Name, t.Slug, t.Description, t.ParentID)
		}
		out.Posts[p.ID] = PostStamp{Path: p.Path, Page: p.Kind == KindPage, Lists: sum(lists), Content: sum(content), Replies: replies[p.ID]}
	}
	return out, nil
}

func sum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)[:12]) }

// Since returns what changed between old and st: everything when what
// every page shows changed or a page (listed in the menu) did, else the
// posts that changed, with lists when one moved between them and the
// site's replies when a post's replies changed.
func (st Stamps) Since(old Stamps) Change {
	if st.Site != old.Site {
		return everything
	}
	var c Change
	for id := range mergeKeys(st.Posts, old.Posts) {
		was, hadIt := old.Posts[id]
		now, hasIt := st.Posts[id]
		if hadIt && hasIt && was == now {
			continue
		}
		if was.Page || now.Page {
			return everything
		}
		c.Posts = append(c.Posts, id)
		if !hadIt || !hasIt || was.Lists != now.Lists {
			c.Listings = true
		}
		if was.Replies != now.Replies {
			c.Replies = true
		}
	}
	return c.tidy()
}

func mergeKeys(a, b map[int64]PostStamp) map[int64]bool {
	out := make(map[int64]bool, len(a))
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

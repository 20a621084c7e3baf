package blog

import (
	"context"
	"sync"
)

// maxMemoPosts bounds the posts a postMemo keeps; past it, it starts
// again empty.
const maxMemoPosts = 1024

// postMemo keeps the posts replies are sent to, so a burst of replies to
// one post reads it from the store once instead of once a reply (three
// queries and its whole text). Every change naming a post drops it, in
// this process when the write commits and from other processes through
// the change feed, as the page cache does; replies' own changes do not.
type postMemo struct {
	mu    sync.Mutex
	gen   uint64 // moves with every drop, so a read that raced one is not kept
	posts map[int64]*Post
}

// post returns a copy of post id, from the memo or the store.
func (m *postMemo) post(ctx context.Context, store PostStore, id int64) (*Post, error) {
	m.mu.Lock()
	p, gen := m.posts[id], m.gen
	m.mu.Unlock()
	if p != nil {
		cp := *p
		return &cp, nil
	}
	p, err := store.Post(ctx, id)
	if err != nil {
		return nil, err
	}
	cp := *p
	m.mu.Lock()
	if m.gen == gen {
		if m.posts == nil || len(m.posts) >= maxMemoPosts {
			m.posts = map[int64]*Post{}
		}
		m.posts[id] = &cp
	}
	m.mu.Unlock()
	return p, nil
}

// drop forgets the posts c names, or all of them. A change of replies
// alone keeps them: what a reply reads of its post (visibility, whether
// replies are open, the writer, the address) changes only with a write
// to the post itself, and every such write reports its words changed.
func (m *postMemo) drop(c Change) {
	if c.Replies && !c.Words && !c.Listings && !c.All {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.gen++
	if c.All {
		m.posts = nil
		return
	}
	for _, id := range c.Posts {
		delete(m.posts, id)
	}
}

package web

import (
	"sort"
	"strings"
)

// CachedPaths lists the paths the page cache and the search cache hold,
// for tests.
func (s *Server) CachedPaths() []string {
	var out []string
	for _, c := range []*pageCache{s.cache, s.searches} {
		c.mu.Lock()
		for key := range c.pages {
			// Keys are the path, after the host when the site has no address.
			if i := strings.IndexByte(key, '/'); i >= 0 {
				out = append(out, key[i:])
			}
		}
		c.mu.Unlock()
	}
	sort.Strings(out)
	return out
}

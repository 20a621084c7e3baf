package web

import (
	"sort"
	"strings"
)

// CachedPaths lists the paths the page cache holds, for tests.
func (s *Server) CachedPaths() []string {
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	var out []string
	for key := range s.cache.pages {
		// Keys are the path, after the host when the site has no address.
		if i := strings.IndexByte(key, '/'); i >= 0 {
			out = append(out, key[i:])
		}
	}
	sort.Strings(out)
	return out
}

package web

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// SearchesPerMinute is how many searches one address may have run for
// it a minute. Cached results do not count: only the searches that reach
// the database do, so a reader paging through results never meets it,
// and one address cannot keep the server searching.
const SearchesPerMinute = 120

// maxLimitAddresses bounds the addresses an addressLimit counts in a
// minute; past it, new addresses are let through uncounted (the bound on
// searches running at once still holds) rather than the map growing.
const maxLimitAddresses = 100_000

// addressLimit counts events per address over a sliding minute: this
// minute's count plus the share of the last minute the window still
// covers, in memory (a search that is refused costs nothing to redo).
type addressLimit struct {
	mu     sync.Mutex
	per    int
	minute int64
	now    map[string]int
	prev   map[string]int
	clock  func() time.Time
}

func newAddressLimit(perMinute int) *addressLimit {
	return &addressLimit{per: perMinute, now: map[string]int{}, clock: time.Now}
}

// allow counts an event from addr and reports whether it is within the
// limit; a refused event is not counted.
func (l *addressLimit) allow(addr string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.clock().Unix()
	if m := t / 60; m != l.minute {
		l.prev = nil
		if m == l.minute+1 {
			l.prev = l.now
		}
		l.now, l.minute = map[string]int{}, m
	}
	n, seen := l.now[addr]
	if !seen && len(l.now) >= maxLimitAddresses {
		return true
	}
	covered := float64(60-t%60) / 60
	if float64(n)+float64(l.prev[addr])*covered >= float64(l.per) {
		return false
	}
	l.now[addr] = n + 1
	return true
}

// searchAllowed reports whether r's address may run one more search. A
// connection from this machine is a reverse proxy speaking for all its
// readers (or the operator), so it is not limited: the bound on
// searches running at once still keeps pages fast.
func (s *Server) searchAllowed(r *http.Request) bool {
	addr := clientIP(r)
	if ip := net.ParseIP(addr); ip != nil && ip.IsLoopback() {
		return true
	}
	return s.searchLimit.allow(addr)
}

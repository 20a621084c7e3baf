// Package testkit holds what folio's tests share: a clock they move by
// hand and a password hasher with test-sized costs. Only tests import it.
package testkit

import (
	"sync"
	"time"

	"folio/internal/blog"
	"folio/internal/password"
	"folio/internal/web"
)

// Clock is a time source that stands still until a test moves it. It is
// safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a Clock showing t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Add moves the clock by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Hasher returns argon2id with the smallest costs, so tests that create
// users and sign in stay fast. Never use it outside tests.
func Hasher() *password.Hasher {
	return &password.Hasher{Params: password.Params{Memory: 64, Time: 1, Threads: 1}}
}

// WebConfig returns a web.Config with every service the handlers call
// taken from svc; the test sets the rest.
func WebConfig(svc *blog.Services) web.Config {
	return web.Config{Site: svc.Site, Accounts: svc.Accounts, Writing: svc.Writing, Reading: svc.Reading,
		Discussion: svc.Discussion, Moving: svc.Moving, Library: svc.Library, Mentions: svc.Mentions,
		Federation: svc.Federation}
}

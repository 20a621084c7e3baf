package blog

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Site holds what the whole site shares: its settings, its signing
// secret, the clock, and the redirects an administrator makes by hand.
type Site struct {
	*core
	redirects RedirectStore
	addresses AddressStore
	posts     PostStore
}

// Settings returns the current site settings.
func (s *Site) Settings() Settings { return s.current() }

// Secret returns the site's 32-byte key for signing cookies and tokens.
// It is the same for every process serving the site.
func (s *Site) Secret() []byte { return s.key() }

// Now returns the site's current time.
func (s *Site) Now() time.Time { return s.now() }

// ReloadSettings reads the settings from the store again. The services
// keep them in memory; call this when another process may have changed
// them.
func (s *Site) ReloadSettings(ctx context.Context) error { return s.reload(ctx) }

// SaveSettings validates and stores the settings an administrator typed
// (actor nil: the command line). On a *ValidationError nothing is
// stored.
func (s *Site) SaveSettings(ctx context.Context, actor *User, in SettingsInput) (Settings, error) {
	if actor != nil && !actor.CanManageSite() {
		return Settings{}, ErrForbidden
	}
	var next Settings
	err := s.write(ctx, func(tx Tx) (Change, error) {
		// The input changes the settings as stored, not as this process
		// last read them, so a change made elsewhere a moment ago stays.
		vals, err := tx.Settings(ctx)
		if err != nil {
			return Change{}, fmt.Errorf("load settings: %w", err)
		}
		was := SettingsFromValues(vals)
		if next, err = in.Apply(was); err != nil {
			return Change{}, err
		}
		if err := tx.SaveSettings(ctx, next.Values()); err != nil {
			return Change{}, fmt.Errorf("save settings: %w", err)
		}
		return everything, s.keepAddresses(ctx, tx, was, next)
	})
	if err != nil {
		return Settings{}, err
	}
	s.mu.Lock()
	s.site = next
	s.mu.Unlock()
	return next, nil
}

// keepAddresses records, when new settings move the posts (another
// permalink pattern, or a time zone that changes their dates), every
// published post's address under the old settings as an old address.
func (s *Site) keepAddresses(ctx context.Context, tx Tx, was, next Settings) error {
	if was.Permalink == next.Permalink && was.Location().String() == next.Location().String() {
		return nil
	}
	posts, err := tx.Posts(ctx, PostFilter{Kind: KindPost, Statuses: []Status{StatusPublished}, NoBodies: true})
	if err != nil {
		return err
	}
	now := s.stamp()
	for _, p := range posts {
		s.decorateWith(was, p)
		old := p.Path
		if s.decorateWith(next, p); p.Path == old {
			continue
		}
		if err := tx.SetAddress(ctx, Address{Path: old, PostID: p.ID, CreatedAt: now}); err != nil {
			return fmt.Errorf("keep the old address %s: %w", old, err)
		}
		if err := tx.DeleteAddress(ctx, p.Path); err != nil {
			return err
		}
	}
	return nil
}

// AddressPage is one page of the old addresses kept automatically, each
// with where it leads now.
type AddressPage struct {
	Addresses []Address
	To        map[string]string // old path → the item's address now, "" when it is not published
	Total     int
	Page      int
	Pages     int
}

// addressesPerPage is how many old addresses the admin lists at once.
const addressesPerPage = 50

// Addresses lists page (1-based) of the old addresses of posts and pages
// that folio keeps by itself, for the admin.
func (s *Site) Addresses(ctx context.Context, actor *User, page int) (*AddressPage, error) {
	if !actor.CanManageSite() {
		return nil, ErrForbidden
	}
	page = max(page, 1)
	list, total, err := s.addresses.Addresses(ctx, addressesPerPage, (page-1)*addressesPerPage)
	if err != nil {
		return nil, err
	}
	out := &AddressPage{Addresses: list, To: map[string]string{}, Total: total, Page: page,
		Pages: max(1, (total+addressesPerPage-1)/addressesPerPage)}
	ids := make([]int64, len(list))
	for i, a := range list {
		ids[i] = a.PostID
	}
	posts, err := s.posts.Posts(ctx, PostFilter{IDs: ids, Statuses: []Status{StatusPublished}, NoBodies: true})
	if err != nil {
		return nil, err
	}
	byID := map[int64]string{}
	for _, p := range s.decorateAll(posts) {
		byID[p.ID] = p.Path
	}
	for _, a := range list {
		out.To[a.Path] = byID[a.PostID]
	}
	return out, nil
}

// Redirects lists the redirects made by hand, for the admin.
func (s *Site) Redirects(ctx context.Context, actor *User) ([]Redirect, error) {
	if !actor.CanManageSite() {
		return nil, ErrForbidden
	}
	return s.redirects.Redirects(ctx)
}

// SaveRedirect adds or changes a redirect from an old path to a new one.
// Both must be paths on this site.
func (s *Site) SaveRedirect(ctx context.Context, actor *User, from, to string) error {
	if !actor.CanManageSite() {
		return ErrForbidden
	}
	from, to = strings.TrimSpace(clean(from)), strings.TrimSpace(clean(to))
	v := &ValidationError{}
	if !LocalPath(from) {
		v.Add("from", "redirect_from_path")
	}
	if !LocalPath(to) {
		v.Add("to", "redirect_to_path")
	}
	if from == to && from != "" {
		v.Add("to", "redirect_same")
	}
	if err := v.Err(); err != nil {
		return err
	}
	// A redirect answers only where no page is, and such answers are
	// not cached, so readers' pages do not change.
	return s.write(ctx, func(tx Tx) (Change, error) {
		return Change{}, tx.SetRedirect(ctx, Redirect{From: from, To: to, CreatedAt: s.stamp()})
	})
}

// DeleteRedirect removes a redirect.
func (s *Site) DeleteRedirect(ctx context.Context, actor *User, from string) error {
	if !actor.CanManageSite() {
		return ErrForbidden
	}
	return s.write(ctx, func(tx Tx) (Change, error) { return Change{}, tx.DeleteRedirect(ctx, from) })
}

// ChangeRetention is how long the change feed keeps a change: a process
// that lost its connection to the feed for longer drops everything it
// keeps instead of catching up.
const ChangeRetention = 10 * time.Minute

// Follow applies the changes other processes and commands commit to this
// process, until ctx ends: settings are read again when a change may
// touch them, and OnChange hears every change. report hears what went
// wrong along the way (a lapse in the feed, a failed reload); Follow
// keeps going. It returns ctx's error.
func (s *Site) Follow(ctx context.Context, report func(error)) error {
	return s.feed.FollowChanges(ctx, s.origin, func(c Change) {
		if c.All {
			if err := s.reload(ctx); err != nil && ctx.Err() == nil {
				report(fmt.Errorf("reload settings after a change elsewhere: %w", err))
			}
		}
		s.changed(c)
	}, func(err error) {
		report(fmt.Errorf("lost the change feed, so every cached page is dropped: %w", err))
	})
}

// PruneChanges forgets the changes older than ChangeRetention. The
// server runs it periodically.
func (s *Site) PruneChanges(ctx context.Context) error {
	return s.feed.PruneChanges(ctx, time.Now().Add(-ChangeRetention))
}

// ChangeMark returns the change feed's position now: a static build
// keeps it, and the next one asks ChangedSince what changed after it.
func (s *Site) ChangeMark(ctx context.Context) (string, error) { return s.feed.ChangeMark(ctx) }

// ChangedSince returns what the writes of every process and command
// committed after mark changed, however long ago mark was taken.
func (s *Site) ChangedSince(ctx context.Context, mark string) (Change, error) {
	return s.feed.ChangedSince(ctx, mark)
}

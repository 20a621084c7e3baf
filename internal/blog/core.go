package blog

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// core is what every service shares: transactions, the clock, the site's
// settings and signing secret as this process last read them, and the
// change feed that tells this process's caches what a write changed.
type core struct {
	tx       Transactor
	settings SettingStore
	feed     ChangeFeed
	now      func() time.Time
	onChange func(Change)
	words    Words
	// origin names this process in the change feed, so it skips its own
	// changes, which it applied when they committed.
	origin string

	// mailSoon is set when a write queued e-mail a person waits for.
	mailSoon atomic.Bool

	// replyTo keeps the posts replies are sent to.
	replyTo postMemo

	mu     sync.RWMutex
	site   Settings
	secret []byte
}

// Words says a message of folio's catalogs in a language (a BCP 47 tag),
// with its named values as pairs; package locale provides them.
type Words interface {
	Say(lang, id string, pairs ...any) string
}

// say returns message id in the site's language.
func (c *core) say(id string, pairs ...any) string {
	return c.words.Say(c.current().Language, id, pairs...)
}

// secretKey is the settings key of the site's signing secret.
const secretKey = "secret_key"

// reload reads the settings and the secret from the store again,
// creating the secret on a new site.
func (c *core) reload(ctx context.Context) error {
	vals, err := c.settings.Settings(ctx)
	if err != nil {
		return fmt.Errorf("load settings: %w", err)
	}
	secret, err := base64.RawURLEncoding.DecodeString(vals[secretKey])
	if err != nil || len(secret) < 32 {
		secret = make([]byte, 32)
		rand.Read(secret)
		if err := c.settings.SaveSettings(ctx, map[string]string{secretKey: base64.RawURLEncoding.EncodeToString(secret)}); err != nil {
			return fmt.Errorf("save secret: %w", err)
		}
	}
	st := SettingsFromValues(vals)
	c.mu.Lock()
	c.site, c.secret = st, secret
	c.mu.Unlock()
	return nil
}

// current returns the settings as this process last read them.
func (c *core) current() Settings {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.site
}

// key returns the site's signing secret.
func (c *core) key() []byte {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.secret
}

// sign returns an HMAC of msg under the site's secret.
func (c *core) sign(msg string) string {
	m := hmac.New(sha256.New, c.key())
	m.Write([]byte(msg))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// stamp returns the current time in UTC to the second, as stored.
func (c *core) stamp() time.Time { return c.now().UTC().Truncate(time.Second) }

// write runs fn in one transaction and records the change fn reports in
// the store's change feed, in that transaction, so every process serving
// the site learns of it at commit. This process's caches hear it at once.
func (c *core) write(ctx context.Context, fn func(tx Tx) (Change, error)) error {
	var change Change
	err := c.tx.Atomic(ctx, func(tx Tx) error {
		var err error
		if change, err = fn(tx); err != nil {
			return err
		}
		if change.Empty() {
			return nil
		}
		return tx.RecordChange(ctx, c.origin, change)
	})
	if err != nil {
		return err
	}
	c.changed(change)
	return nil
}

// changed tells this process's caches about a committed change.
func (c *core) changed(ch Change) {
	if ch.Empty() {
		return
	}
	c.replyTo.drop(ch)
	if c.onChange != nil {
		c.onChange(ch)
	}
}

// decorate fills the fields of p derived from settings: its path.
func (c *core) decorate(p *Post) { c.decorateWith(c.current(), p) }

// decorateWith fills p's path under the settings st.
func (c *core) decorateWith(st Settings, p *Post) {
	if p.Kind == KindPage {
		p.Path = "/" + p.Slug + "/"
		return
	}
	p.Path = st.PermalinkRule().Build(p, st.Location())
}

// decorateAll decorates every post of a list.
func (c *core) decorateAll(posts []*Post) []*Post {
	st := c.current()
	for _, p := range posts {
		c.decorateWith(st, p)
	}
	return posts
}

// absolute returns path on the site's base URL; without one it stays
// relative.
func (c *core) absolute(path string) string { return c.current().BaseURL + path }

// Package blog holds folio's domain: posts, pages, users, terms, replies
// and settings, the rules that govern them, the store parts they need,
// and the services that web handlers and commands call, one per concern
// (Site, Accounts, Writing, Reading, Discussion, Outbox, Moving,
// Library), on one shared core of transactions, clock, settings and
// change feed. It imports only the standard library.
//
// One thing has three names here. Code, stores and everything that faces
// WordPress (form fields, the import, the comment_* settings) call a
// reader's answer a comment; what people read — pages, the admin,
// e-mail — calls it a reply; and Discussion names the service and the
// settings that govern replies as a whole.
package blog

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"time"
)

// Options configure the services. Renderer and Hasher are required.
type Options struct {
	// Now returns the current time; time.Now when nil. Tests inject a
	// fixed clock.
	Now      func() time.Time
	Renderer Renderer
	Hasher   Hasher
	// Words says the texts the domain writes for people (reply
	// refusals, mail) in their language; required.
	Words Words
	// CommentRenderer renders replies; required to accept replies.
	CommentRenderer CommentRenderer
	// Mailer sends queued e-mail; nil keeps mail in the outbox.
	Mailer Mailer
	// SpamChecker is asked about new replies when the settings name a
	// service; nil skips the check.
	SpamChecker SpamChecker
	// Pictures checks uploads and makes the copies readers get; nil
	// refuses uploads to the library.
	Pictures PictureMaker
	// Codes and Passkeys check second factors at sign-in; nil leaves
	// authenticator apps or passkeys unavailable.
	Codes    OneTimeCodes
	Passkeys PasskeyCeremonies
	// Peer fetches and notifies other sites for Webmention; nil leaves
	// mentions received unverified and none sent.
	Peer PeerClient
	// Fediverse writes and delivers ActivityPub activities; nil keeps
	// the site off the fediverse.
	Fediverse Fediverse
	// FederateOverHTTP lets a site on a plain http address federate, for
	// tests and private networks.
	FederateOverHTTP bool
	// OnChange, when set, is called after every committed write that can
	// change what readers see, with what it changed.
	OnChange func(Change)
	// Frozen reads the site for a build: once a build has asked more
	// than a few pages' worth, readers' lists and lookups come from
	// every published item and approved reply, read once and kept in
	// memory, since a build's thousands of pages each list them. What
	// changes meanwhile reaches the next build, as its pages do.
	Frozen bool
}

// Services is folio's domain, one service per concern, all sharing one
// core. Each is safe for concurrent use.
type Services struct {
	Site       *Site
	Accounts   *Accounts
	Writing    *Writing
	Reading    *Reading
	Discussion *Discussion
	Outbox     *Outbox
	Moving     *Moving
	Library    *Library
	Mentions   *Mentions
	Federation *Federation
}

// New loads the site's settings and signing secret (creating the secret
// on a new site) and returns the services over st.
func New(ctx context.Context, st Store, opts Options) (*Services, error) {
	if opts.Renderer == nil || opts.Hasher == nil || opts.Words == nil {
		return nil, errors.New("blog: New needs a Renderer, a Hasher and Words")
	}
	c := &core{tx: st, settings: st, feed: st, now: opts.Now, onChange: opts.OnChange, origin: newOrigin(), words: opts.Words}
	if c.now == nil {
		c.now = time.Now
	}
	if err := c.reload(ctx); err != nil {
		return nil, err
	}
	w := &Writing{core: c, posts: st, revisions: st, media: st, search: st, renderer: opts.Renderer}
	library := &Library{core: c, media: st, posts: st, maker: opts.Pictures}
	var readPosts PostStore = st
	var readReplies CommentStore = st
	if opts.Frozen {
		readPosts, readReplies = newSnapshot(st), newReplySnapshot(st)
	}
	discussion := &Discussion{core: c, comments: readReplies, posts: st, renderer: opts.CommentRenderer, spam: opts.SpamChecker}
	fed := &Federation{core: c, store: st, users: st, posts: st, hits: st, renderer: opts.CommentRenderer,
		fediverse: opts.Fediverse, discussion: discussion, allowHTTP: opts.FederateOverHTTP}
	w.fed, discussion.fed = fed, fed
	return &Services{
		Site: &Site{core: c, redirects: st, addresses: st, posts: st},
		Accounts: &Accounts{core: c, users: st, sessions: st, hits: st, hasher: opts.Hasher,
			factors: st, tokens: st, codes: opts.Codes, passkeys: opts.Passkeys},
		Writing: w,
		Reading: &Reading{core: c, posts: readPosts, terms: st, users: st, comments: readReplies, search: st, redirects: st,
			addresses: st, searching: make(chan struct{}, searchesAtOnce)},
		Discussion: discussion,
		Outbox:     &Outbox{core: c, mail: st, mailer: opts.Mailer},
		Moving: &Moving{core: c, writing: w, posts: st, comments: st, users: st, terms: st, renderer: opts.CommentRenderer,
			library: library},
		Library: library,
		Mentions: &Mentions{core: c, mentions: st, posts: st, hits: st, renderer: opts.CommentRenderer, peer: opts.Peer,
			discussion: discussion},
		Federation: fed,
	}, nil
}

// newOrigin returns a random name for this process in the change feed.
func newOrigin() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

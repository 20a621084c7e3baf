package blog

import (
	"context"
	"time"
)

// The store is split into parts, one per kind of data, so each service
// takes only the parts it uses and a part can be faked in a test. Both
// stores implement every part; Store composes them.

// PostStore persists posts and pages with their terms. Lookups return
// ErrNotFound when nothing matches; writes that would give two items of
// one kind the same slug return ErrConflict.
type PostStore interface {
	Post(ctx context.Context, id int64) (*Post, error)
	PostBySlug(ctx context.Context, kind Kind, slug string) (*Post, error)
	// Posts returns the posts matching f, newest first, with authors and
	// terms loaded in a fixed number of queries.
	Posts(ctx context.Context, f PostFilter) ([]*Post, error)
	CountPosts(ctx context.Context, f PostFilter) (int, error)
	// AdjacentPost returns the nearest post in f published before p
	// (older) or after it, or ErrNotFound.
	AdjacentPost(ctx context.Context, p *Post, f PostFilter, older bool) (*Post, error)
	// SlugTaken reports whether another item of kind (not exceptID) uses
	// slug.
	SlugTaken(ctx context.Context, kind Kind, slug string, exceptID int64) (bool, error)
	CreatePost(ctx context.Context, p *Post) error
	UpdatePost(ctx context.Context, p *Post) error
	DeletePost(ctx context.Context, id int64) error
	// SetPostTerms replaces the tags and categories of a post.
	SetPostTerms(ctx context.Context, postID int64, termIDs []int64) error
	// SavePost is CreatePost (when p.ID is 0) or UpdatePost, then
	// SetPostTerms, in one call that indexes the post for search once.
	SavePost(ctx context.Context, p *Post, termIDs []int64) error
}

// RevisionStore keeps the saved versions of posts.
type RevisionStore interface {
	CreateRevision(ctx context.Context, r *Revision) error
	// Revisions lists a post's revisions, newest first.
	Revisions(ctx context.Context, postID int64) ([]*Revision, error)
	// Revision returns revision id of post postID, or ErrNotFound.
	Revision(ctx context.Context, postID, id int64) (*Revision, error)
	// PruneRevisions deletes a post's revisions but the newest keep.
	PruneRevisions(ctx context.Context, postID int64, keep int) error
	// SaveAutosave stores a writer's autosave of a post, replacing
	// theirs.
	SaveAutosave(ctx context.Context, a *Autosave) error
	// Autosave returns a writer's autosave of a post, or ErrNotFound.
	Autosave(ctx context.Context, postID, userID int64) (*Autosave, error)
	DeleteAutosave(ctx context.Context, postID, userID int64) error
	// MarkEditing records that a session has a post open.
	MarkEditing(ctx context.Context, e Editing) error
	// Editing lists who has had a post open since seenAfter, with
	// their names, longest first.
	Editing(ctx context.Context, postID int64, seenAfter time.Time) ([]Editing, error)
	// DeleteEditingBefore forgets the marks not renewed since before.
	DeleteEditingBefore(ctx context.Context, before time.Time) error
}

// TermStore persists tags and categories.
type TermStore interface {
	// Terms lists the terms of kind by name, with counts of published
	// posts.
	Terms(ctx context.Context, kind TermKind) ([]Term, error)
	// TermNames lists the terms of kind by name without counting their
	// posts, for pages that only link them.
	TermNames(ctx context.Context, kind TermKind) ([]Term, error)
	TermBySlug(ctx context.Context, kind TermKind, slug string) (*Term, error)
	CreateTerm(ctx context.Context, t *Term) error
	UpdateTerm(ctx context.Context, t *Term) error
	DeleteTerm(ctx context.Context, id int64) error
	// MergeTerm gives term into every post of term from, and deletes
	// from.
	MergeTerm(ctx context.Context, from, into int64) error
}

// UserStore persists the people who sign in.
type UserStore interface {
	User(ctx context.Context, id int64) (*User, error)
	UserByEmail(ctx context.Context, email string) (*User, error)
	UserBySlug(ctx context.Context, slug string) (*User, error)
	// Users lists every user by name.
	Users(ctx context.Context) ([]*User, error)
	CountUsers(ctx context.Context) (int, error)
	CreateUser(ctx context.Context, u *User) error
	UpdateUser(ctx context.Context, u *User) error
	// DeleteUser removes user id, giving heirID their posts, revisions
	// and uploads.
	DeleteUser(ctx context.Context, id, heirID int64) error
}

// SessionStore persists sign-ins.
type SessionStore interface {
	CreateSession(ctx context.Context, s *Session) error
	Session(ctx context.Context, tokenHash string) (*Session, error)
	DeleteSession(ctx context.Context, tokenHash string) error
	// DeleteUserSessions signs user userID out everywhere.
	DeleteUserSessions(ctx context.Context, userID int64) error
	// UserSessions lists a user's sessions, newest first.
	UserSessions(ctx context.Context, userID int64) ([]*Session, error)
	// DeleteOtherSessions signs user userID out everywhere but the
	// session keepHash.
	DeleteOtherSessions(ctx context.Context, userID int64, keepHash string) error
	DeleteExpiredSessions(ctx context.Context, now time.Time) error
}

// SettingStore persists site settings as key/value pairs.
type SettingStore interface {
	Settings(ctx context.Context) (map[string]string, error)
	SaveSettings(ctx context.Context, vals map[string]string) error
}

// ImportStore remembers what imports created, by the source's own keys.
type ImportStore interface {
	// ImportKey returns the local ID recorded for a source's key, or
	// ErrNotFound.
	ImportKey(ctx context.Context, source, kind, key string) (int64, error)
	SetImportKey(ctx context.Context, source, kind, key string, localID int64) error
}

// Redirect is an old address that answers 301 with a new one.
type Redirect struct {
	From      string // a path, or a path and query such as /?p=12
	To        string
	CreatedAt time.Time
}

// RedirectStore persists the old addresses that redirect.
type RedirectStore interface {
	// RedirectFor returns where from now lives, or ErrNotFound.
	RedirectFor(ctx context.Context, from string) (string, error)
	Redirects(ctx context.Context) ([]Redirect, error)
	SetRedirect(ctx context.Context, r Redirect) error
	DeleteRedirect(ctx context.Context, from string) error
}

// Address is an old public address of a post or page, which answers 301
// with wherever the item lives now.
type Address struct {
	Path      string // a path, or a path and query such as /?p=12
	PostID    int64
	PostTitle string // filled by Addresses
	CreatedAt time.Time
}

// AddressStore keeps the old addresses of posts and pages.
type AddressStore interface {
	// AddressOwner returns the ID of the post or page that once lived at
	// path, or ErrNotFound.
	AddressOwner(ctx context.Context, path string) (int64, error)
	// SetAddress records path as an old address of post postID, taking it
	// from any other item.
	SetAddress(ctx context.Context, a Address) error
	// DeleteAddress forgets path; forgetting an unknown one is not an
	// error.
	DeleteAddress(ctx context.Context, path string) error
	// Addresses lists old addresses by path, with their items' titles,
	// one page of them, and how many there are in all.
	Addresses(ctx context.Context, limit, offset int) ([]Address, int, error)
}

// RateStore counts events per key in fixed windows of time. Limits kept
// there hold across every process serving the site.
type RateStore interface {
	// Hit records one event for key in the window starting at window
	// and returns the window's count, this event included.
	Hit(ctx context.Context, key string, window time.Time) (int, error)
	// Hits returns the count of key's window starting at window.
	Hits(ctx context.Context, key string, window time.Time) (int, error)
	// DeleteHitsBefore forgets the windows that started before t.
	DeleteHitsBefore(ctx context.Context, t time.Time) error
}

// ChangeLog is the store's change feed as a write sees it.
type ChangeLog interface {
	// RecordChange adds c, written by the process named origin, to the
	// feed, in the caller's transaction: every process following the
	// feed learns of it when, and only if, the transaction commits.
	RecordChange(ctx context.Context, origin string, c Change) error
}

// ChangeFeed delivers the changes writes record, to every process that
// serves the site.
type ChangeFeed interface {
	// FollowChanges calls apply, in commit order, with the changes that
	// processes other than origin commit after the store was opened
	// (so none is missed between reading the settings and following),
	// until ctx ends;
	// it returns ctx's error. After a lapse (a lost connection, or
	// changes pruned before they were read) it calls lapse with the
	// cause and apply with a change of everything, since what happened
	// meanwhile is unknown.
	FollowChanges(ctx context.Context, origin string, apply func(Change), lapse func(error)) error
	// PruneChanges forgets the changes recorded before t, keeping for
	// each subject they name (Change.Subjects) the mark of the last one,
	// so ChangedSince still reports them.
	PruneChanges(ctx context.Context, before time.Time) error
	// ChangeMark returns the feed's position now, for ChangedSince.
	ChangeMark(ctx context.Context) (string, error)
	// ChangedSince returns what the changes of every origin committed
	// after mark was taken changed, pruned or not; it may report more
	// (a change committing as mark was taken), and everything for a mark
	// it cannot read.
	ChangedSince(ctx context.Context, mark string) (Change, error)
}

// Tx is the store within one transaction: every part that holds the
// site's data, each call belonging to the transaction.
type Tx interface {
	PostStore
	RevisionStore
	TermStore
	UserStore
	SessionStore
	SecondFactorStore
	TokenStore
	MentionStore
	FederationStore
	SettingStore
	CommentStore
	MailStore
	ImportStore
	RedirectStore
	AddressStore
	RateStore
	MediaStore
	ChangeLog
}

// Transactor runs functions in transactions.
type Transactor interface {
	// Atomic runs fn with a Tx whose every call belongs to one
	// transaction, committed when fn returns nil and rolled back
	// otherwise. Inside fn, the store's own Atomic runs fn directly.
	Atomic(ctx context.Context, fn func(Tx) error) error
}

// Store is everything a site needs from a database. The stores implement
// it; New hands each service the parts it uses.
type Store interface {
	Tx
	Searcher
	Transactor
	ChangeFeed
}

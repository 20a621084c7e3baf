package blog

import (
	"context"
	"time"
)

// CommentStatus is where a reply stands in moderation. Only approved
// replies are shown to readers and counted.
type CommentStatus string

// The comment statuses.
const (
	CommentPending  CommentStatus = "pending"
	CommentApproved CommentStatus = "approved"
	CommentSpam     CommentStatus = "spam"
	CommentTrash    CommentStatus = "trash"
)

// CommentStatuses lists every status in the order the moderation queue
// shows its tabs.
func CommentStatuses() []CommentStatus {
	return []CommentStatus{CommentPending, CommentApproved, CommentSpam, CommentTrash}
}

// Valid reports whether st is a known status.
func (st CommentStatus) Valid() bool {
	for _, s := range CommentStatuses() {
		if s == st {
			return true
		}
	}
	return false
}

// CommentKind tells a reader's reply from a pingback or trackback.
type CommentKind string

// The kinds of reply.
const (
	CommentKindComment   CommentKind = "comment"
	CommentKindPingback  CommentKind = "pingback"
	CommentKindTrackback CommentKind = "trackback"
)

// Comment is a reply to a post, or to another reply. Body is the text as
// typed; BodyHTML is rendered from it when it is saved and is safe to
// show. AuthorEmail, IP and UserAgent are for moderation only and never
// appear on public pages.
type Comment struct {
	ID          int64
	PostID      int64
	ParentID    int64 // 0 for a reply to the post itself
	Depth       int   // 0 for a reply to the post
	Kind        CommentKind
	Status      CommentStatus
	PrevStatus  CommentStatus // the status before trash or spam, to restore to
	AuthorName  string
	AuthorEmail string
	AuthorURL   string
	UserID      int64 // the signed-in writer who replied, 0 for readers
	IP          string
	UserAgent   string
	Body        string
	BodyHTML    string
	Notify      bool // e-mail the writer when someone answers
	CreatedAt   time.Time
	UpdatedAt   time.Time
	StatusAt    time.Time // when the status last changed
	// SourceURL is the page a reply from another site stands on.
	SourceURL string
	// AuthorPhoto is this site's copy of a remote author's picture (a
	// path), for a reply from the fediverse; "" for none.
	AuthorPhoto string

	// PostTitle is filled by the store for moderation lists.
	PostTitle string
	// PostPath is the public path of the post, filled by SubmitComment.
	PostPath string
	// Replies holds the answers to this reply when the Service builds a
	// thread.
	Replies []*Comment
	// Pending marks a held reply shown only to the reader who wrote it.
	Pending bool
}

// ByAuthor reports whether a signed-in writer of the site wrote c.
func (c *Comment) ByAuthor() bool { return c.UserID != 0 }

// CommentFilter selects replies. Zero fields do not filter. Results are
// ordered oldest first unless NewestFirst.
type CommentFilter struct {
	PostID      int64
	Statuses    []CommentStatus
	Email       string // exact, lower case
	AuthorURL   string // exact
	IP          string
	Body        string // exact text
	Search      string // words in the name, e-mail, address or text
	Since       time.Time
	IDs         []int64
	Limit       int
	Offset      int
	NewestFirst bool
}

// CommentStore persists replies. Lookups return ErrNotFound when nothing
// matches.
type CommentStore interface {
	Comment(ctx context.Context, id int64) (*Comment, error)
	Comments(ctx context.Context, f CommentFilter) ([]*Comment, error)
	CountComments(ctx context.Context, f CommentFilter) (int, error)
	// AnyComment reports whether any reply matches f, without counting
	// them all (a commenter with thousands of replies is known after
	// the first).
	AnyComment(ctx context.Context, f CommentFilter) (bool, error)
	// CommentCounts counts replies per status, for one post or (postID
	// 0) the whole site.
	CommentCounts(ctx context.Context, postID int64) (map[CommentStatus]int, error)
	CreateComment(ctx context.Context, c *Comment) error
	UpdateComment(ctx context.Context, c *Comment) error
	DeleteComment(ctx context.Context, id int64) error
	// ReparentComments moves the direct replies of one reply to another
	// parent (0: the post), one level up.
	ReparentComments(ctx context.Context, fromParent, toParent int64) error
	// AddCommentCount changes a post's count of approved replies by
	// delta. The Service calls it in the transaction of every change of
	// status, so the count is always the number of approved replies.
	AddCommentCount(ctx context.Context, postID int64, delta int) error
	// DeleteCommentsBefore deletes replies in statuses other than approved
	// whose status changed before t, and returns how many it deleted.
	DeleteCommentsBefore(ctx context.Context, statuses []CommentStatus, t time.Time) (int, error)
	// ClearCommentMeta blanks IP and user agent of replies made before t
	// and returns how many it changed.
	ClearCommentMeta(ctx context.Context, t time.Time) (int, error)
	// ThreadPage returns one page of a post's approved replies as they
	// thread: limit top-level ones (answering the post, or a reply that
	// is not approved) from offset, in the order of IDs or, newestFirst,
	// the reverse, with every approved answer under them, at most
	// MaxThreadRows replies in all, oldest first; and how many top-level
	// replies the post has.
	ThreadPage(ctx context.Context, postID int64, newestFirst bool, limit, offset int) ([]*Comment, int, error)
}

// Mail is one e-mail waiting in the outbox.
type Mail struct {
	ID            int64
	To            string
	Subject       string
	Body          string
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
}

// MailStore is the durable outbox: mail is queued in the transaction that
// causes it and sent later, so a request never waits for a mail server.
type MailStore interface {
	EnqueueMail(ctx context.Context, m *Mail) error
	DueMail(ctx context.Context, now time.Time, limit int) ([]*Mail, error)
	DeleteMail(ctx context.Context, id int64) error
	UpdateMail(ctx context.Context, m *Mail) error
}

// CommentRenderer turns a reader's text into safe HTML: a small Markdown
// subset, raw HTML shown as text, links marked as user content.
type CommentRenderer interface {
	RenderComment(text string) (string, error)
}

// Mailer sends one e-mail with the site's SMTP settings.
type Mailer interface {
	Send(ctx context.Context, d DiscussionSettings, m *Mail) error
}

// SpamChecker asks an outside service whether a reply is spam. It is only
// called when the settings name a service.
type SpamChecker interface {
	IsSpam(ctx context.Context, d DiscussionSettings, siteURL string, post *Post, c *Comment) (bool, error)
}

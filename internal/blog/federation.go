package blog

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// ActivityPub (W3C Recommendation, https://www.w3.org/TR/activitypub/):
// each writer is an actor other servers follow; published posts go to
// their followers as Articles, and what the fediverse answers comes back
// as replies moderated like any other. This file holds the records and
// the store part; fediverse.go holds the service.

// FollowerStatus is where a follow request stands.
type FollowerStatus string

// The statuses of a follower.
const (
	FollowerPending  FollowerStatus = "pending"
	FollowerAccepted FollowerStatus = "accepted"
)

// Verb is what an activity about a post does.
type Verb string

// The activities a post's writes send.
const (
	VerbCreate Verb = "Create"
	VerbUpdate Verb = "Update"
	VerbDelete Verb = "Delete"
)

// ActorKey is a writer's RSA key pair, PEM-encoded, that signs what they
// send.
type ActorKey struct {
	UserID     int64
	PrivatePEM string
	PublicPEM  string
	CreatedAt  time.Time
}

// RemoteActor is an account on another server, as its actor document
// said when this site last read it.
type RemoteActor struct {
	IRI          string
	KeyID        string
	PublicKeyPEM string
	Inbox        string
	SharedInbox  string
	Name         string
	Handle       string // preferredUsername
	URL          string // the profile page people visit
	Icon         string
	Host         string
	FetchedAt    time.Time
}

// Label returns how the actor is named to people: its name, else its
// handle, else its address.
func (a *RemoteActor) Label() string {
	switch {
	case a.Name != "":
		return a.Name
	case a.Handle != "":
		return "@" + a.Handle + "@" + a.Host
	}
	return a.IRI
}

// Account returns the actor's @handle@host.
func (a *RemoteActor) Account() string {
	if a.Handle == "" {
		return a.IRI
	}
	return "@" + a.Handle + "@" + a.Host
}

// Profile returns the page to link for the actor.
func (a *RemoteActor) Profile() string {
	if a.URL != "" {
		return a.URL
	}
	return a.IRI
}

// Follower is a remote actor following a writer.
type Follower struct {
	ID        int64
	UserID    int64
	Actor     string // the remote actor's IRI
	FollowID  string // the Follow activity's id, which the Accept names
	Status    FollowerStatus
	CreatedAt time.Time
	// Remote is the actor as last read, filled in lists.
	Remote *RemoteActor
	// WriterName is the followed writer's name, filled in lists.
	WriterName string
}

// Delivery is one activity on its way to one inbox.
type Delivery struct {
	ID        int64
	UserID    int64 // the writer whose key signs it
	Inbox     string
	Host      string
	Activity  []byte
	Attempts  int
	NextAt    time.Time
	LastError string
	GaveUp    bool
	CreatedAt time.Time
}

// DeliveryProblem sums up the activities given up on for one server.
type DeliveryProblem struct {
	Host      string
	Count     int
	LastError string
	Last      time.Time
}

// RemoteMention is a note from the fediverse that names a writer
// without answering a post; editors see it in the admin only.
type RemoteMention struct {
	ID         int64
	UserID     int64
	ObjectID   string
	Actor      string
	AuthorName string
	AuthorURL  string
	URL        string
	Content    string // plain text
	ReceivedAt time.Time
}

// RemoteReply links a reply to the fediverse note it came as.
type RemoteReply struct {
	CommentID int64
	ObjectID  string
	Actor     string
	Host      string
}

// FederationStore persists what ActivityPub needs.
type FederationStore interface {
	ActorKey(ctx context.Context, userID int64) (*ActorKey, error)
	// PutActorKey stores k unless the writer has a key already.
	PutActorKey(ctx context.Context, k *ActorKey) error

	RemoteActor(ctx context.Context, iri string) (*RemoteActor, error)
	RemoteActorByKey(ctx context.Context, keyID string) (*RemoteActor, error)
	PutRemoteActor(ctx context.Context, a *RemoteActor) error

	Follower(ctx context.Context, userID int64, actor string) (*Follower, error)
	FollowerByID(ctx context.Context, id int64) (*Follower, error)
	// PutFollower stores f by writer and actor and sets its ID.
	PutFollower(ctx context.Context, f *Follower) error
	DeleteFollower(ctx context.Context, id int64) error
	// DeleteFollowersOf removes the follows of an actor, or of every
	// actor of a host.
	DeleteFollowersOf(ctx context.Context, actorOrHost string) error
	// Followers lists followers, newest first, with their actors;
	// userID 0 lists every writer's and status "" every status.
	Followers(ctx context.Context, userID int64, status FollowerStatus, limit int) ([]*Follower, error)
	CountFollowers(ctx context.Context, userID int64, status FollowerStatus) (int, error)
	// FollowerInboxes returns where a writer's accepted followers take
	// deliveries: each server's shared inbox once, else each inbox.
	FollowerInboxes(ctx context.Context, userID int64) ([]string, error)

	Blocks(ctx context.Context) ([]string, error)
	PutBlock(ctx context.Context, value string, at time.Time) error
	DeleteBlock(ctx context.Context, value string) error
	// Blocked reports whether actor, or its host, is blocked.
	Blocked(ctx context.Context, actor, host string) (bool, error)

	// FederatedPost returns what the fediverse was last told of a post
	// (VerbCreate, VerbUpdate or VerbDelete); ErrNotFound when nothing.
	FederatedPost(ctx context.Context, postID int64) (Verb, error)
	PutFederatedPost(ctx context.Context, postID, userID int64, v Verb) error

	CreateDelivery(ctx context.Context, d *Delivery) error
	// DueDeliveries returns the deliveries due by now, locking them
	// against other processes' transactions.
	DueDeliveries(ctx context.Context, now time.Time, limit int) ([]*Delivery, error)
	UpdateDelivery(ctx context.Context, d *Delivery) error
	DeleteDelivery(ctx context.Context, id int64) error
	// DeliveryProblems sums up the deliveries given up on, by server.
	DeliveryProblems(ctx context.Context) ([]DeliveryProblem, error)
	// CountDeliveries counts the deliveries still being tried.
	CountDeliveries(ctx context.Context) (int, error)

	PutRemoteReply(ctx context.Context, r RemoteReply) error
	RemoteReplyByObject(ctx context.Context, objectID string) (*RemoteReply, error)
	RemoteReplyByComment(ctx context.Context, commentID int64) (*RemoteReply, error)
	// RemoteRepliesFrom lists the replies of an actor, or of every
	// actor of a host.
	RemoteRepliesFrom(ctx context.Context, actorOrHost string) ([]RemoteReply, error)

	// PutAvatar stores the copy of a remote author's picture.
	PutAvatar(ctx context.Context, key string, png []byte, at time.Time) error
	Avatar(ctx context.Context, key string) ([]byte, error)

	// PutRemoteMention stores m by its object's id and sets its ID.
	PutRemoteMention(ctx context.Context, m *RemoteMention) error
	DeleteRemoteMention(ctx context.Context, objectID string) error
	RemoteMentions(ctx context.Context, limit int) ([]*RemoteMention, error)
}

// Fediverse speaks ActivityPub for the domain: it writes the activities
// (the activitypub package, over an ActivityStreams vocabulary) and
// delivers them signed.
type Fediverse interface {
	// PostActivity returns the activity telling followers that post p
	// of author was created, updated or deleted.
	PostActivity(st Settings, verb Verb, p *Post, author *User) ([]byte, error)
	// Accept returns the writer's acceptance of f's Follow.
	Accept(st Settings, writer *User, f *Follower) ([]byte, error)
	// Answer returns the Create of the writer's reply c, on post, to the
	// remote note inReplyTo by to.
	Answer(st Settings, writer *User, c *Comment, post *Post, inReplyTo string, to *RemoteActor) ([]byte, error)
	// Deliver posts activity to inbox, signed with the key keyID names.
	Deliver(ctx context.Context, keyID, privatePEM, inbox string, activity []byte) error
}

// AvatarKey returns the key under which the copy of the picture at
// iconURL is kept, and AvatarPath where readers get it.
func AvatarKey(iconURL string) string {
	sum := sha256.Sum256([]byte(iconURL))
	return hex.EncodeToString(sum[:10])
}

// AvatarPath returns where readers get the avatar kept under key.
func AvatarPath(key string) string { return "/avatars/" + key + ".png" }

// ActorPath returns the path of writer userID's actor.
func ActorPath(userID int64) string { return fmt.Sprintf("/ap/actors/%d", userID) }

// ArticlePath returns the path of post postID's Article.
func ArticlePath(postID int64) string { return fmt.Sprintf("/ap/posts/%d", postID) }

// AnswerPath returns the path of the Note a writer's reply is.
func AnswerPath(commentID int64) string { return fmt.Sprintf("/ap/replies/%d", commentID) }

// ActorID returns the absolute id of writer userID's actor.
func (s Settings) ActorID(userID int64) string {
	return strings.TrimSuffix(s.BaseURL, "/") + ActorPath(userID)
}

// KeyID returns the id of writer userID's public key.
func (s Settings) KeyID(userID int64) string { return s.ActorID(userID) + "#main-key" }

package blog

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Limits on federation: inbox requests one server may send an hour,
// delivery attempts (with pauses doubling from a minute to six hours,
// about two and a half days in all), the lease of a delivery taken,
// and how long a remote actor's document is trusted before it is read
// again.
const (
	InboxPerHost        = 600
	inboxWindow         = time.Hour
	deliveryMaxAttempts = 16
	deliveryMaxBackoff  = 6 * time.Hour
	deliveryLease       = 5 * time.Minute
	deliveryBatch       = 20
	// ActorFreshFor is how long a remote actor read is used as it is.
	ActorFreshFor = 24 * time.Hour
	keyBits       = 2048
)

// ErrFederationOff refuses ActivityPub on a site that does not federate.
var ErrFederationOff = errors.New("this site does not take part in the fediverse")

// ErrBlocked refuses an activity from a blocked actor or server.
var ErrBlocked = errors.New("this actor or server is blocked")

// ErrTooManyActivities refuses a server sending too much.
var ErrTooManyActivities = errors.New("too many activities from this server")

// RemoteNote is a note (or article) from the fediverse, read from a
// Create or Update: its id, its page, what it answers, its author, its
// text as plain text, and the actors it mentions.
type RemoteNote struct {
	ID        string
	URL       string
	InReplyTo string
	Actor     *RemoteActor
	Text      string
	Published time.Time
	Mentions  []string
}

// Federation is the site's part in the fediverse: the writers' actors
// and keys, their followers, what comes to their inboxes, and the
// deliveries their writes queue.
type Federation struct {
	*core
	store      FederationStore
	users      UserStore
	posts      PostStore
	hits       RateStore
	renderer   CommentRenderer
	fediverse  Fediverse
	discussion *Discussion
	// allowHTTP lets a site on plain http federate (private peers
	// allowed: tests and local networks).
	allowHTTP bool
}

// Enabled reports whether the site federates: the setting is on and the
// site has an https address (or plain http with private peers allowed).
func (f *Federation) Enabled() bool { return f.enabledWith(f.current()) }

func (f *Federation) enabledWith(st Settings) bool {
	if f.fediverse == nil || !st.Federation || st.BaseURL == "" {
		return false
	}
	u, err := url.Parse(st.BaseURL)
	return err == nil && u.Host != "" && (u.Scheme == "https" || (f.allowHTTP && u.Scheme == "http"))
}

// Host returns the host of the writers' handles: the base URL's host,
// with its port if it has one.
func (f *Federation) Host() string {
	u, err := url.Parse(f.current().BaseURL)
	if err != nil {
		return ""
	}
	return u.Host
}

// Writer returns a writer and their key, making the key on first use.
func (f *Federation) Writer(ctx context.Context, userID int64) (*User, *ActorKey, error) {
	if !f.Enabled() {
		return nil, nil, ErrFederationOff
	}
	u, err := f.users.User(ctx, userID)
	if err != nil {
		return nil, nil, err
	}
	if !u.DisabledAt.IsZero() {
		return nil, nil, ErrNotFound
	}
	k, err := f.key(ctx, u.ID)
	return u, k, err
}

// WriterBySlug returns the writer whose author archive is at slug, for
// WebFinger.
func (f *Federation) WriterBySlug(ctx context.Context, slug string) (*User, error) {
	if !f.Enabled() {
		return nil, ErrFederationOff
	}
	u, err := f.users.UserBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	if !u.DisabledAt.IsZero() {
		return nil, ErrNotFound
	}
	return u, nil
}

// key returns writer userID's key pair, making and storing one the
// first time; of two processes making one at once, the first stored
// wins and both return it.
func (f *Federation) key(ctx context.Context, userID int64) (*ActorKey, error) {
	k, err := f.store.ActorKey(ctx, userID)
	if !errors.Is(err, ErrNotFound) {
		return k, err
	}
	priv, err := rsa.GenerateKey(rand.Reader, keyBits)
	if err != nil {
		return nil, err
	}
	pub, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		return nil, err
	}
	k = &ActorKey{UserID: userID, CreatedAt: f.stamp(),
		PrivatePEM: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: mustPKCS8(priv)})),
		PublicPEM:  string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}))}
	if err := f.write(ctx, func(tx Tx) (Change, error) { return Change{}, tx.PutActorKey(ctx, k) }); err != nil {
		return nil, err
	}
	return f.store.ActorKey(ctx, userID)
}

func mustPKCS8(k *rsa.PrivateKey) []byte {
	b, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		panic(err) // an RSA key always marshals
	}
	return b
}

// SigningKey returns the key that signs this site's requests for remote
// documents: writer preferred's, else the first administrator's.
func (f *Federation) SigningKey(ctx context.Context, preferred int64) (keyID, privatePEM string, err error) {
	id := preferred
	if id == 0 {
		users, err := f.users.Users(ctx)
		if err != nil {
			return "", "", err
		}
		for _, u := range users {
			if u.Role == RoleAdmin && u.DisabledAt.IsZero() && (id == 0 || u.ID < id) {
				id = u.ID
			}
		}
	}
	if id == 0 {
		return "", "", ErrNotFound
	}
	k, err := f.key(ctx, id)
	if err != nil {
		return "", "", err
	}
	return f.current().KeyID(id), k.PrivatePEM, nil
}

// Usage returns how many writers and published posts the site has, for
// NodeInfo.
func (f *Federation) Usage(ctx context.Context) (users, posts int, err error) {
	if users, err = f.users.CountUsers(ctx); err != nil {
		return 0, 0, err
	}
	posts, err = f.posts.CountPosts(ctx, PostFilter{Kind: KindPost, Statuses: []Status{StatusPublished}})
	return users, posts, err
}

// CountFollowers returns how many accepted followers a writer has.
func (f *Federation) CountFollowers(ctx context.Context, userID int64) (int, error) {
	return f.store.CountFollowers(ctx, userID, FollowerAccepted)
}

// Admit counts an inbox request from host and says whether the server
// is within its limit and not blocked.
func (f *Federation) Admit(ctx context.Context, host string) error {
	if !f.Enabled() {
		return ErrFederationOff
	}
	host = strings.ToLower(host)
	if blocked, err := f.store.Blocked(ctx, "", host); err != nil || blocked {
		return orElse(err, ErrBlocked)
	}
	n, err := f.hits.Hit(ctx, "inbox:"+host, f.now().UTC().Truncate(inboxWindow))
	if err != nil {
		return err
	}
	if n > InboxPerHost {
		return ErrTooManyActivities
	}
	return nil
}

// orElse returns err when there is one, else fallback.
func orElse(err, fallback error) error {
	if err != nil {
		return err
	}
	return fallback
}

// KnownActor returns a remote actor as last read, by IRI or key id.
func (f *Federation) KnownActor(ctx context.Context, iri, keyID string) (*RemoteActor, error) {
	if keyID != "" {
		return f.store.RemoteActorByKey(ctx, keyID)
	}
	return f.store.RemoteActor(ctx, iri)
}

// RememberActor stores what a remote actor's document says, with the
// copy of its picture (a small PNG) when there is one.
func (f *Federation) RememberActor(ctx context.Context, a *RemoteActor, avatar []byte) error {
	a.Name = truncate(strings.TrimSpace(clean(a.Name)), maxMentionAuthorName)
	a.Handle = truncate(strings.TrimSpace(clean(a.Handle)), maxMentionAuthorName)
	a.URL, a.Icon = safeURL(a.URL), safeURL(a.Icon)
	a.Host = strings.ToLower(a.Host)
	a.FetchedAt = f.stamp()
	return f.write(ctx, func(tx Tx) (Change, error) {
		if len(avatar) > 0 && a.Icon != "" {
			if err := tx.PutAvatar(ctx, AvatarKey(a.Icon), avatar, a.FetchedAt); err != nil {
				return Change{}, err
			}
		}
		return Change{}, tx.PutRemoteActor(ctx, a)
	})
}

// Avatar returns the copy of a remote author's picture kept under key.
func (f *Federation) Avatar(ctx context.Context, key string) ([]byte, error) {
	return f.store.Avatar(ctx, key)
}

// avatarOf returns the path of the copy of a's picture, "" when there
// is none.
func (f *Federation) avatarOf(ctx context.Context, a *RemoteActor) string {
	if a.Icon == "" {
		return ""
	}
	key := AvatarKey(a.Icon)
	if _, err := f.store.Avatar(ctx, key); err != nil {
		return ""
	}
	return AvatarPath(key)
}

// Blocked reports whether an actor or its server is blocked.
func (f *Federation) Blocked(ctx context.Context, a *RemoteActor) (bool, error) {
	return f.store.Blocked(ctx, a.IRI, a.Host)
}

// Follow takes a's Follow of writer userID: held for approval when the
// setting asks, else accepted at once with a signed Accept.
func (f *Federation) Follow(ctx context.Context, userID int64, a *RemoteActor, followID string) error {
	st := f.current()
	writer, _, err := f.Writer(ctx, userID)
	if err != nil {
		return err
	}
	if blocked, err := f.Blocked(ctx, a); err != nil || blocked {
		return orElse(err, ErrBlocked)
	}
	return f.write(ctx, func(tx Tx) (Change, error) {
		fl, err := tx.Follower(ctx, userID, a.IRI)
		if errors.Is(err, ErrNotFound) {
			fl = &Follower{UserID: userID, Actor: a.IRI, Status: FollowerPending, CreatedAt: f.stamp()}
			if !st.ApproveFollowers {
				fl.Status = FollowerAccepted
			}
		} else if err != nil {
			return Change{}, err
		}
		fl.FollowID = followID
		if err := tx.PutFollower(ctx, fl); err != nil {
			return Change{}, err
		}
		if fl.Status != FollowerAccepted {
			return Change{}, nil
		}
		// Accepted (again): a server that asks twice is told twice.
		return Change{}, f.queueAccept(ctx, tx, st, writer, fl, a)
	})
}

// queueAccept queues the Accept of a follow.
func (f *Federation) queueAccept(ctx context.Context, tx Tx, st Settings, writer *User, fl *Follower, a *RemoteActor) error {
	body, err := f.fediverse.Accept(st, writer, fl)
	if err != nil {
		return err
	}
	return f.queue(ctx, tx, writer.ID, a.Inbox, body)
}

// Unfollow takes an Undo of a Follow.
func (f *Federation) Unfollow(ctx context.Context, userID int64, actor string) error {
	return f.write(ctx, func(tx Tx) (Change, error) {
		fl, err := tx.Follower(ctx, userID, actor)
		if errors.Is(err, ErrNotFound) {
			return Change{}, nil
		}
		if err != nil {
			return Change{}, err
		}
		return Change{}, tx.DeleteFollower(ctx, fl.ID)
	})
}

// queue adds one delivery of activity to inbox, due now.
func (f *Federation) queue(ctx context.Context, tx Tx, userID int64, inbox string, activity []byte) error {
	host := hostOf(inbox)
	if host == "" {
		return fmt.Errorf("bad inbox %q", inbox)
	}
	now := f.stamp()
	return tx.CreateDelivery(ctx, &Delivery{UserID: userID, Inbox: inbox, Host: host,
		Activity: activity, NextAt: now, CreatedAt: now})
}

// queuePost queues what a write of post p tells its writer's followers:
// a Create when it is first seen published, an Update when a published
// post changes, a Delete when it stops being visible. Pages, drafts and
// private posts never leave; imports do not come here.
func (f *Federation) queuePost(ctx context.Context, tx Tx, p *Post) error {
	st := f.current()
	if !f.enabledWith(st) || p.Kind != KindPost {
		return nil
	}
	last, err := tx.FederatedPost(ctx, p.ID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	told := err == nil && last != VerbDelete
	var verb Verb
	switch {
	case p.Visible() && told:
		verb = VerbUpdate
	case p.Visible():
		verb = VerbCreate
	case told:
		verb = VerbDelete
	default:
		return nil
	}
	author, err := tx.User(ctx, p.AuthorID)
	if err != nil {
		return err
	}
	f.decorateWith(st, p)
	body, err := f.fediverse.PostActivity(st, verb, p, author)
	if err != nil {
		return err
	}
	inboxes, err := tx.FollowerInboxes(ctx, author.ID)
	if err != nil {
		return err
	}
	for _, inbox := range inboxes {
		if err := f.queue(ctx, tx, author.ID, inbox, body); err != nil {
			return err
		}
	}
	return tx.PutFederatedPost(ctx, p.ID, author.ID, verb)
}

// queueAnswer sends a writer's reply c back to the fediverse when the
// reply it answers came from there.
func (f *Federation) queueAnswer(ctx context.Context, tx Tx, writer *User, c *Comment, post *Post, parentID int64) error {
	st := f.current()
	if !f.enabledWith(st) || parentID == 0 {
		return nil
	}
	r, err := tx.RemoteReplyByComment(ctx, parentID)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	to, err := tx.RemoteActor(ctx, r.Actor)
	if err != nil {
		return err
	}
	f.decorateWith(st, post)
	body, err := f.fediverse.Answer(st, writer, c, post, r.ObjectID, to)
	if err != nil {
		return err
	}
	inbox := to.Inbox
	if to.SharedInbox != "" {
		inbox = to.SharedInbox
	}
	return f.queue(ctx, tx, writer.ID, inbox, body)
}

// target is what a note answers here: a post, and the reply under it.
type target struct {
	post     *Post
	parentID int64
}

// resolve finds what a note's inReplyTo names on this site: a post's
// Article or page, a writer's answer, or a reply that came from the
// fediverse. page resolves a path of this site to a published post.
func (f *Federation) resolve(ctx context.Context, inReplyTo string, page func(path string) (*Post, error)) (*target, error) {
	if inReplyTo == "" {
		return nil, ErrNotFound
	}
	if r, err := f.store.RemoteReplyByObject(ctx, inReplyTo); err == nil {
		c, err := f.discussion.comments.Comment(ctx, r.CommentID)
		if err != nil {
			return nil, err
		}
		return f.targetOf(ctx, c.PostID, c.ID)
	} else if !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	base, err := url.Parse(f.current().BaseURL)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(inReplyTo)
	if err != nil || !strings.EqualFold(u.Host, base.Host) {
		return nil, ErrNotFound
	}
	if id, ok := strings.CutPrefix(u.Path, "/ap/posts/"); ok {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return nil, ErrNotFound
		}
		return f.targetOf(ctx, n, 0)
	}
	if id, ok := strings.CutPrefix(u.Path, "/ap/replies/"); ok {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return nil, ErrNotFound
		}
		c, err := f.discussion.comments.Comment(ctx, n)
		if err != nil {
			return nil, err
		}
		return f.targetOf(ctx, c.PostID, c.ID)
	}
	p, err := page(u.Path)
	if err != nil {
		return nil, err
	}
	var parent int64
	if id, ok := strings.CutPrefix(u.Fragment, "comment-"); ok {
		parent, _ = strconv.ParseInt(id, 10, 64)
	}
	return f.targetOf(ctx, p.ID, parent)
}

// targetOf returns post postID, when readers see it, with a parent.
func (f *Federation) targetOf(ctx context.Context, postID, parentID int64) (*target, error) {
	p, err := f.posts.Post(ctx, postID)
	if err != nil {
		return nil, err
	}
	if !p.Visible() {
		return nil, ErrNotFound
	}
	return &target{post: p, parentID: parentID}, nil
}

// ReceiveNote takes a note from the fediverse (a Create or an Update):
// one that answers a post, or a reply to one, becomes or updates a reply
// in the site's moderation; one that mentions a writer without answering
// anything is kept as a mention. Others are ignored.
func (f *Federation) ReceiveNote(ctx context.Context, n *RemoteNote, page func(path string) (*Post, error)) error {
	if blocked, err := f.Blocked(ctx, n.Actor); err != nil || blocked {
		return orElse(err, ErrBlocked)
	}
	if old, err := f.store.RemoteReplyByObject(ctx, n.ID); err == nil {
		if old.Actor != n.Actor.IRI {
			return ErrForbidden
		}
		c, err := f.discussion.comments.Comment(ctx, old.CommentID)
		if err != nil {
			return err
		}
		return f.putReply(ctx, n, &target{post: &Post{ID: c.PostID}, parentID: c.ParentID}, c.ID)
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	t, err := f.resolve(ctx, n.InReplyTo, page)
	if errors.Is(err, ErrNotFound) {
		return f.keepMention(ctx, n)
	}
	if err != nil {
		return err
	}
	return f.putReply(ctx, n, t, 0)
}

// putReply makes (commentID 0) or updates the reply a note is.
func (f *Federation) putReply(ctx context.Context, n *RemoteNote, t *target, commentID int64) error {
	d := f.current().Discussion
	body := truncate(commentText(n.Text), d.MaxLength)
	if body == "" {
		body = "(no text)"
	}
	if f.renderer == nil {
		return errors.New("blog: receiving replies needs a CommentRenderer")
	}
	rendered, err := f.renderer.RenderComment(body)
	if err != nil {
		return err
	}
	source := n.URL
	if source == "" {
		source = n.ID
	}
	in := &remoteReply{PostID: t.post.ID, ParentID: t.parentID, CommentID: commentID, Name: n.Actor.Label(),
		AuthorURL: safeURL(n.Actor.Profile()), SourceURL: safeURL(source), Body: body, Rendered: rendered, Published: n.Published,
		Photo: f.avatarOf(ctx, n.Actor)}
	return f.write(ctx, func(tx Tx) (Change, error) {
		c, err := f.discussion.putRemoteReply(ctx, tx, in)
		if err != nil {
			return Change{}, err
		}
		return replyChange(c.PostID), tx.PutRemoteReply(ctx, RemoteReply{CommentID: c.ID, ObjectID: n.ID, Actor: n.Actor.IRI, Host: n.Actor.Host})
	})
}

// keepMention stores a note that names a writer of this site.
func (f *Federation) keepMention(ctx context.Context, n *RemoteNote) error {
	st := f.current()
	var writer int64
	for _, m := range n.Mentions {
		if id, ok := strings.CutPrefix(m, strings.TrimSuffix(st.BaseURL, "/")+"/ap/actors/"); ok {
			if writer, _ = strconv.ParseInt(id, 10, 64); writer != 0 {
				break
			}
		}
	}
	if writer == 0 {
		return nil
	}
	if _, err := f.users.User(ctx, writer); err != nil {
		return err
	}
	m := &RemoteMention{UserID: writer, ObjectID: n.ID, Actor: n.Actor.IRI, AuthorName: n.Actor.Label(),
		AuthorURL: safeURL(n.Actor.Profile()), URL: safeURL(n.URL),
		Content: truncate(commentText(n.Text), st.Discussion.MaxLength), ReceivedAt: f.stamp()}
	return f.write(ctx, func(tx Tx) (Change, error) { return Change{}, tx.PutRemoteMention(ctx, m) })
}

// Delete takes a Delete: of a reply or mention that came from the
// fediverse, which goes; or of the actor itself, whose follows go too.
// Only the author may delete.
func (f *Federation) Delete(ctx context.Context, objectID, actor string) error {
	return f.write(ctx, func(tx Tx) (Change, error) {
		if objectID == actor {
			return f.forget(ctx, tx, actor)
		}
		if err := tx.DeleteRemoteMention(ctx, objectID); err != nil {
			return Change{}, err
		}
		r, err := tx.RemoteReplyByObject(ctx, objectID)
		if errors.Is(err, ErrNotFound) {
			return Change{}, nil
		}
		if err != nil {
			return Change{}, err
		}
		if r.Actor != actor {
			return Change{}, ErrForbidden
		}
		return f.dropReplies(ctx, tx, []RemoteReply{*r})
	})
}

// forget removes an actor's follows and replies.
func (f *Federation) forget(ctx context.Context, tx Tx, actorOrHost string) (Change, error) {
	if err := tx.DeleteFollowersOf(ctx, actorOrHost); err != nil {
		return Change{}, err
	}
	rs, err := tx.RemoteRepliesFrom(ctx, actorOrHost)
	if err != nil {
		return Change{}, err
	}
	return f.dropReplies(ctx, tx, rs)
}

// dropReplies deletes replies that came from the fediverse; their
// answers move up a level.
func (f *Federation) dropReplies(ctx context.Context, tx Tx, rs []RemoteReply) (Change, error) {
	var ch Change
	for _, r := range rs {
		c, err := tx.Comment(ctx, r.CommentID)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return Change{}, err
		}
		if err := tx.ReparentComments(ctx, c.ID, c.ParentID); err != nil {
			return Change{}, err
		}
		if err := tx.DeleteComment(ctx, c.ID); err != nil {
			return Change{}, err
		}
		if err := tx.AddCommentCount(ctx, c.PostID, approvedDelta(c.Status, "")); err != nil {
			return Change{}, err
		}
		ch = ch.Merge(replyChange(c.PostID))
	}
	return ch, nil
}

// reactionTarget is the target under which reactions from the
// fediverse are kept among the mentions, so an Undo naming only the
// activity finds them.
const reactionTarget = "activitypub"

// React counts a Like or an Announce (kind MentionLike or
// MentionRepost) of a post; activityID keys it for an Undo.
func (f *Federation) React(ctx context.Context, kind MentionKind, activityID, object string, a *RemoteActor, page func(path string) (*Post, error)) error {
	if blocked, err := f.Blocked(ctx, a); err != nil || blocked {
		return orElse(err, ErrBlocked)
	}
	t, err := f.resolve(ctx, object, page)
	if errors.Is(err, ErrNotFound) || (err == nil && t.parentID != 0) {
		return nil // only reactions to posts are counted
	}
	if err != nil {
		return err
	}
	now := f.stamp()
	m := &Mention{Source: activityID, Target: reactionTarget, PostID: t.post.ID, Kind: kind, AuthorName: a.Label(),
		AuthorURL: safeURL(a.Profile()), ReceivedAt: now, VerifiedAt: now}
	return f.write(ctx, func(tx Tx) (Change, error) {
		if old, err := tx.MentionBySource(ctx, activityID, reactionTarget); err == nil {
			m.ID, m.ReceivedAt = old.ID, old.ReceivedAt
		}
		return replyChange(t.post.ID), tx.PutMention(ctx, m)
	})
}

// Unreact takes the Undo of a Like or an Announce by actor.
func (f *Federation) Unreact(ctx context.Context, activityID, actor string) error {
	// An actor's activities live on its server.
	if a, b := hostOf(activityID), hostOf(actor); a == "" || a != b {
		return ErrForbidden
	}
	return f.write(ctx, func(tx Tx) (Change, error) {
		m, err := tx.MentionBySource(ctx, activityID, reactionTarget)
		if errors.Is(err, ErrNotFound) {
			return Change{}, nil
		}
		if err != nil {
			return Change{}, err
		}
		return replyChange(m.PostID), tx.DeleteMention(ctx, m.ID)
	})
}

// Deliver sends the due deliveries and returns how many arrived. Each is
// taken for a while first, so of several processes one sends it; a
// failure is tried again later, with pauses doubling up to six hours,
// and given up on after about two and a half days (the admin reports
// it). Nothing is sent inside a transaction.
func (f *Federation) Deliver(ctx context.Context) (int, error) {
	if f.fediverse == nil {
		return 0, nil
	}
	now := f.stamp()
	if due, err := f.store.DueDeliveries(ctx, now, 1); err != nil || len(due) == 0 {
		return 0, err
	}
	var due []*Delivery
	err := f.tx.Atomic(ctx, func(tx Tx) error {
		var err error
		if due, err = tx.DueDeliveries(ctx, now, deliveryBatch); err != nil {
			return err
		}
		for _, d := range due {
			leased := *d
			leased.NextAt = now.Add(deliveryLease)
			if err := tx.UpdateDelivery(ctx, &leased); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	st := f.current()
	sent := 0
	var errs []error
	for _, d := range due {
		k, err := f.store.ActorKey(ctx, d.UserID)
		if err == nil {
			err = f.fediverse.Deliver(ctx, st.KeyID(d.UserID), k.PrivatePEM, d.Inbox, d.Activity)
		}
		if err == nil {
			sent++
			if err := f.write(ctx, func(tx Tx) (Change, error) { return Change{}, tx.DeleteDelivery(ctx, d.ID) }); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		d.Attempts++
		d.LastError = truncate(err.Error(), 500)
		d.NextAt = f.stamp().Add(min(time.Minute<<d.Attempts, deliveryMaxBackoff))
		if d.Attempts >= deliveryMaxAttempts {
			d.NextAt, d.GaveUp = time.Time{}, true
		}
		errs = append(errs, fmt.Errorf("deliver to %s (attempt %d): %w", d.Inbox, d.Attempts, err))
		if err := f.write(ctx, func(tx Tx) (Change, error) { return Change{}, tx.UpdateDelivery(ctx, d) }); err != nil {
			errs = append(errs, err)
		}
	}
	return sent, errors.Join(errs...)
}

// FederationOverview is what the admin's fediverse screen shows.
type FederationOverview struct {
	Enabled   bool
	Host      string
	Requests  []*Follower
	Followers []*Follower
	Blocks    []string
	Problems  []DeliveryProblem
	Queued    int
	Mentions  []*RemoteMention
}

// followersShown bounds the admin's list of followers.
const followersShown = 500

// Overview returns the admin's fediverse screen: editors see every
// writer's followers, authors their own.
func (f *Federation) Overview(ctx context.Context, actor *User) (*FederationOverview, error) {
	if actor == nil {
		return nil, ErrForbidden
	}
	var of int64
	if !actor.CanEditOthers() {
		of = actor.ID
	}
	o := &FederationOverview{Enabled: f.Enabled(), Host: f.Host()}
	var err error
	if o.Requests, err = f.store.Followers(ctx, of, FollowerPending, followersShown); err != nil {
		return nil, err
	}
	if o.Followers, err = f.store.Followers(ctx, of, FollowerAccepted, followersShown); err != nil {
		return nil, err
	}
	if !actor.CanEditOthers() {
		return o, nil
	}
	if o.Blocks, err = f.store.Blocks(ctx); err != nil {
		return nil, err
	}
	if o.Problems, err = f.store.DeliveryProblems(ctx); err != nil {
		return nil, err
	}
	if o.Queued, err = f.store.CountDeliveries(ctx); err != nil {
		return nil, err
	}
	o.Mentions, err = f.store.RemoteMentions(ctx, 50)
	return o, err
}

// follower returns follower id when actor may manage it: their own, or
// anyone's for an editor.
func (f *Federation) follower(ctx context.Context, tx Tx, actor *User, id int64) (*Follower, error) {
	fl, err := tx.FollowerByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if actor == nil || (fl.UserID != actor.ID && !actor.CanEditOthers()) {
		return nil, ErrForbidden
	}
	return fl, nil
}

// ApproveFollower accepts a held follow request.
func (f *Federation) ApproveFollower(ctx context.Context, actor *User, id int64) error {
	st := f.current()
	return f.write(ctx, func(tx Tx) (Change, error) {
		fl, err := f.follower(ctx, tx, actor, id)
		if err != nil {
			return Change{}, err
		}
		if fl.Status == FollowerAccepted {
			return Change{}, nil
		}
		writer, err := tx.User(ctx, fl.UserID)
		if err != nil {
			return Change{}, err
		}
		a, err := tx.RemoteActor(ctx, fl.Actor)
		if err != nil {
			return Change{}, err
		}
		fl.Status = FollowerAccepted
		if err := tx.PutFollower(ctx, fl); err != nil {
			return Change{}, err
		}
		if !f.enabledWith(st) {
			return Change{}, nil
		}
		return Change{}, f.queueAccept(ctx, tx, st, writer, fl, a)
	})
}

// RemoveFollower turns a follow request down or removes a follower.
func (f *Federation) RemoveFollower(ctx context.Context, actor *User, id int64) error {
	return f.write(ctx, func(tx Tx) (Change, error) {
		fl, err := f.follower(ctx, tx, actor, id)
		if err != nil {
			return Change{}, err
		}
		return Change{}, tx.DeleteFollower(ctx, fl.ID)
	})
}

// Block refuses an actor (by its address) or a whole server (by its
// host name) from now on, and removes their follows and replies.
// Editors may.
func (f *Federation) Block(ctx context.Context, actor *User, value string) error {
	if !actor.CanEditOthers() {
		return ErrForbidden
	}
	value, err := blockValue(value)
	if err != nil {
		return err
	}
	return f.write(ctx, func(tx Tx) (Change, error) {
		if err := tx.PutBlock(ctx, value, f.stamp()); err != nil {
			return Change{}, err
		}
		return f.forget(ctx, tx, value)
	})
}

// blockValue reads what the block form names: an actor's address, or a
// server's host name (a handle @name@host blocks its server).
func blockValue(raw string) (string, error) {
	v := strings.TrimSpace(raw)
	if strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "http://") {
		u, err := url.Parse(v)
		if err != nil || u.Host == "" || len(v) > maxMentionURL {
			return "", FieldError("block", "block_enter_address")
		}
		if u.Path == "" || u.Path == "/" {
			return strings.ToLower(u.Host), nil
		}
		return v, nil
	}
	if i := strings.LastIndex(v, "@"); i >= 0 {
		v = v[i+1:]
	}
	v = strings.ToLower(strings.TrimSuffix(v, "."))
	if v == "" || len(v) > 253 || strings.ContainsAny(v, "/ \t?#") || !strings.Contains(v, ".") && !strings.Contains(v, ":") && v != "localhost" {
		return "", FieldError("block", "block_enter_address")
	}
	return v, nil
}

// Unblock lifts a block.
func (f *Federation) Unblock(ctx context.Context, actor *User, value string) error {
	if !actor.CanEditOthers() {
		return ErrForbidden
	}
	return f.write(ctx, func(tx Tx) (Change, error) { return Change{}, tx.DeleteBlock(ctx, value) })
}

// Outbox lists a writer's latest published posts, newest first, with
// how many there are, for their outbox.
func (f *Federation) Outbox(ctx context.Context, userID int64, limit int) ([]*Post, int, error) {
	pf := PostFilter{Kind: KindPost, Statuses: []Status{StatusPublished}, AuthorID: userID, Limit: limit}
	return f.list(ctx, f.posts, pf)
}

// Article returns published post id, for its Article.
func (f *Federation) Article(ctx context.Context, id int64) (*Post, *User, error) {
	p, err := f.posts.Post(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if !p.Visible() || p.Kind != KindPost {
		return nil, nil, ErrNotFound
	}
	u, err := f.users.User(ctx, p.AuthorID)
	if err != nil {
		return nil, nil, err
	}
	f.decorate(p)
	return p, u, nil
}

// hostOf returns the lower-cased host of an address; "" when it has
// none.
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Host)
}

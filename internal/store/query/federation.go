package query

import (
	"context"
	"time"

	"folio/internal/blog"
)

// ActorKey returns a writer's key pair.
func (t Tables) ActorKey(ctx context.Context, userID int64) (*blog.ActorKey, error) {
	k := &blog.ActorKey{UserID: userID}
	var created int64
	err := t.db.QueryRow(ctx, `SELECT private_pem, public_pem, created_at FROM actor_keys WHERE user_id = ?`, userID).
		Scan(&k.PrivatePEM, &k.PublicPEM, &created)
	if err != nil {
		return nil, t.d.MapErr(err)
	}
	k.CreatedAt = FromUnix(created)
	return k, nil
}

// PutActorKey stores a key pair unless the writer has one.
func (t Tables) PutActorKey(ctx context.Context, k *blog.ActorKey) error {
	_, err := t.db.Exec(ctx, `INSERT INTO actor_keys (user_id, private_pem, public_pem, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id) DO NOTHING`, k.UserID, k.PrivatePEM, k.PublicPEM, Unix(k.CreatedAt))
	return t.d.MapErr(err)
}

const remoteActorColumns = `iri, key_id, public_pem, inbox, shared_inbox, name, handle, url, icon, host, fetched_at`

func scanRemoteActor(sc Scanner) (*blog.RemoteActor, error) {
	a := &blog.RemoteActor{}
	var fetched int64
	if err := sc.Scan(&a.IRI, &a.KeyID, &a.PublicKeyPEM, &a.Inbox, &a.SharedInbox, &a.Name, &a.Handle, &a.URL, &a.Icon, &a.Host, &fetched); err != nil {
		return nil, err
	}
	a.FetchedAt = FromUnix(fetched)
	return a, nil
}

// RemoteActor returns a remote actor as last read.
func (t Tables) RemoteActor(ctx context.Context, iri string) (*blog.RemoteActor, error) {
	a, err := scanRemoteActor(t.db.QueryRow(ctx, `SELECT `+remoteActorColumns+` FROM remote_actors WHERE iri = ?`, iri))
	return a, t.d.MapErr(err)
}

// RemoteActorByKey returns the remote actor whose key keyID names.
func (t Tables) RemoteActorByKey(ctx context.Context, keyID string) (*blog.RemoteActor, error) {
	a, err := scanRemoteActor(t.db.QueryRow(ctx, `SELECT `+remoteActorColumns+` FROM remote_actors WHERE key_id = ?
		ORDER BY fetched_at DESC LIMIT 1`, keyID))
	return a, t.d.MapErr(err)
}

// PutRemoteActor stores a remote actor by IRI.
func (t Tables) PutRemoteActor(ctx context.Context, a *blog.RemoteActor) error {
	_, err := t.db.Exec(ctx, `INSERT INTO remote_actors (`+remoteActorColumns+`) VALUES (`+Placeholders(11)+`)
		ON CONFLICT (iri) DO UPDATE SET key_id = excluded.key_id, public_pem = excluded.public_pem, inbox = excluded.inbox,
		shared_inbox = excluded.shared_inbox, name = excluded.name, handle = excluded.handle, url = excluded.url,
		icon = excluded.icon, host = excluded.host, fetched_at = excluded.fetched_at`,
		a.IRI, a.KeyID, a.PublicKeyPEM, a.Inbox, a.SharedInbox, a.Name, a.Handle, a.URL, a.Icon, a.Host, Unix(a.FetchedAt))
	return t.d.MapErr(err)
}

const followerColumns = `f.id, f.user_id, f.actor, f.follow_id, f.status, f.created_at`

func scanFollower(sc Scanner) (*blog.Follower, error) {
	f := &blog.Follower{}
	var created int64
	if err := sc.Scan(&f.ID, &f.UserID, &f.Actor, &f.FollowID, &f.Status, &created); err != nil {
		return nil, err
	}
	f.CreatedAt = FromUnix(created)
	return f, nil
}

// Follower returns a writer's follower by actor.
func (t Tables) Follower(ctx context.Context, userID int64, actor string) (*blog.Follower, error) {
	f, err := scanFollower(t.db.QueryRow(ctx, `SELECT `+followerColumns+` FROM followers f WHERE f.user_id = ? AND f.actor = ?`, userID, actor))
	return f, t.d.MapErr(err)
}

// FollowerByID returns a follower.
func (t Tables) FollowerByID(ctx context.Context, id int64) (*blog.Follower, error) {
	f, err := scanFollower(t.db.QueryRow(ctx, `SELECT `+followerColumns+` FROM followers f WHERE f.id = ?`, id))
	return f, t.d.MapErr(err)
}

// PutFollower stores a follower by writer and actor and sets its ID.
func (t Tables) PutFollower(ctx context.Context, f *blog.Follower) error {
	err := t.db.ExecRow(ctx, `INSERT INTO followers (user_id, actor, follow_id, status, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (user_id, actor) DO UPDATE SET follow_id = excluded.follow_id, status = excluded.status RETURNING id`,
		f.UserID, f.Actor, f.FollowID, string(f.Status), Unix(f.CreatedAt)).Scan(&f.ID)
	return t.d.MapErr(err)
}

// DeleteFollower removes a follower.
func (t Tables) DeleteFollower(ctx context.Context, id int64) error {
	_, err := t.db.Exec(ctx, `DELETE FROM followers WHERE id = ?`, id)
	return t.d.MapErr(err)
}

// DeleteFollowersOf removes the follows of an actor or of a server's
// actors.
func (t Tables) DeleteFollowersOf(ctx context.Context, actorOrHost string) error {
	_, err := t.db.Exec(ctx, `DELETE FROM followers WHERE actor = ? OR actor IN (SELECT iri FROM remote_actors WHERE host = ?)`,
		actorOrHost, actorOrHost)
	return t.d.MapErr(err)
}

// Followers lists followers, newest first, with their actors and
// writers.
func (t Tables) Followers(ctx context.Context, userID int64, status blog.FollowerStatus, limit int) ([]*blog.Follower, error) {
	var a Args
	q := `SELECT ` + followerColumns + `, u.name, COALESCE(r.name, ''), COALESCE(r.handle, ''), COALESCE(r.url, ''), COALESCE(r.host, ''), COALESCE(r.inbox, '')
		FROM followers f JOIN users u ON u.id = f.user_id LEFT JOIN remote_actors r ON r.iri = f.actor WHERE 1 = 1`
	if userID != 0 {
		q += ` AND f.user_id = ` + a.Add(userID)
	}
	if status != "" {
		q += ` AND f.status = ` + a.Add(string(status))
	}
	q += ` ORDER BY f.created_at DESC, f.id DESC`
	if limit > 0 {
		q += ` LIMIT ` + a.Add(limit)
	}
	return Collect(ctx, t.db, func(sc Scanner) (*blog.Follower, error) {
		f := &blog.Follower{Remote: &blog.RemoteActor{}}
		var created int64
		if err := sc.Scan(&f.ID, &f.UserID, &f.Actor, &f.FollowID, &f.Status, &created, &f.WriterName,
			&f.Remote.Name, &f.Remote.Handle, &f.Remote.URL, &f.Remote.Host, &f.Remote.Inbox); err != nil {
			return nil, err
		}
		f.CreatedAt, f.Remote.IRI = FromUnix(created), f.Actor
		return f, nil
	}, q, a...)
}

// CountFollowers counts a writer's followers in a status.
func (t Tables) CountFollowers(ctx context.Context, userID int64, status blog.FollowerStatus) (int, error) {
	var n int
	err := t.db.QueryRow(ctx, `SELECT COUNT(*) FROM followers WHERE user_id = ? AND status = ?`, userID, string(status)).Scan(&n)
	return n, t.d.MapErr(err)
}

// FollowerInboxes returns each shared inbox of a writer's accepted
// followers once, then the inboxes of those without one.
func (t Tables) FollowerInboxes(ctx context.Context, userID int64) ([]string, error) {
	return Collect(ctx, t.db, ScanText, `SELECT DISTINCT CASE WHEN r.shared_inbox <> '' THEN r.shared_inbox ELSE r.inbox END AS inbox
		FROM followers f JOIN remote_actors r ON r.iri = f.actor WHERE f.user_id = ? AND f.status = ? ORDER BY inbox`,
		userID, string(blog.FollowerAccepted))
}

// Blocks lists the blocked actors and servers.
func (t Tables) Blocks(ctx context.Context) ([]string, error) {
	return Collect(ctx, t.db, ScanText, `SELECT value FROM federation_blocks ORDER BY value`)
}

// PutBlock blocks an actor or a server.
func (t Tables) PutBlock(ctx context.Context, value string, at time.Time) error {
	_, err := t.db.Exec(ctx, `INSERT INTO federation_blocks (value, created_at) VALUES (?, ?) ON CONFLICT (value) DO NOTHING`, value, Unix(at))
	return t.d.MapErr(err)
}

// DeleteBlock lifts a block.
func (t Tables) DeleteBlock(ctx context.Context, value string) error {
	_, err := t.db.Exec(ctx, `DELETE FROM federation_blocks WHERE value = ?`, value)
	return t.d.MapErr(err)
}

// Blocked reports whether an actor or its server is blocked.
func (t Tables) Blocked(ctx context.Context, actor, host string) (bool, error) {
	var n int
	err := t.db.QueryRow(ctx, `SELECT COUNT(*) FROM federation_blocks WHERE value = ? OR value = ?`, actor, host).Scan(&n)
	return n > 0, t.d.MapErr(err)
}

// FederatedPost returns what the fediverse was last told of a post.
func (t Tables) FederatedPost(ctx context.Context, postID int64) (blog.Verb, error) {
	var v blog.Verb
	err := t.db.QueryRow(ctx, `SELECT state FROM federated_posts WHERE post_id = ?`, postID).Scan(&v)
	return v, t.d.MapErr(err)
}

// PutFederatedPost records what the fediverse was told of a post.
func (t Tables) PutFederatedPost(ctx context.Context, postID, userID int64, v blog.Verb) error {
	_, err := t.db.Exec(ctx, `INSERT INTO federated_posts (post_id, user_id, state) VALUES (?, ?, ?)
		ON CONFLICT (post_id) DO UPDATE SET user_id = excluded.user_id, state = excluded.state`, postID, userID, string(v))
	return t.d.MapErr(err)
}

const deliveryColumns = `id, user_id, inbox, host, activity, attempts, next_at, last_error, gave_up, created_at`

func scanDelivery(sc Scanner) (*blog.Delivery, error) {
	d := &blog.Delivery{}
	var next, created, gaveUp int64
	var activity string
	if err := sc.Scan(&d.ID, &d.UserID, &d.Inbox, &d.Host, &activity, &d.Attempts, &next, &d.LastError, &gaveUp, &created); err != nil {
		return nil, err
	}
	d.Activity, d.NextAt, d.GaveUp, d.CreatedAt = []byte(activity), FromUnix(next), gaveUp != 0, FromUnix(created)
	return d, nil
}

// CreateDelivery queues a delivery and sets its ID.
func (t Tables) CreateDelivery(ctx context.Context, d *blog.Delivery) error {
	err := t.db.ExecRow(ctx, `INSERT INTO deliveries (user_id, inbox, host, activity, attempts, next_at, last_error, gave_up, created_at)
		VALUES (`+Placeholders(9)+`) RETURNING id`, d.UserID, d.Inbox, d.Host, string(d.Activity), d.Attempts, Unix(d.NextAt),
		d.LastError, boolInt(d.GaveUp), Unix(d.CreatedAt)).Scan(&d.ID)
	return t.d.MapErr(err)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// DueDeliveries returns the deliveries due by now, oldest due first.
func (t Tables) DueDeliveries(ctx context.Context, now time.Time, limit int) ([]*blog.Delivery, error) {
	return Collect(ctx, t.db, scanDelivery, `SELECT `+deliveryColumns+` FROM deliveries WHERE next_at > 0 AND next_at <= ?
		ORDER BY next_at, id LIMIT ?`+t.db.Lock("deliveries", true), now.Unix(), limit)
}

// UpdateDelivery stores a delivery's attempts.
func (t Tables) UpdateDelivery(ctx context.Context, d *blog.Delivery) error {
	_, err := t.db.Exec(ctx, `UPDATE deliveries SET attempts = ?, next_at = ?, last_error = ?, gave_up = ? WHERE id = ?`,
		d.Attempts, Unix(d.NextAt), d.LastError, boolInt(d.GaveUp), d.ID)
	return t.d.MapErr(err)
}

// DeleteDelivery forgets a delivery that arrived.
func (t Tables) DeleteDelivery(ctx context.Context, id int64) error {
	_, err := t.db.Exec(ctx, `DELETE FROM deliveries WHERE id = ?`, id)
	return t.d.MapErr(err)
}

// DeliveryProblems sums up the deliveries given up on, by server.
func (t Tables) DeliveryProblems(ctx context.Context) ([]blog.DeliveryProblem, error) {
	return Collect(ctx, t.db, func(sc Scanner) (blog.DeliveryProblem, error) {
		var p blog.DeliveryProblem
		var last int64
		err := sc.Scan(&p.Host, &p.Count, &last, &p.LastError)
		p.Last = FromUnix(last)
		return p, err
	}, `SELECT d.host, COUNT(*), MAX(d.created_at),
		(SELECT e.last_error FROM deliveries e WHERE e.host = d.host AND e.gave_up = 1 ORDER BY e.id DESC LIMIT 1)
		FROM deliveries d WHERE d.gave_up = 1 GROUP BY d.host ORDER BY d.host`)
}

// CountDeliveries counts the deliveries still being tried.
func (t Tables) CountDeliveries(ctx context.Context) (int, error) {
	var n int
	err := t.db.QueryRow(ctx, `SELECT COUNT(*) FROM deliveries WHERE gave_up = 0`).Scan(&n)
	return n, t.d.MapErr(err)
}

const remoteReplyColumns = `comment_id, object_id, actor, host`

func scanRemoteReply(sc Scanner) (blog.RemoteReply, error) {
	var r blog.RemoteReply
	err := sc.Scan(&r.CommentID, &r.ObjectID, &r.Actor, &r.Host)
	return r, err
}

// PutRemoteReply links a reply to the note it came as.
func (t Tables) PutRemoteReply(ctx context.Context, r blog.RemoteReply) error {
	_, err := t.db.Exec(ctx, `INSERT INTO remote_replies (`+remoteReplyColumns+`) VALUES (?, ?, ?, ?)
		ON CONFLICT (comment_id) DO UPDATE SET object_id = excluded.object_id, actor = excluded.actor, host = excluded.host`,
		r.CommentID, r.ObjectID, r.Actor, r.Host)
	return t.d.MapErr(err)
}

// RemoteReplyByObject returns the reply a note became.
func (t Tables) RemoteReplyByObject(ctx context.Context, objectID string) (*blog.RemoteReply, error) {
	r, err := scanRemoteReply(t.db.QueryRow(ctx, `SELECT `+remoteReplyColumns+` FROM remote_replies WHERE object_id = ?`, objectID))
	if err != nil {
		return nil, t.d.MapErr(err)
	}
	return &r, nil
}

// RemoteReplyByComment returns the note a reply came as.
func (t Tables) RemoteReplyByComment(ctx context.Context, commentID int64) (*blog.RemoteReply, error) {
	r, err := scanRemoteReply(t.db.QueryRow(ctx, `SELECT `+remoteReplyColumns+` FROM remote_replies WHERE comment_id = ?`, commentID))
	if err != nil {
		return nil, t.d.MapErr(err)
	}
	return &r, nil
}

// RemoteRepliesFrom lists the replies of an actor or of a server.
func (t Tables) RemoteRepliesFrom(ctx context.Context, actorOrHost string) ([]blog.RemoteReply, error) {
	return Collect(ctx, t.db, scanRemoteReply, `SELECT `+remoteReplyColumns+` FROM remote_replies WHERE actor = ? OR host = ? ORDER BY comment_id`,
		actorOrHost, actorOrHost)
}

// PutRemoteMention stores a mention by its note's id and sets its ID.
func (t Tables) PutRemoteMention(ctx context.Context, m *blog.RemoteMention) error {
	err := t.db.ExecRow(ctx, `INSERT INTO remote_mentions (user_id, object_id, actor, author_name, author_url, url, content, received_at)
		VALUES (`+Placeholders(8)+`) ON CONFLICT (object_id) DO UPDATE SET author_name = excluded.author_name,
		author_url = excluded.author_url, url = excluded.url, content = excluded.content RETURNING id`,
		m.UserID, m.ObjectID, m.Actor, m.AuthorName, m.AuthorURL, m.URL, m.Content, Unix(m.ReceivedAt)).Scan(&m.ID)
	return t.d.MapErr(err)
}

// DeleteRemoteMention forgets a mention.
func (t Tables) DeleteRemoteMention(ctx context.Context, objectID string) error {
	_, err := t.db.Exec(ctx, `DELETE FROM remote_mentions WHERE object_id = ?`, objectID)
	return t.d.MapErr(err)
}

// RemoteMentions lists the latest mentions, newest first.
func (t Tables) RemoteMentions(ctx context.Context, limit int) ([]*blog.RemoteMention, error) {
	return Collect(ctx, t.db, func(sc Scanner) (*blog.RemoteMention, error) {
		m := &blog.RemoteMention{}
		var received int64
		err := sc.Scan(&m.ID, &m.UserID, &m.ObjectID, &m.Actor, &m.AuthorName, &m.AuthorURL, &m.URL, &m.Content, &received)
		m.ReceivedAt = FromUnix(received)
		return m, err
	}, `SELECT id, user_id, object_id, actor, author_name, author_url, url, content, received_at FROM remote_mentions
		ORDER BY received_at DESC, id DESC LIMIT ?`, limit)
}

// PutAvatar stores the copy of a remote author's picture.
func (t Tables) PutAvatar(ctx context.Context, key string, png []byte, at time.Time) error {
	_, err := t.db.Exec(ctx, `INSERT INTO avatars (key, data, fetched_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET data = excluded.data, fetched_at = excluded.fetched_at`, key, png, Unix(at))
	return t.d.MapErr(err)
}

// Avatar returns the copy of a remote author's picture.
func (t Tables) Avatar(ctx context.Context, key string) ([]byte, error) {
	var b []byte
	err := t.db.QueryRow(ctx, `SELECT data FROM avatars WHERE key = ?`, key).Scan(&b)
	return b, t.d.MapErr(err)
}

package blog

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Webmention (W3C Recommendation, https://www.w3.org/TR/webmention/):
// another site tells this one that a page of theirs links a post here,
// and this one tells the sites its posts link. Received mentions are
// verified in the background: a reply becomes a reply in moderation,
// likes and reposts are counted, anything else is kept as a mention.

// MentionKind is what a verified source page does with the post.
type MentionKind string

// The kinds of mention.
const (
	MentionReply   MentionKind = "reply"
	MentionLike    MentionKind = "like"
	MentionRepost  MentionKind = "repost"
	MentionMention MentionKind = "mention"
)

// Limits on mentions: received from one source host an hour, attempts
// at verifying or sending one, and the longest pause between attempts.
const (
	MentionsPerHost      = 60
	mentionWindow        = time.Hour
	mentionMaxAttempts   = 5
	mentionMaxBackoff    = 6 * time.Hour
	mentionLease         = 5 * time.Minute
	mentionBatch         = 20
	maxMentionURL        = 2000
	maxMentionAuthorName = 100
)

// Mention is a Webmention received for a post.
type Mention struct {
	ID          int64
	Source      string
	Target      string
	PostID      int64
	Kind        MentionKind // "" until verified
	CommentID   int64       // the reply it became, for a reply
	AuthorName  string
	AuthorURL   string
	AuthorPhoto string
	ReceivedAt  time.Time
	VerifiedAt  time.Time
	Attempts    int
	NextAt      time.Time // when to verify it (again); zero when done
	LastError   string
	// PostTitle is the mentioned post's title, in lists.
	PostTitle string
}

// PostLink is a link from one of the site's posts that a Webmention is
// (or was) sent for.
type PostLink struct {
	PostID    int64
	Target    string
	Removed   bool // the post no longer links it: send once more, then forget
	Attempts  int
	NextAt    time.Time // zero when nothing is due
	SentAt    time.Time
	LastError string
}

// MentionStore persists received mentions and the links sent for.
type MentionStore interface {
	// PutMention stores m by source and target, keeping its ID.
	PutMention(ctx context.Context, m *Mention) error
	MentionBySource(ctx context.Context, source, target string) (*Mention, error)
	DueMentions(ctx context.Context, now time.Time, limit int) ([]*Mention, error)
	DeleteMention(ctx context.Context, id int64) error
	// RecentMentions lists the latest verified mentions, newest first,
	// with their posts' titles.
	RecentMentions(ctx context.Context, limit int) ([]*Mention, error)
	// MentionCounts counts a post's verified mentions by kind.
	MentionCounts(ctx context.Context, postID int64) (map[MentionKind]int, error)
	PostLinks(ctx context.Context, postID int64) ([]*PostLink, error)
	PutPostLink(ctx context.Context, l *PostLink) error
	DeletePostLink(ctx context.Context, postID int64, target string) error
	DueLinks(ctx context.Context, now time.Time, limit int) ([]*PostLink, error)
}

// SourcePage is what a mention's source says of its target, as the
// peer client read it.
type SourcePage struct {
	Gone        bool // 404 or 410: the mention is withdrawn
	Links       bool // it links the target
	Kind        MentionKind
	AuthorName  string
	AuthorURL   string
	AuthorPhoto string
	Content     string // plain text
	Published   time.Time
}

// PeerClient reads and writes to other sites. The webmention package
// provides it, refusing private addresses unless allowed.
type PeerClient interface {
	// Verify fetches source and says what it does with target.
	Verify(ctx context.Context, source, target string) (*SourcePage, error)
	// Endpoint discovers target's Webmention endpoint; "" for none.
	Endpoint(ctx context.Context, target string) (string, error)
	// Send notifies endpoint that source links target.
	Send(ctx context.Context, endpoint, source, target string) error
	// Avatar fetches an author's picture and returns a small PNG copy.
	Avatar(ctx context.Context, photo string) ([]byte, error)
}

// Mentions receives, verifies and sends Webmentions.
type Mentions struct {
	*core
	mentions   MentionStore
	posts      PostStore
	hits       RateStore
	renderer   CommentRenderer
	peer       PeerClient
	discussion *Discussion // for the mail a new reply sends
}

// ErrNotOurs refuses a Webmention whose target is not a published page
// of this site.
var ErrNotOurs = errors.New("the target is not a published page of this site")

// ErrTooManyMentions refuses a source host sending too many mentions.
var ErrTooManyMentions = errors.New("too many webmentions from this host")

// mentionURL checks a source or target: an absolute http(s) address.
func mentionURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(raw) > maxMentionURL {
		return nil, errors.New("not an http or https address")
	}
	u.Fragment = ""
	return u, nil
}

// Receive accepts a Webmention: target must be a published post or page
// of this site, at host (the site's address, or the one asked), and
// source another address. It is stored to be verified in the background.
func (m *Mentions) Receive(ctx context.Context, source, target, host string, resolve func(path string) (*Post, error)) error {
	src, err := mentionURL(source)
	if err != nil {
		return FieldError("source", "webmention_source_http")
	}
	tgt, err := mentionURL(target)
	if err != nil {
		return FieldError("target", "webmention_target_http")
	}
	if src.String() == tgt.String() {
		return FieldError("source", "webmention_same")
	}
	if !strings.EqualFold(tgt.Host, host) {
		return ErrNotOurs
	}
	post, err := resolve(tgt.Path)
	if errors.Is(err, ErrNotFound) {
		return ErrNotOurs
	}
	if err != nil {
		return err
	}
	n, err := m.hits.Hit(ctx, "webmention:"+strings.ToLower(src.Hostname()), m.now().UTC().Truncate(mentionWindow))
	if err != nil {
		return err
	}
	if n > MentionsPerHost {
		return ErrTooManyMentions
	}
	now := m.stamp()
	return m.write(ctx, func(tx Tx) (Change, error) {
		mn, err := tx.MentionBySource(ctx, src.String(), tgt.String())
		if errors.Is(err, ErrNotFound) {
			mn = &Mention{Source: src.String(), Target: tgt.String(), PostID: post.ID, ReceivedAt: now}
		} else if err != nil {
			return Change{}, err
		}
		// A re-sent mention is verified again: the page may have changed.
		mn.Attempts, mn.NextAt, mn.LastError = 0, now, ""
		return Change{}, tx.PutMention(ctx, mn)
	})
}

// Verify checks the due received mentions and applies what their
// sources say; it returns how many it settled. Sources are fetched
// outside any transaction.
func (m *Mentions) Verify(ctx context.Context) (int, error) {
	if m.peer == nil {
		return 0, nil
	}
	due, err := m.takeMentions(ctx)
	if err != nil {
		return 0, err
	}
	done := 0
	var errs []error
	for _, mn := range due {
		page, err := m.peer.Verify(ctx, mn.Source, mn.Target)
		if err != nil {
			mn.Attempts++
			mn.LastError = err.Error()
			mn.NextAt = time.Time{}
			if mn.Attempts < mentionMaxAttempts {
				mn.NextAt = m.stamp().Add(min(time.Minute<<mn.Attempts, mentionMaxBackoff))
			}
			errs = append(errs, fmt.Errorf("verify %s: %w", mn.Source, err))
			if err := m.write(ctx, func(tx Tx) (Change, error) { return Change{}, tx.PutMention(ctx, mn) }); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		var avatar []byte
		if page.Links && page.Kind == MentionReply && safeURL(page.AuthorPhoto) != "" {
			// A picture that cannot be had leaves the reply its identicon.
			avatar, _ = m.peer.Avatar(ctx, page.AuthorPhoto)
		}
		if err := m.apply(ctx, mn, page, avatar); err != nil {
			errs = append(errs, fmt.Errorf("apply %s: %w", mn.Source, err))
			continue
		}
		done++
	}
	return done, errors.Join(errs...)
}

// takeMentions returns the due mentions, leased for a while so that of
// several processes one verifies each.
func (m *Mentions) takeMentions(ctx context.Context) ([]*Mention, error) {
	now := m.stamp()
	if due, err := m.mentions.DueMentions(ctx, now, 1); err != nil || len(due) == 0 {
		return nil, err
	}
	var due []*Mention
	err := m.tx.Atomic(ctx, func(tx Tx) error {
		var err error
		if due, err = tx.DueMentions(ctx, now, mentionBatch); err != nil {
			return err
		}
		for _, mn := range due {
			leased := *mn
			leased.NextAt = now.Add(mentionLease)
			if err := tx.PutMention(ctx, &leased); err != nil {
				return err
			}
		}
		return nil
	})
	return due, err
}

// apply settles a verified mention: a withdrawn one goes with its
// reply; a reply is made or updated in moderation, with the copy of its
// author's picture when there is one; others are counted.
func (m *Mentions) apply(ctx context.Context, mn *Mention, page *SourcePage, avatar []byte) error {
	var body, rendered string
	if page.Links && page.Kind == MentionReply {
		body = truncate(commentText(page.Content), m.current().Discussion.MaxLength)
		if body == "" {
			body = "(no text)"
		}
		if m.renderer == nil {
			return errors.New("blog: receiving replies needs a CommentRenderer")
		}
		var err error
		if rendered, err = m.renderer.RenderComment(body); err != nil {
			return err
		}
	}
	return m.write(ctx, func(tx Tx) (Change, error) {
		change := replyChange(mn.PostID)
		if page.Gone || !page.Links {
			if err := m.dropReply(ctx, tx, mn); err != nil {
				return Change{}, err
			}
			return change, tx.DeleteMention(ctx, mn.ID)
		}
		mn.Kind, mn.VerifiedAt, mn.NextAt, mn.Attempts, mn.LastError = page.Kind, m.stamp(), time.Time{}, 0, ""
		mn.AuthorName = truncate(strings.TrimSpace(clean(page.AuthorName)), maxMentionAuthorName)
		mn.AuthorURL, mn.AuthorPhoto = safeURL(page.AuthorURL), safeURL(page.AuthorPhoto)
		if mn.Kind == MentionReply {
			photo := ""
			if len(avatar) > 0 && mn.AuthorPhoto != "" {
				key := AvatarKey(mn.AuthorPhoto)
				if err := tx.PutAvatar(ctx, key, avatar, m.stamp()); err != nil {
					return Change{}, err
				}
				photo = AvatarPath(key)
			}
			if err := m.putReply(ctx, tx, mn, body, rendered, photo, page.Published); err != nil {
				return Change{}, err
			}
		} else if err := m.dropReply(ctx, tx, mn); err != nil {
			return Change{}, err
		}
		return change, tx.PutMention(ctx, mn)
	})
}

// safeURL keeps an http(s) address and drops anything else.
func safeURL(raw string) string {
	if u, err := mentionURL(raw); err == nil {
		return u.String()
	}
	return ""
}

// putReply makes or updates the reply a mention is.
func (m *Mentions) putReply(ctx context.Context, tx Tx, mn *Mention, body, rendered, photo string, published time.Time) error {
	name := mn.AuthorName
	if name == "" {
		if u, err := url.Parse(mn.Source); err == nil {
			name = u.Hostname()
		}
	}
	c, err := m.discussion.putRemoteReply(ctx, tx, &remoteReply{PostID: mn.PostID, CommentID: mn.CommentID, Name: name,
		AuthorURL: mn.AuthorURL, SourceURL: mn.Source, Photo: photo, Body: body, Rendered: rendered, Published: published})
	if err != nil {
		return err
	}
	mn.CommentID = c.ID
	return nil
}

// remoteReply is a reply that comes from another site, by Webmention or
// ActivityPub.
type remoteReply struct {
	PostID, ParentID int64
	CommentID        int64 // the reply it already is, to update; 0 for a new one
	Name, AuthorURL  string
	SourceURL        string // the page it stands on
	Photo            string // the path of this site's copy of the author's picture
	Body, Rendered   string
	Published        time.Time
}

// putRemoteReply makes or updates a reply from another site, moderated
// as a reader's reply: the block and hold lists, the link limit, the
// moderation policy (an author with an approved reply from the same
// address passes the first-time hold), and mail to the post's writer.
func (s *Discussion) putRemoteReply(ctx context.Context, tx Tx, in *remoteReply) (*Comment, error) {
	d := s.current().Discussion
	now := s.stamp()
	if in.CommentID != 0 {
		c, err := tx.Comment(ctx, in.CommentID)
		if err == nil {
			c.AuthorName, c.AuthorURL, c.Body, c.BodyHTML, c.UpdatedAt, c.SourceURL = in.Name, in.AuthorURL, in.Body, in.Rendered, now, in.SourceURL
			c.AuthorPhoto = in.Photo
			return c, tx.UpdateComment(ctx, c)
		}
		if !errors.Is(err, ErrNotFound) {
			return nil, err
		}
	}
	post, err := tx.Post(ctx, in.PostID)
	if err != nil {
		return nil, err
	}
	c := &Comment{PostID: post.ID, Kind: CommentKindComment, AuthorName: in.Name, AuthorURL: in.AuthorURL, SourceURL: in.SourceURL,
		AuthorPhoto: in.Photo, Body: in.Body, BodyHTML: in.Rendered, CreatedAt: now, UpdatedAt: now, StatusAt: now}
	if !in.Published.IsZero() && in.Published.Before(now) {
		c.CreatedAt = in.Published.UTC()
	}
	// An answer to a reply readers do not see answers the post.
	if err := placeInThread(ctx, tx, c, in.ParentID, d.Depth); err != nil {
		if v := (*ValidationError)(nil); !errors.As(err, &v) {
			return nil, err
		}
		c.ParentID, c.Depth = 0, 0
	}
	known := false
	if c.AuthorURL != "" {
		var err error
		if known, err = tx.AnyComment(ctx, CommentFilter{AuthorURL: c.AuthorURL, Statuses: []CommentStatus{CommentApproved}}); err != nil {
			return nil, err
		}
	}
	c.Status, _ = Moderate(d, c, known)
	if err := tx.CreateComment(ctx, c); err != nil {
		return nil, err
	}
	if err := tx.AddCommentCount(ctx, post.ID, approvedDelta("", c.Status)); err != nil {
		return nil, err
	}
	s.decorate(post)
	c.PostPath = post.Path
	return c, s.queueNewCommentMail(ctx, tx, post, c)
}

// dropReply deletes the reply a mention had become.
func (m *Mentions) dropReply(ctx context.Context, tx Tx, mn *Mention) error {
	if mn.CommentID == 0 {
		return nil
	}
	c, err := tx.Comment(ctx, mn.CommentID)
	if errors.Is(err, ErrNotFound) {
		mn.CommentID = 0
		return nil
	}
	if err != nil {
		return err
	}
	if err := tx.DeleteComment(ctx, c.ID); err != nil {
		return err
	}
	mn.CommentID = 0
	return tx.AddCommentCount(ctx, c.PostID, approvedDelta(c.Status, ""))
}

// Recent lists the latest verified mentions of any kind, for editors.
func (m *Mentions) Recent(ctx context.Context, actor *User, limit int) ([]*Mention, error) {
	if !actor.CanEditOthers() {
		return nil, ErrForbidden
	}
	return m.mentions.RecentMentions(ctx, limit)
}

// Counts returns a post's likes and reposts.
func (m *Mentions) Counts(ctx context.Context, postID int64) (map[MentionKind]int, error) {
	return m.mentions.MentionCounts(ctx, postID)
}

// hrefRe finds the links of a post's rendered (sanitized) HTML.
var hrefRe = regexp.MustCompile(`href="(https?://[^"]+)"`)

// linksOf returns the other sites' addresses a post links, its source
// included; none for a post readers cannot see.
func linksOf(p *Post, ownHost string) []string {
	if !p.Visible() {
		return nil
	}
	var out []string
	add := func(raw string) {
		u, err := mentionURL(html.UnescapeString(raw))
		if err != nil || strings.EqualFold(u.Host, ownHost) {
			return
		}
		if s := u.String(); !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if p.Source.URL != "" {
		add(p.Source.URL)
	}
	for _, m := range hrefRe.FindAllStringSubmatch(p.BodyHTML, -1) {
		add(m[1])
	}
	return out
}

// queueLinks records the Webmentions a published post's save calls for:
// every link it has now (sent again, since the post changed), and once
// more each link it no longer has.
func queueLinks(ctx context.Context, tx Tx, p *Post, ownHost string, now time.Time) error {
	have, err := tx.PostLinks(ctx, p.ID)
	if err != nil {
		return err
	}
	links := linksOf(p, ownHost)
	for _, target := range links {
		if err := tx.PutPostLink(ctx, &PostLink{PostID: p.ID, Target: target, NextAt: now}); err != nil {
			return err
		}
	}
	for _, l := range have {
		if !slices.Contains(links, l.Target) && (!l.SentAt.IsZero() || l.Removed) {
			l.Removed, l.NextAt, l.Attempts = true, now, 0
			if err := tx.PutPostLink(ctx, l); err != nil {
				return err
			}
		} else if !slices.Contains(links, l.Target) {
			if err := tx.DeletePostLink(ctx, p.ID, l.Target); err != nil {
				return err
			}
		}
	}
	return nil
}

// Send delivers the due Webmentions for the site's posts and returns how
// many went out: each target's endpoint is discovered and told, outside
// any transaction; failures are retried with growing pauses.
func (m *Mentions) Send(ctx context.Context) (int, error) {
	st := m.current()
	if m.peer == nil || st.BaseURL == "" {
		return 0, nil
	}
	now := m.stamp()
	if due, err := m.mentions.DueLinks(ctx, now, 1); err != nil || len(due) == 0 {
		return 0, err
	}
	var due []*PostLink
	err := m.tx.Atomic(ctx, func(tx Tx) error {
		var err error
		if due, err = tx.DueLinks(ctx, now, mentionBatch); err != nil {
			return err
		}
		for _, l := range due {
			leased := *l
			leased.NextAt = now.Add(mentionLease)
			if err := tx.PutPostLink(ctx, &leased); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	sent := 0
	var errs []error
	for _, l := range due {
		p, err := m.posts.Post(ctx, l.PostID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		m.decorateWith(st, p)
		source := strings.TrimSuffix(st.BaseURL, "/") + p.Path
		endpoint, err := m.peer.Endpoint(ctx, l.Target)
		if err == nil && endpoint == "" {
			// Nothing to tell: most pages take no mentions.
			l.NextAt, l.Attempts, l.LastError = time.Time{}, 0, "no webmention endpoint"
			if err := m.settleLink(ctx, l); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		if err == nil {
			err = m.peer.Send(ctx, endpoint, source, l.Target)
		}
		if err != nil {
			l.Attempts++
			l.LastError = err.Error()
			l.NextAt = time.Time{}
			if l.Attempts < mentionMaxAttempts {
				l.NextAt = m.stamp().Add(min(time.Minute<<l.Attempts, mentionMaxBackoff))
			}
			errs = append(errs, fmt.Errorf("webmention to %s: %w", l.Target, err))
		} else {
			sent++
			l.SentAt, l.NextAt, l.Attempts, l.LastError = m.stamp(), time.Time{}, 0, ""
		}
		if err := m.settleLink(ctx, l); err != nil {
			errs = append(errs, err)
		}
	}
	return sent, errors.Join(errs...)
}

// settleLink stores a link after an attempt: a removed link told for the
// last time is forgotten.
func (m *Mentions) settleLink(ctx context.Context, l *PostLink) error {
	return m.write(ctx, func(tx Tx) (Change, error) {
		if l.Removed && l.NextAt.IsZero() {
			return Change{}, tx.DeletePostLink(ctx, l.PostID, l.Target)
		}
		return Change{}, tx.PutPostLink(ctx, l)
	})
}

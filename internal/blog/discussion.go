package blog

import (
	"context"
	"crypto/hmac"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Discussion holds the replies under posts: the reply form's rules,
// threads, moderation, and the e-mail replies cause.
type Discussion struct {
	*core
	comments CommentStore
	posts    PostStore
	renderer CommentRenderer
	spam     SpamChecker
	fed      *Federation
}

// RefusalReason says why a reply was not accepted.
type RefusalReason string

// The reasons a reply is refused.
const (
	RefusedClosed    RefusalReason = "closed"    // the post takes no replies
	RefusedTooFast   RefusalReason = "too_fast"  // sent sooner after the form was made than people type
	RefusedExpired   RefusalReason = "expired"   // the form's signed token is damaged or for another post
	RefusedDuplicate RefusalReason = "duplicate" // the same text is already on the post
	RefusedHoneypot  RefusalReason = "honeypot"  // the field people leave empty was filled
	RefusedRate      RefusalReason = "rate"      // the address sent more replies this minute than the site allows
)

// ReplyWindow is the window the per-address reply limit counts in.
const ReplyWindow = time.Minute

// Refusal is returned when a reply is not accepted. Message is written
// for the reader; the form is shown again with everything they typed.
type Refusal struct {
	Reason  RefusalReason
	Message string
}

func (r *Refusal) Error() string { return "reply refused: " + string(r.Reason) }

// CommentInput is a reply as submitted through the form.
type CommentInput struct {
	PostID    int64
	ParentID  int64
	Name      string
	Email     string
	URL       string
	Body      string
	Notify    bool
	IP        string
	UserAgent string
	// Actor is the signed-in user replying, or nil for a reader.
	Actor *User
	// FormToken is the signed token rendered into the form.
	FormToken string
	// Honeypot is the hidden field people leave empty and bots fill.
	Honeypot string
}

// formTokenMaxAge is how old a form may be before a reply sent with it is
// held for moderation.
const formTokenMaxAge = 24 * time.Hour

// CommentFormToken returns the signed token the reply form for post
// carries: the post and the time the form was made.
func (s *Discussion) CommentFormToken(postID int64) string {
	payload := strconv.FormatInt(postID, 10) + "." + strconv.FormatInt(s.now().Unix(), 10)
	return payload + "." + s.sign("form:"+payload)
}

// checkFormToken returns the age of a form token made for postID.
func (s *Discussion) checkFormToken(token string, postID int64) (time.Duration, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return 0, false
	}
	payload := parts[0] + "." + parts[1]
	if !hmac.Equal([]byte(parts[2]), []byte(s.sign("form:"+payload))) || parts[0] != strconv.FormatInt(postID, 10) {
		return 0, false
	}
	at, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return 0, false
	}
	return s.now().Sub(time.Unix(at, 0)), true
}

// CommentsOpen reports whether p accepts replies now: it is published,
// its writer left replies open, and it is not older than the site's
// closing age.
func (s *Discussion) CommentsOpen(p *Post) bool {
	if !p.CommentsOpen || p.Status != StatusPublished {
		return false
	}
	days := s.current().Discussion.CloseAfterDays
	return days == 0 || s.now().Sub(p.PublishedAt) < time.Duration(days)*24*time.Hour
}

// SubmitComment applies every rule to a reply from the form: closed
// posts, the signed form token, the honeypot, duplicates, field checks,
// threading depth, the hold and block lists, the link limit, the
// moderation policy, the per-address limit (counted in the store, so it
// holds across every process serving the site) and (when configured)
// the outside spam check, asked before the write begins so a slow answer
// holds no transaction. It returns the stored reply, a *ValidationError
// for bad fields, or a *Refusal; nothing is stored on error, and a
// refused reply does not count against the limit.
func (s *Discussion) SubmitComment(ctx context.Context, in CommentInput) (*Comment, error) {
	if s.renderer == nil {
		return nil, errors.New("blog: SubmitComment needs a CommentRenderer")
	}
	st := s.current()
	d := st.Discussion
	post, err := s.replyTo.post(ctx, s.posts, in.PostID)
	if errors.Is(err, ErrNotFound) || (err == nil && !post.Visible()) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if !s.CommentsOpen(post) {
		return nil, &Refusal{Reason: RefusedClosed, Message: s.say("refused_closed")}
	}
	byWriter := in.Actor != nil && in.Actor.CanEdit(post)
	if in.Honeypot != "" {
		return nil, &Refusal{Reason: RefusedHoneypot, Message: s.say("refused_honeypot")}
	}
	held := ""
	if !byWriter {
		age, ok := s.checkFormToken(in.FormToken, post.ID)
		switch {
		case !ok:
			return nil, &Refusal{Reason: RefusedExpired, Message: s.say("refused_expired")}
		case age < time.Duration(d.MinSeconds)*time.Second:
			return nil, &Refusal{Reason: RefusedTooFast, Message: s.say("refused_too_fast")}
		case age > formTokenMaxAge:
			held = "the form was more than a day old"
		}
	}

	c := &Comment{PostID: post.ID, Kind: CommentKindComment, IP: clean(in.IP), UserAgent: truncate(clean(in.UserAgent), 500), Notify: in.Notify}
	if byWriter {
		c.UserID, c.AuthorName, c.AuthorEmail = in.Actor.ID, in.Actor.Name, in.Actor.Email
	} else {
		c.AuthorName, c.AuthorEmail, c.AuthorURL = strings.TrimSpace(clean(in.Name)), normalizeEmail(clean(in.Email)), strings.TrimSpace(clean(in.URL))
	}
	c.Body = commentText(in.Body)
	if err := validateComment(c, d); err != nil {
		return nil, err
	}
	html, err := s.renderer.RenderComment(c.Body)
	if err != nil {
		return nil, fmt.Errorf("render reply: %w", err)
	}
	c.BodyHTML = html
	// An unreachable service leaves the decision to the rules below
	// rather than losing the reply.
	spam := false
	if !byWriter && s.spam != nil && d.AkismetEndpoint != "" && listMatch(d.BlockList, c) == "" {
		spam, _ = s.spam.IsSpam(ctx, d, st.BaseURL, post, c)
	}

	now := s.stamp()
	c.CreatedAt, c.UpdatedAt, c.StatusAt = now, now, now
	err = s.write(ctx, func(tx Tx) (Change, error) {
		if d.PerMinute > 0 && !byWriter {
			over, err := s.overLimit(ctx, tx, "reply:"+in.IP, d.PerMinute)
			if err != nil {
				return Change{}, fmt.Errorf("count replies from %s: %w", in.IP, err)
			}
			if over {
				return Change{}, &Refusal{Reason: RefusedRate, Message: s.say("refused_rate")}
			}
		}
		dup, err := tx.AnyComment(ctx, CommentFilter{PostID: post.ID, Body: c.Body, Statuses: []CommentStatus{CommentPending, CommentApproved, CommentSpam}})
		if err != nil {
			return Change{}, err
		}
		if dup {
			return Change{}, &Refusal{Reason: RefusedDuplicate, Message: s.say("refused_duplicate")}
		}
		if err := placeInThread(ctx, tx, c, in.ParentID, d.Depth); err != nil {
			return Change{}, err
		}
		known := false
		if c.AuthorEmail != "" {
			if known, err = tx.AnyComment(ctx, CommentFilter{Email: c.AuthorEmail, Statuses: []CommentStatus{CommentApproved}}); err != nil {
				return Change{}, err
			}
		}
		if byWriter {
			c.Status = CommentApproved
		} else {
			c.Status, _ = Moderate(d, c, known)
			if held != "" && c.Status == CommentApproved {
				c.Status = CommentPending
			}
			if spam {
				c.Status = CommentSpam
			}
		}
		if err := tx.CreateComment(ctx, c); err != nil {
			return Change{}, fmt.Errorf("create reply: %w", err)
		}
		if err := tx.AddCommentCount(ctx, post.ID, approvedDelta("", c.Status)); err != nil {
			return Change{}, err
		}
		s.decorate(post)
		c.PostPath = post.Path
		if err := s.queueNewCommentMail(ctx, tx, post, c); err != nil {
			return Change{}, err
		}
		if c.Status == CommentApproved {
			return replyChange(c.PostID), nil
		}
		return Change{}, nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// overLimit counts one event for key and reports whether more than limit
// happened in the last ReplyWindow: this window's count, plus the last
// window's in the share of it the sliding minute still covers.
func (s *Discussion) overLimit(ctx context.Context, hits RateStore, key string, limit int) (bool, error) {
	now := s.now().UTC()
	window := now.Truncate(ReplyWindow)
	n, err := hits.Hit(ctx, key, window)
	if err != nil {
		return false, err
	}
	prev, err := hits.Hits(ctx, key, window.Add(-ReplyWindow))
	if err != nil {
		return false, err
	}
	left := 1 - float64(now.Sub(window))/float64(ReplyWindow)
	return float64(n)+float64(prev)*left > float64(limit), nil
}

// commentText is a reply's text as stored: clean, with Windows line
// ends made plain, and trimmed.
func commentText(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(clean(s), "\r\n", "\n"))
}

// replyChange is the change of a reply readers see on post: the post's
// page and reply count, and the site's lists of replies.
func replyChange(post int64) Change { return Change{Posts: []int64{post}, Replies: true} }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// validateComment checks a reply as written.
func validateComment(c *Comment, d DiscussionSettings) error {
	v := &ValidationError{}
	n := utf8.RuneCountInString(c.Body)
	switch {
	case n == 0:
		v.Add("comment", "reply_empty")
	case n > d.MaxLength:
		v.Add("comment", "reply_too_long", "Count", n, "Limit", d.MaxLength)
	}
	if !utf8.ValidString(c.Body + c.AuthorName + c.AuthorURL) {
		v.Add("comment", "reply_not_utf8")
	}
	if c.UserID == 0 {
		if c.AuthorName == "" && d.RequireNameEmail {
			v.Add("author", "name_required")
		} else if utf8.RuneCountInString(c.AuthorName) > 100 {
			v.Add("author", "name_too_long")
		}
		if c.AuthorEmail == "" && d.RequireNameEmail {
			v.Add("email", "email_required")
		} else if c.AuthorEmail != "" {
			if a, err := mail.ParseAddress(c.AuthorEmail); err != nil || a.Address != c.AuthorEmail || len(c.AuthorEmail) > 200 {
				v.Add("email", "email_invalid")
			}
		}
		if c.AuthorURL != "" {
			if !strings.Contains(c.AuthorURL, "://") {
				c.AuthorURL = "https://" + c.AuthorURL
			}
			u, err := url.Parse(c.AuthorURL)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(c.AuthorURL) > 300 {
				v.Add("url", "website_invalid")
			}
		}
		if c.AuthorName == "" {
			c.AuthorName = "Anonymous"
		}
	}
	if c.Notify && c.AuthorEmail == "" {
		v.Add("email", "email_for_notify")
	}
	return v.Err()
}

// placeInThread sets c's parent and depth. A reply deeper than the site
// allows attaches to the deepest allowed level.
func placeInThread(ctx context.Context, tx CommentStore, c *Comment, parentID int64, maxDepth int) error {
	if parentID == 0 || maxDepth <= 1 {
		return nil
	}
	parent, err := tx.Comment(ctx, parentID)
	if errors.Is(err, ErrNotFound) || (err == nil && (parent.PostID != c.PostID || parent.Status != CommentApproved)) {
		return FieldError("comment_parent", "reply_parent_gone")
	}
	if err != nil {
		return err
	}
	for parent.Depth >= maxDepth-1 && parent.ParentID != 0 {
		if parent, err = tx.Comment(ctx, parent.ParentID); err != nil {
			return err
		}
	}
	c.ParentID, c.Depth = parent.ID, parent.Depth+1
	return nil
}

// Moderate decides where a reader's reply starts: spam when it matches
// the block list; otherwise the moderation policy, where a known
// commenter (one with an approved reply) passes the first-time hold; and
// an approved reply is still held when it matches the hold list or has
// more links than allowed. The reason explains a hold or spam verdict.
func Moderate(d DiscussionSettings, c *Comment, knownCommenter bool) (CommentStatus, string) {
	if w := listMatch(d.BlockList, c); w != "" {
		return CommentSpam, "matches the block list entry “" + w + "”"
	}
	var st CommentStatus
	reason := ""
	switch d.Moderation {
	case ModerateApproveAll:
		st = CommentApproved
	case ModerateHoldAll:
		st, reason = CommentPending, "every reply is held"
	default:
		if knownCommenter {
			st = CommentApproved
		} else {
			st, reason = CommentPending, "first reply from this address"
		}
	}
	if st == CommentApproved {
		if links := strings.Count(c.BodyHTML, "<a "); links > d.MaxLinks {
			return CommentPending, fmt.Sprintf("%d links, more than %d", links, d.MaxLinks)
		}
		if w := listMatch(d.HoldList, c); w != "" {
			return CommentPending, "matches the hold list entry “" + w + "”"
		}
	}
	return st, reason
}

// listMatch returns the first line of list found (ignoring case) in the
// reply's name, e-mail, address, text, IP or user agent, as WordPress's
// moderation lists do.
func listMatch(list string, c *Comment) string {
	hay := strings.ToLower(strings.Join([]string{c.AuthorName, c.AuthorEmail, c.AuthorURL, c.Body, c.IP, c.UserAgent}, "\n"))
	for _, line := range strings.Split(list, "\n") {
		w := strings.ToLower(strings.TrimSpace(line))
		if w != "" && strings.Contains(hay, w) {
			return w
		}
	}
	return ""
}

// Thread is one page of a post's replies, nested.
type Thread struct {
	Comments []*Comment // top-level replies of this page, each with its Replies
	Count    int        // approved replies on the post
	Page     int
	Pages    int
}

// Thread returns page (1-based) of a post's approved replies as a tree,
// with the held replies in mine (IDs the reader wrote, from their signed
// cookie) shown in place and marked Pending. Top-level replies follow
// the site's order; answers within a thread are always oldest first.
func (s *Discussion) Thread(ctx context.Context, post *Post, page int, mine []int64) (*Thread, error) {
	d := s.current().Discussion
	per := d.PerPage
	if per <= 0 || per > MaxThreadPage {
		per = MaxThreadPage
	}
	if page < 1 {
		return nil, ErrNotFound
	}
	// Only the page's replies are read, so a post with tens of
	// thousands costs no more than one with a page of them.
	all, total, err := s.comments.ThreadPage(ctx, post.ID, d.NewestFirst, per, (page-1)*per)
	if err != nil {
		return nil, fmt.Errorf("load replies: %w", err)
	}
	t := &Thread{Count: post.CommentCount, Page: page, Pages: max(1, (total+per-1)/per)}
	if page > t.Pages {
		return nil, ErrNotFound
	}
	// A reader's own held replies show in their place: under the reply
	// they answer when it is on the page, else with the newest replies.
	newest := (d.NewestFirst && page == 1) || (!d.NewestFirst && page == t.Pages)
	if len(mine) > 0 {
		own, err := s.comments.Comments(ctx, CommentFilter{PostID: post.ID, IDs: mine, Statuses: []CommentStatus{CommentPending}})
		if err != nil {
			return nil, err
		}
		shown := make(map[int64]bool, len(all))
		for _, c := range all {
			shown[c.ID] = true
		}
		var here []*Comment
		for _, c := range own { // oldest first, so parents come first
			c.Pending = true
			top := c.ParentID == 0
			if !top && !shown[c.ParentID] {
				// An answer to an approved reply on another page shows
				// there; one whose parent is not approved stands alone.
				parent, err := s.comments.Comment(ctx, c.ParentID)
				if err != nil && !errors.Is(err, ErrNotFound) {
					return nil, err
				}
				top = parent == nil || parent.Status != CommentApproved
			}
			if shown[c.ParentID] || top && newest {
				here = append(here, c)
				shown[c.ID] = true
			}
		}
		all = mergeByID(all, here)
	}
	byID := make(map[int64]*Comment, len(all))
	for _, c := range all {
		byID[c.ID] = c
	}
	var top []*Comment
	for _, c := range all {
		if p, ok := byID[c.ParentID]; ok && c.ParentID != 0 {
			p.Replies = append(p.Replies, c)
		} else {
			top = append(top, c)
		}
	}
	if d.NewestFirst {
		slices.Reverse(top)
	}
	t.Comments = top
	return t, nil
}

// Bounds of one page of a thread: top-level replies when the setting
// shows them all (0), and replies read in all.
const (
	MaxThreadPage = 1000
	MaxThreadRows = 5000
)

// mergeByID merges two lists sorted oldest first (by ID) into one.
func mergeByID(a, b []*Comment) []*Comment {
	out := make([]*Comment, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		if j >= len(b) || (i < len(a) && a[i].ID < b[j].ID) {
			out = append(out, a[i])
			i++
		} else {
			out = append(out, b[j])
			j++
		}
	}
	return out
}

// UnsubscribeToken returns the signed token of the one-click link that
// stops e-mail about answers to reply id.
func (s *Discussion) UnsubscribeToken(id int64) string {
	return s.sign("unsubscribe:" + strconv.FormatInt(id, 10))
}

// Unsubscribe stops e-mail about answers to reply id. It returns
// ErrForbidden for a wrong token.
func (s *Discussion) Unsubscribe(ctx context.Context, id int64, token string) error {
	if !hmac.Equal([]byte(token), []byte(s.UnsubscribeToken(id))) {
		return ErrForbidden
	}
	return s.write(ctx, func(tx Tx) (Change, error) {
		c, err := tx.Comment(ctx, id)
		if err != nil {
			return Change{}, err
		}
		c.Notify = false
		// Readers never see whether a writer asked to be told.
		return Change{}, tx.UpdateComment(ctx, c)
	})
}

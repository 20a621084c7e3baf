package blog

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Refusal is returned when a reply is not accepted. Message is written
// for the reader; the form is shown again with everything they typed.
type Refusal struct {
	Reason  string // closed, too_fast, expired, duplicate, honeypot, spam
	Message string
}

func (r *Refusal) Error() string { return "reply refused: " + r.Reason }

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
func (s *Service) CommentFormToken(postID int64) string {
	payload := strconv.FormatInt(postID, 10) + "." + strconv.FormatInt(s.now().Unix(), 10)
	return payload + "." + s.sign("form:"+payload)
}

// sign returns an HMAC of msg under the site's secret.
func (s *Service) sign(msg string) string {
	m := hmac.New(sha256.New, s.Secret())
	m.Write([]byte(msg))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// checkFormToken returns the age of a form token made for postID.
func (s *Service) checkFormToken(token string, postID int64) (time.Duration, bool) {
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
func (s *Service) CommentsOpen(p *Post) bool {
	if !p.CommentsOpen || p.Status != StatusPublished {
		return false
	}
	days := s.Settings().Discussion.CloseAfterDays
	return days == 0 || s.now().Sub(p.PublishedAt) < time.Duration(days)*24*time.Hour
}

// SubmitComment applies every rule to a reply from the form: closed
// posts, the signed form token, the honeypot, duplicates, field checks,
// threading depth, the hold and block lists, the link limit, the
// moderation policy and (when configured) the outside spam check. It
// returns the stored reply, a *ValidationError for bad fields, or a
// *Refusal; nothing is stored on error. Rate limiting per address is the
// caller's job.
func (s *Service) SubmitComment(ctx context.Context, in CommentInput) (*Comment, error) {
	if s.comments == nil {
		return nil, errors.New("blog: SubmitComment needs a CommentRenderer")
	}
	d := s.Settings().Discussion
	post, err := s.store.Post(ctx, in.PostID)
	if errors.Is(err, ErrNotFound) || (err == nil && !post.Visible()) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if !s.CommentsOpen(post) {
		return nil, &Refusal{Reason: "closed", Message: "Replies to this post are closed."}
	}
	byWriter := in.Actor != nil && in.Actor.CanEdit(post)
	if in.Honeypot != "" {
		return nil, &Refusal{Reason: "honeypot", Message: "This reply looks automated, so it was not posted. If you are a person, leave the field labelled “Leave this empty” empty and send it again."}
	}
	held := ""
	if !byWriter {
		age, ok := s.checkFormToken(in.FormToken, post.ID)
		switch {
		case !ok:
			return nil, &Refusal{Reason: "expired", Message: "The reply form was damaged or belongs to another post. Your text is below: send it again from this page."}
		case age < time.Duration(d.MinSeconds)*time.Second:
			return nil, &Refusal{Reason: "too_fast", Message: "That was quicker than people type. Wait a few seconds, then send your reply again."}
		case age > formTokenMaxAge:
			held = "the form was more than a day old"
		}
	}

	c := &Comment{PostID: post.ID, Kind: CommentKindComment, IP: in.IP, UserAgent: truncate(in.UserAgent, 500), Notify: in.Notify}
	if byWriter {
		c.UserID, c.AuthorName, c.AuthorEmail = in.Actor.ID, in.Actor.Name, in.Actor.Email
	} else {
		c.AuthorName, c.AuthorEmail, c.AuthorURL = strings.TrimSpace(in.Name), normalizeEmail(in.Email), strings.TrimSpace(in.URL)
	}
	c.Body = strings.TrimSpace(strings.ReplaceAll(in.Body, "\r\n", "\n"))
	if err := validateComment(c, d); err != nil {
		return nil, err
	}
	html, err := s.comments.RenderComment(c.Body)
	if err != nil {
		return nil, fmt.Errorf("render reply: %w", err)
	}
	c.BodyHTML = html

	now := s.now().UTC().Truncate(time.Second)
	c.CreatedAt, c.UpdatedAt, c.StatusAt = now, now, now
	err = s.store.Atomic(ctx, func(tx Store) error {
		dup, err := tx.CountComments(ctx, CommentFilter{PostID: post.ID, Body: c.Body, Statuses: []CommentStatus{CommentPending, CommentApproved, CommentSpam}})
		if err != nil {
			return err
		}
		if dup > 0 {
			return &Refusal{Reason: "duplicate", Message: "This exact reply is already on this post."}
		}
		if err := s.placeInThread(ctx, tx, c, in.ParentID, d.Depth); err != nil {
			return err
		}
		known := false
		if c.AuthorEmail != "" {
			n, err := tx.CountComments(ctx, CommentFilter{Email: c.AuthorEmail, Statuses: []CommentStatus{CommentApproved}})
			if err != nil {
				return err
			}
			known = n > 0
		}
		if byWriter {
			c.Status = CommentApproved
		} else {
			c.Status, _ = Moderate(d, c, known)
			if held != "" && c.Status == CommentApproved {
				c.Status = CommentPending
			}
			if c.Status != CommentSpam && s.spam != nil && d.AkismetEndpoint != "" {
				// An unreachable service leaves the decision to the rules
				// above rather than losing the reply.
				if spam, err := s.spam.IsSpam(ctx, d, s.Settings().BaseURL, post, c); err == nil && spam {
					c.Status = CommentSpam
				}
			}
		}
		if err := tx.CreateComment(ctx, c); err != nil {
			return fmt.Errorf("create reply: %w", err)
		}
		if err := tx.AddCommentCount(ctx, post.ID, approvedDelta("", c.Status)); err != nil {
			return err
		}
		s.decorate(post)
		c.PostPath = post.Path
		return s.queueNewCommentMail(ctx, tx, post, c)
	})
	if err != nil {
		return nil, err
	}
	if c.Status == CommentApproved {
		s.changed(replyChange(c.PostID))
	}
	return c, nil
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

func validateComment(c *Comment, d Discussion) error {
	v := &ValidationError{}
	n := utf8.RuneCountInString(c.Body)
	switch {
	case n == 0:
		v.Add("comment", "Write a reply before sending it.")
	case n > d.MaxLength:
		v.Add("comment", fmt.Sprintf("Your reply has %d characters; the limit is %d. Shorten it and send it again.", n, d.MaxLength))
	}
	if !utf8.ValidString(c.Body + c.AuthorName + c.AuthorURL) {
		v.Add("comment", "The text contains bytes that are not UTF-8.")
	}
	if c.UserID == 0 {
		if c.AuthorName == "" && d.RequireNameEmail {
			v.Add("author", "Enter your name.")
		} else if utf8.RuneCountInString(c.AuthorName) > 100 {
			v.Add("author", "Keep your name under 100 characters.")
		}
		if c.AuthorEmail == "" && d.RequireNameEmail {
			v.Add("email", "Enter your e-mail address. It is never shown.")
		} else if c.AuthorEmail != "" {
			if a, err := mail.ParseAddress(c.AuthorEmail); err != nil || a.Address != c.AuthorEmail || len(c.AuthorEmail) > 200 {
				v.Add("email", "Enter an e-mail address like name@example.com.")
			}
		}
		if c.AuthorURL != "" {
			if !strings.Contains(c.AuthorURL, "://") {
				c.AuthorURL = "https://" + c.AuthorURL
			}
			u, err := url.Parse(c.AuthorURL)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(c.AuthorURL) > 300 {
				v.Add("url", "Enter your website's address, like https://example.com, or leave it empty.")
			}
		}
		if c.AuthorName == "" {
			c.AuthorName = "Anonymous"
		}
	}
	if c.Notify && c.AuthorEmail == "" {
		v.Add("email", "Enter your e-mail address to be told of replies.")
	}
	return v.Err()
}

// placeInThread sets c's parent and depth. A reply deeper than the site
// allows attaches to the deepest allowed level.
func (s *Service) placeInThread(ctx context.Context, tx Store, c *Comment, parentID int64, maxDepth int) error {
	if parentID == 0 || maxDepth <= 1 {
		return nil
	}
	parent, err := tx.Comment(ctx, parentID)
	if errors.Is(err, ErrNotFound) || (err == nil && (parent.PostID != c.PostID || parent.Status != CommentApproved)) {
		return FieldError("comment_parent", "The reply you answered is no longer there; your reply can go to the post instead.")
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
func Moderate(d Discussion, c *Comment, knownCommenter bool) (CommentStatus, string) {
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
func (s *Service) Thread(ctx context.Context, post *Post, page int, mine []int64) (*Thread, error) {
	d := s.Settings().Discussion
	all, err := s.store.Comments(ctx, CommentFilter{PostID: post.ID, Statuses: []CommentStatus{CommentApproved}})
	if err != nil {
		return nil, fmt.Errorf("load replies: %w", err)
	}
	if len(mine) > 0 {
		own, err := s.store.Comments(ctx, CommentFilter{PostID: post.ID, IDs: mine, Statuses: []CommentStatus{CommentPending}})
		if err != nil {
			return nil, err
		}
		for _, c := range own {
			c.Pending = true
		}
		all = mergeByID(all, own)
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
		for i, j := 0, len(top)-1; i < j; i, j = i+1, j-1 {
			top[i], top[j] = top[j], top[i]
		}
	}
	t := &Thread{Count: post.CommentCount, Page: 1, Pages: 1}
	if d.PerPage > 0 && len(top) > d.PerPage {
		t.Pages = (len(top) + d.PerPage - 1) / d.PerPage
		if page < 1 || page > t.Pages {
			return nil, ErrNotFound
		}
		t.Page = page
		top = top[(page-1)*d.PerPage : min(page*d.PerPage, len(top))]
	} else if page > 1 {
		return nil, ErrNotFound
	}
	t.Comments = top
	return t, nil
}

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

// CommentAction is a moderation step.
type CommentAction string

// The moderation actions.
const (
	ActionApprove   CommentAction = "approve"
	ActionUnapprove CommentAction = "unapprove"
	ActionSpam      CommentAction = "spam"
	ActionTrash     CommentAction = "trash"
	ActionRestore   CommentAction = "restore"
	ActionDelete    CommentAction = "delete"
)

// ParseCommentAction returns the action named s, or an error.
func ParseCommentAction(s string) (CommentAction, error) {
	switch a := CommentAction(s); a {
	case ActionApprove, ActionUnapprove, ActionSpam, ActionTrash, ActionRestore, ActionDelete:
		return a, nil
	}
	return "", FieldError("action", "Choose approve, unapprove, spam, trash, restore or delete.")
}

// canModerate reports whether u may moderate replies on post p: editors
// and administrators everywhere, authors on their own posts. A nil actor
// is the command line.
func canModerate(u *User, p *Post) bool {
	return u == nil || u.CanEdit(p)
}

// ModerateComment applies an action to a reply and keeps the post's
// reply count right, in one transaction. Delete is for replies already
// in spam or trash; their answers move up a level. Approving a reply
// e-mails the reader it answers, when they asked to be told.
func (s *Service) ModerateComment(ctx context.Context, actor *User, id int64, action CommentAction) error {
	var change Change
	err := s.store.Atomic(ctx, func(tx Store) error {
		c, post, err := s.commentForModeration(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		was := c.Status
		// Readers see the change only when the reply was or becomes
		// approved.
		defer func() {
			if was == CommentApproved || c.Status == CommentApproved {
				change = replyChange(c.PostID)
			}
		}()
		switch action {
		case ActionApprove:
			c.Status = CommentApproved
		case ActionUnapprove:
			c.Status = CommentPending
		case ActionSpam, ActionTrash:
			if c.Status != CommentSpam && c.Status != CommentTrash {
				c.PrevStatus = c.Status
			}
			c.Status = CommentStatus(action)
		case ActionRestore:
			c.Status = c.PrevStatus
			if c.Status == "" || c.Status == CommentSpam || c.Status == CommentTrash {
				c.Status = CommentPending
			}
		case ActionDelete:
			if c.Status != CommentSpam && c.Status != CommentTrash {
				return FieldError("action", "Move the reply to spam or trash before deleting it for good.")
			}
			if err := tx.ReparentComments(ctx, c.ID, c.ParentID); err != nil {
				return err
			}
			return tx.DeleteComment(ctx, c.ID)
		default:
			return FieldError("action", "Unknown action.")
		}
		if c.Status == was {
			return nil
		}
		c.StatusAt = s.now().UTC().Truncate(time.Second)
		if err := tx.UpdateComment(ctx, c); err != nil {
			return err
		}
		if err := tx.AddCommentCount(ctx, c.PostID, approvedDelta(was, c.Status)); err != nil {
			return err
		}
		if c.Status == CommentApproved {
			s.decorate(post)
			return s.queueReplyMail(ctx, tx, post, c)
		}
		return nil
	})
	if err == nil {
		s.changed(change)
	}
	return err
}

func (s *Service) commentForModeration(ctx context.Context, tx Store, actor *User, id int64) (*Comment, *Post, error) {
	c, err := tx.Comment(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	post, err := tx.Post(ctx, c.PostID)
	if err != nil {
		return nil, nil, err
	}
	if !canModerate(actor, post) {
		return nil, nil, ErrForbidden
	}
	return c, post, nil
}

// CommentEdit is what a moderator may change in a reply.
type CommentEdit struct {
	Name  string
	Email string
	URL   string
	Body  string
}

// EditComment changes a reply's writer details and text.
func (s *Service) EditComment(ctx context.Context, actor *User, id int64, in CommentEdit) (*Comment, error) {
	var out *Comment
	var change Change
	err := s.store.Atomic(ctx, func(tx Store) error {
		c, _, err := s.commentForModeration(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		c.Body = strings.TrimSpace(strings.ReplaceAll(in.Body, "\r\n", "\n"))
		if c.UserID == 0 {
			c.AuthorName, c.AuthorEmail, c.AuthorURL = strings.TrimSpace(in.Name), normalizeEmail(in.Email), strings.TrimSpace(in.URL)
		}
		if err := validateComment(c, s.Settings().Discussion); err != nil {
			return err
		}
		if c.BodyHTML, err = s.comments.RenderComment(c.Body); err != nil {
			return err
		}
		c.UpdatedAt = s.now().UTC().Truncate(time.Second)
		out = c
		if c.Status == CommentApproved {
			change = replyChange(c.PostID)
		}
		return tx.UpdateComment(ctx, c)
	})
	if err == nil {
		s.changed(change)
	}
	return out, err
}

// ReplyAsWriter answers a reply from the moderation queue as the signed-in
// writer: the answer is approved and marked as theirs, and a held reply
// it answers is approved with it.
func (s *Service) ReplyAsWriter(ctx context.Context, actor *User, parentID int64, body string) (*Comment, error) {
	if actor == nil {
		return nil, ErrForbidden
	}
	var out *Comment
	err := s.store.Atomic(ctx, func(tx Store) error {
		parent, post, err := s.commentForModeration(ctx, tx, actor, parentID)
		if err != nil {
			return err
		}
		now := s.now().UTC().Truncate(time.Second)
		if parent.Status != CommentApproved {
			was := parent.Status
			parent.Status, parent.StatusAt = CommentApproved, now
			if err := tx.UpdateComment(ctx, parent); err != nil {
				return err
			}
			if err := tx.AddCommentCount(ctx, post.ID, approvedDelta(was, parent.Status)); err != nil {
				return err
			}
		}
		c := &Comment{PostID: post.ID, Kind: CommentKindComment, Status: CommentApproved, UserID: actor.ID,
			AuthorName: actor.Name, AuthorEmail: actor.Email, Body: strings.TrimSpace(body),
			CreatedAt: now, UpdatedAt: now, StatusAt: now}
		if err := validateComment(c, s.Settings().Discussion); err != nil {
			return err
		}
		if err := s.placeInThread(ctx, tx, c, parent.ID, s.Settings().Discussion.Depth); err != nil {
			return err
		}
		if c.BodyHTML, err = s.comments.RenderComment(c.Body); err != nil {
			return err
		}
		if err := tx.CreateComment(ctx, c); err != nil {
			return err
		}
		if err := tx.AddCommentCount(ctx, post.ID, 1); err != nil {
			return err
		}
		s.decorate(post)
		out = c
		return s.queueReplyMail(ctx, tx, post, c)
	})
	if err == nil {
		s.changed(replyChange(out.PostID))
	}
	return out, err
}

// Comment returns a reply for moderation.
func (s *Service) Comment(ctx context.Context, actor *User, id int64) (*Comment, error) {
	c, _, err := s.commentForModeration(ctx, s.store, actor, id)
	return c, err
}

// ModerationQueue lists replies for the moderation screen with the total
// for pagination. Authors see replies to their own posts only.
func (s *Service) ModerationQueue(ctx context.Context, actor *User, f CommentFilter) ([]*Comment, int, error) {
	if actor != nil && !actor.CanEditOthers() {
		if f.PostID == 0 {
			return nil, 0, ErrForbidden
		}
		if _, err := s.Post(ctx, actor, f.PostID); err != nil {
			return nil, 0, err
		}
	}
	f.NewestFirst = true
	total, err := s.store.CountComments(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	list, err := s.store.Comments(ctx, f)
	return list, total, err
}

// CommentCounts counts replies per status for the moderation tabs.
func (s *Service) CommentCounts(ctx context.Context, postID int64) (map[CommentStatus]int, error) {
	return s.store.CommentCounts(ctx, postID)
}

// PurgeComments deletes spam and trash older than the site's purge age
// and clears IP addresses and user agents older than its privacy age. The
// server runs it daily.
func (s *Service) PurgeComments(ctx context.Context) (deleted, cleared int, err error) {
	d := s.Settings().Discussion
	now := s.now()
	err = s.store.Atomic(ctx, func(tx Store) error {
		// Only spam and trash are deleted, so no approved count changes.
		if deleted, err = tx.DeleteCommentsBefore(ctx, []CommentStatus{CommentSpam, CommentTrash}, now.AddDate(0, 0, -d.PurgeDays)); err != nil {
			return err
		}
		cleared, err = tx.ClearCommentMeta(ctx, now.AddDate(0, 0, -d.PrivacyDays))
		return err
	})
	return deleted, cleared, err
}

// approvedDelta is how a change from one status to another changes the
// count of approved replies.
func approvedDelta(from, to CommentStatus) int {
	switch {
	case from != CommentApproved && to == CommentApproved:
		return 1
	case from == CommentApproved && to != CommentApproved:
		return -1
	}
	return 0
}

// UnsubscribeToken returns the signed token of the one-click link that
// stops e-mail about answers to reply id.
func (s *Service) UnsubscribeToken(id int64) string {
	return s.sign("unsubscribe:" + strconv.FormatInt(id, 10))
}

// Unsubscribe stops e-mail about answers to reply id. It returns
// ErrForbidden for a wrong token.
func (s *Service) Unsubscribe(ctx context.Context, id int64, token string) error {
	if !hmac.Equal([]byte(token), []byte(s.UnsubscribeToken(id))) {
		return ErrForbidden
	}
	return s.store.Atomic(ctx, func(tx Store) error {
		c, err := tx.Comment(ctx, id)
		if err != nil {
			return err
		}
		c.Notify = false
		return tx.UpdateComment(ctx, c)
	})
}

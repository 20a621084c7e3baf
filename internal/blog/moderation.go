package blog

import (
	"context"
	"strings"
)

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
	return "", FieldError("action", "moderation_choose_action")
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
func (s *Discussion) ModerateComment(ctx context.Context, actor *User, id int64, action CommentAction) error {
	return s.ModerateComments(ctx, actor, []int64{id}, action)
}

// ModerateComments applies an action to several replies in one
// transaction: all of them, or, when any is refused, none.
func (s *Discussion) ModerateComments(ctx context.Context, actor *User, ids []int64, action CommentAction) error {
	return s.write(ctx, func(tx Tx) (Change, error) {
		var all Change
		for _, id := range ids {
			c, err := s.moderate(ctx, tx, actor, id, action)
			if err != nil {
				return Change{}, err
			}
			all = all.Merge(c)
		}
		return all, nil
	})
}

// moderate applies an action to one reply, in the caller's transaction.
func (s *Discussion) moderate(ctx context.Context, tx Tx, actor *User, id int64, action CommentAction) (change Change, err error) {
	c, post, err := commentForModeration(ctx, tx, tx, actor, id)
	if err != nil {
		return Change{}, err
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
			return Change{}, FieldError("action", "moderation_spam_first")
		}
		if err := tx.ReparentComments(ctx, c.ID, c.ParentID); err != nil {
			return Change{}, err
		}
		return Change{}, tx.DeleteComment(ctx, c.ID)
	default:
		return Change{}, FieldError("action", "moderation_unknown_action")
	}
	if c.Status == was {
		return Change{}, nil
	}
	c.StatusAt = s.stamp()
	if err := tx.UpdateComment(ctx, c); err != nil {
		return Change{}, err
	}
	if err := tx.AddCommentCount(ctx, c.PostID, approvedDelta(was, c.Status)); err != nil {
		return Change{}, err
	}
	if c.Status == CommentApproved {
		s.decorate(post)
		return Change{}, s.queueReplyMail(ctx, tx, post, c)
	}
	return Change{}, nil
}

// commentForModeration returns reply id and its post, when actor may
// moderate it.
func commentForModeration(ctx context.Context, comments CommentStore, posts PostStore, actor *User, id int64) (*Comment, *Post, error) {
	c, err := comments.Comment(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	post, err := posts.Post(ctx, c.PostID)
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
func (s *Discussion) EditComment(ctx context.Context, actor *User, id int64, in CommentEdit) (*Comment, error) {
	var out *Comment
	err := s.write(ctx, func(tx Tx) (Change, error) {
		c, _, err := commentForModeration(ctx, tx, tx, actor, id)
		if err != nil {
			return Change{}, err
		}
		// A writer's reply is theirs: an author may edit readers' replies
		// to their posts, not another writer's words under their name.
		if c.UserID != 0 && actor != nil && c.UserID != actor.ID && !actor.CanEditOthers() {
			return Change{}, ErrForbidden
		}
		c.Body = commentText(in.Body)
		if c.UserID == 0 {
			c.AuthorName, c.AuthorEmail, c.AuthorURL = strings.TrimSpace(clean(in.Name)), normalizeEmail(clean(in.Email)), strings.TrimSpace(clean(in.URL))
		}
		if err := validateComment(c, s.current().Discussion); err != nil {
			return Change{}, err
		}
		if c.BodyHTML, err = s.renderer.RenderComment(c.Body); err != nil {
			return Change{}, err
		}
		c.UpdatedAt = s.stamp()
		out = c
		if err := tx.UpdateComment(ctx, c); err != nil {
			return Change{}, err
		}
		if c.Status == CommentApproved {
			return replyChange(c.PostID), nil
		}
		return Change{}, nil
	})
	return out, err
}

// ReplyAsWriter answers a reply from the moderation queue as the signed-in
// writer: the answer is approved and marked as theirs, and a held reply
// it answers is approved with it.
func (s *Discussion) ReplyAsWriter(ctx context.Context, actor *User, parentID int64, body string) (*Comment, error) {
	if actor == nil {
		return nil, ErrForbidden
	}
	var out *Comment
	err := s.write(ctx, func(tx Tx) (Change, error) {
		parent, post, err := commentForModeration(ctx, tx, tx, actor, parentID)
		if err != nil {
			return Change{}, err
		}
		now := s.stamp()
		if parent.Status != CommentApproved {
			was := parent.Status
			parent.Status, parent.StatusAt = CommentApproved, now
			if err := tx.UpdateComment(ctx, parent); err != nil {
				return Change{}, err
			}
			if err := tx.AddCommentCount(ctx, post.ID, approvedDelta(was, parent.Status)); err != nil {
				return Change{}, err
			}
		}
		d := s.current().Discussion
		c := &Comment{PostID: post.ID, Kind: CommentKindComment, Status: CommentApproved, UserID: actor.ID,
			AuthorName: actor.Name, AuthorEmail: actor.Email, Body: commentText(body),
			CreatedAt: now, UpdatedAt: now, StatusAt: now}
		if err := validateComment(c, d); err != nil {
			return Change{}, err
		}
		if err := placeInThread(ctx, tx, c, parent.ID, d.Depth); err != nil {
			return Change{}, err
		}
		if c.BodyHTML, err = s.renderer.RenderComment(c.Body); err != nil {
			return Change{}, err
		}
		if err := tx.CreateComment(ctx, c); err != nil {
			return Change{}, err
		}
		if err := tx.AddCommentCount(ctx, post.ID, 1); err != nil {
			return Change{}, err
		}
		s.decorate(post)
		out = c
		if err := s.fed.queueAnswer(ctx, tx, actor, c, post, parent.ID); err != nil {
			return Change{}, err
		}
		return replyChange(c.PostID), s.queueReplyMail(ctx, tx, post, c)
	})
	return out, err
}

// Comment returns a reply for moderation.
func (s *Discussion) Comment(ctx context.Context, actor *User, id int64) (*Comment, error) {
	c, _, err := commentForModeration(ctx, s.comments, s.posts, actor, id)
	return c, err
}

// ModerationQueue lists replies for the moderation screen with the total
// for pagination. Authors see replies to their own posts only.
func (s *Discussion) ModerationQueue(ctx context.Context, actor *User, f CommentFilter) ([]*Comment, int, error) {
	if actor != nil && !actor.CanEditOthers() {
		if f.PostID == 0 {
			return nil, 0, ErrForbidden
		}
		p, err := s.posts.Post(ctx, f.PostID)
		if err != nil {
			return nil, 0, err
		}
		if !actor.CanEdit(p) {
			return nil, 0, ErrForbidden
		}
	}
	f.NewestFirst = true
	total, err := s.comments.CountComments(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	list, err := s.comments.Comments(ctx, f)
	return list, total, err
}

// CommentCounts counts replies per status for the moderation tabs.
func (s *Discussion) CommentCounts(ctx context.Context, postID int64) (map[CommentStatus]int, error) {
	return s.comments.CommentCounts(ctx, postID)
}

// PurgeComments deletes spam and trash older than the site's purge age
// and clears IP addresses and user agents older than its privacy age. The
// server runs it daily.
func (s *Discussion) PurgeComments(ctx context.Context) (deleted, cleared int, err error) {
	d := s.current().Discussion
	now := s.now()
	err = s.write(ctx, func(tx Tx) (Change, error) {
		// Only spam and trash are deleted, so nothing readers see changes.
		if deleted, err = tx.DeleteCommentsBefore(ctx, []CommentStatus{CommentSpam, CommentTrash}, now.AddDate(0, 0, -d.PurgeDays)); err != nil {
			return Change{}, err
		}
		cleared, err = tx.ClearCommentMeta(ctx, now.AddDate(0, 0, -d.PrivacyDays))
		return Change{}, err
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

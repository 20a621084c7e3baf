package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"folio/internal/blog"
	"folio/internal/locale"
)

// moderationPerPage is how many replies the moderation queue shows.
const moderationPerPage = 30

type statusTab struct {
	Label   string
	URL     string
	Count   int
	Current bool
}

type commentsPage struct {
	adminBase
	Status      blog.CommentStatus
	Post        *blog.Post // the post filtered on, or nil
	Query       string
	Tabs        []statusTab
	Comments    []*blog.Comment
	BulkActions []blog.CommentAction
	Total       int
	Page, Pages int
	PrevURL     string
	NextURL     string
	Back        string
}

// ActionsFor lists the moderation buttons a reply in its status gets.
func (p commentsPage) ActionsFor(c *blog.Comment) []blog.CommentAction {
	switch c.Status {
	case blog.CommentPending:
		return []blog.CommentAction{blog.ActionApprove, blog.ActionSpam, blog.ActionTrash}
	case blog.CommentApproved:
		return []blog.CommentAction{blog.ActionUnapprove, blog.ActionSpam, blog.ActionTrash}
	}
	return []blog.CommentAction{blog.ActionRestore, blog.ActionDelete}
}

// actionLabels name each moderation action on a button, by message ID.
var actionLabels = map[blog.CommentAction]string{
	blog.ActionApprove: "action_approve", blog.ActionUnapprove: "action_unapprove", blog.ActionSpam: "action_spam",
	blog.ActionTrash: "action_trash", blog.ActionRestore: "action_restore", blog.ActionDelete: "action_delete",
}

// ActionLabel names an action on a button.
func (p commentsPage) ActionLabel(a blog.CommentAction) string { return p.L.T(actionLabels[a]) }

// moderatedText says what a moderation did to n replies.
func moderatedText(l *locale.Lang, a blog.CommentAction, n int) string {
	return l.N(map[blog.CommentAction]string{
		blog.ActionApprove: "moderated_approve", blog.ActionUnapprove: "moderated_unapprove", blog.ActionSpam: "moderated_spam",
		blog.ActionTrash: "moderated_trash", blog.ActionRestore: "moderated_restore", blog.ActionDelete: "moderated_delete",
	}[a], n)
}

func commentsURL(status blog.CommentStatus, postID int64, q string, page int) string {
	v := url.Values{"status": {string(status)}}
	if postID != 0 {
		v.Set("post", strconv.FormatInt(postID, 10))
	}
	if q != "" {
		v.Set("q", q)
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return "/admin/comments?" + v.Encode()
}

func (s *Server) adminCommentList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p := commentsPage{adminBase: s.adminBase(r, s.say(r, "title_replies"), "comments"), Status: blog.CommentStatus(q.Get("status")), Query: strings.TrimSpace(q.Get("q"))}
	if !p.Status.Valid() {
		p.Status = blog.CommentPending
	}
	postID, _ := strconv.ParseInt(q.Get("post"), 10, 64)
	if postID != 0 {
		post, err := s.writing.Post(r.Context(), p.User, postID)
		if err != nil {
			return err
		}
		p.Post = post
	}
	p.Page, _ = strconv.Atoi(q.Get("page"))
	p.Page = max(p.Page, 1)
	list, total, err := s.discussion.ModerationQueue(r.Context(), p.User, blog.CommentFilter{PostID: postID, Statuses: []blog.CommentStatus{p.Status},
		Search: p.Query, Limit: moderationPerPage, Offset: (p.Page - 1) * moderationPerPage})
	if err != nil {
		return err
	}
	counts, err := s.discussion.CommentCounts(r.Context(), postID)
	if err != nil {
		return err
	}
	labels := map[blog.CommentStatus]string{blog.CommentPending: "tab_pending", blog.CommentApproved: "tab_approved", blog.CommentSpam: "tab_spam", blog.CommentTrash: "tab_trash"}
	for _, st := range blog.CommentStatuses() {
		p.Tabs = append(p.Tabs, statusTab{Label: p.L.T(labels[st]), URL: commentsURL(st, postID, "", 1), Count: counts[st], Current: st == p.Status})
	}
	p.Comments, p.Total = list, total
	p.Pages = max(1, (total+moderationPerPage-1)/moderationPerPage)
	if p.Page > 1 {
		p.PrevURL = commentsURL(p.Status, postID, p.Query, p.Page-1)
	}
	if p.Page < p.Pages {
		p.NextURL = commentsURL(p.Status, postID, p.Query, p.Page+1)
	}
	p.BulkActions = []blog.CommentAction{blog.ActionApprove, blog.ActionUnapprove, blog.ActionSpam, blog.ActionTrash, blog.ActionRestore, blog.ActionDelete}
	p.Back = r.URL.RequestURI()
	switch done := q.Get("done"); done {
	case "tick-first":
		p.Flash = p.L.T("moderation_tick_first")
	default:
		if a, err := blog.ParseCommentAction(done); err == nil {
			n, _ := strconv.Atoi(q.Get("n"))
			p.Flash, p.Saved = moderatedText(p.L, a, max(n, 1)), true
		}
	}
	return s.render(w, http.StatusOK, "admin/comments", p)
}

// adminCommentModerate handles the queue's buttons: one reply
// ("approve:12") or every ticked one ("bulk" with bulk_action).
func (s *Server) adminCommentModerate(w http.ResponseWriter, r *http.Request) error {
	do := r.PostFormValue("do")
	var ids []int64
	var actionName string
	if do == "bulk" {
		actionName = r.PostFormValue("bulk_action")
		for _, v := range r.PostForm["ids"] {
			if id, err := strconv.ParseInt(v, 10, 64); err == nil {
				ids = append(ids, id)
			}
		}
	} else {
		name, idText, _ := strings.Cut(do, ":")
		id, err := strconv.ParseInt(idText, 10, 64)
		if err != nil {
			return blog.FieldError("action", "moderation_unknown_action")
		}
		actionName, ids = name, []int64{id}
	}
	action, err := blog.ParseCommentAction(actionName)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		http.Redirect(w, r, withParam(r.PostFormValue("back"), "/admin/comments", "done", "tick-first"), http.StatusSeeOther)
		return nil
	}
	// All the ticked replies, or none.
	if err := s.discussion.ModerateComments(r.Context(), currentUser(r), ids, action); err != nil {
		return err
	}
	done := withParam(r.PostFormValue("back"), "/admin/comments", "done", string(action))
	http.Redirect(w, r, withParam(done, "/admin/comments", "n", strconv.Itoa(len(ids))), http.StatusSeeOther)
	return nil
}

// withParam returns the local address back (or fallback, when back is
// not under it) with the query parameter name set to value.
func withParam(back, fallback, name, value string) string {
	u, err := url.Parse(back)
	if err != nil || u.IsAbs() || u.Host != "" || !strings.HasPrefix(u.Path, fallback) {
		u, _ = url.Parse(fallback)
	}
	q := u.Query()
	q.Set(name, value)
	u.RawQuery = q.Encode()
	return u.RequestURI()
}

type commentPage struct {
	adminBase
	Errors
	Comment  *blog.Comment
	PostPath string
	Form     blog.CommentEdit
	Reply    string
}

func (s *Server) commentParam(r *http.Request) (*blog.Comment, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, blog.ErrNotFound
	}
	return s.discussion.Comment(r.Context(), currentUser(r), id)
}

func (s *Server) commentPage(w http.ResponseWriter, r *http.Request, status int, c *blog.Comment, form blog.CommentEdit, reply string, errs Errors) error {
	p := commentPage{adminBase: s.adminBase(r, s.say(r, "title_reply_by", "Name", c.AuthorName), "comments"), Errors: errs, Comment: c, Form: form, Reply: reply}
	if post, err := s.writing.Post(r.Context(), p.User, c.PostID); err == nil {
		p.PostPath = post.Path
	}
	p.Flash = s.flashText(r, r.URL.Query().Get("done"))
	p.Saved = p.Flash != ""
	return s.render(w, status, "admin/comment", p)
}

func (s *Server) adminCommentShow(w http.ResponseWriter, r *http.Request) error {
	c, err := s.commentParam(r)
	if err != nil {
		return err
	}
	return s.commentPage(w, r, http.StatusOK, c, blog.CommentEdit{Name: c.AuthorName, Email: c.AuthorEmail, URL: c.AuthorURL, Body: c.Body}, "", nil)
}

func (s *Server) adminCommentUpdate(w http.ResponseWriter, r *http.Request) error {
	c, err := s.commentParam(r)
	if err != nil {
		return err
	}
	in := blog.CommentEdit{Name: r.PostFormValue("author"), Email: r.PostFormValue("email"), URL: r.PostFormValue("url"), Body: r.PostFormValue("comment")}
	if _, err := s.discussion.EditComment(r.Context(), currentUser(r), c.ID, in); err != nil {
		errs, err := s.formErrors(r, err)
		if err != nil {
			return err
		}
		return s.commentPage(w, r, http.StatusUnprocessableEntity, c, in, "", errs)
	}
	http.Redirect(w, r, "/admin/comments/"+strconv.FormatInt(c.ID, 10)+"?done=described", http.StatusSeeOther)
	return nil
}

func (s *Server) adminCommentReply(w http.ResponseWriter, r *http.Request) error {
	c, err := s.commentParam(r)
	if err != nil {
		return err
	}
	body := r.PostFormValue("reply")
	answer, err := s.discussion.ReplyAsWriter(r.Context(), currentUser(r), c.ID, body)
	if err != nil {
		errs, err := s.formErrors(r, err)
		if err != nil {
			return err
		}
		if msg, ok := errs["comment"]; ok {
			errs["reply"] = msg
			delete(errs, "comment")
		}
		return s.commentPage(w, r, http.StatusUnprocessableEntity, c, blog.CommentEdit{Name: c.AuthorName, Email: c.AuthorEmail, URL: c.AuthorURL, Body: c.Body}, body, errs)
	}
	http.Redirect(w, r, "/admin/comments/"+strconv.FormatInt(answer.ID, 10)+"?done=answered", http.StatusSeeOther)
	return nil
}

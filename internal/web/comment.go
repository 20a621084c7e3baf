package web

import (
	"cmp"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"folio/internal/blog"
	"folio/internal/locale"
)

// replyForm is what the "reply-form" partial shows: the fields as the
// reader typed them, and where the form stands.
type replyForm struct {
	L         *locale.Lang
	Action    string
	PostID    int64
	ParentID  int64
	Token     string
	Heading   string
	ReplyTo   *blog.Comment
	CancelURL string
	Message   string
	Errors    Errors
	MaxLength int
	Required  bool
	SignedIn  string // the signed-in writer's name, who needs no name fields
	Comment   string
	Author    string
	Email     string
	URL       string
	Notify    bool
	// Preview shows the form on a draft's preview, where it cannot be
	// sent yet.
	Preview bool
}

// commentNode is what the recursive "comment" partial receives.
type commentNode struct {
	Page *postPage
	C    *blog.Comment
}

// Node pairs a reply with its page for the "comment" partial.
func (p *postPage) Node(c *blog.Comment) commentNode { return commentNode{Page: p, C: c} }

// Avatar returns the image URL for a reply's writer: a local identicon
// keyed by an HMAC of the e-mail address (so the address cannot be read
// back from it), or Gravatar when the site opted in.
func (p *postPage) Avatar(c *blog.Comment) string { return p.avatar(c) }

// ReplyURL returns the no-script link that sets up the form to answer c.
func (p *postPage) ReplyURL(c *blog.Comment) string {
	v := url.Values{"replytocom": {strconv.FormatInt(c.ID, 10)}}
	if p.Thread != nil && p.Thread.Page > 1 {
		v.Set("cpage", strconv.Itoa(p.Thread.Page))
	}
	return p.Post.Path + "?" + v.Encode() + "#respond"
}

// RepliesPageURL returns the URL of page n of the replies.
func (p *postPage) RepliesPageURL(n int) string {
	if n <= 1 {
		return p.Post.Path
	}
	return p.Post.Path + "?cpage=" + strconv.Itoa(n)
}

func (s *Server) avatarFunc() func(*blog.Comment) string {
	gravatar := s.site.Settings().Discussion.Gravatar
	secret := s.site.Secret()
	return func(c *blog.Comment) string {
		if c.AuthorPhoto != "" {
			return c.AuthorPhoto // this site's copy of a fediverse author's picture
		}
		who := c.AuthorEmail
		if who == "" {
			who = "name:" + c.AuthorName
		}
		if gravatar && c.AuthorEmail != "" {
			sum := md5.Sum([]byte(c.AuthorEmail))
			return "https://www.gravatar.com/avatar/" + hex.EncodeToString(sum[:]) + "?s=80&d=identicon"
		}
		m := hmac.New(sha256.New, secret)
		m.Write([]byte("avatar\x00" + who))
		return "/identicon/" + hex.EncodeToString(m.Sum(nil)[:10]) + ".svg"
	}
}

// Cookie names for replies.
const (
	// mineCookie holds the IDs of held replies this browser wrote, signed,
	// so the writer alone sees them marked "awaiting moderation".
	mineCookie = "folio_mine"
	mineMax    = 20
	mineTTL    = 7 * 24 * time.Hour
)

func (s *Server) signIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	payload := strings.Join(parts, "-")
	m := hmac.New(sha256.New, s.site.Secret())
	m.Write([]byte("mine\x00" + payload))
	return payload + "." + hex.EncodeToString(m.Sum(nil)[:16])
}

// myComments returns the reply IDs in the browser's signed cookie.
func (s *Server) myComments(r *http.Request) []int64 {
	c, err := r.Cookie(mineCookie)
	if err != nil {
		return nil
	}
	payload, _, ok := strings.Cut(c.Value, ".")
	if !ok || !hmac.Equal([]byte(c.Value), []byte(s.signIDs(parseIDs(payload)))) {
		return nil
	}
	return parseIDs(payload)
}

func parseIDs(s string) []int64 {
	var ids []int64
	for _, p := range strings.Split(s, "-") {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
		}
	}
	return ids
}

// rememberComment adds a held reply to the browser's signed cookie.
func (s *Server) rememberComment(w http.ResponseWriter, r *http.Request, id int64) {
	ids := append(s.myComments(r), id)
	if len(ids) > mineMax {
		ids = ids[len(ids)-mineMax:]
	}
	http.SetCookie(w, s.cookie(r, mineCookie, s.signIDs(ids), mineTTL))
}

// threadFor loads the replies section of a post page.
func (s *Server) threadFor(r *http.Request, p *postPage) error {
	page := 1
	if v := r.URL.Query().Get("cpage"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return blog.ErrNotFound
		}
		page = n
	}
	t, err := s.discussion.Thread(r.Context(), p.Post, page, s.myComments(r))
	if err != nil {
		return err
	}
	p.Thread = t
	p.CommentsOpen = s.discussion.CommentsOpen(p.Post)
	p.avatar = s.avatarFunc()
	p.Form = s.newReplyForm(r, p.Post)
	if id, err := strconv.ParseInt(r.URL.Query().Get("replytocom"), 10, 64); err == nil {
		if c := findComment(t.Comments, id); c != nil && !c.Pending {
			p.Form.ReplyTo, p.Form.ParentID = c, c.ID
		}
	}
	return nil
}

func findComment(list []*blog.Comment, id int64) *blog.Comment {
	for _, c := range list {
		if c.ID == id {
			return c
		}
		if found := findComment(c.Replies, id); found != nil {
			return found
		}
	}
	return nil
}

func (s *Server) newReplyForm(r *http.Request, post *blog.Post) replyForm {
	st := s.site.Settings()
	d := st.Discussion
	l := s.theme.Words().For(post.LanguageOr(st.Language))
	f := replyForm{L: l, Action: s.replyAction, PostID: post.ID, Token: s.discussion.CommentFormToken(post.ID), Heading: cmp.Or(d.Heading, l.T("reply_heading")),
		CancelURL: post.Path + "#respond", MaxLength: d.MaxLength, Required: d.RequireNameEmail}
	if u, _ := s.sessionUser(r); u != nil && u.CanEdit(post) {
		f.SignedIn = u.Name
	}
	return f
}

type replyPage struct {
	Base
	Post *blog.Post
	Form replyForm
}

// commentCreate accepts a reply from the form. It works without
// JavaScript: success redirects (303) to the reply on the post; a refusal
// shows a page with the reason and every field as typed.
func (s *Server) commentCreate(w http.ResponseWriter, r *http.Request) error {
	postID, err := strconv.ParseInt(r.PostFormValue("comment_post_ID"), 10, 64)
	if err != nil {
		return blog.ErrNotFound
	}
	parentID, _ := strconv.ParseInt(r.PostFormValue("comment_parent"), 10, 64)
	in := blog.CommentInput{
		PostID: postID, ParentID: parentID,
		Name: r.PostFormValue("author"), Email: r.PostFormValue("email"), URL: r.PostFormValue("url"),
		Body: r.PostFormValue("comment"), Notify: r.PostFormValue("notify") != "",
		IP: clientIP(r), UserAgent: r.UserAgent(),
		FormToken: r.PostFormValue("form_token"), Honeypot: r.PostFormValue("hp_website"),
	}
	in.Actor, _ = s.sessionUser(r)
	c, err := s.discussion.SubmitComment(r.Context(), in)
	var refusal *blog.Refusal
	var verr *blog.ValidationError
	switch {
	case errors.As(err, &refusal):
		status := http.StatusUnprocessableEntity
		switch refusal.Reason {
		case blog.RefusedClosed:
			status = http.StatusForbidden
		case blog.RefusedDuplicate:
			status = http.StatusConflict
		case blog.RefusedTooFast, blog.RefusedRate:
			status = http.StatusTooManyRequests
		}
		return s.refuse(w, r, in, status, refusal.Message, nil)
	case errors.As(err, &verr):
		return s.refuse(w, r, in, http.StatusUnprocessableEntity, "", Errors(verr.In(s.theme.Words(), s.lang().Tag())))
	case err != nil:
		return err
	}
	anchor := "#comment-" + strconv.FormatInt(c.ID, 10)
	switch c.Status {
	case blog.CommentPending:
		s.rememberComment(w, r, c.ID)
	case blog.CommentSpam:
		anchor = "#replies"
	}
	http.Redirect(w, r, c.PostPath+anchor, http.StatusSeeOther)
	return nil
}

// refuse shows the reply form again with msg or per-field errs and every
// field the reader typed, and a fresh form token.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, in blog.CommentInput, status int, msg string, errs Errors) error {
	post, err := s.reading.PublicPost(r.Context(), in.PostID)
	if err != nil {
		return err
	}
	f := s.newReplyForm(r, post)
	f.Message, f.Errors = msg, errs
	f.Comment, f.Author, f.Email, f.URL, f.Notify = in.Body, in.Name, in.Email, in.URL, in.Notify
	f.ParentID = in.ParentID
	if !s.discussion.CommentsOpen(post) {
		f.Token = ""
	}
	b, err := s.publicBase(r, f.L.T("your_reply"))
	if err != nil {
		return err
	}
	b = b.In(post.Language)
	b.Canonical = ""
	w.Header().Set("Cache-Control", "no-store")
	return s.render(w, status, "reply", replyPage{Base: b, Post: post, Form: f})
}

type unsubscribePage struct {
	Base
	Heading string
	Message string
	ID      int64
	Token   string
}

// commentUnsubscribe confirms (GET) and carries out (POST) the one-click
// stop of e-mail about answers. GET changes nothing, so link scanners in
// mail programs cannot unsubscribe anyone.
func (s *Server) commentUnsubscribe(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if r.Method == http.MethodPost {
		if err := r.ParseForm(); err != nil {
			return err
		}
		q = r.PostForm
	}
	id, _ := strconv.ParseInt(q.Get("id"), 10, 64)
	token := q.Get("token")
	l := s.lang()
	p := unsubscribePage{Base: s.base(r, l.T("unsubscribe_ask")), ID: id, Token: token}
	p.Canonical = ""
	if r.Method == http.MethodGet {
		p.Heading, p.Message = l.T("unsubscribe_ask"), l.T("unsubscribe_ask_text")
		return s.render(w, http.StatusOK, "unsubscribe", p)
	}
	err := s.discussion.Unsubscribe(r.Context(), id, token)
	if errors.Is(err, blog.ErrForbidden) || errors.Is(err, blog.ErrNotFound) {
		p.Heading, p.Message, p.Token = l.T("unsubscribe_broken"), l.T("unsubscribe_broken_text"), ""
		return s.render(w, http.StatusBadRequest, "unsubscribe", p)
	}
	if err != nil {
		return err
	}
	p.Heading, p.Message, p.Token = l.T("unsubscribe_done"), l.T("unsubscribe_done_text"), ""
	return s.render(w, http.StatusOK, "unsubscribe", p)
}

package web

import (
	"errors"
	"net/http"

	"folio/internal/blog"
)

// fediversePage shows a writer's followers (all writers' for editors),
// the follow requests waiting, and for editors the blocks, the servers
// deliveries were given up on, and notes that mention a writer.
type fediversePage struct {
	adminBase
	Errors
	*blog.FederationOverview
	// Handle is the signed-in writer's @name@host.
	Handle string
	// Off says why the site does not federate; "" when it does.
	Off   string
	Block string // the block form's value, kept on an error
}

// followerRow is one follower with the page, for the rows' template.
type followerRow struct {
	Page *fediversePage
	C    *blog.Follower
}

// Row returns a follower's row.
func (p *fediversePage) Row(f *blog.Follower) followerRow { return followerRow{Page: p, C: f} }

func (s *Server) fediversePage(w http.ResponseWriter, r *http.Request, status int, p fediversePage) error {
	u := currentUser(r)
	o, err := s.federation.Overview(r.Context(), u)
	if err != nil {
		return err
	}
	p.adminBase, p.FederationOverview = s.adminBase(r, s.say(r, "title_fediverse"), "fediverse"), o
	p.Handle = "@" + u.Slug + "@" + o.Host
	switch st := s.site.Settings(); {
	case !st.Federation:
		p.Off = s.say(r, "fediverse_off")
	case !o.Enabled:
		p.Off = s.say(r, "fediverse_needs_https")
	}
	if p.Flash == "" {
		p.Flash = s.flashText(r, r.URL.Query().Get("done"))
		p.Saved = p.Flash != ""
	}
	return s.render(w, status, "admin/fediverse", &p)
}

func (s *Server) adminFediverse(w http.ResponseWriter, r *http.Request) error {
	return s.fediversePage(w, r, http.StatusOK, fediversePage{})
}

// followerAction runs act on the follower the path names and goes back
// to the list.
func (s *Server) followerAction(w http.ResponseWriter, r *http.Request, act func(*blog.User, int64) error, done string) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := act(currentUser(r), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/fediverse?done="+done, http.StatusSeeOther)
	return nil
}

func (s *Server) adminFollowerApprove(w http.ResponseWriter, r *http.Request) error {
	return s.followerAction(w, r, func(u *blog.User, id int64) error { return s.federation.ApproveFollower(r.Context(), u, id) }, "follower-approved")
}

func (s *Server) adminFollowerRemove(w http.ResponseWriter, r *http.Request) error {
	return s.followerAction(w, r, func(u *blog.User, id int64) error { return s.federation.RemoveFollower(r.Context(), u, id) }, "follower-removed")
}

func (s *Server) adminBlock(w http.ResponseWriter, r *http.Request) error {
	value := r.PostFormValue("block")
	if err := s.federation.Block(r.Context(), currentUser(r), value); err != nil {
		var v *blog.ValidationError
		if !errors.As(err, &v) {
			return err
		}
		return s.fediversePage(w, r, http.StatusUnprocessableEntity, fediversePage{Errors: Errors(v.In(s.theme.Words(), s.writerLang(r).Tag())), Block: value})
	}
	http.Redirect(w, r, "/admin/fediverse?done=blocked", http.StatusSeeOther)
	return nil
}

func (s *Server) adminUnblock(w http.ResponseWriter, r *http.Request) error {
	if err := s.federation.Unblock(r.Context(), currentUser(r), r.PostFormValue("block")); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/fediverse?done=unblocked", http.StatusSeeOther)
	return nil
}

package web

import (
	"net/http"
	"time"

	"folio/internal/blog"
)

// dashboardItems is how many drafts, scheduled posts and replies the
// dashboard lists.
const dashboardItems = 5

// dashboardPage is the admin's front page: what waits for the writer,
// and for an administrator, how the site is.
type dashboardPage struct {
	adminBase
	Drafts, Scheduled  []*blog.Post
	DraftCount         int
	ScheduledCount     int
	Recent             []*blog.Comment // approved replies, newest first
	Mentions           []*blog.Mention // Webmentions from other sites, newest first
	Health             []healthCheck   // for administrators
	PublishedPostCount int
}

// healthCheck is one line of the site's health: fine or not, and what to
// do about it.
type healthCheck struct {
	OK     bool
	Text   string
	Link   string
	Action string
}

// adminHome shows the dashboard.
func (s *Server) adminHome(w http.ResponseWriter, r *http.Request) error {
	ctx, u := r.Context(), currentUser(r)
	p := dashboardPage{adminBase: s.adminBase(r, s.say(r, "title_dashboard"), "dashboard")}
	p.Flash = s.flashText(r, r.URL.Query().Get("done"))
	p.Saved = p.Flash != ""
	var err error
	list := func(st blog.Status) ([]*blog.Post, int, error) {
		return s.writing.AdminPosts(ctx, u, blog.PostFilter{Statuses: []blog.Status{st}, NoBodies: true, Limit: dashboardItems})
	}
	if p.Drafts, p.DraftCount, err = list(blog.StatusDraft); err != nil {
		return err
	}
	if p.Scheduled, p.ScheduledCount, err = list(blog.StatusScheduled); err != nil {
		return err
	}
	if _, p.PublishedPostCount, err = list(blog.StatusPublished); err != nil {
		return err
	}
	if u.CanEditOthers() {
		if p.Recent, _, err = s.discussion.ModerationQueue(ctx, u, blog.CommentFilter{Statuses: []blog.CommentStatus{blog.CommentApproved},
			Limit: dashboardItems}); err != nil {
			return err
		}
		if s.mentions != nil {
			if p.Mentions, err = s.mentions.Recent(ctx, u, dashboardItems); err != nil {
				return err
			}
		}
	}
	if u.CanManageSite() {
		p.Health = s.health(p.Base)
	}
	return s.render(w, http.StatusOK, "admin/dashboard", p)
}

// health checks what a site needs to serve its readers well.
func (s *Server) health(b Base) []healthCheck {
	st := s.site.Settings()
	var out []healthCheck
	if st.BaseURL != "" {
		out = append(out, healthCheck{OK: true, Text: b.L.T("health_address", "URL", st.BaseURL)})
	} else {
		out = append(out, healthCheck{Text: b.L.T("health_no_address"),
			Link: "/admin/settings#base_url", Action: b.L.T("health_set_it")})
	}
	if st.Discussion.EmailEnabled() {
		out = append(out, healthCheck{OK: true, Text: b.L.T("health_mail", "Host", st.Discussion.SMTPHost)})
	} else {
		out = append(out, healthCheck{Text: b.L.T("health_no_mail"),
			Link: "/admin/settings#smtp_host", Action: b.L.T("health_set_up_mail")})
	}
	switch last := s.lastBackup(); {
	case st.BackupHours == 0:
		out = append(out, healthCheck{Text: b.L.T("health_no_backups"), Link: "/admin/settings#backup_hours", Action: b.L.T("health_turn_on")})
	case last.IsZero():
		out = append(out, healthCheck{OK: true, Text: b.L.N("health_backups_none_yet", st.BackupHours)})
	case time.Since(last) > 2*time.Duration(st.BackupHours)*time.Hour:
		out = append(out, healthCheck{Text: b.L.T("health_backup_old", "Date", b.Date(last))})
	default:
		out = append(out, healthCheck{OK: true, Text: b.L.T("health_backup_last", "When", b.At(last))})
	}
	return out
}

// lastBackup is when this server last took a scheduled backup, zero for
// never or unknown.
func (s *Server) lastBackup() time.Time {
	if s.backups == nil {
		return time.Time{}
	}
	return s.backups()
}

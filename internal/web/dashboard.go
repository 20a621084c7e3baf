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
	p := dashboardPage{adminBase: s.adminBase(r, "Dashboard", "dashboard")}
	p.Flash = flashText(r.URL.Query().Get("done"))
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
		out = append(out, healthCheck{OK: true, Text: "The site's address is " + st.BaseURL + "."})
	} else {
		out = append(out, healthCheck{Text: "The site's address is not set: feeds and e-mail follow whatever address a reader used.",
			Link: "/admin/settings#base_url", Action: "Set it"})
	}
	if st.Discussion.EmailEnabled() {
		out = append(out, healthCheck{OK: true, Text: "E-mail goes out through " + st.Discussion.SMTPHost + "."})
	} else {
		out = append(out, healthCheck{Text: "E-mail is off: nobody hears of new replies, and forgotten passwords cannot be reset by mail.",
			Link: "/admin/settings#smtp_host", Action: "Set up e-mail"})
	}
	switch last := s.lastBackup(); {
	case st.BackupHours == 0:
		out = append(out, healthCheck{Text: "Scheduled backups are off.", Link: "/admin/settings#backup_hours", Action: "Turn them on"})
	case last.IsZero():
		out = append(out, healthCheck{OK: true, Text: "Backups are scheduled every " + blog.Plural(st.BackupHours, "hour", "hours") +
			"; this server has taken none yet."})
	case time.Since(last) > 2*time.Duration(st.BackupHours)*time.Hour:
		out = append(out, healthCheck{Text: "The last backup this server took is from " + b.Date(last) + ", older than two intervals."})
	default:
		out = append(out, healthCheck{OK: true, Text: "The last backup this server took is from " + b.At(last) + "."})
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

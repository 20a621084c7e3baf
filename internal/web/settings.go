package web

import (
	"cmp"
	_ "embed"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"folio/internal/blog"
	"folio/internal/locale"
)

// settingsParts are the settings page's sections, in tab order: each
// is a form of its own that saves only its fields. Label is a message
// ID.
var settingsParts = []struct{ Slug, Label string }{
	{"general", "settings_part_general"},
	{"reading", "settings_part_reading"},
	{"replies", "settings_part_replies"},
	{"email", "settings_part_email"},
	{"writing", "settings_part_writing"},
	{"backups", "settings_part_backups"},
	{"fediverse", "settings_part_fediverse"},
}

type settingsPage struct {
	adminBase
	Errors
	Form    map[string]string
	Part    string
	Parts   []struct{ Slug, Label string }
	Example string // the date layout applied to a sample date
	// SiteL is the site's language, whose wording empty settings follow;
	// Languages names every language folio has words for.
	SiteL     *locale.Lang
	Languages string
	Zones     []zoneGroup
	Host      string // the host of writers' fediverse handles
}

// zoneGroup is one region of the time zone list.
type zoneGroup struct {
	Region string
	Zones  []zoneChoice
}

type zoneChoice struct{ Name, Label string }

//go:embed zones.txt
var zonesTxt string

// zoneGroups returns the time zones offered, grouped by region.
var zoneGroups = sync.OnceValue(func() []zoneGroup {
	var out []zoneGroup
	for _, line := range strings.Split(zonesTxt, "\n") {
		name := strings.TrimSpace(line)
		if name == "" || strings.HasPrefix(name, "#") {
			continue
		}
		region, place, ok := strings.Cut(name, "/")
		if !ok {
			region, place = "", name
		}
		if len(out) == 0 || out[len(out)-1].Region != region {
			out = append(out, zoneGroup{Region: region})
		}
		g := &out[len(out)-1]
		g.Zones = append(g.Zones, zoneChoice{Name: name, Label: strings.ReplaceAll(place, "_", " ")})
	}
	return out
})

// zonesWith returns the time zone list with current in it: a zone the
// list lacks (an older name, such as Asia/Calcutta) is offered too, so
// saving the page never changes it.
func zonesWith(current string) []zoneGroup {
	groups := zoneGroups()
	for _, g := range groups {
		if slices.ContainsFunc(g.Zones, func(z zoneChoice) bool { return z.Name == current }) {
			return groups
		}
	}
	return append([]zoneGroup{{Region: "Current", Zones: []zoneChoice{{Name: current, Label: current}}}}, groups...)
}

func (s *Server) settingsPage(r *http.Request, part string, form map[string]string, errs Errors) settingsPage {
	p := settingsPage{adminBase: s.adminBase(r, s.say(r, "title_settings"), "settings"), Errors: errs, Form: form, Part: part, Parts: settingsParts}
	p.SiteL = s.theme.Words().For(cmp.Or(form["language"], p.Site.Language))
	p.Example = p.SiteL.FormatDate(time.Date(2015, 11, 28, 15, 4, 0, 0, time.UTC), cmp.Or(form["date_layout"], p.SiteL.DateLayout()))
	var names []string
	for _, c := range s.theme.Words().Choices() {
		names = append(names, c.Name+" ("+c.Tag+")")
	}
	p.Languages = strings.Join(names, ", ")
	p.Zones = zonesWith(form["time_zone"])
	p.Host = "example.com"
	if u, err := url.Parse(p.Site.BaseURL); err == nil && u.Host != "" {
		p.Host = u.Host
	}
	return p
}

// settingsPart returns the section a request names ("general" for
// none), or false for an unknown one.
func settingsPart(name string) (string, bool) {
	if name == "" {
		return "general", true
	}
	for _, p := range settingsParts {
		if p.Slug == name {
			return name, true
		}
	}
	return "", false
}

func (s *Server) adminSettingsShow(w http.ResponseWriter, r *http.Request) error {
	if !currentUser(r).CanManageSite() {
		return blog.ErrForbidden
	}
	part, ok := settingsPart(r.PathValue("part"))
	if !ok {
		return blog.ErrNotFound
	}
	p := s.settingsPage(r, part, s.site.Settings().Values(), nil)
	p.Flash = s.flashText(r, r.URL.Query().Get("done"))
	p.Saved = p.Flash != ""
	return s.render(w, http.StatusOK, "admin/settings", p)
}

// adminSettingsUpdate saves the settings a section's form posts; the
// others stay as they are.
func (s *Server) adminSettingsUpdate(w http.ResponseWriter, r *http.Request) error {
	part, ok := settingsPart(r.PostFormValue("part"))
	if !ok {
		part = "general"
	}
	in := blog.SettingsInput{}
	for k := range s.site.Settings().Values() {
		if vals, ok := r.PostForm[k]; ok {
			// A checkbox posts a hidden "false" and, when ticked, "true".
			in[k] = vals[len(vals)-1]
		}
	}
	if in["smtp_password"] == "" {
		delete(in, "smtp_password")
	}
	if _, err := s.site.SaveSettings(r.Context(), currentUser(r), in); err != nil {
		errs, err := s.formErrors(r, err)
		if err != nil {
			return err
		}
		form := s.site.Settings().Values()
		for k, v := range in {
			form[k] = v
		}
		form["smtp_password"] = ""
		return s.render(w, http.StatusUnprocessableEntity, "admin/settings", s.settingsPage(r, part, form, errs))
	}
	to := "/admin/settings"
	if part != "general" {
		to += "/" + part
	}
	http.Redirect(w, r, to+"?done=settings", http.StatusSeeOther)
	return nil
}

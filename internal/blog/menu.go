package blog

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"unicode/utf8"
)

// MenuItem is one link of the site's navigation menu, with the links
// under it (one level).
type MenuItem struct {
	Label    string     `json:"label"`
	URL      string     `json:"url"`
	Children []MenuItem `json:"children,omitempty"`
}

// Bounds of the menu.
const (
	maxMenuItems = 40
	maxMenuLabel = 60
)

// parseMenu reads a stored menu, checking it; "" is no menu (every
// published page stands in for it).
func parseMenu(s string) ([]MenuItem, string) {
	if strings.TrimSpace(s) == "" {
		return nil, ""
	}
	var items []MenuItem
	if err := json.Unmarshal([]byte(s), &items); err != nil {
		return nil, "The menu is not a list of links."
	}
	if msg := checkMenu(items); msg != "" {
		return nil, msg
	}
	return items, ""
}

// checkMenu reports what is wrong with a menu, "" when nothing is.
func checkMenu(items []MenuItem) string {
	n := 0
	var check func(items []MenuItem, depth int) string
	check = func(items []MenuItem, depth int) string {
		for _, it := range items {
			n++
			if n > maxMenuItems {
				return "Keep the menu to 40 links."
			}
			if strings.TrimSpace(it.Label) == "" {
				return "Give every link of the menu a label."
			}
			if utf8.RuneCountInString(it.Label) > maxMenuLabel {
				return "Keep each label under 60 characters."
			}
			if !menuURL(it.URL) {
				return "“" + it.URL + "” is not an address: use a path on this site, like /about/, or a full address starting with https://."
			}
			if len(it.Children) > 0 && depth > 0 {
				return "The menu nests one level: a link under a link, no deeper."
			}
			if msg := check(it.Children, depth+1); msg != "" {
				return msg
			}
		}
		return ""
	}
	return check(items, 0)
}

// menuURL reports whether u may be a menu's link: a path on the site or
// an http(s) address.
func menuURL(u string) bool {
	if LocalPath(u) {
		return true
	}
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Host != "" && !strings.ContainsAny(u, " \t\n\"<>")
}

// Menu returns the site's navigation menu; nil when none is set, so
// every published page is listed instead.
func (s Settings) Menu() []MenuItem { return s.menu }

// SaveMenu sets the site's navigation menu (nil or empty: every
// published page, as before one is made). Administrators may.
func (s *Site) SaveMenu(ctx context.Context, actor *User, items []MenuItem) error {
	if !actor.CanManageSite() {
		return ErrForbidden
	}
	for i := range items {
		items[i].Label, items[i].URL = strings.TrimSpace(clean(items[i].Label)), strings.TrimSpace(items[i].URL)
		for j := range items[i].Children {
			c := &items[i].Children[j]
			c.Label, c.URL = strings.TrimSpace(clean(c.Label)), strings.TrimSpace(c.URL)
		}
	}
	if msg := checkMenu(items); msg != "" {
		return FieldError("menu", msg)
	}
	value := ""
	if len(items) > 0 {
		b, err := json.Marshal(items)
		if err != nil {
			return err
		}
		value = string(b)
	}
	_, err := s.SaveSettings(ctx, actor, SettingsInput{"menu": value})
	return err
}

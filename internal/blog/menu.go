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
func parseMenu(s string) ([]MenuItem, Message) {
	if strings.TrimSpace(s) == "" {
		return nil, Message{}
	}
	var items []MenuItem
	if err := json.Unmarshal([]byte(s), &items); err != nil {
		return nil, Msg("menu_not_list")
	}
	if msg := checkMenu(items); msg.ID != "" {
		return nil, msg
	}
	return items, Message{}
}

// checkMenu reports what is wrong with a menu, no message when nothing
// is.
func checkMenu(items []MenuItem) Message {
	n := 0
	var check func(items []MenuItem, depth int) Message
	check = func(items []MenuItem, depth int) Message {
		for _, it := range items {
			n++
			if n > maxMenuItems {
				return Msg("menu_too_many", "Limit", maxMenuItems)
			}
			if strings.TrimSpace(it.Label) == "" {
				return Msg("menu_label_missing")
			}
			if utf8.RuneCountInString(it.Label) > maxMenuLabel {
				return Msg("menu_label_too_long", "Limit", maxMenuLabel)
			}
			if !menuURL(it.URL) {
				return Msg("menu_bad_address", "URL", it.URL)
			}
			if len(it.Children) > 0 && depth > 0 {
				return Msg("menu_too_deep")
			}
			if msg := check(it.Children, depth+1); msg.ID != "" {
				return msg
			}
		}
		return Message{}
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
	if msg := checkMenu(items); msg.ID != "" {
		return FieldError("menu", msg.ID, msg.Pairs...)
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

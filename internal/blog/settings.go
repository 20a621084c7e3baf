package blog

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Settings are the site-wide choices an administrator makes in the admin.
// They are stored in the database; Load and Values convert them to and
// from stored key/value pairs.
type Settings struct {
	Title        string
	Tagline      string
	BaseURL      string // e.g. "https://example.com"; "" means "the host the reader used"
	Language     string // BCP 47 tag for <html lang>
	TimeZone     string // IANA name, e.g. "Europe/Berlin"
	PostsPerPage int
	Permalink    string // e.g. "/%year%/%monthnum%/%day%/%postname%/"
	DateLayout   string // PHP date() letters, e.g. "l, F jS, Y"
	TimeLayout   string

	loc       *time.Location
	permalink *Permalink
}

// DefaultSettings returns the settings of a new site.
func DefaultSettings() Settings {
	s := Settings{
		Title:        "My folio",
		Tagline:      "Notes, essays and replies",
		Language:     "en",
		TimeZone:     "UTC",
		PostsPerPage: 10,
		Permalink:    DefaultPermalink,
		DateLayout:   DefaultDateLayout,
		TimeLayout:   DefaultTimeLayout,
	}
	s.loc = time.UTC
	s.permalink, _ = ParsePermalink(DefaultPermalink)
	return s
}

// Location returns the site's time zone.
func (s Settings) Location() *time.Location {
	if s.loc == nil {
		return time.UTC
	}
	return s.loc
}

// PermalinkRule returns the parsed permalink pattern.
func (s Settings) PermalinkRule() *Permalink {
	if s.permalink == nil {
		p, _ := ParsePermalink(DefaultPermalink)
		return p
	}
	return s.permalink
}

// Secure reports whether the site is served over HTTPS, so cookies must be
// marked Secure.
func (s Settings) Secure() bool { return strings.HasPrefix(s.BaseURL, "https://") }

// FormatDate formats t in the site's zone with its date layout.
func (s Settings) FormatDate(t time.Time) string {
	return FormatDate(t.In(s.Location()), s.DateLayout)
}

// FormatTime formats t in the site's zone with its time layout.
func (s Settings) FormatTime(t time.Time) string {
	return FormatDate(t.In(s.Location()), s.TimeLayout)
}

// settingKeys are the stored keys, in a fixed order.
var settingKeys = []string{"title", "tagline", "base_url", "language", "time_zone", "posts_per_page", "permalink", "date_layout", "time_layout"}

// Values returns the settings as stored key/value pairs.
func (s Settings) Values() map[string]string {
	return map[string]string{
		"title":          s.Title,
		"tagline":        s.Tagline,
		"base_url":       s.BaseURL,
		"language":       s.Language,
		"time_zone":      s.TimeZone,
		"posts_per_page": strconv.Itoa(s.PostsPerPage),
		"permalink":      s.Permalink,
		"date_layout":    s.DateLayout,
		"time_layout":    s.TimeLayout,
	}
}

// SettingsFromValues builds settings from stored pairs; missing or
// unusable values fall back to the defaults, so a damaged row never stops
// the site from serving.
func SettingsFromValues(vals map[string]string) Settings {
	in := SettingsInput{}
	for _, k := range settingKeys {
		if v, ok := vals[k]; ok {
			in[k] = v
		}
	}
	s, _ := in.Apply(DefaultSettings())
	return s
}

// SettingsInput holds settings as typed into the admin form, keyed like
// Values. Keys it lacks keep their current value.
type SettingsInput map[string]string

// Apply returns base changed by every valid value in in, and a
// *ValidationError naming each invalid one (those keep base's value).
func (in SettingsInput) Apply(base Settings) (Settings, error) {
	s := base
	v := &ValidationError{}
	field := func(k string, check func(string) string) {
		val, ok := in[k]
		if !ok {
			return
		}
		if msg := check(strings.TrimSpace(val)); msg != "" {
			v.Add(k, msg)
		}
	}
	field("title", func(x string) string {
		if x == "" {
			return "Enter a site title."
		}
		s.Title = x
		return ""
	})
	field("tagline", func(x string) string { s.Tagline = x; return "" })
	field("base_url", func(x string) string {
		x = strings.TrimRight(x, "/")
		if x != "" {
			u, err := url.Parse(x)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
				return "Enter the full address, like https://example.com, or leave it empty."
			}
		}
		s.BaseURL = x
		return ""
	})
	field("language", func(x string) string {
		if !validLanguageTag(x) {
			return "Enter a language tag like en, en-GB or de."
		}
		s.Language = x
		return ""
	})
	field("time_zone", func(x string) string {
		loc, err := time.LoadLocation(x)
		if err != nil || x == "" || x == "Local" {
			return "Enter a time zone name like UTC or Europe/Berlin."
		}
		s.TimeZone, s.loc = x, loc
		return ""
	})
	field("posts_per_page", func(x string) string {
		n, err := strconv.Atoi(x)
		if err != nil || n < 1 || n > 100 {
			return "Enter a number from 1 to 100."
		}
		s.PostsPerPage = n
		return ""
	})
	field("permalink", func(x string) string {
		p, err := ParsePermalink(x)
		if err != nil {
			return err.Error()
		}
		s.Permalink, s.permalink = x, p
		return ""
	})
	field("date_layout", func(x string) string {
		if x == "" {
			return "Enter a date layout, like l, F jS, Y."
		}
		s.DateLayout = x
		return ""
	})
	field("time_layout", func(x string) string {
		if x == "" {
			return "Enter a time layout, like g:i a."
		}
		s.TimeLayout = x
		return ""
	})
	return s, v.Err()
}

func validLanguageTag(tag string) bool {
	if tag == "" || len(tag) > 35 {
		return false
	}
	for i, part := range strings.Split(tag, "-") {
		if part == "" || len(part) > 8 || (i == 0 && len(part) < 2) {
			return false
		}
		for _, r := range part {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
				return false
			}
		}
	}
	return true
}

package blog

import (
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Settings are the site-wide choices an administrator makes in the admin.
// They are stored in the database as key/value pairs; Values and
// SettingsFromValues convert them.
type Settings struct {
	Title        string
	Tagline      string
	BaseURL      string // e.g. "https://example.com"; "" means "the host the reader used"
	Language     string // BCP 47 tag for <html lang>
	TimeZone     string // IANA name, e.g. "Europe/Berlin"
	PostsPerPage int
	Permalink    string // e.g. "/%year%/%monthnum%/%day%/%postname%/"
	// DateLayout and TimeLayout are written in PHP date() letters, e.g.
	// "l, F jS, Y"; "" follows the language.
	DateLayout  string
	TimeLayout  string
	FeedItems   int    // entries per feed
	FeedFull    bool   // full HTML in feeds, or summaries only
	Robots      string // robots.txt, without the Sitemap line folio adds
	BackupHours int    // hours between scheduled backups, 0 = none
	BackupKeep  int    // scheduled backups kept; older ones are deleted
	MediaMaxMB  int    // the largest upload to the media library, in MiB
	// RevisionsKept is how many revisions of each post are kept, the
	// newest; 0 keeps them all.
	RevisionsKept int
	// Federation lets the fediverse follow the writers (when the site
	// has an https address); ApproveFollowers holds each follow request
	// for a writer's approval.
	Federation       bool
	ApproveFollowers bool

	Discussion DiscussionSettings

	loc       *time.Location
	permalink *Permalink
	menuJSON  string
	menu      []MenuItem
}

// Moderation policies for new replies.
const (
	ModerateHoldAll    = "hold_all"   // every reply waits for approval
	ModerateHoldFirst  = "hold_first" // a commenter's first reply waits; later ones appear at once
	ModerateApproveAll = "approve_all"
)

// DiscussionSettings hold the settings for replies: moderation, spam
// defence, threading, e-mail and privacy.
type DiscussionSettings struct {
	Moderation       string // ModerateHoldAll, ModerateHoldFirst or ModerateApproveAll
	MaxLinks         int    // hold a reply with more links than this
	HoldList         string // words, addresses or e-mail addresses, one a line: hold
	BlockList        string // the same: mark as spam
	RequireNameEmail bool
	MaxLength        int    // characters
	Depth            int    // deepest reply level, 1 = no threading
	NewestFirst      bool   // order of top-level replies
	PerPage          int    // top-level replies per page, 0 = all
	CloseAfterDays   int    // close replies on posts older than this, 0 = never
	Heading          string // above the reply form; "" follows the language ("Leave a Reply")
	MinSeconds       int    // a form sent faster than this after rendering is refused
	PerMinute        int    // replies one address may send per minute, 0 = no limit
	PurgeDays        int    // spam and trash are deleted after this many days
	PrivacyDays      int    // IP address and user agent are cleared after this many days
	Gravatar         bool   // show Gravatar images instead of local identicons
	AkismetEndpoint  string // e.g. https://rest.akismet.com; "" turns the check off
	AkismetKey       string
	SMTPHost         string // "" turns e-mail off
	SMTPPort         int
	SMTPUsername     string
	SMTPPassword     string
	SMTPFrom         string
}

// EmailEnabled reports whether SMTP settings are given.
func (d DiscussionSettings) EmailEnabled() bool { return d.SMTPHost != "" && d.SMTPFrom != "" }

// DefaultSettings returns the settings of a new site.
func DefaultSettings() Settings {
	s := Settings{
		Title:        "My folio",
		Tagline:      "Notes, essays and replies",
		Language:     "en",
		TimeZone:     "UTC",
		PostsPerPage: 10,
		Permalink:    DefaultPermalink,
		FeedItems:    20,
		FeedFull:     true,
		Robots:       "User-agent: *\nDisallow: /admin/\nDisallow: /search\n",
		BackupKeep:   7,
		MediaMaxMB:   32,
		Federation:   true,
		Discussion: DiscussionSettings{
			Moderation:       ModerateHoldFirst,
			MaxLinks:         2,
			RequireNameEmail: true,
			MaxLength:        10000,
			Depth:            5,
			PerPage:          50,
			MinSeconds:       3,
			PerMinute:        5,
			PurgeDays:        30,
			PrivacyDays:      90,
			SMTPPort:         587,
		},
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

// settingField is one stored setting: how to read it as text and how to
// set it from text, returning a message for people when the text is
// unusable (and then leaving the setting as it was).
type settingField struct {
	key string
	get func(s *Settings) string
	set func(s *Settings, x string) Message
}

func textSetting(key, required string, p func(*Settings) *string) settingField {
	return settingField{key,
		func(s *Settings) string { return *p(s) },
		func(s *Settings, x string) Message {
			if x == "" && required != "" {
				return Msg(required)
			}
			*p(s) = x
			return Message{}
		}}
}

// wordingSetting is a setting whose default is worded in the site's
// language: "" follows the language, and so does the English default
// older sites stored.
func wordingSetting(key, english string, p func(*Settings) *string) settingField {
	return settingField{key,
		func(s *Settings) string { return *p(s) },
		func(s *Settings, x string) Message {
			if x == english {
				x = ""
			}
			*p(s) = x
			return Message{}
		}}
}

func intSetting(key string, lo, hi int, p func(*Settings) *int) settingField {
	return settingField{key,
		func(s *Settings) string { return strconv.Itoa(*p(s)) },
		func(s *Settings, x string) Message {
			n, err := strconv.Atoi(x)
			if err != nil || n < lo || n > hi {
				return Msg("number_between", "Low", lo, "High", hi)
			}
			*p(s) = n
			return Message{}
		}}
}

func boolSetting(key string, p func(*Settings) *bool) settingField {
	return settingField{key,
		func(s *Settings) string { return strconv.FormatBool(*p(s)) },
		func(s *Settings, x string) Message {
			switch strings.ToLower(x) {
			case "1", "true", "on", "yes":
				*p(s) = true
			case "", "0", "false", "off", "no":
				*p(s) = false
			default:
				return Msg("choose_yes_no")
			}
			return Message{}
		}}
}

func urlSetting(key, msg string, p func(*Settings) *string) settingField {
	return settingField{key,
		func(s *Settings) string { return *p(s) },
		func(s *Settings, x string) Message {
			x = strings.TrimRight(x, "/")
			if x != "" {
				u, err := url.Parse(x)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
					return Msg(msg)
				}
			}
			*p(s) = x
			return Message{}
		}}
}

// settingFields lists every stored setting in the order forms show them.
var settingFields = []settingField{
	textSetting("title", "site_title_enter", func(s *Settings) *string { return &s.Title }),
	textSetting("tagline", "", func(s *Settings) *string { return &s.Tagline }),
	urlSetting("base_url", "base_url_full", func(s *Settings) *string { return &s.BaseURL }),
	{"language", func(s *Settings) string { return s.Language }, func(s *Settings, x string) Message {
		if !validLanguageTag(x) {
			return Msg("site_language_tag")
		}
		s.Language = x
		return Message{}
	}},
	{"time_zone", func(s *Settings) string { return s.TimeZone }, func(s *Settings, x string) Message {
		loc, err := time.LoadLocation(x)
		if err != nil || x == "" || x == "Local" {
			return Msg("time_zone_name")
		}
		s.TimeZone, s.loc = x, loc
		return Message{}
	}},
	intSetting("posts_per_page", 1, 100, func(s *Settings) *int { return &s.PostsPerPage }),
	{"permalink", func(s *Settings) string { return s.Permalink }, func(s *Settings, x string) Message {
		p, msg := ParsePermalink(x)
		if msg != nil {
			return *msg
		}
		s.Permalink, s.permalink = x, p
		return Message{}
	}},
	wordingSetting("date_layout", "l, F jS, Y", func(s *Settings) *string { return &s.DateLayout }),
	wordingSetting("time_layout", "g:i a", func(s *Settings) *string { return &s.TimeLayout }),
	intSetting("feed_items", 1, 100, func(s *Settings) *int { return &s.FeedItems }),
	boolSetting("feed_full", func(s *Settings) *bool { return &s.FeedFull }),
	textSetting("robots_txt", "", func(s *Settings) *string { return &s.Robots }),
	intSetting("backup_hours", 0, 24*30, func(s *Settings) *int { return &s.BackupHours }),
	intSetting("backup_keep", 1, 1000, func(s *Settings) *int { return &s.BackupKeep }),
	intSetting("media_max_mb", 1, 1024, func(s *Settings) *int { return &s.MediaMaxMB }),
	intSetting("revisions_kept", 0, 100000, func(s *Settings) *int { return &s.RevisionsKept }),
	boolSetting("federation", func(s *Settings) *bool { return &s.Federation }),
	boolSetting("federation_approve_followers", func(s *Settings) *bool { return &s.ApproveFollowers }),
	{"menu", func(s *Settings) string { return s.menuJSON }, func(s *Settings, x string) Message {
		items, msg := parseMenu(x)
		if msg.ID != "" {
			return msg
		}
		s.menuJSON, s.menu = x, items
		return Message{}
	}},

	{"comment_moderation", func(s *Settings) string { return s.Discussion.Moderation }, func(s *Settings, x string) Message {
		switch x {
		case ModerateHoldAll, ModerateHoldFirst, ModerateApproveAll:
			s.Discussion.Moderation = x
			return Message{}
		}
		return Msg("moderation_setting_choose")
	}},
	intSetting("comment_max_links", 0, 100, func(s *Settings) *int { return &s.Discussion.MaxLinks }),
	textSetting("comment_hold_list", "", func(s *Settings) *string { return &s.Discussion.HoldList }),
	textSetting("comment_block_list", "", func(s *Settings) *string { return &s.Discussion.BlockList }),
	boolSetting("comment_require_name_email", func(s *Settings) *bool { return &s.Discussion.RequireNameEmail }),
	intSetting("comment_max_length", 100, 100000, func(s *Settings) *int { return &s.Discussion.MaxLength }),
	intSetting("comment_depth", 1, 10, func(s *Settings) *int { return &s.Discussion.Depth }),
	boolSetting("comment_newest_first", func(s *Settings) *bool { return &s.Discussion.NewestFirst }),
	intSetting("comments_per_page", 0, 1000, func(s *Settings) *int { return &s.Discussion.PerPage }),
	intSetting("comment_close_days", 0, 100000, func(s *Settings) *int { return &s.Discussion.CloseAfterDays }),
	wordingSetting("comment_heading", "Leave a Reply", func(s *Settings) *string { return &s.Discussion.Heading }),
	intSetting("comment_min_seconds", 0, 600, func(s *Settings) *int { return &s.Discussion.MinSeconds }),
	intSetting("comment_per_minute", 0, 1000, func(s *Settings) *int { return &s.Discussion.PerMinute }),
	intSetting("comment_purge_days", 1, 3650, func(s *Settings) *int { return &s.Discussion.PurgeDays }),
	intSetting("comment_privacy_days", 1, 3650, func(s *Settings) *int { return &s.Discussion.PrivacyDays }),
	boolSetting("gravatar", func(s *Settings) *bool { return &s.Discussion.Gravatar }),
	urlSetting("akismet_endpoint", "akismet_address", func(s *Settings) *string { return &s.Discussion.AkismetEndpoint }),
	textSetting("akismet_key", "", func(s *Settings) *string { return &s.Discussion.AkismetKey }),
	textSetting("smtp_host", "", func(s *Settings) *string { return &s.Discussion.SMTPHost }),
	intSetting("smtp_port", 1, 65535, func(s *Settings) *int { return &s.Discussion.SMTPPort }),
	textSetting("smtp_username", "", func(s *Settings) *string { return &s.Discussion.SMTPUsername }),
	textSetting("smtp_password", "", func(s *Settings) *string { return &s.Discussion.SMTPPassword }),
	{"smtp_from", func(s *Settings) string { return s.Discussion.SMTPFrom }, func(s *Settings, x string) Message {
		if x != "" {
			if _, err := mail.ParseAddress(x); err != nil {
				return Msg("smtp_from_address")
			}
		}
		s.Discussion.SMTPFrom = x
		return Message{}
	}},
}

// Values returns the settings as stored key/value pairs.
func (s Settings) Values() map[string]string {
	vals := make(map[string]string, len(settingFields))
	for _, f := range settingFields {
		vals[f.key] = f.get(&s)
	}
	return vals
}

// SettingsFromValues builds settings from stored pairs; missing or
// unusable values fall back to the defaults, so a damaged row never stops
// the site from serving.
func SettingsFromValues(vals map[string]string) Settings {
	in := SettingsInput{}
	for _, f := range settingFields {
		if v, ok := vals[f.key]; ok {
			in[f.key] = v
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
	for _, f := range settingFields {
		x, ok := in[f.key]
		if !ok {
			continue
		}
		if msg := f.set(&s, strings.TrimSpace(clean(x))); msg.ID != "" {
			v.Add(f.key, msg.ID, msg.Pairs...)
		}
	}
	// E-mail links must be absolute, so mail needs the site's address.
	if s.Discussion.EmailEnabled() && s.BaseURL == "" {
		v.Add("base_url", "base_url_for_mail")
	}
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

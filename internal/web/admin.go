package web

import (
	"errors"
	"net/http"
	"strings"

	"folio/internal/blog"
	"folio/internal/locale"
)

// adminBase is the part every admin page struct shares.
type adminBase struct {
	Base
	User    *blog.User
	CSRF    string
	Flash   string
	Saved   bool // the flash reports a successful save
	Section string
	Pending int // replies awaiting moderation, for the menu badge
	// NoAddress tells an administrator that the site's address is not
	// set, so links in e-mail and feeds follow whatever host a reader
	// used.
	NoAddress bool
}

func (s *Server) adminBase(r *http.Request, title, section string) adminBase {
	b := s.base(r, title)
	b.Canonical = ""
	ab := adminBase{Base: b, User: currentUser(r), CSRF: csrfToken(r), Section: section}
	if ab.User != nil {
		ab.Base = b.In(ab.User.Language)
	}
	ab.NoAddress = ab.User.CanManageSite() && b.Site.BaseURL == ""
	if ab.User.CanEditOthers() {
		counts, err := s.discussion.CommentCounts(r.Context(), 0)
		if err != nil {
			s.log.Error("count pending replies", "err", err)
		}
		ab.Pending = counts[blog.CommentPending]
	}
	return ab
}

// Errors holds one message per form field. Page structs embed it so
// templates can call .Field.
type Errors map[string]string

// field is what the "field" partial renders: one labelled input.
type field struct {
	Name, Label, Type, Value, Error, Help, Autocomplete, Placeholder string
}

// Field describes an input for the "field" partial. Each opt is
// "help=TEXT", "autocomplete=VALUE" or "placeholder=EXAMPLE".
func (e Errors) Field(name, label, typ, value string, opts ...string) field {
	f := field{Name: name, Label: label, Type: typ, Value: value, Error: e[name]}
	for _, o := range opts {
		k, v, _ := strings.Cut(o, "=")
		switch k {
		case "help":
			f.Help = v
		case "autocomplete":
			f.Autocomplete = v
		case "placeholder":
			f.Placeholder = v
		}
	}
	return f
}

// writerLang returns the language the admin speaks to r's writer in:
// their profile's, else the site's.
func (s *Server) writerLang(r *http.Request) *locale.Lang {
	if u := currentUser(r); u != nil && u.Language != "" {
		return s.theme.Words().For(u.Language)
	}
	return s.lang()
}

// say returns message id in the language of r's writer.
func (s *Server) say(r *http.Request, id string, pairs ...any) string {
	return s.writerLang(r).T(id, pairs...)
}

// kindText returns the message ID for a post, or else for a page:
// languages word them apart.
func kindText(kind, post, page string) string {
	if kind == string(blog.KindPage) {
		return page
	}
	return post
}

// formErrors turns a validation error into per-field messages in the
// language of r's writer; other errors are returned for the adapter to
// handle.
func (s *Server) formErrors(r *http.Request, err error) (Errors, error) {
	var v *blog.ValidationError
	if errors.As(err, &v) {
		return Errors(v.In(s.theme.Words(), s.writerLang(r).Tag())), nil
	}
	return nil, err
}

// flashText explains, in the language of r's writer, the outcome an
// admin redirect reports in ?done=; "" for none it knows.
func (s *Server) flashText(r *http.Request, done string) string {
	id, ok := map[string]string{
		"draft":                "flash_draft",
		"published":            "flash_published",
		"scheduled":            "flash_scheduled",
		"private":              "flash_private",
		"trashed":              "flash_trashed",
		"restored":             "flash_restored",
		"deleted":              "flash_deleted",
		"emptied":              "flash_emptied",
		"settings":             "flash_settings",
		"category":             "flash_category",
		"user":                 "flash_user",
		"redirect":             "flash_redirect",
		"redirect-deleted":     "flash_redirect_deleted",
		"uploaded":             "flash_uploaded",
		"uploaded-several":     "flash_uploaded_several",
		"described":            "flash_described",
		"answered":             "flash_answered",
		"revision-restored":    "flash_revision_restored",
		"password-reset":       "flash_password_reset",
		"profile":              "flash_profile",
		"password":             "flash_password",
		"signed-out-elsewhere": "flash_signed_out_elsewhere",
		"token-revoked":        "flash_token_revoked",
		"follower-approved":    "flash_follower_approved",
		"follower-removed":     "flash_follower_removed",
		"blocked":              "flash_blocked",
		"unblocked":            "flash_unblocked",
		"profile-totp":         "flash_profile_totp",
		"totp-off":             "flash_totp_off",
		"recovery-renewed":     "flash_recovery_renewed",
		"passkey-added":        "flash_passkey_added",
		"passkey-removed":      "flash_passkey_removed",
		"second-factors-reset": "flash_second_factors_reset",
		"user-saved":           "flash_user_saved",
		"user-deactivated":     "flash_user_deactivated",
		"user-activated":       "flash_user_activated",
		"reset-sent":           "flash_reset_sent",
		"user-deleted":         "flash_user_deleted",
		"term-saved":           "flash_term_saved",
		"term-merged":          "flash_term_merged",
		"term-deleted":         "flash_term_deleted",
		"bulk-none":            "flash_bulk_none",
		"menu":                 "flash_menu",
		"menu-pages":           "flash_menu_pages",
		"media-deleted":        "flash_media_deleted",
	}[done]
	if !ok {
		return ""
	}
	return s.say(r, id)
}

package web

import (
	"errors"
	"net/http"
	"strings"

	"folio/internal/blog"
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

// formErrors turns a validation error into per-field messages; other
// errors are returned for the adapter to handle.
func formErrors(err error) (Errors, error) {
	var v *blog.ValidationError
	if errors.As(err, &v) {
		return Errors(v.Fields), nil
	}
	return nil, err
}

// flashText explains the outcome an admin redirect reports in ?done=.
func flashText(done string) string {
	return map[string]string{
		"draft":                "Saved as a draft.",
		"published":            "Published.",
		"scheduled":            "Scheduled: it will go live by itself at the chosen time.",
		"private":              "Saved as private: only signed-in editors can see it.",
		"trashed":              "Moved to the trash.",
		"restored":             "Restored from the trash as a draft.",
		"deleted":              "Deleted for good.",
		"emptied":              "The trash is empty.",
		"settings":             "Settings saved.",
		"category":             "Category added.",
		"user":                 "User added.",
		"redirect":             "Redirect saved.",
		"redirect-deleted":     "Redirect deleted.",
		"uploaded":             "Uploaded. Describe the picture for readers who cannot see it, then paste its Markdown into a post.",
		"uploaded-several":     "Uploaded. Open each picture to describe it.",
		"described":            "Saved.",
		"revision-restored":    "Revision restored. The text it replaced is kept among the revisions.",
		"password-reset":       "Your new password is saved, and every other session is signed out.",
		"profile":              "Profile saved.",
		"password":             "Password changed. Every other session is signed out.",
		"signed-out-elsewhere": "Signed out everywhere but here.",
		"token-revoked":        "Token revoked: apps using it are refused from now on.",
		"follower-approved":    "Follower approved: they get your posts from now on.",
		"follower-removed":     "Follower removed.",
		"blocked":              "Blocked: their activities are refused, and their follows and replies are gone.",
		"unblocked":            "Block lifted.",
		"profile-totp":         "Your authenticator app is on: signing in asks for its code after the password.",
		"totp-off":             "Your authenticator app is off.",
		"recovery-renewed":     "New recovery codes are made; the old ones no longer work.",
		"passkey-added":        "Passkey added: use it to sign in without the password, or as the second step after it.",
		"passkey-removed":      "Passkey removed.",
		"second-factors-reset": "Two-factor sign-in is off for them, and every session of theirs ended. They sign in with their password and can turn it on again.",
		"user-saved":           "User saved.",
		"user-deactivated":     "Deactivated: they cannot sign in, and every session of theirs ended. Their posts stay.",
		"user-activated":       "Active again: they can sign in.",
		"reset-sent":           "A link to choose a new password is on its way to them.",
		"user-deleted":         "User deleted; their posts have a new author.",
		"term-saved":           "Saved. If the slug changed, the old address redirects here.",
		"term-merged":          "Merged: the posts have this one now, and the other's address redirects here.",
		"term-deleted":         "Deleted; its posts stay.",
		"bulk-none":            "Nothing changed: tick the items, choose what to do with them, then Apply.",
		"menu":                 "Menu saved.",
		"menu-pages":           "The header lists every published page again.",
		"media-deleted":        "Deleted from the library.",
	}[done]
}

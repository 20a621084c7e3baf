package blog_test

import (
	"errors"
	"strings"
	"testing"

	"folio/internal/blog"
)

// TestControlCharactersAreDropped keeps NUL and the other control
// characters out of everything stored: posts, replies, settings, users.
func TestControlCharactersAreDropped(t *testing.T) {
	f := newReplyFixture(t)
	ctx := t.Context()
	p := f.save(t, f.admin, 0, blog.PostInput{Title: "Nul\x00 in\x07 the title", Body: "Body\x00 text", Tags: []string{"t\x00ag"}, CommentsOpen: true})
	if p.Title != "Nul in the title" || strings.ContainsRune(p.Body, 0) || p.Tags[0].Name != "tag" {
		t.Errorf("post kept control characters: %q %q %q", p.Title, p.Body, p.Tags[0].Name)
	}
	in := reader("Rea\x00der", "A reply\x00 with a NUL")
	in.PostID = p.ID
	c := f.mustSubmit(t, in)
	if strings.ContainsRune(c.Body+c.AuthorName, 0) {
		t.Errorf("reply kept NUL: %q %q", c.Body, c.AuthorName)
	}
	st, err := f.svc.Site.SaveSettings(ctx, f.admin, blog.SettingsInput{"title": "Site\x00 title"})
	if err != nil || st.Title != "Site title" {
		t.Errorf("settings: %q, %v", st.Title, err)
	}
	// C1 controls, which HTML forbids, arrive in old exports.
	q := f.save(t, f.admin, 0, blog.PostInput{Title: "C1\u009f title", Body: "Next\u0085line, delete\x7f, caf\u00e9", CommentsOpen: true})
	if q.Title != "C1 title" || q.Body != "Next line, delete, caf\u00e9" {
		t.Errorf("post kept C1 controls: %q %q", q.Title, q.Body)
	}
	if q := blog.ParseSearch("fo\x00o"); len(q.Terms) != 1 || q.Terms[0].Text != "foo" {
		t.Errorf("search terms = %+v", q.Terms)
	}
}

// TestRedirectsStayOnTheSite refuses redirects a browser would read as
// another host, and never follows a stored one off the site.
func TestRedirectsStayOnTheSite(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	for _, to := range []string{`/\evil.example/`, "/\t/evil.example", "//evil.example", "https://evil.example/", "/ spaced/"} {
		if err := f.svc.Site.SaveRedirect(ctx, f.admin, "/old/", to); err == nil {
			t.Errorf("a redirect to %q was saved", to)
		}
	}
	if err := f.svc.Site.SaveRedirect(ctx, f.admin, "/old/", "/new/"); err != nil {
		t.Fatal(err)
	}
	if to, err := f.svc.Reading.Moved(ctx, "/old/"); err != nil || to != "/new/" {
		t.Errorf("Moved(/old/) = %q, %v", to, err)
	}
}

// TestPasswordChangeEndsSessions signs a writer out everywhere when
// their password changes.
func TestPasswordChangeEndsSessions(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	token, err := f.svc.Accounts.StartSession(ctx, f.admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Accounts.SetPassword(ctx, nil, f.admin.Email, "a brand new password"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Accounts.SessionUser(ctx, token); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("a session from before the password change still works: %v", err)
	}
}

// TestAuthorCannotRewriteAWritersReply lets an author edit readers'
// replies to their post, but not the words of another writer shown with
// the author badge.
func TestAuthorCannotRewriteAWritersReply(t *testing.T) {
	f := newReplyFixture(t)
	ctx := t.Context()
	bo := f.user(t, "Bo Author", blog.RoleAuthor)
	own := f.save(t, bo, 0, blog.PostInput{Title: "Bo's post", CommentsOpen: true})
	adminReply, err := f.svc.Discussion.SubmitComment(ctx, blog.CommentInput{PostID: own.ID, Actor: f.admin, Body: "The editor's note."})
	if err != nil {
		t.Fatal(err)
	}
	in := reader("Reader", "A reader's words")
	in.PostID = own.ID
	readerReply := f.mustSubmit(t, in)
	if _, err := f.svc.Discussion.EditComment(ctx, bo, adminReply.ID, blog.CommentEdit{Body: "Words put in the editor's mouth."}); !errors.Is(err, blog.ErrForbidden) {
		t.Errorf("an author rewrote an administrator's reply: %v", err)
	}
	if _, err := f.svc.Discussion.EditComment(ctx, bo, readerReply.ID, blog.CommentEdit{Name: "Reader", Email: "reader@example.com", Body: "A reader's words, tidied."}); err != nil {
		t.Errorf("the author cannot edit a reader's reply to their post: %v", err)
	}
}

// TestBulkModerationIsAllOrNothing refuses a bulk action as a whole when
// one reply may not take it, and changes none.
func TestBulkModerationIsAllOrNothing(t *testing.T) {
	f := newReplyFixture(t)
	ctx := t.Context()
	a, b := f.mustSubmit(t, reader("Ann", "first")), f.mustSubmit(t, reader("Ben", "second"))
	if err := f.svc.Discussion.ModerateComment(ctx, f.admin, a.ID, blog.ActionTrash); err != nil {
		t.Fatal(err)
	}
	// Delete is refused for b, which is not in the trash.
	if err := f.svc.Discussion.ModerateComments(ctx, f.admin, []int64{a.ID, b.ID}, blog.ActionDelete); err == nil {
		t.Fatal("a bulk delete including a held reply succeeded")
	}
	if _, err := f.svc.Discussion.Comment(ctx, f.admin, a.ID); err != nil {
		t.Errorf("the trashed reply was deleted by a refused request: %v", err)
	}
}

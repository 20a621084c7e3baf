package blog_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"folio/internal/blog"
	"folio/internal/locale"
	"folio/internal/markdown"
	"folio/internal/store/sqlite"
	"folio/internal/testkit"
)

type fixture struct {
	svc     *blog.Services
	store   *sqlite.Store
	clock   *testkit.Clock
	admin   *blog.User
	changes int
	last    blog.Change // the most recent change reported
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	st, err := sqlite.Open(tb.Context(), filepath.Join(tb.TempDir(), "folio.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	f := &fixture{store: st, clock: testkit.NewClock(time.Date(2015, 11, 28, 12, 0, 0, 0, time.UTC))}
	f.svc, err = blog.New(tb.Context(), st, blog.Options{Words: locale.MustLoad(),
		Now: f.clock.Now, Renderer: markdown.NewPosts(), CommentRenderer: markdown.NewComments(), Hasher: testkit.Hasher(),
		OnChange: func(c blog.Change) { f.changes++; f.last = c },
	})
	if err != nil {
		tb.Fatal(err)
	}
	f.admin, err = f.svc.Accounts.SetupAdmin(tb.Context(), blog.UserInput{Name: "Ada Admin", Email: "ada@example.com", Password: "correct horse battery"})
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

func (f *fixture) user(tb testing.TB, name string, role blog.Role) *blog.User {
	tb.Helper()
	u, err := f.svc.Accounts.CreateUser(tb.Context(), f.admin, blog.UserInput{Name: name, Email: strings.ToLower(strings.Fields(name)[0]) + "@example.com", Role: role, Password: "long enough password"})
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

func (f *fixture) save(tb testing.TB, actor *blog.User, id int64, in blog.PostInput) *blog.Post {
	tb.Helper()
	if in.Kind == "" {
		in.Kind = blog.KindPost
	}
	if in.Status == "" {
		in.Status = blog.StatusPublished
	}
	p, err := f.svc.Writing.SavePost(tb.Context(), actor, id, in)
	if err != nil {
		tb.Fatalf("SavePost(%q): %v", in.Title, err)
	}
	return p
}

// fieldErrors returns err's message IDs by field.
func fieldErrors(t *testing.T, err error) map[string]string {
	t.Helper()
	var v *blog.ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("err = %v, want *ValidationError", err)
	}
	out := map[string]string{}
	for k, m := range v.Fields {
		out[k] = m.ID
	}
	return out
}

func TestSetupAdminOnlyOnce(t *testing.T) {
	f := newFixture(t)
	if needs, _ := f.svc.Accounts.NeedsSetup(t.Context()); needs {
		t.Error("NeedsSetup after setup = true")
	}
	_, err := f.svc.Accounts.SetupAdmin(t.Context(), blog.UserInput{Name: "Eve", Email: "eve@example.com", Password: "0123456789ab"})
	if !errors.Is(err, blog.ErrConflict) {
		t.Errorf("second SetupAdmin err = %v, want ErrConflict", err)
	}
	if f.admin.Role != blog.RoleAdmin || f.admin.Slug != "ada-admin" {
		t.Errorf("admin = %+v", f.admin)
	}
}

func TestCreateUserValidation(t *testing.T) {
	f := newFixture(t)
	_, err := f.svc.Accounts.CreateUser(t.Context(), nil, blog.UserInput{Name: "", Email: "not-an-email", Role: "boss", Password: "short"})
	fields := fieldErrors(t, err)
	for _, k := range []string{"name", "email", "role", "password"} {
		if fields[k] == "" {
			t.Errorf("no message for %s in %v", k, fields)
		}
	}
	_, err = f.svc.Accounts.CreateUser(t.Context(), nil, blog.UserInput{Name: "Ada Two", Email: "ADA@example.com ", Role: blog.RoleAuthor, Password: "0123456789"})
	if fieldErrors(t, err)["email"] == "" {
		t.Error("duplicate e-mail (other case) accepted")
	}
	author := f.user(t, "Bob Author", blog.RoleAuthor)
	if _, err := f.svc.Accounts.CreateUser(t.Context(), author, blog.UserInput{Name: "X", Email: "x@example.com", Role: blog.RoleAdmin, Password: "0123456789"}); !errors.Is(err, blog.ErrForbidden) {
		t.Errorf("author creating a user err = %v, want ErrForbidden", err)
	}
}

func TestAuthenticateAndSessions(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	if _, err := f.svc.Accounts.Authenticate(ctx, "ada@example.com", "wrong password"); !errors.Is(err, blog.ErrBadCredentials) {
		t.Errorf("wrong password err = %v", err)
	}
	if _, err := f.svc.Accounts.Authenticate(ctx, "nobody@example.com", "correct horse battery"); !errors.Is(err, blog.ErrBadCredentials) {
		t.Errorf("unknown user err = %v", err)
	}
	u, err := f.svc.Accounts.Authenticate(ctx, " Ada@Example.com", "correct horse battery")
	if err != nil || u.ID != f.admin.ID {
		t.Fatalf("Authenticate = %v, %v", u, err)
	}
	token, err := f.svc.Accounts.StartSession(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := f.svc.Accounts.SessionUser(ctx, token); err != nil || got.ID != u.ID {
		t.Errorf("SessionUser = %v, %v", got, err)
	}
	if _, err := f.svc.Accounts.SessionUser(ctx, token+"x"); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("forged token err = %v", err)
	}
	f.clock.Add(blog.SessionTTL)
	if _, err := f.svc.Accounts.SessionUser(ctx, token); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("expired session err = %v", err)
	}
	token2, _ := f.svc.Accounts.StartSession(ctx, u.ID)
	if err := f.svc.Accounts.EndSession(ctx, token2); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Accounts.SessionUser(ctx, token2); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("ended session err = %v", err)
	}
}

func TestSavePostSlugs(t *testing.T) {
	f := newFixture(t)
	a := f.save(t, f.admin, 0, blog.PostInput{Title: "Hello, World"})
	b := f.save(t, f.admin, 0, blog.PostInput{Title: "Hello World!"})
	c := f.save(t, f.admin, 0, blog.PostInput{Title: "Grüße aus Köln"})
	d := f.save(t, f.admin, 0, blog.PostInput{Title: "東京の朝"})
	e := f.save(t, f.admin, 0, blog.PostInput{Title: "Custom", Slug: "My Own Slug"})
	for p, want := range map[*blog.Post]string{a: "hello-world", b: "hello-world-2", c: "grusse-aus-koln", d: "東京の朝", e: "my-own-slug"} {
		if p.Slug != want {
			t.Errorf("slug of %q = %q, want %q", p.Title, p.Slug, want)
		}
	}
	if a.Path != "/2015/11/28/hello-world/" {
		t.Errorf("Path = %q", a.Path)
	}
	// An explicit slug that is taken is an error, not silently renamed.
	_, err := f.svc.Writing.SavePost(t.Context(), f.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "Other", Slug: "hello-world", Status: blog.StatusDraft})
	if fieldErrors(t, err)["slug"] == "" {
		t.Error("duplicate slug accepted")
	}
	// Editing keeps the slug; the post does not collide with itself.
	a2 := f.save(t, f.admin, a.ID, blog.PostInput{Title: "Hello, World (edited)", Slug: "hello-world"})
	if a2.Slug != "hello-world" || a2.Title != "Hello, World (edited)" {
		t.Errorf("edited = %q %q", a2.Slug, a2.Title)
	}
	// Pages may not take the site's own addresses.
	_, err = f.svc.Writing.SavePost(t.Context(), f.admin, 0, blog.PostInput{Kind: blog.KindPage, Title: "Admin", Slug: "admin", Status: blog.StatusPublished})
	if fieldErrors(t, err)["slug"] == "" {
		t.Error("page slug admin accepted")
	}
	pg := f.save(t, f.admin, 0, blog.PostInput{Kind: blog.KindPage, Title: "Tag"})
	if pg.Slug != "tag-page" || pg.Path != "/tag-page/" {
		t.Errorf("derived page slug = %q, path %q", pg.Slug, pg.Path)
	}
}

func TestSavePostValidationStoresNothing(t *testing.T) {
	f := newFixture(t)
	before := f.changes
	_, err := f.svc.Writing.SavePost(t.Context(), f.admin, 0, blog.PostInput{
		Kind: blog.KindPost, Title: "  ", Status: blog.StatusPublished,
		Source:     blog.Source{URL: "javascript:alert(1)", Title: "x"},
		Categories: []string{"Nope"},
	})
	fields := fieldErrors(t, err)
	for _, k := range []string{"title", "source_url", "categories"} {
		if fields[k] == "" {
			t.Errorf("no message for %s in %v", k, fields)
		}
	}
	_, err = f.svc.Writing.SavePost(t.Context(), f.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "T", Status: "weird"})
	if fieldErrors(t, err)["status"] == "" {
		t.Error("unknown status accepted")
	}
	posts, total, _ := f.svc.Writing.AdminPosts(t.Context(), f.admin, blog.PostFilter{})
	if total != 0 || len(posts) != 0 || f.changes != before {
		t.Errorf("refused saves stored %d posts, %d change events", total, f.changes-before)
	}
}

func TestSavePostRendersAndCredits(t *testing.T) {
	f := newFixture(t)
	if _, err := f.svc.Writing.CreateCategory(t.Context(), f.admin, "Essays", "", "Long reads"); err != nil {
		t.Fatal(err)
	}
	p := f.save(t, f.admin, 0, blog.PostInput{
		Title: "On quoting", Lede: "Why sources matter.",
		Body:   "Intro.\n\n> The quoted words.\n\nMy take.\n\n<!--more-->\n\nRest.",
		Source: blog.Source{URL: "https://example.org/essay", Title: "The Essay", Site: "Example Review"},
		Tags:   []string{"Writing", " writing ", "Quotes", ""}, Categories: []string{"Essays"},
	})
	if !strings.Contains(p.BodyHTML, `<blockquote cite="https://example.org/essay">`) ||
		!strings.Contains(p.BodyHTML, `<cite><a href="https://example.org/essay">The Essay</a></cite>, Example Review`) {
		t.Errorf("BodyHTML = %s", p.BodyHTML)
	}
	if !strings.Contains(p.ExcerptHTML, "My take.") || strings.Contains(p.ExcerptHTML, "Rest.") {
		t.Errorf("ExcerptHTML = %s", p.ExcerptHTML)
	}
	if p.Summary != "Why sources matter." {
		t.Errorf("Summary = %q, want the lede", p.Summary)
	}
	if len(p.Tags) != 2 || p.Tags[0].Name != "Writing" || p.Tags[1].Name != "Quotes" || len(p.Categories) != 1 {
		t.Errorf("terms = %v %v", p.Tags, p.Categories)
	}
	revs, err := f.svc.Writing.Revisions(t.Context(), f.admin, p.ID)
	if err != nil || len(revs) != 1 || revs[0].Body != p.Body {
		t.Errorf("Revisions = %v, %v", revs, err)
	}
}

// TestRevisionsOnlyWhenWordsChange checks that a save keeps a revision
// when the title, lede, text or source changed, and only then.
func TestRevisionsOnlyWhenWordsChange(t *testing.T) {
	f := newFixture(t)
	in := blog.PostInput{Title: "Drafted", Body: "First words.", Status: blog.StatusDraft}
	p := f.save(t, f.admin, 0, in)
	steps := []struct {
		name string
		edit func(*blog.PostInput)
		want int
	}{
		{"saved again as it is", func(*blog.PostInput) {}, 1},
		{"published", func(in *blog.PostInput) { in.Status = blog.StatusPublished }, 1},
		{"tagged", func(in *blog.PostInput) { in.Tags = []string{"notes"} }, 1},
		{"text edited", func(in *blog.PostInput) { in.Body = "Second words." }, 2},
		{"retitled", func(in *blog.PostInput) { in.Title = "Finished" }, 3},
		{"lede added", func(in *blog.PostInput) { in.Lede = "In short." }, 4},
		{"source credited", func(in *blog.PostInput) { in.Source = blog.Source{URL: "https://example.org/essay"} }, 5},
	}
	for _, st := range steps {
		st.edit(&in)
		f.save(t, f.admin, p.ID, in)
		revs, err := f.svc.Writing.Revisions(t.Context(), f.admin, p.ID)
		if err != nil || len(revs) != st.want {
			t.Errorf("%s: %d revisions (%v), want %d", st.name, len(revs), err, st.want)
		}
	}
}

// TestRestoreRevision puts an old version's words and source back,
// keeping the post's status, date and terms; the restore is a revision
// of its own, and with revisions_kept set only the newest stay.
func TestRestoreRevision(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	first := blog.PostInput{Title: "First title", Body: "First words.", Lede: "First lede", Source: blog.Source{URL: "https://example.org/a", Title: "A"},
		Tags: []string{"notes"}, Status: blog.StatusPublished}
	p := f.save(t, f.admin, 0, first)
	second := first
	second.Title, second.Body, second.Lede, second.Source = "Second title", "Second words.", "", blog.Source{}
	f.save(t, f.admin, p.ID, second)
	revs, _ := f.svc.Writing.Revisions(ctx, f.admin, p.ID)
	oldest := revs[len(revs)-1]
	restored, err := f.svc.Writing.RestoreRevision(ctx, f.admin, p.ID, oldest.ID)
	if err != nil {
		t.Fatal(err)
	}
	if restored.Title != "First title" || restored.Body != "First words." || restored.Lede != "First lede" || restored.Source != first.Source ||
		restored.Status != blog.StatusPublished || !restored.PublishedAt.Equal(p.PublishedAt) || len(restored.Tags) != 1 {
		t.Errorf("restored = %+v", restored)
	}
	if !strings.Contains(restored.BodyHTML, `<cite><a href="https://example.org/a"`) {
		t.Errorf("the restored source is not credited: %s", restored.BodyHTML)
	}
	if revs, _ := f.svc.Writing.Revisions(ctx, f.admin, p.ID); len(revs) != 3 || revs[1].Title != "Second title" {
		t.Errorf("after restoring: %d revisions, the one before %q; want 3, the second version kept", len(revs), revs[1].Title)
	}
	author := f.user(t, "Author", blog.RoleAuthor)
	if _, err := f.svc.Writing.RestoreRevision(ctx, author, p.ID, oldest.ID); !errors.Is(err, blog.ErrForbidden) && !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("an author restoring another's post: %v", err)
	}
	if _, err := f.svc.Site.SaveSettings(ctx, f.admin, blog.SettingsInput{"revisions_kept": "2"}); err != nil {
		t.Fatal(err)
	}
	second.Body = "Third words."
	f.save(t, f.admin, p.ID, second)
	if revs, _ := f.svc.Writing.Revisions(ctx, f.admin, p.ID); len(revs) != 2 || revs[0].Body != "Third words." {
		t.Errorf("with 2 kept: %d revisions", len(revs))
	}
}

func TestScheduling(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	at := f.clock.Now().Add(90 * time.Minute)
	p := f.save(t, f.admin, 0, blog.PostInput{Title: "Later", PublishedAt: at})
	if p.Status != blog.StatusScheduled {
		t.Fatalf("future publish status = %s, want scheduled", p.Status)
	}
	if _, _, err := f.svc.Reading.PostAt(ctx, p.Path); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("scheduled post visible early: %v", err)
	}
	if n, err := f.svc.Writing.PublishDue(ctx); err != nil || n != 0 {
		t.Errorf("PublishDue early = %d, %v", n, err)
	}
	f.clock.Add(90 * time.Minute)
	if n, err := f.svc.Writing.PublishDue(ctx); err != nil || n != 1 {
		t.Errorf("PublishDue on time = %d, %v", n, err)
	}
	if n, _ := f.svc.Writing.PublishDue(ctx); n != 0 {
		t.Errorf("PublishDue published twice")
	}
	got, _, err := f.svc.Reading.PostAt(ctx, p.Path)
	if err != nil || got.Status != blog.StatusPublished || !got.PublishedAt.Equal(at) {
		t.Errorf("after PublishDue = %+v, %v", got, err)
	}
	// The scheduled status needs a date.
	_, err = f.svc.Writing.SavePost(ctx, f.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "No date", Status: blog.StatusScheduled})
	if fieldErrors(t, err)["published_at"] == "" {
		t.Error("scheduling without a date accepted")
	}
}

func TestPermissions(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	author := f.user(t, "Bob Author", blog.RoleAuthor)
	other := f.user(t, "Carol Author", blog.RoleAuthor)
	editor := f.user(t, "Dan Editor", blog.RoleEditor)
	bobs := f.save(t, author, 0, blog.PostInput{Title: "Bob's"})
	if _, err := f.svc.Writing.SavePost(ctx, other, bobs.ID, blog.PostInput{Title: "Hijack", Status: blog.StatusDraft}); !errors.Is(err, blog.ErrForbidden) {
		t.Errorf("other author editing err = %v, want ErrForbidden", err)
	}
	if _, err := f.svc.Writing.Post(ctx, other, bobs.ID); !errors.Is(err, blog.ErrForbidden) {
		t.Errorf("other author reading draft err = %v", err)
	}
	if err := f.svc.Writing.Trash(ctx, other, bobs.ID); !errors.Is(err, blog.ErrForbidden) {
		t.Errorf("other author trashing err = %v", err)
	}
	if _, err := f.svc.Writing.SavePost(ctx, author, bobs.ID, blog.PostInput{Title: "Mine", AuthorID: other.ID, Status: blog.StatusDraft}); !errors.Is(err, blog.ErrForbidden) {
		t.Errorf("author reassigning err = %v", err)
	}
	edited := f.save(t, editor, bobs.ID, blog.PostInput{Title: "Edited by editor", AuthorID: other.ID})
	if edited.AuthorID != other.ID {
		t.Errorf("editor reassigning: author = %d", edited.AuthorID)
	}
	posts, _, _ := f.svc.Writing.AdminPosts(ctx, author, blog.PostFilter{})
	if len(posts) != 0 {
		t.Errorf("author sees %d posts of others", len(posts))
	}
	if _, err := f.svc.Site.SaveSettings(ctx, editor, blog.SettingsInput{"title": "x"}); !errors.Is(err, blog.ErrForbidden) {
		t.Errorf("editor saving settings err = %v", err)
	}
	if _, err := f.svc.Writing.CreateCategory(ctx, author, "X", "", ""); !errors.Is(err, blog.ErrForbidden) {
		t.Errorf("author creating category err = %v", err)
	}
}

func TestTrashRestoreDelete(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	p := f.save(t, f.admin, 0, blog.PostInput{Title: "Doomed"})
	if err := f.svc.Writing.DeleteForever(ctx, f.admin, p.ID); fieldErrors(t, err)["status"] == "" {
		t.Error("deleting a live post accepted")
	}
	if err := f.svc.Writing.Trash(ctx, f.admin, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.Reading.PostAt(ctx, p.Path); !errors.Is(err, blog.ErrNotFound) {
		t.Error("trashed post still public")
	}
	if _, err := f.svc.Writing.SavePost(ctx, f.admin, p.ID, blog.PostInput{Title: "Edit", Status: blog.StatusDraft}); err == nil {
		t.Error("editing a trashed post accepted")
	}
	if err := f.svc.Writing.Restore(ctx, f.admin, p.ID); err != nil {
		t.Fatal(err)
	}
	got, _ := f.svc.Writing.Post(ctx, f.admin, p.ID)
	if got.Status != blog.StatusDraft || !got.TrashedAt.IsZero() {
		t.Errorf("restored = %s, trashed at %v", got.Status, got.TrashedAt)
	}
	f.svc.Writing.Trash(ctx, f.admin, p.ID)
	q := f.save(t, f.admin, 0, blog.PostInput{Title: "Also doomed"})
	f.svc.Writing.Trash(ctx, f.admin, q.ID)
	if err := f.svc.Writing.DeleteForever(ctx, f.admin, q.ID); err != nil {
		t.Fatal(err)
	}
	if n, err := f.svc.Writing.EmptyTrash(ctx, f.admin); err != nil || n != 1 {
		t.Errorf("EmptyTrash = %d, %v", n, err)
	}
	if _, err := f.svc.Writing.Post(ctx, f.admin, p.ID); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("post after EmptyTrash: %v", err)
	}
}

func TestPostAtAndPages(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	p := f.save(t, f.admin, 0, blog.PostInput{Title: "Found", PublishedAt: time.Date(2015, 11, 2, 8, 0, 0, 0, time.UTC)})
	got, redirect, err := f.svc.Reading.PostAt(ctx, "/2015/11/02/found/")
	if err != nil || redirect != "" || got.ID != p.ID {
		t.Fatalf("PostAt canonical = %v, %q, %v", got, redirect, err)
	}
	if _, redirect, _ := f.svc.Reading.PostAt(ctx, "/2014/01/01/found/"); redirect != "/2015/11/02/found/" {
		t.Errorf("PostAt with old date redirect = %q", redirect)
	}
	draft := f.save(t, f.admin, 0, blog.PostInput{Title: "Hidden", Status: blog.StatusDraft})
	if _, _, err := f.svc.Reading.PostAt(ctx, "/2015/11/28/"+draft.Slug+"/"); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("draft visible: %v", err)
	}
	private := f.save(t, f.admin, 0, blog.PostInput{Title: "Private", Status: blog.StatusPrivate})
	if _, _, err := f.svc.Reading.PostAt(ctx, private.Path); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("private visible: %v", err)
	}
	f.save(t, f.admin, 0, blog.PostInput{Kind: blog.KindPage, Title: "About me"})
	if pg, err := f.svc.Reading.Page(ctx, "about-me"); err != nil || pg.Path != "/about-me/" {
		t.Errorf("Page = %v, %v", pg, err)
	}
	// Changing the permalink pattern moves every post.
	if _, err := f.svc.Site.SaveSettings(ctx, f.admin, blog.SettingsInput{"permalink": "/archives/%post_id%/"}); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("/archives/%d/", p.ID)
	if got, redirect, err := f.svc.Reading.PostAt(ctx, want); err != nil || redirect != "" || got.Path != want {
		t.Errorf("PostAt under new pattern = %v, %q, %v", got, redirect, err)
	}
}

func TestListingAndAdjacent(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	if _, err := f.svc.Site.SaveSettings(ctx, f.admin, blog.SettingsInput{"posts_per_page": "2"}); err != nil {
		t.Fatal(err)
	}
	var posts []*blog.Post
	for i := range 5 {
		posts = append(posts, f.save(t, f.admin, 0, blog.PostInput{Title: fmt.Sprint("Post ", i), PublishedAt: time.Date(2015, 1, 1+i, 0, 0, 0, 0, time.UTC)}))
	}
	l, err := f.svc.Reading.Listing(ctx, blog.PostFilter{}, 1)
	if err != nil || l.Pages != 3 || l.Total != 5 || len(l.Posts) != 2 || l.Posts[0].Title != "Post 4" || l.HasPrev() || !l.HasNext() {
		t.Fatalf("Listing(1) = %+v, %v", l, err)
	}
	l, _ = f.svc.Reading.Listing(ctx, blog.PostFilter{}, 3)
	if len(l.Posts) != 1 || l.Posts[0].Title != "Post 0" || l.HasNext() {
		t.Errorf("Listing(3) = %+v", l)
	}
	if _, err := f.svc.Reading.Listing(ctx, blog.PostFilter{}, 4); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("Listing past the end err = %v", err)
	}
	from, to, err := f.svc.Reading.DateRange(2015, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	l, _ = f.svc.Reading.Listing(ctx, blog.PostFilter{From: from, To: to}, 1)
	if len(l.Posts) != 1 || l.Posts[0].Title != "Post 1" {
		t.Errorf("day archive = %+v", l.Posts)
	}
	if _, _, err := f.svc.Reading.DateRange(2015, 2, 30); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("DateRange(Feb 30) err = %v", err)
	}
	older, newer, err := f.svc.Reading.Adjacent(ctx, posts[2])
	if err != nil || older.Title != "Post 1" || newer.Title != "Post 3" {
		t.Errorf("Adjacent = %v, %v, %v", older, newer, err)
	}
	empty, err := f.svc.Reading.Listing(ctx, blog.PostFilter{TermID: 999}, 1)
	if err != nil || len(empty.Posts) != 0 || empty.Pages != 1 {
		t.Errorf("empty listing = %+v, %v", empty, err)
	}
}

func TestImportPostsIsAtomicAndIdempotent(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	ins := []blog.PostInput{
		{Kind: blog.KindPost, Title: "One", Body: "first", Status: blog.StatusPublished, PublishedAt: time.Date(2014, 5, 1, 0, 0, 0, 0, time.UTC), Tags: []string{"a"}},
		{Kind: blog.KindPost, Title: "Two", Slug: "second", Body: "second", Status: blog.StatusDraft},
		{Kind: blog.KindPage, Title: "About", Body: "me", Status: blog.StatusPublished},
	}
	res, err := f.svc.Moving.ImportPosts(ctx, f.admin, ins, nil)
	if err != nil || res.Created != 3 || res.Updated != 0 {
		t.Fatalf("first import = %+v, %v", res, err)
	}
	ins[0].Body = "first, revised"
	res, err = f.svc.Moving.ImportPosts(ctx, f.admin, ins, nil)
	if err != nil || res.Created != 0 || res.Updated != 3 {
		t.Fatalf("second import = %+v, %v", res, err)
	}
	_, total, _ := f.svc.Writing.AdminPosts(ctx, f.admin, blog.PostFilter{})
	if total != 3 {
		t.Errorf("after two imports there are %d items, want 3", total)
	}
	bad := append(ins, blog.PostInput{Kind: blog.KindPost, Title: "Bad", Source: blog.Source{URL: "ftp://nope"}, Status: blog.StatusPublished, Categories: []string{"Created then rolled back"}},
		blog.PostInput{Kind: blog.KindPost, Title: "Never", Status: blog.StatusPublished})
	_, err = f.svc.Moving.ImportPosts(ctx, f.admin, bad, nil)
	var item *blog.ItemError
	if !errors.As(err, &item) || item.Index != 3 {
		t.Fatalf("bad import err = %v, want ItemError at 3", err)
	}
	_, total, _ = f.svc.Writing.AdminPosts(ctx, f.admin, blog.PostFilter{})
	if total != 3 {
		t.Errorf("a failed import left %d items, want 3", total)
	}
	if cats, _ := f.svc.Reading.Terms(ctx, blog.TermCategory); len(cats) != 0 {
		t.Errorf("a failed import left categories %v", cats)
	}
}

func TestSettingsCachedAndSaved(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.svc.Site.SaveSettings(ctx, f.admin, blog.SettingsInput{"title": "New title", "time_zone": "Asia/Tokyo"}); err != nil {
		t.Fatal(err)
	}
	if st := f.svc.Site.Settings(); st.Title != "New title" || st.Location().String() != "Asia/Tokyo" {
		t.Errorf("Settings = %+v", st)
	}
	secret := f.svc.Site.Secret()
	if err := f.svc.Site.ReloadSettings(ctx); err != nil {
		t.Fatal(err)
	}
	if f.svc.Site.Settings().Title != "New title" || string(f.svc.Site.Secret()) != string(secret) || len(secret) != 32 {
		t.Error("settings or secret changed on reload")
	}
}

func TestStickyPostsLeadTheFrontPage(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	f.svc.Site.SaveSettings(ctx, f.admin, blog.SettingsInput{"posts_per_page": "2"})
	for i := range 4 {
		f.save(t, f.admin, 0, blog.PostInput{Title: fmt.Sprint("Post ", i), PublishedAt: time.Date(2015, 1, 1+i, 0, 0, 0, 0, time.UTC), Sticky: i == 0})
	}
	l, err := f.svc.Reading.Listing(ctx, blog.PostFilter{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, p := range l.Posts {
		titles = append(titles, p.Title)
	}
	if strings.Join(titles, ",") != "Post 0,Post 3,Post 2" || l.Pages != 2 {
		t.Errorf("front page 1 = %v (%d pages)", titles, l.Pages)
	}
	l, _ = f.svc.Reading.Listing(ctx, blog.PostFilter{}, 2)
	if len(l.Posts) != 1 || l.Posts[0].Title != "Post 1" {
		t.Errorf("front page 2 = %v", l.Posts)
	}
	// Archives keep plain date order.
	from, to, _ := f.svc.Reading.DateRange(2015, 1, 0)
	l, _ = f.svc.Reading.Listing(ctx, blog.PostFilter{From: from, To: to}, 2)
	if len(l.Posts) != 2 || l.Posts[1].Title != "Post 0" {
		t.Errorf("archive page 2 = %v", l.Posts)
	}
}

// countingHits is a rate store part faked for a unit test: it counts in
// a map, as the stores count in a table.
type countingHits struct {
	blog.Store
	hits map[string]int
}

func (c *countingHits) Hit(_ context.Context, key string, _ time.Time) (int, error) {
	c.hits[key]++
	return c.hits[key], nil
}

// TestSignInLimitCountsInTheRateStore fakes only the rate store part
// under the sign-in limit: ten attempts a minute pass, the eleventh does
// not, per address.
func TestSignInLimitCountsInTheRateStore(t *testing.T) {
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "folio.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fake := &countingHits{Store: st, hits: map[string]int{}}
	svc, err := blog.New(t.Context(), fake, blog.Options{Words: locale.MustLoad(), Renderer: markdown.NewPosts(), Hasher: testkit.Hasher()})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= blog.LoginAttempts+1; i++ {
		ok, err := svc.Accounts.AllowLogin(t.Context(), "192.0.2.9")
		if err != nil || ok != (i <= blog.LoginAttempts) {
			t.Errorf("attempt %d: allowed %v, %v", i, ok, err)
		}
	}
	if ok, _ := svc.Accounts.AllowLogin(t.Context(), "192.0.2.10"); !ok || fake.hits["login:192.0.2.9"] != blog.LoginAttempts+1 {
		t.Errorf("another address is limited too, or the count is off: %v", fake.hits)
	}
}

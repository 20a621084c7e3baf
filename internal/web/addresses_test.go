package web_test

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"folio/internal/blog"
	"folio/internal/store/postgres"
	"folio/internal/store/postgres/pgtest"
	"folio/internal/store/sqlite"
	"folio/internal/wordpress"
)

// onBothStores runs fn on a site on SQLite and on one on PostgreSQL
// (skipped without a test database).
func onBothStores(t *testing.T, fn func(t *testing.T, s *site)) {
	t.Run("sqlite", func(t *testing.T) {
		st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "folio.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		s := startSiteOn(t, st, "", 0)
		s.addAdmin(t)
		fn(t, s)
	})
	t.Run("postgres", func(t *testing.T) {
		st, err := postgres.Open(t.Context(), pgtest.Fresh(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		s := startSiteOn(t, st, "", 0)
		s.addAdmin(t)
		fn(t, s)
	})
}

// movedTo fails unless GET from answers one 301 straight to to, which
// then answers 200.
func movedTo(t *testing.T, b *browser, from, to string) {
	t.Helper()
	r := b.get(from)
	if r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != to {
		t.Errorf("GET %s: %d to %q, want 301 to %s", from, r.StatusCode, r.Header.Get("Location"), to)
		return
	}
	if r := b.get(to); r.StatusCode != http.StatusOK {
		t.Errorf("GET %s (the redirect's target): %d", to, r.StatusCode)
	}
}

// TestEveryOldAddressAnswers renames, redates and recategorises a post,
// changes the permalink pattern and the time zone, imports WordPress's
// plain links, and checks that every address the post ever had answers
// one 301 to where it is now, on both stores; that a new post at an old
// address wins; and that the Redirects screen lists the addresses kept.
func TestEveryOldAddressAnswers(t *testing.T) {
	onBothStores(t, func(t *testing.T, s *site) {
		ctx := t.Context()
		b := s.browser(t)
		save := func(id int64, in blog.PostInput) *blog.Post {
			t.Helper()
			in.Kind, in.Status, in.Body = blog.KindPost, blog.StatusPublished, "Text."
			p, err := s.svc.Writing.SavePost(ctx, s.admin, id, in)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		if _, err := s.svc.Writing.CreateCategory(ctx, s.admin, "Garden", "garden", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.svc.Writing.CreateCategory(ctx, s.admin, "Kitchen", "kitchen", ""); err != nil {
			t.Fatal(err)
		}
		day := time.Date(2015, 11, 20, 9, 0, 0, 0, time.UTC)
		p := save(0, blog.PostInput{Title: "Notes on soil", PublishedAt: day, Categories: []string{"garden"}})
		first := p.Path
		p = save(p.ID, blog.PostInput{Title: "Notes on soil", Slug: "soil", PublishedAt: day, Categories: []string{"garden"}})
		second := p.Path
		p = save(p.ID, blog.PostInput{Title: "Notes on soil", Slug: "soil", PublishedAt: day.AddDate(0, 0, 2), Categories: []string{"garden"}})
		third := p.Path
		if first == second || second == third {
			t.Fatalf("the edits did not move the post: %s, %s, %s", first, second, third)
		}
		for _, old := range []string{first, second} {
			movedTo(t, b, old, third)
		}

		// A pattern with the category, then a move to another category.
		if _, err := s.svc.Site.SaveSettings(ctx, s.admin, blog.SettingsInput{"permalink": "/notes/%category%/%postname%/"}); err != nil {
			t.Fatal(err)
		}
		movedTo(t, b, third, "/notes/garden/soil/")
		save(p.ID, blog.PostInput{Title: "Notes on soil", Slug: "soil", PublishedAt: day.AddDate(0, 0, 2), Categories: []string{"kitchen"}})
		for _, old := range []string{first, second, third, "/notes/garden/soil/"} {
			movedTo(t, b, old, "/notes/kitchen/soil/")
		}
		// A time zone that moves the date of a post near midnight.
		if _, err := s.svc.Site.SaveSettings(ctx, s.admin, blog.SettingsInput{"permalink": blog.DefaultPermalink}); err != nil {
			t.Fatal(err)
		}
		late := save(0, blog.PostInput{Title: "Late", PublishedAt: time.Date(2015, 11, 21, 23, 30, 0, 0, time.UTC)})
		if _, err := s.svc.Site.SaveSettings(ctx, s.admin, blog.SettingsInput{"time_zone": "Europe/Berlin"}); err != nil {
			t.Fatal(err)
		}
		movedTo(t, b, late.Path, "/2015/11/22/late/")
		movedTo(t, b, "/notes/kitchen/soil/", "/2015/11/22/soil/")

		// Off the site, its old addresses answer 404; back, they lead to
		// it again.
		if err := s.svc.Writing.Trash(ctx, s.admin, p.ID); err != nil {
			t.Fatal(err)
		}
		if r := b.get(first); r.StatusCode != http.StatusNotFound {
			t.Errorf("an old address of a trashed post: %d, want 404", r.StatusCode)
		}
		if err := s.svc.Writing.Restore(ctx, s.admin, p.ID); err != nil {
			t.Fatal(err)
		}
		p = save(p.ID, blog.PostInput{Title: "Notes on soil", Slug: "soil", PublishedAt: day.AddDate(0, 0, 2), Categories: []string{"kitchen"}})
		movedTo(t, b, first, p.Path)
		// folio's own ID works as WordPress's plain link does.
		movedTo(t, b, "/?p="+itoa(p.ID), p.Path)

		// A new post published at an old address takes it over.
		taker := save(0, blog.PostInput{Title: "Notes on soil", PublishedAt: day})
		if taker.Path != first {
			t.Fatalf("the new post is at %s, want %s", taker.Path, first)
		}
		if r := b.get(first); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Notes on soil") {
			t.Errorf("the old address now taken by a new post: %d", r.StatusCode)
		}

		// A hand-made redirect to an old address answers in one step.
		if err := s.svc.Site.SaveRedirect(ctx, s.admin, "/soil-notes/", second); err != nil {
			t.Fatal(err)
		}
		movedTo(t, b, "/soil-notes/", p.Path)

		// WordPress's plain links find the item by ID after a rename.
		doc := `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Old</title><wp:wxr_version>1.2</wp:wxr_version>
<item><title>Imported</title><link>https://old.example/imported/</link><dc:creator>ada</dc:creator>
<content:encoded><![CDATA[From the old site.]]></content:encoded><wp:post_id>10</wp:post_id>
<wp:post_date_gmt>2014-03-01 09:00:00</wp:post_date_gmt><wp:post_name>imported</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>
</channel></rss>`
		if _, err := wordpress.Import(ctx, s.svc.Moving, nil, strings.NewReader(doc), wordpress.Options{}); err != nil {
			t.Fatal(err)
		}
		imported, _, err := s.svc.Reading.PostAt(ctx, "/2014/03/01/imported/")
		if err != nil {
			t.Fatal(err)
		}
		renamed := save(imported.ID, blog.PostInput{Title: "Imported", Slug: "from-the-old-site", PublishedAt: imported.PublishedAt})
		for _, old := range []string{"/?p=10", "/imported/", "/2014/03/01/imported/"} {
			movedTo(t, b, old, renamed.Path)
		}

		b.login("ada@example.com", "analytical engine")
		r := b.get("/admin/redirects")
		mustContain(t, "the Redirects screen", r.Body, "Kept automatically", second, "/?p=10", renamed.Path, "Made by hand", "/soil-notes/")
		if strings.Contains(r.Body, "No item has moved yet") || strings.Contains(r.Body, ">"+first+"<") {
			t.Error("the Redirects screen says no item moved, or lists the address a new post took over")
		}
	})
}

// TestNULInAReply sends a reply holding a NUL byte, which PostgreSQL
// refuses and SQLite stores only to break a later copy: on both stores
// the reply is accepted without it, and the site copies and restores.
func TestNULInAReply(t *testing.T) {
	onBothStores(t, func(t *testing.T, s *site) {
		ctx := t.Context()
		if _, err := s.svc.Site.SaveSettings(ctx, s.admin, blog.SettingsInput{"comment_moderation": blog.ModerateApproveAll}); err != nil {
			t.Fatal(err)
		}
		p, err := s.svc.Writing.SavePost(ctx, s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "Talk\x00", Body: "Text.",
			Status: blog.StatusPublished, CommentsOpen: true, PublishedAt: s.clock.Now().Add(-time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		rs := &replySite{site: s, post: p}
		b := s.browser(t)
		r := rs.send(t, b, rs.replyForm(t, b, p.Path), map[string]string{"author": "Nul\x00l", "email": "n@example.com", "comment": "Hello\x00 there"})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("reply with a NUL: %d", r.StatusCode)
		}
		if page := b.get(p.Path); !strings.Contains(page.Body, "Hello there") || strings.ContainsRune(page.Body, 0) {
			t.Errorf("the reply is not shown without its NUL")
		}
	})
}

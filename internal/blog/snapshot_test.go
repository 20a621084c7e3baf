package blog_test

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"folio/internal/blog"
	"folio/internal/locale"
	"folio/internal/markdown"
	"folio/internal/testkit"
)

// TestFrozenReadsAsTheStore checks that a frozen site, which answers
// readers from the published items and approved replies it holds in
// memory, answers every question a build asks as the store does:
// listings of every kind and page, lookups, neighbours, feeds and
// threads, on a site with ties in publication time, sticky posts,
// items not published, pages in menu order and replies whose parent
// is not approved.
func TestFrozenReadsAsTheStore(t *testing.T) {
	defer blog.AnswerFromSnapshots()()
	f := newReplyFixture(t)
	ctx := t.Context()
	if _, err := f.svc.Site.SaveSettings(ctx, f.admin, blog.SettingsInput{"posts_per_page": "3", "feed_items": "4",
		"comment_moderation": blog.ModerateApproveAll, "comments_per_page": "2", "comment_depth": "5"}); err != nil {
		t.Fatal(err)
	}
	bea := f.user(t, "Bea Editor", blog.RoleEditor)
	for _, name := range []string{"Field notes", "Letters"} {
		if _, err := f.svc.Writing.CreateCategory(ctx, f.admin, name, "", ""); err != nil {
			t.Fatal(err)
		}
	}
	day := time.Date(2015, 6, 1, 9, 0, 0, 0, time.UTC)
	var posts []*blog.Post
	for i := range 14 {
		in := blog.PostInput{Title: fmt.Sprintf("Post %02d", i), Body: fmt.Sprintf("Text %d.", i), CommentsOpen: true,
			PublishedAt: day.Add(time.Duration(i/2) * 30 * time.Hour)} // two posts in each second
		switch i % 3 {
		case 0:
			in.Tags, in.Categories = []string{"moss"}, []string{"Field notes"}
		case 1:
			in.Tags, in.Categories = []string{"moss", "fern"}, []string{"Letters"}
		}
		in.Sticky = i == 4 || i == 9
		author := f.admin
		if i%4 == 0 {
			author = bea
		}
		switch i {
		case 6:
			in.Status = blog.StatusDraft
		case 7:
			in.Status = blog.StatusPrivate
		}
		posts = append(posts, f.save(t, author, 0, in))
	}
	for i, title := range []string{"Colophon", "About", "Archive", "Unfinished"} {
		in := blog.PostInput{Kind: blog.KindPage, Title: title, Body: title + ".", MenuOrder: []int{2, 1, 1, 0}[i]}
		if title == "Unfinished" {
			in.Status = blog.StatusDraft
		}
		f.save(t, f.admin, 0, in)
	}
	// A thread: a top-level reply with answers three deep, a second
	// whose answer stays when it goes to spam, and one more on another
	// post.
	open := posts[13]
	reply := func(post *blog.Post, parent int64, body string) *blog.Comment {
		in := reader("Reader", body)
		in.PostID, in.ParentID = post.ID, parent
		return f.mustSubmit(t, in)
	}
	a := reply(open, 0, "first")
	b := reply(open, a.ID, "answer")
	reply(open, b.ID, "deeper")
	d := reply(open, 0, "second")
	reply(open, d.ID, "answer to the second")
	reply(open, 0, "third")
	if err := f.svc.Discussion.ModerateComment(ctx, f.admin, d.ID, blog.ActionSpam); err != nil {
		t.Fatal(err)
	}
	reply(posts[12], 0, "elsewhere")

	frozen := func(t *testing.T) *blog.Services {
		svc, err := blog.New(ctx, f.store, blog.Options{Words: locale.MustLoad(), Now: f.clock.Now, Renderer: markdown.NewPosts(),
			CommentRenderer: markdown.NewComments(), Hasher: testkit.Hasher(), Frozen: true})
		if err != nil {
			t.Fatal(err)
		}
		return svc
	}
	same := func(t *testing.T, what string, live func(*blog.Services) (any, error), svc *blog.Services) {
		t.Helper()
		want, wantErr := live(f.svc)
		got, gotErr := live(svc)
		if !errors.Is(gotErr, wantErr) && fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Errorf("%s: frozen err = %v, store err = %v", what, gotErr, wantErr)
		}
		asShown(reflect.ValueOf(want))
		asShown(reflect.ValueOf(got))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\nfrozen %s\nstore  %s", what, describe(got), describe(want))
		}
	}
	svc := frozen(t)
	moss, _ := f.svc.Reading.Term(ctx, blog.TermTag, "moss")
	fern, _ := f.svc.Reading.Term(ctx, blog.TermTag, "fern")
	letters, _ := f.svc.Reading.Term(ctx, blog.TermCategory, "letters")
	filters := map[string]blog.PostFilter{
		"front":          {},
		"tag":            {TermID: moss.ID},
		"category":       {TermID: letters.ID},
		"two terms":      {TermID: moss.ID, AlsoTermID: letters.ID},
		"writer":         {AuthorID: bea.ID},
		"day":            {From: day.Add(30 * time.Hour), To: day.Add(54 * time.Hour)},
		"month":          {From: day, To: day.AddDate(0, 1, 0)},
		"tag in a month": {TermID: fern.ID, From: day.Add(48 * time.Hour), To: day.AddDate(0, 1, 0)},
		"empty":          {From: day.AddDate(-1, 0, 0), To: day.AddDate(-1, 0, 1)},
	}
	for name, pf := range filters {
		for page := range 7 {
			same(t, fmt.Sprintf("Listing %s page %d", name, page), func(s *blog.Services) (any, error) {
				return s.Reading.Listing(ctx, pf, page)
			}, svc)
		}
		same(t, "FeedPosts "+name, func(s *blog.Services) (any, error) { return s.Reading.FeedPosts(ctx, pf) }, svc)
	}
	same(t, "SitemapPosts", func(s *blog.Services) (any, error) { return s.Reading.SitemapPosts(ctx) }, svc)
	same(t, "Pages", func(s *blog.Services) (any, error) { return s.Reading.Pages(ctx) }, svc)
	same(t, "Recent", func(s *blog.Services) (any, error) { return s.Reading.Recent(ctx, 5) }, svc)
	same(t, "RecentComments", func(s *blog.Services) (any, error) { return s.Reading.RecentComments(ctx, 0) }, svc)
	for _, slug := range []string{"about", "Colophon", "unfinished", "nowhere"} {
		same(t, "Page "+slug, func(s *blog.Services) (any, error) { return s.Reading.Page(ctx, slug) }, svc)
	}
	for _, p := range posts {
		same(t, "PostAt "+p.Path, func(s *blog.Services) (any, error) {
			q, moved, err := s.Reading.PostAt(ctx, p.Path)
			return []any{q, moved}, err
		}, svc)
		same(t, "PublicPost "+p.Title, func(s *blog.Services) (any, error) { return s.Reading.PublicPost(ctx, p.ID) }, svc)
		same(t, "Adjacent "+p.Title, func(s *blog.Services) (any, error) {
			older, newer, err := s.Reading.Adjacent(ctx, p)
			return []*blog.Post{older, newer}, err
		}, svc)
		same(t, "RecentComments "+p.Title, func(s *blog.Services) (any, error) { return s.Reading.RecentComments(ctx, p.ID) }, svc)
	}
	for _, newest := range []string{"false", "true"} {
		if _, err := f.svc.Site.SaveSettings(ctx, f.admin, blog.SettingsInput{"comment_newest_first": newest}); err != nil {
			t.Fatal(err)
		}
		svc := frozen(t)
		for _, p := range posts[12:] {
			for page := range 4 {
				same(t, fmt.Sprintf("Thread %s page %d, newest first %s", p.Title, page, newest), func(s *blog.Services) (any, error) {
					return s.Discussion.Thread(ctx, p, page, nil)
				}, svc)
			}
		}
	}
}

// asShown drops from every post and reply v holds what a build's
// snapshot leaves out (no page shows it), so that answers compare on
// what pages show.
func asShown(v reflect.Value) {
	switch v.Kind() {
	case reflect.Interface:
		asShown(v.Elem())
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		switch x := v.Interface().(type) {
		case *blog.Post:
			blog.Shown(x)
		case *blog.Comment:
			blog.ShownReply(x)
		}
		asShown(v.Elem())
	case reflect.Slice:
		for i := range v.Len() {
			asShown(v.Index(i))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				asShown(v.Field(i))
			}
		}
	}
}

// describe prints what a reading returned, following pointers.
func describe(v any) string {
	switch v := v.(type) {
	case *blog.Listing:
		if v == nil {
			return "nil"
		}
		return fmt.Sprintf("page %d/%d of %d: %s", v.Page, v.Pages, v.Total, describe(v.Posts))
	case []*blog.Post:
		s := ""
		for _, p := range v {
			if p == nil {
				s += "nil "
				continue
			}
			s += fmt.Sprintf("%q ", p.Title)
		}
		return s
	}
	return fmt.Sprintf("%+v", v)
}

// TestFrozenWholeListingsBeforeTheSnapshot checks that a frozen site
// answers a whole listing asked again before its snapshot answers (a
// build after one edit asks for every published item for its seeds and
// for each sitemap page) as the store does, however a caller changed
// the answer before.
func TestFrozenWholeListingsBeforeTheSnapshot(t *testing.T) {
	f := newReplyFixture(t)
	ctx := t.Context()
	for i := range 3 {
		f.save(t, f.admin, 0, blog.PostInput{Title: fmt.Sprintf("Whole %d", i), Body: "Text.", Tags: []string{"moss"},
			PublishedAt: f.clock.Now().Add(-time.Duration(i+2) * time.Hour)})
	}
	svc, err := blog.New(ctx, f.store, blog.Options{Words: locale.MustLoad(), Now: f.clock.Now, Renderer: markdown.NewPosts(),
		CommentRenderer: markdown.NewComments(), Hasher: testkit.Hasher(), Frozen: true})
	if err != nil {
		t.Fatal(err)
	}
	want, err := f.svc.Reading.SitemapPosts(ctx)
	if err != nil || len(want) < 3 {
		t.Fatalf("store: %d posts, %v", len(want), err)
	}
	for range 3 {
		got, err := svc.Reading.SitemapPosts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("frozen %s\nstore  %s", describe(got), describe(want))
		}
		got[0].Title, got[0].Path = "changed by a caller", "/elsewhere/"
	}
}

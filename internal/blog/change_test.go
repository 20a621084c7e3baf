package blog_test

import (
	"fmt"
	"testing"
	"time"

	"folio/internal/blog"
)

// TestWritesReportWhatChanged checks the change each kind of write
// reports: exactly the posts whose pages show it, lists only when a post
// moved between them, everything for site-wide writes, and nothing for
// writes readers cannot see.
func TestWritesReportWhatChanged(t *testing.T) {
	f := newReplyFixture(t)
	ctx := t.Context()
	start := f.clock.Now()
	post := func(title string, daysAgo int) *blog.Post {
		return f.save(t, f.admin, 0, blog.PostInput{Title: title, Body: "Text.", CommentsOpen: true, Tags: []string{"garden"},
			PublishedAt: start.Add(-time.Duration(daysAgo) * 24 * time.Hour)})
	}
	a, b := post("Oldest", 30), post("Middle", 20)
	post("Newer", 10)
	// f.post, published an hour ago, is the newest.
	page := f.save(t, f.admin, 0, blog.PostInput{Kind: blog.KindPage, Title: "About", Body: "Me."})
	var draft *blog.Post
	var reply *blog.Comment

	noChange := blog.Change{}
	is := func(c blog.Change) func() blog.Change { return func() blog.Change { return c } }
	tests := []struct {
		name  string
		write func() error
		want  func() blog.Change // after the write: some IDs are known only then
	}{
		{"edit a post's text", func() error {
			_, err := f.svc.Writing.SavePost(ctx, f.admin, b.ID, blog.PostInput{Kind: blog.KindPost, Title: "Middle, edited", Body: "More.",
				Status: blog.StatusPublished, Tags: []string{"garden"}, PublishedAt: b.PublishedAt, CommentsOpen: true})
			return err
		}, is(blog.Change{Posts: []int64{b.ID}, Words: true})},
		{"retag a post", func() error {
			_, err := f.svc.Writing.SavePost(ctx, f.admin, b.ID, blog.PostInput{Kind: blog.KindPost, Title: "Middle, edited", Body: "More.",
				Status: blog.StatusPublished, Tags: []string{"orchard"}, PublishedAt: b.PublishedAt, CommentsOpen: true})
			return err
		}, is(blog.Change{Posts: []int64{b.ID}, Listings: true, Words: true})}, // the same neighbours
		{"save a draft", func() (err error) {
			draft, err = f.svc.Writing.SavePost(ctx, f.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "Draft", Body: "Unseen.", Status: blog.StatusDraft})
			return err
		}, is(noChange)},
		{"publish the draft as the newest", func() error {
			_, err := f.svc.Writing.SavePost(ctx, f.admin, draft.ID, blog.PostInput{Kind: blog.KindPost, Title: "Draft", Body: "Seen.", Status: blog.StatusPublished})
			return err
		}, func() blog.Change {
			return blog.Change{Posts: []int64{f.post.ID, draft.ID}, Listings: true, Words: true}
		}},
		{"trash the oldest", func() error { return f.svc.Writing.Trash(ctx, f.admin, a.ID) }, is(blog.Change{Posts: []int64{a.ID, b.ID}, Listings: true, Words: true})},
		{"restore it as a draft", func() error { return f.svc.Writing.Restore(ctx, f.admin, a.ID) }, is(noChange)},
		{"edit a page, listed in the menu", func() error {
			_, err := f.svc.Writing.SavePost(ctx, f.admin, page.ID, blog.PostInput{Kind: blog.KindPage, Title: "About me", Body: "Me.", Status: blog.StatusPublished})
			return err
		}, is(blog.Change{All: true})},
		{"a held reply", func() (err error) {
			reply, err = f.submit(t, reader("Reader", "First words."))
			return err
		}, is(noChange)},
		{"approve it", func() error { return f.svc.Discussion.ModerateComment(ctx, f.admin, reply.ID, blog.ActionApprove) },
			is(blog.Change{Posts: []int64{f.post.ID}, Replies: true})},
		{"mark a held reply as spam", func() error {
			r, err := f.submit(t, reader("Spammer", "Buy things."))
			if err != nil {
				return err
			}
			f.last = blog.Change{}
			return f.svc.Discussion.ModerateComment(ctx, f.admin, r.ID, blog.ActionSpam)
		}, is(noChange)},
		{"change a setting", func() error {
			_, err := f.svc.Site.SaveSettings(ctx, f.admin, blog.SettingsInput{"title": "Renamed"})
			return err
		}, is(blog.Change{All: true})},
		{"a scheduled post goes live", func() error {
			p := f.save(t, f.admin, 0, blog.PostInput{Title: "Later", Body: "Soon.", PublishedAt: start.Add(time.Hour)})
			if p.Status != blog.StatusScheduled {
				return fmt.Errorf("status %s, want scheduled", p.Status)
			}
			f.last = blog.Change{}
			f.clock.Add(2 * time.Hour)
			n, err := f.svc.Writing.PublishDue(ctx)
			if n != 1 {
				return fmt.Errorf("published %d", n)
			}
			return err
		}, func() blog.Change {
			// The new post and the one shown before it.
			newest, err := f.svc.Reading.Listing(ctx, blog.PostFilter{}, 1)
			if err != nil {
				t.Fatal(err)
			}
			return blog.Change{Posts: []int64{draft.ID, newest.Posts[0].ID}, Listings: true, Words: true}
		}},
	}
	for _, tt := range tests {
		f.last = blog.Change{}
		if err := tt.write(); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		want := tt.want()
		if fmt.Sprint(f.last) != fmt.Sprint(want.Merge(blog.Change{})) {
			t.Errorf("%s: change %+v, want %+v", tt.name, f.last, want)
		}
	}
}

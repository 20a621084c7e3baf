package storetest

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"folio/internal/blog"
)

func newComment(post *blog.Post, name string, status blog.CommentStatus, at time.Time) *blog.Comment {
	return &blog.Comment{PostID: post.ID, Kind: blog.CommentKindComment, Status: status, AuthorName: name,
		AuthorEmail: name + "@example.com", AuthorURL: "https://" + name + ".example", IP: "192.0.2.1", UserAgent: "UA",
		Body: "text by " + name, BodyHTML: "<p>text by " + name + "</p>", CreatedAt: at, UpdatedAt: at, StatusAt: at}
}

func mustComment(t *testing.T, st blog.Store, c *blog.Comment) *blog.Comment {
	t.Helper()
	if err := st.CreateComment(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	return c
}

func testComments(t *testing.T, st blog.Store) {
	ctx := t.Context()
	u := mustUser(t, st, "c@example.com")
	post := mustPost(t, st, newPost(u, "with-replies", t0, blog.StatusPublished))
	other := mustPost(t, st, newPost(u, "other", t0, blog.StatusPublished))
	a := mustComment(t, st, newComment(post, "ann", blog.CommentApproved, t0))
	b := newComment(post, "bob", blog.CommentPending, t0.Add(time.Minute))
	b.ParentID, b.Depth, b.Notify, b.UserID, b.PrevStatus = a.ID, 1, true, u.ID, blog.CommentApproved
	mustComment(t, st, b)
	mustComment(t, st, newComment(other, "cat", blog.CommentSpam, t0.Add(2*time.Minute)))

	got, err := st.Comment(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ParentID != a.ID || got.Depth != 1 || !got.Notify || got.UserID != u.ID || got.AuthorURL != b.AuthorURL ||
		got.PrevStatus != blog.CommentApproved || got.PostTitle != post.Title || !got.CreatedAt.Equal(b.CreatedAt) {
		t.Errorf("Comment = %+v, want %+v", got, b)
	}
	if _, err := st.Comment(ctx, 999); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("Comment(999) err = %v", err)
	}
	tests := []struct {
		name string
		f    blog.CommentFilter
		want []string
	}{
		{"post", blog.CommentFilter{PostID: post.ID}, []string{"ann", "bob"}},
		{"newest first", blog.CommentFilter{PostID: post.ID, NewestFirst: true}, []string{"bob", "ann"}},
		{"status", blog.CommentFilter{Statuses: []blog.CommentStatus{blog.CommentSpam, blog.CommentPending}}, []string{"bob", "cat"}},
		{"email", blog.CommentFilter{Email: "ann@example.com"}, []string{"ann"}},
		{"body", blog.CommentFilter{Body: "text by cat"}, []string{"cat"}},
		{"search", blog.CommentFilter{Search: "BOB"}, []string{"bob"}},
		{"search escapes", blog.CommentFilter{Search: "_"}, nil},
		{"ip", blog.CommentFilter{IP: "192.0.2.1", Limit: 1, Offset: 1}, []string{"bob"}},
		{"since", blog.CommentFilter{Since: t0.Add(time.Minute)}, []string{"bob", "cat"}},
		{"ids", blog.CommentFilter{IDs: []int64{a.ID, 12345}}, []string{"ann"}},
	}
	for _, tt := range tests {
		list, err := st.Comments(ctx, tt.f)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		var names []string
		for _, c := range list {
			names = append(names, c.AuthorName)
		}
		if fmt.Sprint(names) != fmt.Sprint(tt.want) {
			t.Errorf("%s: Comments = %v, want %v", tt.name, names, tt.want)
		}
		f := tt.f
		f.Limit, f.Offset = 0, 0
		all, _ := st.Comments(ctx, f)
		if found, _ := st.AnyComment(ctx, f); found != (len(all) > 0) {
			t.Errorf("%s: AnyComment = %v with %d matching", tt.name, found, len(all))
		}
		if n, _ := st.CountComments(ctx, f); n != len(all) {
			t.Errorf("%s: CountComments = %d, want %d", tt.name, n, len(all))
		}
	}
	counts, err := st.CommentCounts(ctx, 0)
	if err != nil || counts[blog.CommentApproved] != 1 || counts[blog.CommentPending] != 1 || counts[blog.CommentSpam] != 1 {
		t.Errorf("CommentCounts(all) = %v, %v", counts, err)
	}
	if counts, _ := st.CommentCounts(ctx, other.ID); counts[blog.CommentSpam] != 1 || len(counts) != 1 {
		t.Errorf("CommentCounts(other) = %v", counts)
	}

	if err := st.AddCommentCount(ctx, post.ID, 1); err != nil {
		t.Fatal(err)
	}
	if p, _ := st.Post(ctx, post.ID); p.CommentCount != 1 {
		t.Errorf("CommentCount = %d, want 1", p.CommentCount)
	}
	b.Status = blog.CommentApproved
	b.Body = "edited"
	if err := st.UpdateComment(ctx, b); err != nil {
		t.Fatal(err)
	}
	st.AddCommentCount(ctx, post.ID, 1)
	if p, _ := st.Post(ctx, post.ID); p.CommentCount != 2 {
		t.Errorf("CommentCount after approval = %d, want 2", p.CommentCount)
	}
	// Updating a post leaves its reply count alone.
	p, _ := st.Post(ctx, post.ID)
	p.Title = "Renamed"
	if err := st.UpdatePost(ctx, p); err != nil {
		t.Fatal(err)
	}
	if p, _ := st.Post(ctx, post.ID); p.CommentCount != 2 {
		t.Errorf("UpdatePost reset CommentCount to %d", p.CommentCount)
	}

	if err := st.ReparentComments(ctx, a.ID, 0); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Comment(ctx, b.ID); got.ParentID != 0 || got.Depth != 0 {
		t.Errorf("after ReparentComments = parent %d depth %d", got.ParentID, got.Depth)
	}
	if err := st.DeleteComment(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteComment(ctx, a.ID); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("second delete err = %v", err)
	}
	// Deleting a post deletes its replies.
	if err := st.DeletePost(ctx, other.ID); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.CountComments(ctx, blog.CommentFilter{PostID: other.ID}); n != 0 {
		t.Errorf("%d replies outlived their post", n)
	}
}

func testCommentPurge(t *testing.T, st blog.Store) {
	ctx := t.Context()
	u := mustUser(t, st, "p@example.com")
	post := mustPost(t, st, newPost(u, "purge", t0, blog.StatusPublished))
	old := mustComment(t, st, newComment(post, "old", blog.CommentTrash, t0))
	child := newComment(post, "child", blog.CommentApproved, t0.Add(time.Hour))
	child.ParentID, child.Depth = old.ID, 1
	mustComment(t, st, child)
	fresh := mustComment(t, st, newComment(post, "fresh", blog.CommentSpam, t0.Add(48*time.Hour)))
	n, err := st.DeleteCommentsBefore(ctx, []blog.CommentStatus{blog.CommentSpam, blog.CommentTrash}, t0.Add(24*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("DeleteCommentsBefore = %v, %v", n, err)
	}
	if _, err := st.DeleteCommentsBefore(ctx, []blog.CommentStatus{blog.CommentApproved}, t0); err == nil {
		t.Error("DeleteCommentsBefore accepted approved replies")
	}
	if _, err := st.Comment(ctx, old.ID); !errors.Is(err, blog.ErrNotFound) {
		t.Error("old trash survived")
	}
	if _, err := st.Comment(ctx, fresh.ID); err != nil {
		t.Error("fresh spam was deleted")
	}
	if c, _ := st.Comment(ctx, child.ID); c.ParentID != 0 || c.Depth != 0 {
		t.Errorf("answer to a purged reply: parent %d depth %d", c.ParentID, c.Depth)
	}
	n, err = st.ClearCommentMeta(ctx, t0.Add(2*time.Hour))
	if err != nil || n != 1 {
		t.Errorf("ClearCommentMeta = %d, %v", n, err)
	}
	if c, _ := st.Comment(ctx, child.ID); c.IP != "" || c.UserAgent != "" {
		t.Errorf("metadata kept: %q %q", c.IP, c.UserAgent)
	}
	if c, _ := st.Comment(ctx, fresh.ID); c.IP == "" {
		t.Error("newer metadata was cleared")
	}
}

// testThreadPage pages a post's thread by its top-level replies, with
// every approved answer under them, orphans of replies that are not
// approved counted as top-level, and held replies left out.
func testThreadPage(t *testing.T, st blog.Store) {
	ctx := t.Context()
	u := mustUser(t, st, "t@example.com")
	p := mustPost(t, st, newPost(u, "threads", t0, blog.StatusPublished))
	add := func(name string, status blog.CommentStatus, parent *blog.Comment) *blog.Comment {
		c := newComment(p, name, status, t0)
		if parent != nil {
			c.ParentID, c.Depth = parent.ID, parent.Depth+1
		}
		return mustComment(t, st, c)
	}
	a := add("a", blog.CommentApproved, nil)
	a1 := add("a1", blog.CommentApproved, a)
	add("a1x", blog.CommentApproved, a1)
	add("held", blog.CommentPending, a)
	add("b", blog.CommentApproved, nil)
	add("orphan", blog.CommentApproved, add("spam", blog.CommentSpam, nil))
	add("c", blog.CommentApproved, nil)
	names := func(list []*blog.Comment) string {
		var out []string
		for _, c := range list {
			out = append(out, c.AuthorName)
		}
		return strings.Join(out, " ")
	}
	tests := []struct {
		newest        bool
		limit, offset int
		want          string
	}{
		{false, 2, 0, "a a1 a1x b"},
		{false, 2, 2, "orphan c"},
		{true, 2, 0, "orphan c"},
		{true, 2, 2, "a a1 a1x b"},
		{false, 10, 0, "a a1 a1x b orphan c"},
	}
	for _, tt := range tests {
		list, total, err := st.ThreadPage(ctx, p.ID, tt.newest, tt.limit, tt.offset)
		if err != nil || total != 4 || names(list) != tt.want {
			t.Errorf("ThreadPage(newest %v, %d, %d) = %q, %d top-level, %v; want %q, 4", tt.newest, tt.limit, tt.offset, names(list), total, err, tt.want)
		}
	}
}

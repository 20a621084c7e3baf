package storetest

import (
	"errors"
	"testing"
	"time"

	"folio/internal/blog"
)

// testMentions: a mention is stored once per source and target (a
// re-sent one keeps its ID), comes due at its time, is counted by kind
// once verified, and goes with its post; a post's links keep when they
// were sent across updates and come due in order.
func testMentions(t *testing.T, st blog.Store) {
	ctx := t.Context()
	u := mustUser(t, st, "ada@example.com")
	p := mustPost(t, st, newPost(u, "mentioned", t0, blog.StatusPublished))
	m := &blog.Mention{Source: "https://a.example/reply", Target: "https://blog.example/mentioned/", PostID: p.ID, ReceivedAt: t0, NextAt: t0}
	if err := st.PutMention(ctx, m); err != nil || m.ID == 0 {
		t.Fatalf("put: %v", err)
	}
	first := m.ID
	m.Kind, m.VerifiedAt, m.NextAt, m.AuthorName = blog.MentionLike, t0.Add(time.Minute), time.Time{}, "Pia"
	if err := st.PutMention(ctx, m); err != nil || m.ID != first {
		t.Fatalf("update: id %d, %v", m.ID, err)
	}
	again := &blog.Mention{Source: m.Source, Target: m.Target, PostID: p.ID, ReceivedAt: t0, NextAt: t0.Add(time.Hour)}
	if err := st.PutMention(ctx, again); err != nil || again.ID != first {
		t.Fatalf("the same source again: id %d (first %d), %v", again.ID, first, err)
	}
	if due, _ := st.DueMentions(ctx, t0.Add(30*time.Minute), 10); len(due) != 0 {
		t.Errorf("due before its time: %d", len(due))
	}
	if due, _ := st.DueMentions(ctx, t0.Add(2*time.Hour), 10); len(due) != 1 || due[0].Source != m.Source {
		t.Errorf("due: %+v", due)
	}
	other := &blog.Mention{Source: "https://b.example/repost", Target: m.Target, PostID: p.ID, Kind: blog.MentionRepost, ReceivedAt: t0, VerifiedAt: t0}
	if err := st.PutMention(ctx, other); err != nil {
		t.Fatal(err)
	}
	if counts, err := st.MentionCounts(ctx, p.ID); err != nil || counts[blog.MentionRepost] != 1 || counts[blog.MentionLike] != 0 {
		t.Errorf("counts (the like is unverified again): %v %v", counts, err)
	}
	if recent, err := st.RecentMentions(ctx, 5); err != nil || len(recent) != 1 || recent[0].Kind != blog.MentionRepost || recent[0].PostTitle != p.Title {
		t.Errorf("recent (the verified repost only): %+v %v", recent, err)
	}
	if got, err := st.MentionBySource(ctx, other.Source, other.Target); err != nil || got.Kind != blog.MentionRepost {
		t.Errorf("by source: %+v %v", got, err)
	}
	if err := st.DeleteMention(ctx, other.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.MentionBySource(ctx, other.Source, other.Target); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("a deleted mention: %v", err)
	}

	l := &blog.PostLink{PostID: p.ID, Target: "https://c.example/essay", NextAt: t0}
	if err := st.PutPostLink(ctx, l); err != nil {
		t.Fatal(err)
	}
	l.SentAt, l.NextAt = t0.Add(time.Minute), time.Time{}
	st.PutPostLink(ctx, l)
	// The post is saved again: due once more, still known as sent.
	if err := st.PutPostLink(ctx, &blog.PostLink{PostID: p.ID, Target: l.Target, NextAt: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	links, _ := st.PostLinks(ctx, p.ID)
	if len(links) != 1 || !links[0].SentAt.Equal(t0.Add(time.Minute)) || !links[0].NextAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("links: %+v", links)
	}
	if due, _ := st.DueLinks(ctx, t0.Add(2*time.Hour), 10); len(due) != 1 {
		t.Errorf("due links: %+v", due)
	}
	if err := st.DeletePostLink(ctx, p.ID, l.Target); err != nil {
		t.Fatal(err)
	}
	if err := st.DeletePost(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.MentionBySource(ctx, m.Source, m.Target); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("a deleted post's mention: %v", err)
	}
}

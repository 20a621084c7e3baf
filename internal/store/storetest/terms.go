package storetest

import (
	"errors"
	"testing"

	"folio/internal/blog"
)

func testTerms(t *testing.T, st blog.Store) {
	ctx := t.Context()
	u := mustUser(t, st, "t@example.com")
	parent := &blog.Term{Kind: blog.TermCategory, Name: "Essays", Slug: "essays", Description: "Long ones"}
	if err := st.CreateTerm(ctx, parent); err != nil {
		t.Fatal(err)
	}
	child := &blog.Term{Kind: blog.TermCategory, Name: "Short essays", Slug: "short", ParentID: parent.ID}
	if err := st.CreateTerm(ctx, child); err != nil {
		t.Fatal(err)
	}
	tag := &blog.Term{Kind: blog.TermTag, Name: "Essays", Slug: "essays"}
	if err := st.CreateTerm(ctx, tag); err != nil {
		t.Errorf("a tag may share a category's slug: %v", err)
	}
	if err := st.CreateTerm(ctx, &blog.Term{Kind: blog.TermCategory, Name: "Again", Slug: "essays"}); !errors.Is(err, blog.ErrConflict) {
		t.Errorf("duplicate category slug err = %v, want ErrConflict", err)
	}
	got, err := st.TermBySlug(ctx, blog.TermCategory, "short")
	if err != nil || got.ParentID != parent.ID || got.Name != "Short essays" {
		t.Errorf("TermBySlug = %+v, %v", got, err)
	}
	pub := mustPost(t, st, newPost(u, "pub", t0, blog.StatusPublished))
	draft := mustPost(t, st, newPost(u, "draft", t0, blog.StatusDraft))
	for _, p := range []*blog.Post{pub, draft} {
		if err := st.SetPostTerms(ctx, p.ID, []int64{child.ID, parent.ID, tag.ID}); err != nil {
			t.Fatal(err)
		}
	}
	p, _ := st.Post(ctx, pub.ID)
	if len(p.Categories) != 2 || p.Categories[0].Slug != "short" || p.Categories[1].Slug != "essays" || len(p.Tags) != 1 {
		t.Errorf("post terms = %v / %v, want categories in the order set", p.Categories, p.Tags)
	}
	cats, err := st.Terms(ctx, blog.TermCategory)
	if err != nil || len(cats) != 2 || cats[0].Name != "Essays" || cats[0].Count != 1 || cats[0].Description != "Long ones" {
		t.Errorf("Terms = %+v, %v (counts include published posts only)", cats, err)
	}
	if names, err := st.TermNames(ctx, blog.TermCategory); err != nil || len(names) != 2 || names[0] != (blog.Term{ID: cats[0].ID, Kind: blog.TermCategory,
		Name: "Essays", Slug: cats[0].Slug, Description: "Long ones", ParentID: cats[0].ParentID}) {
		t.Errorf("TermNames = %+v, %v, want the terms of Terms without counts", names, err)
	}
	parent.Name = "Long essays"
	if err := st.UpdateTerm(ctx, parent); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteTerm(ctx, child.ID); err != nil {
		t.Fatal(err)
	}
	p, _ = st.Post(ctx, pub.ID)
	if len(p.Categories) != 1 || p.Categories[0].Name != "Long essays" {
		t.Errorf("after update and delete, categories = %v", p.Categories)
	}
	if err := st.SetPostTerms(ctx, pub.ID, nil); err != nil {
		t.Fatal(err)
	}
	p, _ = st.Post(ctx, pub.ID)
	if len(p.Categories)+len(p.Tags) != 0 {
		t.Errorf("SetPostTerms(nil) left %v %v", p.Categories, p.Tags)
	}
}

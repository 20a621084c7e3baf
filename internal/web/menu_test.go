package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"folio/internal/blog"
)

// TestMenuEditor replaces "every published page" in the header with a
// menu made in the admin: a page, a category and a link elsewhere, one
// nested under another, in the order the numbers give; a bad address is
// refused with the rows as typed; going back lists the pages again.
func TestMenuEditor(t *testing.T) {
	s := newSiteWithAdmin(t)
	ctx := t.Context()
	if _, err := s.svc.Writing.SavePost(ctx, s.admin, 0, blog.PostInput{Kind: blog.KindPage, Title: "About", Body: "Me.", Status: blog.StatusPublished}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.Writing.CreateCategory(ctx, s.admin, "Birds", "", ""); err != nil {
		t.Fatal(err)
	}
	b, reader := s.browser(t), s.browser(t)
	b.login("ada@example.com", "analytical engine")
	mustContain(t, "the header before", reader.get("/").Body, `<a href="/about/">About</a>`)
	form := url.Values{"csrf_token": {b.csrf("/admin/menu")},
		"order_0": {"2"}, "label_0": {"About me"}, "url_0": {"/about/"}, "under_0": {"-1"},
		"order_1": {"1"}, "label_1": {"Birds"}, "url_1": {"/category/birds/"}, "under_1": {"-1"},
		"order_2": {"3"}, "label_2": {"Elsewhere"}, "url_2": {"https://example.org/"}, "under_2": {"0"},
		"order_3": {"4"}, "label_3": {""}, "url_3": {""}, "under_3": {"-1"}}
	if r := b.post("/admin/menu", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save the menu: %d\n%s", r.StatusCode, r.Body)
	}
	home := reader.get("/").Body
	birds, about := strings.Index(home, `<a href="/category/birds/">Birds</a>`), strings.Index(home, `<a href="/about/">About me</a>`)
	if birds < 0 || about < 0 || birds > about || !strings.Contains(home, `<ul class="site-subnav"><li><a href="https://example.org/">Elsewhere</a></li></ul>`) {
		t.Errorf("the header does not show the menu in order, nested")
	}
	form.Set("url_2", "javascript:alert(1)")
	form.Set("csrf_token", b.csrf("/admin/menu"))
	if r := b.post("/admin/menu", form); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "is not an address") ||
		!strings.Contains(r.Body, `value="About me"`) {
		t.Errorf("a bad address: %d", r.StatusCode)
	}
	if r := b.post("/admin/menu/reset", url.Values{"csrf_token": {b.csrf("/admin/menu")}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset: %d", r.StatusCode)
	}
	mustContain(t, "the header after the reset", reader.get("/").Body, `<a href="/about/">About</a>`)
}

// TestPageOrder: pages go by their order, then title, in the default
// menu and the admin's list of pages, and the editor refuses an order
// that is not a whole number in range.
func TestPageOrder(t *testing.T) {
	s := newSiteWithAdmin(t)
	ctx := t.Context()
	for _, p := range []struct {
		title string
		order int
	}{{"Zeta", 1}, {"Alpha", 2}, {"Beta", 1}} {
		if _, err := s.svc.Writing.SavePost(ctx, s.admin, 0, blog.PostInput{Kind: blog.KindPage, Title: p.title, Body: "Text.",
			Status: blog.StatusPublished, MenuOrder: p.order}); err != nil {
			t.Fatal(err)
		}
	}
	inOrder := func(what, body string) {
		t.Helper()
		b, z, a := strings.Index(body, ">Beta<"), strings.Index(body, ">Zeta<"), strings.Index(body, ">Alpha<")
		if b < 0 || !(b < z && z < a) {
			t.Errorf("%s: Beta at %d, Zeta at %d, Alpha at %d; want them in that order", what, b, z, a)
		}
	}
	inOrder("the default menu", s.browser(t).get("/").Body)
	admin := s.browser(t)
	admin.login("ada@example.com", "analytical engine")
	inOrder("the admin's pages", admin.get("/admin/posts?kind=page").Body)
	for _, order := range []string{"first", "1000001"} {
		r := admin.post("/admin/posts", url.Values{"csrf_token": {admin.csrf("/admin/posts/new?kind=page")}, "kind": {"page"}, "title": {"Gamma"},
			"body": {"Text."}, "menu_order": {order}, "action": {"draft"}})
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "whole number") || !strings.Contains(r.Body, `value="`+order+`"`) {
			t.Errorf("order %q: %d", order, r.StatusCode)
		}
	}
}

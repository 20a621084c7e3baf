package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"folio/internal/blog"
)

var loadedAtRe = regexp.MustCompile(`name="loaded_at" value="(\d+)"`)

// TestEditConflict: two writers open one post, and each editor says who
// else has it open; the second saves first,
// so the first one's save is refused with both versions shown and
// nothing lost, and saving again keeps the first one's text.
func TestEditConflict(t *testing.T) {
	s := newSiteWithAdmin(t)
	ctx := t.Context()
	if _, err := s.svc.Accounts.CreateUser(ctx, s.admin, blog.UserInput{Name: "Cy Editor", Email: "cy@example.com", Password: "an editor's password", Role: blog.RoleEditor}); err != nil {
		t.Fatal(err)
	}
	p, err := s.svc.Writing.SavePost(ctx, s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "Shared", Body: "The first words.", Status: blog.StatusDraft})
	if err != nil {
		t.Fatal(err)
	}
	ada, cy := s.browser(t), s.browser(t)
	ada.login("ada@example.com", "analytical engine")
	cy.login("cy@example.com", "an editor's password")
	edit := "/admin/posts/" + strconv.FormatInt(p.ID, 10)
	formOf := func(b *browser, body string) url.Values {
		page := b.get(edit).Body
		m := loadedAtRe.FindStringSubmatch(page)
		if m == nil {
			t.Fatal("the editor has no loaded_at")
		}
		return url.Values{"csrf_token": {b.csrf(edit)}, "kind": {"post"}, "title": {"Shared"}, "slug": {"shared"}, "body": {body},
			"loaded_at": {m[1]}, "action": {"draft"}}
	}
	adaForm := formOf(ada, "Ada's words.")
	cyForm := formOf(cy, "Cy's words.")
	mustContain(t, "Cy's editor", cy.get(edit).Body, "Ada Lovelace has this open since")
	if strings.Contains(ada.get(edit).Body, "Ada Lovelace has this open") {
		t.Error("Ada's editor tells Ada she has it open")
	}
	s.clock.Add(2e9) // a later second
	if r := cy.post(edit, cyForm); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("Cy's save: %d", r.StatusCode)
	}
	r := ada.post(edit, adaForm)
	if r.StatusCode != http.StatusConflict {
		t.Fatalf("Ada's save over Cy's: %d, want 409", r.StatusCode)
	}
	mustContain(t, "the conflict", r.Body, "Cy Editor saved this at", "<del>Cy&#39;s</del><ins>Ada&#39;s</ins> words.", "Ada&#39;s words.</textarea>")
	if now, _ := s.svc.Writing.Post(ctx, s.admin, p.ID); now.Body != "Cy's words." {
		t.Errorf("after the refused save the post says %q", now.Body)
	}
	m := loadedAtRe.FindStringSubmatch(r.Body)
	adaForm.Set("loaded_at", m[1])
	adaForm.Set("csrf_token", ada.csrf(edit))
	if r := ada.post(edit, adaForm); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("Ada's save, knowing: %d", r.StatusCode)
	}
	if now, _ := s.svc.Writing.Post(ctx, s.admin, p.ID); now.Body != "Ada's words." {
		t.Errorf("after saving again the post says %q", now.Body)
	}
	if revs, _ := s.svc.Writing.Revisions(ctx, s.admin, p.ID); len(revs) != 3 || !strings.Contains(revs[1].Body, "Cy's") {
		t.Errorf("Cy's words are not among the revisions: %d", len(revs))
	}
}

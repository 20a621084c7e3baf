package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"folio/internal/blog"
)

var blankFilter = blog.PostFilter{}

func editorForm(token string, fields map[string]string) url.Values {
	v := url.Values{"csrf_token": {token}, "kind": {"post"}}
	for k, val := range fields {
		v.Set(k, val)
	}
	return v
}

func TestEditorKeepsInputOnErrors(t *testing.T) {
	s := newSiteWithAdmin(t)
	b := s.browser(t)
	b.login("ada@example.com", "analytical engine")
	token := b.csrf("/admin/posts/new?kind=post")
	body := "Every word <typed> here\n\n> must survive & stay"
	tests := []struct {
		name   string
		fields map[string]string
		msg    string
	}{
		{"empty title", map[string]string{"title": " ", "body": body, "action": "publish"}, "Enter a title."},
		{"malformed date", map[string]string{"title": "Dated", "body": body, "published_at": "next friday", "action": "publish"}, "YYYY-MM-DD HH:MM"},
		{"unknown category", map[string]string{"title": "Filed", "body": body, "categories": "ghosts", "action": "publish"}, "Unknown category"},
		{"bad source", map[string]string{"title": "Quoted", "body": body, "source_url": "not a url", "action": "publish"}, "source&#39;s full address"},
	}
	for _, tt := range tests {
		r := b.post("/admin/posts", editorForm(token, tt.fields))
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d", tt.name, r.StatusCode)
			continue
		}
		mustContain(t, tt.name, r.Body, tt.msg, "Every word &lt;typed&gt; here\n\n&gt; must survive &amp; stay")
		for k, v := range tt.fields {
			if k != "body" && k != "action" && k != "categories" && strings.TrimSpace(v) != "" && !strings.Contains(r.Body, `value="`+v+`"`) {
				t.Errorf("%s: field %s=%q not kept", tt.name, k, v)
			}
		}
	}
	if _, total, _ := s.svc.Writing.AdminPosts(t.Context(), s.admin, blankFilter); total != 0 {
		t.Errorf("refused saves stored %d posts", total)
	}
	// A duplicate slug is refused on the form too.
	b.post("/admin/posts", editorForm(token, map[string]string{"title": "First", "action": "publish"}))
	r := b.post("/admin/posts", editorForm(token, map[string]string{"title": "Second", "slug": "first", "action": "publish"}))
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "already uses the slug") {
		t.Errorf("duplicate slug: %d", r.StatusCode)
	}
}

func TestEditorLifecycle(t *testing.T) {
	s := newSiteWithAdmin(t)
	b := s.browser(t)
	b.login("ada@example.com", "analytical engine")
	token := b.csrf("/admin/posts/new?kind=post")

	// Preview renders without saving.
	r := b.post("/admin/posts", editorForm(token, map[string]string{"title": "Draft one", "body": "**bold** move", "action": "preview"}))
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "<strong>bold</strong> move") {
		t.Errorf("preview: %d", r.StatusCode)
	}
	if _, total, _ := s.svc.Writing.AdminPosts(t.Context(), s.admin, blankFilter); total != 0 {
		t.Error("preview saved the post")
	}
	live := b.post("/admin/preview", url.Values{"csrf_token": {token}, "body": {"<script>x</script>\n\n_hi_"}})
	if strings.TrimSpace(live.Body) != "<p><em>hi</em></p>" {
		t.Errorf("live preview = %q", live.Body)
	}

	r = b.post("/admin/posts", editorForm(token, map[string]string{"title": "Draft one", "body": "text", "action": "draft"}))
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save draft: %d\n%s", r.StatusCode, r.Body)
	}
	edit := r.Header.Get("Location")
	if !strings.HasSuffix(edit, "?done=draft") {
		t.Errorf("redirect = %s", edit)
	}
	page := b.get(edit)
	mustContain(t, "editor after save", page.Body, "Saved as a draft.", "data-saved", `value="Draft one"`)
	if r := s.browser(t).get("/2015/11/28/draft-one/"); r.StatusCode != http.StatusNotFound {
		t.Errorf("draft is public: %d", r.StatusCode)
	}
	path := strings.TrimSuffix(edit, "?done=draft")
	r = b.post(path, editorForm(token, map[string]string{"title": "Draft one", "body": "text", "action": "publish"}))
	if r.StatusCode != http.StatusSeeOther || !strings.HasSuffix(r.Header.Get("Location"), "done=published") {
		t.Fatalf("publish: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := s.browser(t).get("/2015/11/28/draft-one/"); r.StatusCode != http.StatusOK {
		t.Errorf("published post: %d", r.StatusCode)
	}
	// Schedule: a future date keeps it off the site.
	r = b.post(path, editorForm(token, map[string]string{"title": "Draft one", "body": "text", "published_at": "2016-01-01T09:00", "action": "publish"}))
	if !strings.HasSuffix(r.Header.Get("Location"), "done=scheduled") {
		t.Errorf("schedule redirect = %s", r.Header.Get("Location"))
	}
	if r := s.browser(t).get("/2016/01/01/draft-one/"); r.StatusCode != http.StatusNotFound {
		t.Errorf("scheduled post is public: %d", r.StatusCode)
	}
	list := b.get("/admin/posts?kind=post&status=scheduled")
	mustContain(t, "scheduled list", list.Body, "Draft one", "status-scheduled")

	// Trash, restore, trash, delete.
	for _, step := range []struct{ action, want string }{
		{"/trash", "done=trashed"}, {"/restore", "done=restored"}, {"/trash", "done=trashed"}, {"/delete", "done=deleted"},
	} {
		r := b.post(path+step.action, url.Values{"csrf_token": {token}})
		if r.StatusCode != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), step.want) {
			t.Errorf("%s: %d %s", step.action, r.StatusCode, r.Header.Get("Location"))
		}
	}
	if r := b.get(path); r.StatusCode != http.StatusNotFound {
		t.Errorf("deleted post editor: %d", r.StatusCode)
	}
}

func TestAuthorCannotEditOthers(t *testing.T) {
	s := newSiteWithAdmin(t)
	post, err := s.svc.Writing.SavePost(t.Context(), s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "Admin's", Status: blog.StatusPublished})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.Accounts.CreateUser(t.Context(), s.admin, blog.UserInput{Name: "Bo", Email: "bo@example.com", Role: blog.RoleAuthor, Password: "bo's password"}); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	b.login("bo@example.com", "bo's password")
	path := "/admin/posts/" + itoa(post.ID)
	if r := b.get(path); r.StatusCode != http.StatusForbidden {
		t.Errorf("author opening another's post: %d", r.StatusCode)
	}
	token := b.csrf("/admin/posts/new")
	if r := b.post(path, editorForm(token, map[string]string{"title": "Mine now", "action": "publish"})); r.StatusCode != http.StatusForbidden {
		t.Errorf("author saving another's post: %d", r.StatusCode)
	}
	if r := b.post(path+"/trash", url.Values{"csrf_token": {token}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("author trashing another's post: %d", r.StatusCode)
	}
	for _, p := range []string{"/admin/settings", "/admin/users", "/admin/categories"} {
		if r := b.get(p); r.StatusCode != http.StatusForbidden {
			t.Errorf("author GET %s: %d", p, r.StatusCode)
		}
	}
	if r := b.get("/admin/posts?kind=post"); strings.Contains(r.Body, "Admin&#39;s") {
		t.Error("author's list shows another's post")
	}
}

// TestBodyLimit sends the editor more than it takes: 5 MB of text gets
// the editor back with the reason and every field kept, more than the
// editor's limit a clear 413 (never the expired-form page), and the
// reader's reply form, with its smaller limit, the same.
func TestBodyLimit(t *testing.T) {
	s := newSiteWithAdmin(t)
	b := s.browser(t)
	b.login("ada@example.com", "analytical engine")
	token := b.csrf("/admin/posts/new")
	r := b.post("/admin/posts", editorForm(token, map[string]string{"title": "Huge", "lede": "Kept lede", "body": strings.Repeat("x", 5<<20), "action": "draft"}))
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "longer than 1 MiB") ||
		!strings.Contains(r.Body, `value="Huge"`) || !strings.Contains(r.Body, `value="Kept lede"`) {
		t.Errorf("5 MB of text: %d, want 422 with the reason and the fields kept", r.StatusCode)
	}
	for path, size := range map[string]int{"/admin/posts": 9 << 20, "/comments": 3 << 20} {
		r = b.post(path, editorForm(token, map[string]string{"title": "Huger", "body": strings.Repeat("x", size), "comment": "x", "action": "draft"}))
		if r.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(r.Body, "larger than this site accepts") || strings.Contains(r.Body, "expired") {
			t.Errorf("%d MiB to %s: %d, want 413 saying the form was too large", size>>20, path, r.StatusCode)
		}
	}
	if _, total, _ := s.svc.Writing.AdminPosts(t.Context(), s.admin, blankFilter); total != 0 {
		t.Error("oversized form stored a post")
	}
}

func TestSettingsAndCategoriesForms(t *testing.T) {
	s := newSiteWithAdmin(t)
	b := s.browser(t)
	b.login("ada@example.com", "analytical engine")
	token := b.csrf("/admin/settings")
	form := url.Values{"csrf_token": {token}}
	for k, v := range s.svc.Site.Settings().Values() {
		form.Set(k, v)
	}
	form.Set("time_zone", "Mars/Base")
	form.Set("title", "Typed title")
	r := b.post("/admin/settings", form)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `value="Mars/Base"`) || !strings.Contains(r.Body, `value="Typed title"`) {
		t.Errorf("bad time zone: %d", r.StatusCode)
	}
	if s.svc.Site.Settings().Title == "Typed title" {
		t.Error("refused settings were saved")
	}
	form.Set("time_zone", "Europe/Paris")
	if r := b.post("/admin/settings", form); r.StatusCode != http.StatusSeeOther {
		t.Errorf("save settings: %d", r.StatusCode)
	}
	if st := s.svc.Site.Settings(); st.Title != "Typed title" || st.TimeZone != "Europe/Paris" {
		t.Errorf("settings = %+v", st)
	}
	r = b.post("/admin/categories", url.Values{"csrf_token": {token}, "name": {"Field notes"}, "description": {"From outside"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Errorf("add category: %d", r.StatusCode)
	}
	r = b.post("/admin/categories", url.Values{"csrf_token": {token}, "name": {"Field Notes"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "already exists") {
		t.Errorf("duplicate category: %d", r.StatusCode)
	}
	r = b.post("/admin/users", url.Values{"csrf_token": {token}, "name": {"Cy"}, "email": {"cy@example.com"}, "role": {"editor"}, "password": {"0123456789"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Errorf("add user: %d", r.StatusCode)
	}
	if r := b.get("/admin/users"); !strings.Contains(r.Body, "cy@example.com") {
		t.Error("new user not listed")
	}
}

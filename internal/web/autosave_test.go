package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"folio/internal/blog"
	"folio/internal/web"
)

// TestAutosave: the editor's autosave of a new post makes it a draft; of
// a post, it keeps the text apart from the post and its revisions; the
// editor offers it back until the writer saves.
func TestAutosave(t *testing.T) {
	s := newSiteWithAdmin(t)
	ctx := t.Context()
	b := s.browser(t)
	b.login("ada@example.com", "analytical engine")
	send := func(path string, vals url.Values) map[string]any {
		t.Helper()
		vals.Set("csrf_token", b.csrf("/admin/posts/new"))
		r := b.post(path, vals)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", path, r.StatusCode, r.Body)
		}
		var j map[string]any
		json.Unmarshal([]byte(r.Body), &j)
		return j
	}
	j := send("/admin/posts/autosave", url.Values{"kind": {"post"}, "title": {"A thought"}, "body": {"Begun."}})
	id := int64(j["id"].(float64))
	p, err := s.svc.Writing.Post(ctx, s.admin, id)
	if err != nil || p.Status != blog.StatusDraft || p.Body != "Begun." {
		t.Fatalf("the new post's first autosave made %+v, %v; want a draft", p, err)
	}
	edit := "/admin/posts/" + strconv.FormatInt(id, 10)
	s.clock.Add(time.Minute)
	send(edit+"/autosave", url.Values{"kind": {"post"}, "title": {"A thought"}, "body": {"Begun, and carried on."}})
	if p, _ := s.svc.Writing.Post(ctx, s.admin, id); p.Body != "Begun." {
		t.Errorf("an autosave changed the post: %q", p.Body)
	}
	if revs, _ := s.svc.Writing.Revisions(ctx, s.admin, id); len(revs) != 1 {
		t.Errorf("an autosave added a revision: %d", len(revs))
	}
	mustContain(t, "the editor", b.get(edit).Body, "kept text by itself", `href="`+edit+`?autosave=1"`)
	mustContain(t, "the restored editor", b.get(edit+"?autosave=1").Body, "Begun, and carried on.</textarea>", "This is the text the editor kept by itself")
	r := b.post(edit, url.Values{"csrf_token": {b.csrf(edit)}, "kind": {"post"}, "title": {"A thought"}, "body": {"Begun, and carried on."}, "action": {"draft"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", r.StatusCode)
	}
	if page := b.get(edit).Body; strings.Contains(page, "kept text by itself") {
		t.Error("the editor still offers the autosave after a save")
	}
}

// TestBrowserAutosaveReachesAnotherDevice types in a new post's editor
// and leaves it unsaved; the same writer, in another browser, is offered
// the text the editor kept by itself.
func TestBrowserAutosaveReachesAnotherDevice(t *testing.T) {
	root := newChrome(t)
	s := startSiteWith(t, func(wc *web.Config) { wc.AutosaveEvery = time.Second })
	s.addAdmin(t)
	signIn := func(ctx context.Context) {
		do(t, ctx, "sign in", chromedp.Navigate(s.URL+"/admin/login"),
			chromedp.SendKeys(chromedp.ID("email"), "ada@example.com"),
			chromedp.SendKeys(chromedp.ID("password"), "analytical engine"),
			chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`nav[aria-label="Admin"]`)))
	}
	laptop, cancel := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
	defer cancel()
	signIn(laptop)
	do(t, laptop, "type", chromedp.Navigate(s.URL+"/admin/posts/new?kind=post"), chromedp.WaitVisible(chromedp.ID("body")),
		chromedp.SendKeys(chromedp.ID("title"), "On the train"),
		chromedp.SendKeys(chromedp.ID("body"), "Written between two stations."))
	var where string
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		where, _ = chromedp.Run(laptop, chromedp.Location())
		if strings.Contains(where, "/admin/posts/") && !strings.HasSuffix(where, "new?kind=post") {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !strings.Contains(where, "/admin/posts/") || strings.Contains(where, "new") {
		t.Fatalf("after typing the editor is at %s; want the draft's address", where)
	}
	do(t, laptop, "type more", chromedp.SendKeys(chromedp.ID("body"), " And then the tunnel."))
	time.Sleep(2500 * time.Millisecond)
	phone, cancel2 := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
	defer cancel2()
	signIn(phone)
	do(t, phone, "open it elsewhere", chromedp.Navigate(where), chromedp.WaitVisible(chromedp.CSS(`a[href$="?autosave=1"]`)),
		chromedp.Click(chromedp.CSS(`a[href$="?autosave=1"]`)), chromedp.WaitVisible(chromedp.ID("body")))
	body, err := chromedp.Run(phone, chromedp.Value(chromedp.ID("body")))
	if err != nil || body != "Written between two stations. And then the tunnel." {
		t.Errorf("the other device is offered %q, %v", body, err)
	}
}

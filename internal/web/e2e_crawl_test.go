package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"folio/internal/blog"
	"folio/internal/testkit"
)

// TestBrowserAdminCrawl signs in as an administrator, then as an author,
// and walks the admin as a crawler would in a real browser: every page
// the menu links to, and one page of each kind those pages link to, and
// on each, every form, once per button, filled with plausible values. It
// fails on a page that answers 4xx or 5xx (the crawler types what a
// person would, so even a refusal means a screen asks for what it cannot
// take), on any console error or failed load, and on a form shown again
// without what was typed. It knows no screen by name, so new screens are covered
// as they appear in the menu.
func TestBrowserAdminCrawl(t *testing.T) {
	root := newChromeFor(t, 8*time.Minute) // two roles, each bounded below
	s := newReplySite(t)
	crawlSeed(t, s)
	wxr := filepath.Join(t.TempDir(), "export.xml")
	if err := os.WriteFile(wxr, []byte(crawlWXR), 0o600); err != nil {
		t.Fatal(err)
	}
	pic := filepath.Join(t.TempDir(), "garden.jpg")
	if err := os.WriteFile(pic, testkit.PhoneJPEG(900, 600, 6), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, who := range []struct{ role, email, password string }{
		{"admin", "ada@example.com", "analytical engine"},
		{"author", "bo@example.com", "an author's password"},
	} {
		t.Run(who.role, func(t *testing.T) {
			ctx, cancel := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
			defer cancel()
			ctx, cancelTimeout := context.WithTimeout(ctx, 4*time.Minute)
			defer cancelTimeout()
			c := &crawler{t: t, ctx: ctx, site: s.URL, upload: wxr, picture: pic}
			c.listen()
			c.signIn(who.email, who.password)
			c.crawl()
			t.Logf("%s: %d pages, %d form submissions", who.role, c.pages, c.submits)
		})
	}
}

// crawlSeed gives the admin something on every screen: posts in each
// status, a page, categories, replies in each status, a redirect, an
// author with a post and a reply of their own, and fediverse followers
// (one waiting for approval, each writer followed) and a block.
func crawlSeed(t *testing.T, s *replySite) {
	t.Helper()
	ctx := t.Context()
	author, err := s.svc.Accounts.CreateUser(ctx, s.admin, blog.UserInput{Name: "Bo Author", Email: "bo@example.com", Role: blog.RoleAuthor, Password: "an author's password"})
	if err != nil {
		t.Fatal(err)
	}
	// The author's admin speaks Arabic, so the crawl submits every form
	// of theirs right to left, in another language's words.
	s.speak(t, author, "ar")
	if _, err := s.svc.Writing.CreateCategory(ctx, s.admin, "Essays", "essays", "Longer pieces."); err != nil {
		t.Fatal(err)
	}
	save := func(actor *blog.User, in blog.PostInput) *blog.Post {
		t.Helper()
		if in.Kind == "" {
			in.Kind = blog.KindPost
		}
		p, err := s.svc.Writing.SavePost(ctx, actor, 0, in)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	now := s.clock.Now()
	save(s.admin, blog.PostInput{Title: "A draft", Body: "Not yet.", Status: blog.StatusDraft})
	save(s.admin, blog.PostInput{Title: "Later", Body: "Soon.", Status: blog.StatusPublished, PublishedAt: now.Add(48 * time.Hour)})
	trashed := save(s.admin, blog.PostInput{Title: "Unwanted", Body: "Gone.", Status: blog.StatusDraft})
	if err := s.svc.Writing.Trash(ctx, s.admin, trashed.ID); err != nil {
		t.Fatal(err)
	}
	save(s.admin, blog.PostInput{Kind: blog.KindPage, Title: "About", Body: "Who writes here.", Status: blog.StatusPublished})
	own := save(author, blog.PostInput{Title: "Bo's notes", Body: "Mine.", Status: blog.StatusPublished, CommentsOpen: true, PublishedAt: now.Add(-time.Hour)})
	for i, status := range []blog.CommentAction{"", blog.ActionApprove, blog.ActionSpam, blog.ActionTrash} {
		for _, post := range []*blog.Post{s.post, own} {
			in := blog.CommentInput{PostID: post.ID, Name: "Reader", Email: fmt.Sprintf("r%d@example.com", i), Body: fmt.Sprintf("Reply %d to %s", i, post.Title),
				IP: fmt.Sprintf("192.0.2.%d", i+1), FormToken: s.svc.Discussion.CommentFormToken(post.ID)}
			s.clock.Add(10 * time.Second)
			c, err := s.svc.Discussion.SubmitComment(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			if status != "" {
				if err := s.svc.Discussion.ModerateComment(ctx, s.admin, c.ID, status); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if err := s.svc.Site.SaveRedirect(ctx, s.admin, "/old-about/", "/about/"); err != nil {
		t.Fatal(err)
	}
	for i, f := range []struct {
		writer *blog.User
		status blog.FollowerStatus
	}{{s.admin, blog.FollowerAccepted}, {s.admin, blog.FollowerPending}, {author, blog.FollowerAccepted}} {
		iri := fmt.Sprintf("https://social.example/users/f%d", i)
		if err := s.store.PutRemoteActor(ctx, &blog.RemoteActor{IRI: iri, KeyID: iri + "#key", PublicKeyPEM: "key", Inbox: iri + "/inbox",
			Name: fmt.Sprintf("Follower %d", i), Handle: fmt.Sprintf("f%d", i), Host: "social.example", FetchedAt: now}); err != nil {
			t.Fatal(err)
		}
		if err := s.store.PutFollower(ctx, &blog.Follower{UserID: f.writer.ID, Actor: iri, Status: f.status, CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.store.PutBlock(ctx, "spam.example", now); err != nil {
		t.Fatal(err)
	}
}

// crawler walks the admin in one browser tab.
type crawler struct {
	t        *testing.T
	ctx      context.Context
	site     string
	upload   string // the file file inputs get
	picture  string // the file file inputs that accept images get
	password string // the signed-in writer's, which password fields get

	mu       sync.Mutex
	problems []string // console errors and failed loads since last taken

	seen           map[string]bool // the shapes of the pages visited
	pages, submits int
}

// listen collects the tab's console errors, uncaught exceptions and
// failed loads.
func (c *crawler) listen() {
	chromedp.Listen(c.ctx, func(ev any) {
		var msg string
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			msg = "exception: " + ev.ExceptionDetails.Text
			if ev.ExceptionDetails.Exception != nil {
				msg += " " + ev.ExceptionDetails.Exception.Description
			}
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				msg = "console." + string(ev.Type)
				for _, a := range ev.Args {
					msg += " " + string(a.Value)
				}
			}
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError {
				msg = "log: " + ev.Entry.Text + " " + ev.Entry.URL
			}
		}
		if msg != "" {
			c.mu.Lock()
			c.problems = append(c.problems, msg)
			c.mu.Unlock()
		}
	})
}

// takeProblems returns the problems seen since the last call.
func (c *crawler) takeProblems() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.problems
	c.problems = nil
	return p
}

// open loads path and returns its status, failing the test on a status
// of 400 or more and on console problems.
func (c *crawler) open(path string) (int, bool) {
	c.t.Helper()
	resp, err := chromedp.RunResponse(c.ctx, chromedp.Navigate(c.site+path))
	if err != nil || resp == nil {
		c.t.Errorf("GET %s: %v", path, err)
		return 0, false
	}
	c.pages++
	ok := true
	if resp.Status >= 400 {
		c.t.Errorf("GET %s: %d", path, resp.Status)
		ok = false
	}
	for _, p := range c.takeProblems() {
		c.t.Errorf("GET %s: %s", path, p)
		ok = false
	}
	return int(resp.Status), ok
}

func (c *crawler) signIn(email, password string) {
	c.t.Helper()
	c.password = password
	c.open("/admin/login")
	resp, err := chromedp.RunResponse(c.ctx,
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS(`form button[type="submit"]`)),
	)
	if err != nil || resp.Status != http.StatusOK {
		c.t.Fatalf("sign in as %s: %v %v", email, resp, err)
	}
}

// crawl visits the menu's pages and one page of each kind they link to,
// and exercises every form on each.
func (c *crawler) crawl() {
	c.t.Helper()
	if _, ok := c.open("/admin/"); !ok {
		c.t.Fatal("the admin does not open")
	}
	menu, err := chromedp.Run(c.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#admin-menu nav a')).map(a => a.getAttribute('href'))`))
	if err != nil || len(menu) == 0 {
		c.t.Fatalf("the admin menu: %v %v", menu, err)
	}
	c.seen = map[string]bool{}
	for _, path := range menu {
		c.seen[shape(path)] = true
	}
	for _, path := range menu {
		c.visit(path, true)
	}
}

// shape names the kind of an admin address: the address with its
// numbers as N and its query sorted, so one post's editor stands for
// every post's, while a page of pages differs from a page of posts.
var digits = regexp.MustCompile(`[0-9]+`)

func shape(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return link
	}
	return digits.ReplaceAllString(u.Path+"?"+u.Query().Encode(), "N")
}

// formInfo describes a form to exercise and its buttons.
type formInfo struct {
	Index   int      `json:"index"`
	Action  string   `json:"action"`
	Buttons []string `json:"buttons"` // their labels, in order
}

// visit opens path and, when linksToo, the pages of new kinds it links
// to, then exercises each of their forms and its own, once per button.
// Every page is opened once before any of those forms change what the
// pages show; afterwards, a page an action removed is passed over.
func (c *crawler) visit(path string, linksToo bool) {
	c.t.Helper()
	if _, ok := c.open(path); !ok {
		return
	}
	var linked []string
	if linksToo {
		links, _ := chromedp.Run(c.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('main a[href^="/admin/"]:not([download])')).map(a => a.getAttribute('href').split('#')[0])`))
		// Links to files are fetched, not opened: the browser would save
		// them instead of showing a page.
		files, _ := chromedp.Run(c.ctx, chromedp.Evaluate[map[string]int](`(async () => {
			const out = {};
			for (const a of document.querySelectorAll('main a[href^="/admin/"][download]')) {
				const href = a.getAttribute('href');
				if (!(href in out)) out[href] = (await fetch(href, {credentials: 'same-origin'})).status;
			}
			return out;
		})()`, chromedp.EvalAwaitPromise))
		for href, status := range files {
			if status != http.StatusOK {
				c.t.Errorf("%s: the file %s answers %d", path, href, status)
			}
		}
		for _, link := range links {
			if k := shape(link); !c.seen[k] {
				c.seen[k] = true
				if _, ok := c.open(link); ok {
					linked = append(linked, link)
				}
			}
		}
	}
	for _, link := range linked {
		c.exercise(link)
	}
	c.exercise(path)
}

// exercise submits each form of the page at path once per button.
func (c *crawler) exercise(path string) {
	c.t.Helper()
	forms, ok := c.forms(path)
	if !ok {
		return
	}
	for _, f := range forms {
		for _, label := range f.Buttons {
			// Every submission starts from the page as a reader finds it;
			// an earlier submission may have taken the form away.
			now, ok := c.forms(path)
			if !ok {
				return
			}
			for _, g := range now {
				if b := slices.Index(g.Buttons, label); g.Action == f.Action && b >= 0 {
					landed := c.submit(path, g, b, label)
					c.again(landed, f.Action, label)
					break
				}
			}
		}
	}
}

// forms opens path again and lists its forms; a page that an earlier
// action removed (404) has none.
func (c *crawler) forms(path string) ([]formInfo, bool) {
	c.t.Helper()
	resp, err := chromedp.RunResponse(c.ctx, chromedp.Navigate(c.site+path))
	for _, p := range c.takeProblems() {
		if !strings.Contains(p, "Failed to load resource") || !strings.HasSuffix(p, " "+c.site+path) {
			c.t.Errorf("GET %s again: %s", path, p)
		}
	}
	if err != nil || resp == nil || resp.Status != http.StatusOK {
		if resp == nil || resp.Status != http.StatusNotFound {
			c.t.Errorf("GET %s again: %v %v", path, resp, err)
		}
		return nil, false
	}
	c.pages++
	forms, err := chromedp.Run(c.ctx, chromedp.Evaluate[[]formInfo](listFormsJS))
	if err != nil {
		c.t.Errorf("%s: list forms: %v", path, err)
		return nil, false
	}
	return forms, true
}

// again presses the same button once more on the page a submission
// landed on, when it reports what was done (?done=) and offers the same
// form, as a writer working down a list does.
func (c *crawler) again(landed, action, label string) {
	c.t.Helper()
	if !strings.Contains(landed, "done=") {
		return
	}
	forms, err := chromedp.Run(c.ctx, chromedp.Evaluate[[]formInfo](listFormsJS))
	if err != nil {
		return
	}
	for _, g := range forms {
		if b := slices.Index(g.Buttons, label); g.Action == action && b >= 0 {
			c.submit(landed+" (landed on)", g, b, label)
			return
		}
	}
}

// submit fills form f of the open page, sends it with button b, checks
// the answer and returns the address it landed on.
func (c *crawler) submit(path string, f formInfo, b int, label string) string {
	c.t.Helper()
	what := fmt.Sprintf("%s, form to %s, button %q", path, f.Action, label)
	hasFile, err := chromedp.Run(c.ctx, chromedp.Evaluate[bool](fmt.Sprintf(fileInputJS+` !== undefined`, f.Index)))
	if err == nil && hasFile {
		c.setFile(f.Index)
	}
	typed, err := chromedp.Run(c.ctx, chromedp.Evaluate[map[string]string](fmt.Sprintf(fillFormJS, f.Index, c.password)))
	if err != nil {
		c.t.Errorf("%s: fill: %v", what, err)
		return ""
	}
	sentAt := time.Now()
	send := chromedp.Evaluate[bool](fmt.Sprintf(`(() => {
		const f = document.forms[%d], b = f.querySelectorAll(%q)[%d];
		setTimeout(() => f.requestSubmit(b));
		return true;
	})()`, f.Index, submitButtons, b))
	resp, err := chromedp.RunResponse(c.ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := send(ctx, t)
		return err
	}))
	c.submits++
	if err != nil {
		c.t.Errorf("%s: %v", what, err)
		return ""
	}
	for _, p := range c.takeProblems() {
		// The document's own status is judged below.
		if strings.Contains(p, "Failed to load resource") && strings.HasSuffix(p, " "+resp.URL) {
			continue
		}
		c.t.Errorf("%s: %s", what, p)
	}
	c.t.Logf("%s: %d %s", what, resp.Status, strings.TrimPrefix(resp.URL, c.site))
	if resp.Status == http.StatusUnprocessableEntity || (resp.Status == http.StatusOK && strings.HasSuffix(resp.URL, f.Action)) {
		// A refused (or previewed) form is shown again: with what was
		// typed.
		c.keptTyped(what, typed)
	}
	if resp.Status >= 400 {
		// The crawler types what a person would, so even a refusal
		// means a screen that asks for what it cannot take.
		why, _ := chromedp.Run(c.ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll('.errors, .field-error, .error, main h1')).map(e => e.textContent.replace(/\s+/g, ' ').trim()).join(' | ')`))
		c.t.Errorf("%s: answered %d (%s) after %s: %s", what, resp.Status, resp.URL, time.Since(sentAt).Round(time.Millisecond), why)
	}
	return strings.TrimPrefix(resp.URL, c.site)
}

// fileInputJS finds the file input of form %d: one the form owns, which
// may sit outside it, and not one inside it that belongs to another.
const fileInputJS = `Array.from(document.forms[%d].elements).find(e => e.type === 'file')`

// setFile gives the form's file input the upload file, or the picture
// when the input accepts images.
func (c *crawler) setFile(form int) {
	input := fmt.Sprintf(fileInputJS, form)
	file := c.upload
	if accept, err := chromedp.Run(c.ctx, chromedp.Evaluate[string](input+`.accept`)); err == nil && strings.Contains(accept, "image/") {
		file = c.picture
	}
	if err := chromedp.Do(c.ctx, chromedp.SetUploadFiles(chromedp.JSPath(input), []string{file})); err != nil {
		c.t.Errorf("set the file of form %d: %v", form, err)
	}
}

// keptTyped fails unless the page shows every typed value in a field of
// the same name.
func (c *crawler) keptTyped(what string, typed map[string]string) {
	c.t.Helper()
	shown, err := chromedp.Run(c.ctx, chromedp.Evaluate[map[string]string](`(() => {
		const out = {};
		for (const el of document.querySelectorAll('input[name], textarea[name]')) {
			if (el.type !== 'hidden' && !(el.name in out)) out[el.name] = el.value;
		}
		return out;
	})()`))
	if err != nil {
		c.t.Errorf("%s: read the form shown again: %v", what, err)
		return
	}
	for name, v := range typed {
		if got, ok := shown[name]; ok && got != v {
			c.t.Errorf("%s: the form came back with %s = %q, typed %q", what, name, got, v)
		}
	}
}

// submitButtons selects the buttons that send a form.
const submitButtons = `button:not([type]):not([disabled]), button[type=submit]:not([disabled]), input[type=submit]:not([disabled])`

// listFormsJS lists the admin's forms, but signing out, which would end
// the crawl, forms that leave the admin, and forms that ask for a code
// from an authenticator app, which the crawler does not hold.
var listFormsJS = `Array.from(document.forms).map((f, index) => ({
	index,
	action: f.getAttribute('action') || location.pathname,
	buttons: Array.from(f.querySelectorAll(` + "`" + submitButtons + "`" + `)).filter(b => !b.closest('[hidden]')).map(b => (b.textContent || b.value).trim()),
})).filter(f => f.action.startsWith('/admin/') && !f.action.startsWith('/admin/logout') && f.buttons.length > 0 &&
	!document.forms[f.index].querySelector('[autocomplete=one-time-code]'))`

// fillFormJS fills form %d as a person would (every password field
// with their own password, %q), with plausible values by the fields'
// types, names, help and placeholders: a form that is all empty (one
// that creates something) gets every field filled, one that shows what is
// stored only its empty required fields. It returns what it typed
// (passwords left out: forms never show them again).
const fillFormJS = `(() => {
	const typed = {};
	const f = document.forms[%d];
	const skip = ['hidden', 'submit', 'button', 'checkbox', 'radio', 'file', 'select-one', 'select-multiple'];
	const fields = Array.from(f.elements).filter(el => el.name && !el.disabled && !el.readOnly && !skip.includes((el.type || '').toLowerCase()));
	const creating = fields.every(el => el.value === '');
	for (const el of fields) {
		const type = (el.type || '').toLowerCase();
		if (type !== 'password' && (el.value !== '' || !(creating || el.required))) continue;
		const help = ((el.closest('.field') || el.parentElement).textContent || '').toLowerCase();
		const n = Math.floor(Math.random() * 1e6);
		let v = 'Crawler ' + el.name.replace(/_/g, ' ') + ' ' + n;
		if (/path|address/.test(help) && type === 'text') v = '/crawler-' + el.name + '-' + Math.floor(Math.random() * 1e6) + '/';
		if (el.placeholder) v = el.placeholder; // the form's own example
		if (type === 'email' || /mail/.test(el.name)) v = 'crawler+' + Math.floor(Math.random() * 1e6) + '@example.com';
		else if (type === 'url' || /url/.test(el.name)) v = 'https://example.com/crawler';
		else if (type === 'password') v = %[2]q;
		else if (type === 'number') v = el.min || '1';
		else if (type === 'search') v = 'reply';
		else if (type.startsWith('date')) continue;
		else if (el.tagName === 'TEXTAREA') v = 'Crawler text for ' + el.name + '.';
		el.value = v;
		el.dispatchEvent(new Event('input', {bubbles: true}));
		if (type !== 'password') typed[el.name] = v;
	}
	return typed;
})()`

// crawlWXR is a small WordPress export for the import form.
const crawlWXR = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Old</title><wp:wxr_version>1.2</wp:wxr_version>
<item><title>From the old blog</title><link>https://old.example/from-the-old-blog/</link><dc:creator>ada</dc:creator>
<content:encoded><![CDATA[An old post.]]></content:encoded><wp:post_id>3</wp:post_id>
<wp:post_date_gmt>2014-03-01 09:00:00</wp:post_date_gmt><wp:post_name>from-the-old-blog</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>
</channel></rss>`

package web_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"go.yaml.in/yaml/v3"

	"folio/internal/blog"
	"folio/internal/frontmatter"
	"folio/internal/wordpress"
)

// xssSweepEnv turns the sweep on. It takes a few minutes, so a plain go
// test leaves it out; CI sets it.
const xssSweepEnv = "FOLIO_XSS_SWEEP"

// TestBrowserXSSSweep pushes every vector of the corpus through every
// field a reader or writer controls (reply name, e-mail, website and
// text; post and page title, slug, lede, body, source, tags and
// categories; writers' names; settings; search queries; imported
// WordPress and Markdown content), opens each page that shows them in
// Chromium, the public ones as a stranger and the admin ones as the
// administrator, with the Content-Security-Policy switched off,
// dispatches every event to every element, and counts what ran: calls of
// alert, confirm, prompt and print (in every frame), dialogs, and loads
// of javascript: or data: documents. It also counts what would run on a
// click or in an older browser: on* attributes, script-bearing URLs,
// srcdoc, frames, objects, foreign scripts, forms posting elsewhere and
// script in style attributes. Both counts must be zero.
func TestBrowserXSSSweep(t *testing.T) {
	if os.Getenv(xssSweepEnv) != "1" {
		t.Skipf("the XSS sweep takes minutes: set %s=1 to run it (CI does)", xssSweepEnv)
	}
	start := time.Now()
	root := newChromeFor(t, 15*time.Minute)
	s := newSiteWithAdmin(t)
	vectors := xssVectors()
	plan := seedSweep(t, s, vectors)
	token, err := s.svc.Accounts.StartSession(t.Context(), s.admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The pages are opened with the site's Content-Security-Policy
	// bypassed: what runs with it on runs with it off too, so the
	// escaping alone must stop every vector. (TestSweepDetects checks
	// the detector both ways.)
	tabs := []*sweepTab{newSweepTab(t, root, s.URL, "", true), newSweepTab(t, root, s.URL, token, true)}
	// Every tab walks its pages at once; settings rounds change what
	// every page shows, so all tabs finish a round before the next.
	each := func(f func(tb *sweepTab)) {
		var wg sync.WaitGroup
		for _, tb := range tabs {
			wg.Go(func() { f(tb) })
		}
		wg.Wait()
	}
	each(func(tb *sweepTab) {
		walk := time.Now()
		defer func() { t.Logf("%s: walked in %s", tb.name(), time.Since(walk).Round(time.Second)) }()
		pages := plan.public
		if tb.admin {
			pages = plan.admin
		}
		for _, p := range pages {
			tb.open(p)
		}
		for _, r := range plan.refusals {
			if r.admin == tb.admin {
				tb.refuse(r)
			}
		}
	})
	for i, round := range plan.settings {
		if _, err := s.svc.Site.SaveSettings(t.Context(), s.admin, round); err != nil {
			t.Fatalf("settings round %d: %v", i+1, err)
		}
		each(func(tb *sweepTab) {
			pages := plan.settingsPublic
			if tb.admin {
				pages = plan.settingsAdmin
			}
			for _, p := range pages {
				tb.open(p)
			}
		})
	}
	var visits, ran, left int
	for _, tb := range tabs {
		visits += tb.visits
		ran += len(tb.ran)
		left += len(tb.left)
		for _, h := range tb.ran {
			t.Errorf("%s: script ran: %s", tb.name(), h)
		}
		for _, l := range tb.left {
			t.Errorf("%s: %s", tb.name(), l)
		}
		for _, p := range tb.problems {
			t.Errorf("%s: %s", tb.name(), p)
		}
	}
	t.Logf("%d vectors in %d fields; %d page visits (%d pages, stranger and administrator, CSP off) in %s: %d executions, %d dangerous leftovers",
		len(vectors), plan.fields, visits, len(plan.public)+len(plan.admin)+len(plan.refusals)+len(plan.settings)*(len(plan.settingsPublic)+len(plan.settingsAdmin)),
		time.Since(start).Round(time.Second), ran, left)
}

// sweepPlan is what the sweep opens once the site holds the vectors.
type sweepPlan struct {
	public, admin []string // paths
	refusals      []refusal
	// settings are rounds of settings, each followed by a visit of
	// settingsPublic and settingsAdmin.
	settings                      []blog.SettingsInput
	settingsPublic, settingsAdmin []string
	fields                        int // how many kinds of field the vectors went into
}

// refusal is a form filled with vectors and sent, whose refusal page
// (which shows what was typed) is checked.
type refusal struct {
	admin  bool
	path   string            // the page with the form
	form   string            // a CSS selector for it
	fields map[string]string // field name to value
}

// batches splits vectors into groups of n.
func batches(vectors []string, n int) [][]string {
	var out [][]string
	for i := 0; i < len(vectors); i += n {
		out = append(out, vectors[i:min(i+n, len(vectors))])
	}
	return out
}

// seedSweep writes the vectors into the site through the services, as
// every form, command and import does, and returns what to open.
func seedSweep(t *testing.T, s *site, vectors []string) *sweepPlan {
	t.Helper()
	ctx := t.Context()
	if _, err := s.svc.Site.SaveSettings(ctx, s.admin, blog.SettingsInput{"comment_moderation": blog.ModerateApproveAll,
		"comment_min_seconds": "0", "comment_per_minute": "0", "comment_max_links": "100", "posts_per_page": "50",
		"base_url": s.URL}); err != nil {
		t.Fatal(err)
	}
	refused := map[string]int{}
	var writers []*blog.User
	for k := range 10 {
		u, err := s.svc.Accounts.CreateUser(ctx, s.admin, blog.UserInput{Name: vectors[k*13%len(vectors)], Email: fmt.Sprintf("w%d@example.com", k),
			Role: blog.RoleAuthor, Password: "a writer's password"})
		if err != nil {
			refused["writer name"]++
			continue
		}
		writers = append(writers, u)
	}
	// Tags and categories hold five vectors each, so their archives
	// stay few.
	var terms, categories []string
	for _, b := range batches(vectors, 5) {
		name := strings.Join(b, " ")
		terms = append(terms, name)
		if c, err := s.svc.Writing.CreateCategory(ctx, s.admin, name, "", name); err == nil {
			categories = append(categories, c.Name)
		} else {
			refused["category"]++
		}
	}
	at := s.clock.Now().Add(-time.Duration(len(vectors)+1) * time.Hour)
	var first string // a post's address, with its reply form
	for i, v := range vectors {
		in := blog.PostInput{Kind: blog.KindPost, Title: v, Slug: v, Lede: v, Body: v, Source: blog.Source{URL: v, Title: v, Site: v},
			Tags: []string{terms[i/5]}, Status: blog.StatusPublished, CommentsOpen: true, PublishedAt: at.Add(time.Duration(i) * time.Hour)}
		if len(categories) > 0 {
			in.Categories = []string{categories[i/5%len(categories)]}
		}
		if len(writers) > 0 {
			in.AuthorID = writers[i%len(writers)].ID
		}
		p := saveRefusing(t, s, in, refused)
		if first == "" {
			first = p.Path
		}
		replyRefusing(t, s, blog.CommentInput{PostID: p.ID, Name: v, Email: fmt.Sprintf("r%d@example.com", i), URL: v, Body: v,
			IP: "192.0.2.7", FormToken: s.svc.Discussion.CommentFormToken(p.ID)}, refused)
		if i%10 == 0 {
			saveRefusing(t, s, blog.PostInput{Kind: blog.KindPage, Title: v, Slug: v, Body: v, Lede: v, Status: blog.StatusPublished}, refused)
		}
	}
	importSweepWXR(t, s, vectors)
	importSweepMarkdown(t, s, vectors)
	for field, n := range refused {
		t.Logf("%s: refused %d times, then given a plain value", field, n)
	}

	plan := &sweepPlan{fields: 22}
	items, err := s.svc.Reading.SitemapPosts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	plan.public = []string{"/", "/feed/", "/feed/atom/", "/comments/feed/", "/comments/feed/atom/", "/feed/json/"}
	for n := 2; n <= (len(items)+49)/50; n++ {
		plan.public = append(plan.public, fmt.Sprintf("/page/%d/", n))
	}
	for _, p := range items {
		plan.public = append(plan.public, p.Path)
		plan.admin = append(plan.admin, fmt.Sprintf("/admin/posts/%d", p.ID))
	}
	for _, kind := range []blog.TermKind{blog.TermTag, blog.TermCategory} {
		terms, err := s.svc.Reading.Terms(ctx, kind)
		if err != nil {
			t.Fatal(err)
		}
		for _, term := range terms {
			plan.public = append(plan.public, term.Path())
		}
	}
	users, err := s.svc.Accounts.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		plan.public = append(plan.public, "/author/"+u.Slug+"/")
	}
	// Searches hold as many vectors as fit in a query (256 characters).
	var query string
	for i, v := range vectors {
		if len(query)+len(v) > 250 && query != "" {
			plan.public = append(plan.public, "/search?q="+url.QueryEscape(query))
			query = ""
		}
		query += v + " "
		if i%10 == 0 {
			plan.public = append(plan.public, "/"+url.PathEscape(v)+"/")
		}
	}
	plan.public = append(plan.public, "/search?q="+url.QueryEscape(query))
	_, total, err := s.svc.Writing.AdminPosts(ctx, s.admin, blog.PostFilter{Statuses: blog.Statuses()})
	if err != nil {
		t.Fatal(err)
	}
	for n := 1; n <= (total+24)/25; n++ {
		plan.admin = append(plan.admin, fmt.Sprintf("/admin/posts?page=%d", n), fmt.Sprintf("/admin/posts?kind=page&page=%d", n))
	}
	replies, count, err := s.svc.Discussion.ModerationQueue(ctx, s.admin, blog.CommentFilter{Statuses: blog.CommentStatuses()})
	if err != nil {
		t.Fatal(err)
	}
	for n := 1; n <= (count+29)/30; n++ {
		plan.admin = append(plan.admin, fmt.Sprintf("/admin/comments?page=%d", n))
	}
	for i, c := range replies {
		if i%10 == 0 {
			plan.admin = append(plan.admin, fmt.Sprintf("/admin/comments/%d", c.ID))
		}
	}
	plan.admin = append(plan.admin, "/admin/", "/admin/categories", "/admin/users", "/admin/settings", "/admin/redirects", "/admin/import")

	groups := batches(vectors, 10)
	for i, b := range groups {
		joined := strings.Join(b, " ")
		plan.refusals = append(plan.refusals,
			refusal{path: first, form: "#commentform", fields: map[string]string{"author": joined, "email": b[0], "url": b[len(b)-1], "comment": joined}},
			refusal{admin: true, path: "/admin/posts/new", form: `form[action="/admin/posts"]`, fields: map[string]string{
				"title": joined + strings.Repeat(" padding", 40), "body": strings.Join(b, "\n\n"), "lede": joined, "tags": joined}},
			refusal{admin: true, path: "/admin/settings", form: `form[action="/admin/settings"]`, fields: map[string]string{
				"title": joined, "tagline": joined, "base_url": b[0]}},
		)
		if i%2 == 0 {
			// Two batches a round: a title and a tagline.
			next := joined
			if i+1 < len(groups) {
				next = strings.Join(groups[i+1], " ")
			}
			plan.settings = append(plan.settings, blog.SettingsInput{"title": joined, "tagline": next, "comment_heading": joined + " " + next,
				"date_layout": b[0], "time_layout": b[len(b)-1]})
		}
	}
	plan.settingsPublic = []string{"/", first, "/search?q=x", "/feed/atom/", "/no-such-page/"}
	plan.settingsAdmin = []string{"/admin/settings", "/admin/posts"}
	return plan
}

// saveRefusing saves in; a field the vector is refused in (counted in
// refused) is given a plain value instead, so the item goes in with the
// vector everywhere else.
func saveRefusing(t *testing.T, s *site, in blog.PostInput, refused map[string]int) *blog.Post {
	t.Helper()
	for range 5 {
		p, err := s.svc.Writing.SavePost(t.Context(), s.admin, 0, in)
		var ve *blog.ValidationError
		if !errors.As(err, &ve) {
			if err != nil {
				t.Fatalf("save %q: %v", in.Title, err)
			}
			return p
		}
		for field := range ve.Fields {
			refused[string(in.Kind)+" "+field]++
			switch field {
			case "title":
				in.Title = "A plain title"
			case "slug":
				in.Slug = ""
			case "lede":
				in.Lede = ""
			case "body":
				in.Body = "Plain text."
			case "source_url":
				// An address with the vector in it, then none.
				if strings.HasPrefix(in.Source.URL, "https://a.example/") {
					in.Source.URL = ""
				} else {
					in.Source.URL = "https://a.example/?q=" + in.Source.URL
				}
			case "source_title", "source_site", "source":
				in.Source = blog.Source{}
			case "tags":
				in.Tags = nil
			case "categories":
				in.Categories = nil
			default:
				t.Fatalf("save %q: %v", in.Title, err)
			}
		}
	}
	t.Fatalf("save %q: still refused", in.Title)
	return nil
}

// replyRefusing sends in as a reader; a field the vector is refused in
// is given a plain value instead.
func replyRefusing(t *testing.T, s *site, in blog.CommentInput, refused map[string]int) {
	t.Helper()
	for range 4 {
		_, err := s.svc.Discussion.SubmitComment(t.Context(), in)
		var ve *blog.ValidationError
		if !errors.As(err, &ve) {
			if err != nil {
				t.Fatalf("reply %q: %v", in.Name, err)
			}
			return
		}
		for field := range ve.Fields {
			refused["reply "+field]++
			switch field {
			case "url":
				if strings.HasPrefix(in.URL, "https://a.example/") {
					in.URL = ""
				} else {
					in.URL = "https://a.example/?q=" + in.URL
				}
			case "author":
				in.Name = "A reader"
			case "comment":
				in.Body = "Plain words."
			default:
				t.Fatalf("reply %q: %v", in.Name, err)
			}
		}
	}
	t.Fatalf("reply %q: still refused", in.Name)
}

// importSweepWXR imports a WordPress export whose items, replies,
// authors and tags carry the vectors, ten to an item.
func importSweepWXR(t *testing.T, s *site, vectors []string) {
	t.Helper()
	esc := func(v string) string {
		var b strings.Builder
		xml.EscapeText(&b, []byte(v))
		return b.String()
	}
	var doc strings.Builder
	doc.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/">
<channel><title>Old</title><link>https://old.example</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_id>9</wp:author_id><wp:author_login>old</wp:author_login><wp:author_email>old@example.com</wp:author_email><wp:author_display_name>` + esc(vectors[3]) + `</wp:author_display_name></wp:author>
`)
	for k, b := range batches(vectors, 10) {
		id := 5000 + k*100
		fmt.Fprintf(&doc, `<item><title>%s</title><link>https://old.example/?p=%d</link><dc:creator>old</dc:creator>
<content:encoded>%s</content:encoded><excerpt:encoded>%s</excerpt:encoded>
<wp:post_id>%d</wp:post_id><wp:post_date>2014-03-01 10:00:00</wp:post_date><wp:post_date_gmt>2014-03-01 10:00:00</wp:post_date_gmt>
<wp:comment_status>open</wp:comment_status><wp:post_name>imported-%d</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<category domain="post_tag" nicename="imported-tag-%d">%s</category>
`, esc(b[0]), id, esc(strings.Join(b, "\n\n")), esc(b[len(b)-1]), id, k, k, esc(b[1%len(b)]))
		for j, v := range b {
			fmt.Fprintf(&doc, `<wp:comment><wp:comment_id>%d</wp:comment_id><wp:comment_author>%s</wp:comment_author><wp:comment_author_email>c%d@example.com</wp:comment_author_email>
<wp:comment_author_url>%s</wp:comment_author_url><wp:comment_date_gmt>2014-03-02 10:00:00</wp:comment_date_gmt><wp:comment_content>%s</wp:comment_content>
<wp:comment_approved>1</wp:comment_approved><wp:comment_type></wp:comment_type><wp:comment_parent>0</wp:comment_parent></wp:comment>
`, id+j+1, esc(v), j, esc(v), esc(v))
		}
		doc.WriteString("</item>\n")
	}
	doc.WriteString("</channel></rss>\n")
	if _, err := wordpress.Import(t.Context(), s.svc.Moving, s.admin, strings.NewReader(doc.String()), wordpress.Options{}); err != nil {
		t.Fatalf("import the sweep's export: %v", err)
	}
}

// importSweepMarkdown imports Markdown files whose front matter and text
// carry the vectors, ten to a file.
func importSweepMarkdown(t *testing.T, s *site, vectors []string) {
	t.Helper()
	var ins []blog.PostInput
	for k, b := range batches(vectors, 10) {
		front, err := yaml.Marshal(map[string]any{"title": b[0], "date": fmt.Sprintf("2013-05-%02dT10:00:00Z", k%28+1), "tags": b,
			"summary": b[len(b)-1], "slug": fmt.Sprintf("sweep-markdown-%d", k), "source": map[string]string{"url": "https://a.example/source?" + url.QueryEscape(b[0]), "title": b[1%len(b)], "site": b[2%len(b)]}})
		if err != nil {
			t.Fatal(err)
		}
		in, err := frontmatter.Parse(fmt.Sprintf("sweep-%d.md", k), []byte("---\n"+string(front)+"---\n"+strings.Join(b, "\n\n")+"\n"), time.UTC)
		if err != nil {
			t.Fatalf("front matter %d: %v", k, err)
		}
		ins = append(ins, in)
	}
	if _, err := s.svc.Moving.ImportPosts(t.Context(), s.admin, ins, nil); err != nil {
		t.Fatalf("import the sweep's Markdown: %v", err)
	}
}

// sweepTab is one Chromium tab of the sweep, in a browser context of its
// own: a stranger's or the administrator's, with the page's CSP kept or
// bypassed.
type sweepTab struct {
	t             *testing.T
	ctx           context.Context
	site          string
	admin, cspOff bool

	mu       sync.Mutex
	at       string   // the page being checked
	ran      []string // executions, with the page
	left     []string // dangerous markup found, with the page
	problems []string // pages that could not be checked
	visits   int
}

func (tb *sweepTab) name() string {
	who, csp := "stranger", "CSP on"
	if tb.admin {
		who = "administrator"
	}
	if tb.cspOff {
		csp = "CSP off"
	}
	return who + ", " + csp
}

// sweepPrelude runs first in every document and frame: the dialog
// functions report to the test instead of opening dialogs.
const sweepPrelude = `(() => {
	const report = (how, v) => { try { folioXSS(how + "(" + String(v) + ")") } catch (e) {} };
	for (const f of ["alert", "confirm", "prompt", "print"]) {
		try { Object.defineProperty(window, f, { value: v => report(f, v), writable: false, configurable: false }) } catch (e) {}
	}
	window.msgbox = v => report("msgbox", v);
	// Count the requests in flight, so the check can wait for them.
	window.__sweepFetches = 0;
	const fetch = window.fetch;
	window.fetch = function () {
		window.__sweepFetches++;
		return fetch.apply(this, arguments).finally(() => { window.__sweepFetches-- });
	};
})()`

func newSweepTab(t *testing.T, root context.Context, site, session string, cspOff bool) *sweepTab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	tb := &sweepTab{t: t, ctx: ctx, site: site, admin: session != "", cspOff: cspOff}
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		if _, err := cdp.Call(ctx, target, runtime.AddBinding, runtime.AddBindingParams{Name: "folioXSS"}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, target, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: sweepPrelude}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, target, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: cspOff}); err != nil {
			return err
		}
		if session != "" {
			httpOnly := true
			_, err := cdp.Call(ctx, target, network.SetCookie, network.SetCookieParams{Name: "folio_session", Value: session, URL: site, HTTPOnly: &httpOnly})
			return err
		}
		return nil
	}))
	if err != nil {
		t.Fatalf("set up the tab: %v", err)
	}
	chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventBindingCalled:
			if ev.Name == "folioXSS" {
				tb.ranNow(ev.Payload)
			}
		case *page.EventJavascriptDialogOpening:
			tb.ranNow("a " + string(ev.Type) + " dialog: " + ev.Message)
			go chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
				_, err := cdp.Call(ctx, target, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{})
				return err
			}))
		case *network.EventRequestWillBeSent:
			// A document (page or frame) from a javascript: or data:
			// address runs what it holds; an image from one does not.
			if u := strings.ToLower(ev.Request.URL); ev.Type == network.ResourceTypeDocument && (strings.HasPrefix(u, "javascript:") || strings.HasPrefix(u, "data:")) {
				tb.ranNow("a document loaded from " + ev.Request.URL)
			}
		}
	})
	return tb
}

func (tb *sweepTab) ranNow(what string) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.ran = append(tb.ran, tb.at+": "+what)
}

// sweepCheck dispatches every event to every element, with clicks and
// submissions kept from leaving the page, and returns the markup that
// would run script if clicked or in another browser.
const sweepCheck = `(async () => {
	const own = location.origin, found = [];
	const note = (el, what) => found.push(what + " in " + el.outerHTML.slice(0, 160));
	const urlAttr = /^(href|src|action|formaction|data|poster|background|xlink:href|srcset|ping|codebase|lowsrc|dynsrc|manifest|icon|cite)$/i;
	const all = Array.from(document.querySelectorAll("*"));
	for (const el of all) {
		const tag = el.localName;
		for (const a of Array.from(el.attributes)) {
			const n = a.name.toLowerCase();
			if (n.startsWith("on")) note(el, n + " attribute");
			else if (n === "srcdoc") note(el, "srcdoc");
			else if (n === "style" && /expression|javascript:|vbscript:|url\s*\(|behavior|binding/i.test(a.value)) note(el, "style " + a.value);
			else if (urlAttr.test(n)) {
				// A srcset candidate is an address, a space and a width;
				// anywhere else, whitespace inside the address is
				// dropped by the browser, so it stays for the parser.
				for (const part of (n === "srcset" ? a.value.split(",").map(c => c.trim().split(/\s+/)[0]) : [a.value])) {
					let u;
					try { u = new URL(part, document.baseURI) } catch (e) { continue }
					if (u.protocol === "javascript:" || u.protocol === "vbscript:") note(el, n + " " + u.protocol);
					else if (u.protocol === "data:" && !(tag === "img" && /^data:image\/(png|jpeg|gif|webp)/i.test(u.href))) note(el, n + " data:");
				}
			}
		}
		if (["iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal"].includes(tag)) note(el, "<" + tag + ">");
		if (tag === "meta" && el.httpEquiv && !/^content-type$/i.test(el.httpEquiv)) note(el, "meta http-equiv");
		if (tag === "script") {
			const src = el.getAttribute("src");
			if (src !== null) { if (new URL(src, document.baseURI).origin !== own) note(el, "foreign script") }
			else if (el.type !== "application/ld+json") note(el, "inline script");
			else { try { JSON.parse(el.textContent) } catch (e) { note(el, "broken JSON-LD") } }
		}
		if (tag === "form" && el.hasAttribute("action") && new URL(el.getAttribute("action"), document.baseURI).origin !== own) note(el, "form posting elsewhere");
	}
	const stay = e => e.preventDefault();
	document.addEventListener("click", stay, true);
	document.addEventListener("submit", stay, true);
	const events = ["click", "dblclick", "contextmenu", "mousedown", "mouseup", "mouseover", "mouseenter", "mousemove",
		"pointerdown", "pointerover", "focus", "blur", "focusin", "focusout", "keydown", "keyup", "input", "change", "invalid",
		"load", "error", "animationstart", "animationend", "transitionend", "toggle", "beforetoggle", "scroll", "wheel",
		"copy", "paste", "dragstart", "drop", "play", "ended", "begin", "end"];
	// Inline handlers fire on the element itself; the site's own scripts
	// listen higher up for these.
	const bubbling = new Set(["click", "input", "change", "keydown", "keyup", "focusin", "focusout", "submit"]);
	for (const el of all) {
		for (const type of events) {
			try { el.dispatchEvent(new Event(type, { bubbles: bubbling.has(type), cancelable: true })) } catch (e) {}
		}
	}
	for (const w of [window, document]) for (const type of ["load", "DOMContentLoaded", "hashchange", "resize", "scroll", "message"]) {
		try { w.dispatchEvent(new Event(type)) } catch (e) {}
	}
	window.scrollTo(0, document.body ? document.body.scrollHeight : 0);
	// Let what the events started finish: timers, and requests the
	// site's own scripts sent (the editor's preview), for up to a second.
	await new Promise(r => setTimeout(r, 50));
	for (let i = 0; i < 20 && window.__sweepFetches > 0; i++) await new Promise(r => setTimeout(r, 50));
	return found;
})()`

// open loads path and checks it.
func (tb *sweepTab) open(path string) {
	tb.setAt(path)
	resp, err := chromedp.RunResponse(tb.ctx, chromedp.Navigate(tb.site+path))
	if err != nil || resp == nil {
		tb.problem(fmt.Sprintf("GET %s: %v", path, err))
		return
	}
	if resp.Status >= 500 || resp.Status == http.StatusTooManyRequests {
		tb.problem(fmt.Sprintf("GET %s: %d", path, resp.Status))
	}
	tb.check(resp.URL)
}

// refuse fills r's form, sends it and checks the page that answers.
func (tb *sweepTab) refuse(r refusal) {
	tb.setAt(r.path)
	if _, err := chromedp.RunResponse(tb.ctx, chromedp.Navigate(tb.site+r.path)); err != nil {
		tb.problem(fmt.Sprintf("GET %s: %v", r.path, err))
		return
	}
	fill := fmt.Sprintf(`(() => {
		const f = document.querySelector(%q);
		if (!f) return false;
		const values = %s;
		for (const [name, v] of Object.entries(values)) { const el = f.elements[name]; if (el) el.value = v }
		setTimeout(() => HTMLFormElement.prototype.submit.call(f));
		return true;
	})()`, r.form, jsonObject(r.fields))
	resp, err := chromedp.RunResponse(tb.ctx, chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		ok, err := chromedp.Evaluate[bool](fill)(ctx, target)
		if err == nil && !ok {
			err = fmt.Errorf("no form %s", r.form)
		}
		return err
	}))
	if err != nil || resp == nil {
		tb.problem(fmt.Sprintf("send the form on %s: %v", r.path, err))
		return
	}
	tb.setAt(r.path + " (refused form, " + fmt.Sprint(resp.Status) + ")")
	tb.check(resp.URL)
}

// check runs sweepCheck on the open page, which should be at landed.
func (tb *sweepTab) check(landed string) {
	found, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](sweepCheck, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.problem("check " + tb.at + ": " + err.Error())
		return
	}
	href, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`location.href`))
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.visits++
	for _, f := range found {
		tb.left = append(tb.left, tb.at+": "+f)
	}
	if strings.SplitN(href, "#", 2)[0] != strings.SplitN(landed, "#", 2)[0] {
		tb.ran = append(tb.ran, tb.at+": the page went to "+href)
	}
}

func (tb *sweepTab) setAt(path string) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.at = path
}

func (tb *sweepTab) problem(p string) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.problems = append(tb.problems, p)
}

// jsonObject writes m as a JavaScript object literal.
func jsonObject(m map[string]string) string {
	b, _ := json.Marshal(m) // JSON escapes U+2028 and U+2029 too
	return string(b)
}

package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Where axe-core's script is, and whether its absence fails the test:
// CI installs it from .ci/package.json and sets both.
const (
	axeJSEnv      = "FOLIO_AXE_JS"
	requireAxeEnv = "FOLIO_REQUIRE_AXE"
)

// layoutProblemsJS lists what is wrong with the page's layout at the
// viewport's width: the page scrolling sideways, and controls (links,
// buttons, fields) out of view to the right or cut off.
const layoutProblemsJS = `(() => {
	const out = [];
	const vw = document.documentElement.clientWidth;
	if (document.documentElement.scrollWidth > vw + 1) out.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + ' px wide in ' + vw);
	for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea')) {
		if (el.closest('[hidden], .visually-hidden, .skip-link, .hp, details:not([open])') || el.classList.contains('visually-hidden')) continue;
		const r = el.getBoundingClientRect();
		if (r.width === 0 && r.height === 0) continue;
		if (r.right > vw + 1 || r.left < -1) {
			out.push((el.id ? '#' + el.id : el.tagName.toLowerCase()) + ' "' + (el.textContent || el.value || '').trim().slice(0, 30) + '" is out of view (' + Math.round(r.left) + '–' + Math.round(r.right) + ' px)');
			if (out.length > 5) break;
		}
	}
	return out;
})()`

// TestBrowserAdminLayout opens every admin screen (the menu's and one of
// each kind they link to) at a phone's 390 px and a laptop's 1280 px,
// and fails where a page scrolls sideways or puts a control out of view,
// and, with axe-core at hand, where axe finds a violation.
func TestBrowserAdminLayout(t *testing.T) {
	root := newChromeFor(t, 6*time.Minute)
	axeJS := loadAxe(t)
	s := newReplySite(t)
	crawlSeed(t, s)
	// An authenticator app half set up, so the profile links its page.
	if _, err := s.svc.Accounts.OfferTOTP(t.Context(), s.admin); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
	defer cancel()
	c := &crawler{t: t, ctx: ctx, site: s.URL}
	c.listen()
	c.signIn("ada@example.com", "analytical engine")
	c.open("/admin/")
	menu, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('nav[aria-label="Admin"] a')).map(a => a.getAttribute('href'))`))
	if err != nil || len(menu) == 0 {
		t.Fatalf("the admin menu: %v %v", menu, err)
	}
	seen := map[string]bool{}
	var pages []string
	add := func(p string) {
		if k := shape(p); !seen[k] {
			seen[k] = true
			pages = append(pages, p)
		}
	}
	for _, p := range append([]string{"/admin/", "/admin/profile"}, menu...) {
		add(p)
	}
	for _, p := range append([]string(nil), pages...) {
		c.open(p)
		links, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('main a[href^="/admin/"]:not([download])')).map(a => a.getAttribute('href').split('#')[0])`))
		for _, l := range links {
			add(l)
		}
	}
	for _, width := range []int64{390, 1280} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900)); err != nil {
			t.Fatal(err)
		}
		for _, p := range pages {
			if _, ok := c.open(p); !ok {
				continue
			}
			checkScreen(t, ctx, p, width, axeJS)
		}
	}
	t.Logf("%d admin screens, each at 390 and 1280 px", len(pages))
}

// loadAxe returns axe-core's script, or nil when it is not at hand and
// not required.
func loadAxe(t *testing.T) []byte {
	t.Helper()
	axe := os.Getenv(axeJSEnv)
	if axe == "" {
		if os.Getenv(requireAxeEnv) == "1" {
			t.Fatalf("%s is not set and %s=1: run npm ci --prefix .ci and point it at .ci/node_modules/axe-core/axe.min.js", axeJSEnv, requireAxeEnv)
		}
		t.Log("no axe-core (set " + axeJSEnv + "): checking the layout only")
		return nil
	}
	js, err := os.ReadFile(axe)
	if err != nil {
		t.Fatalf("%s: %v", axeJSEnv, err)
	}
	return js
}

// checkScreen fails where the open page, at the viewport's width,
// scrolls sideways, puts a control out of view or, with axe-core,
// breaks an accessibility rule.
func checkScreen(t *testing.T, ctx context.Context, what string, width int64, axeJS []byte) {
	t.Helper()
	problems, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](layoutProblemsJS))
	if err != nil {
		t.Errorf("%s at %d px: %v", what, width, err)
	}
	for _, problem := range problems {
		t.Errorf("%s at %d px: %s", what, width, problem)
	}
	if axeJS != nil {
		for _, v := range axeViolations(t, ctx, axeJS) {
			t.Errorf("%s at %d px: axe: %s", what, width, v)
		}
	}
}

// checkBothWidths checks the open page at a phone's and a laptop's
// width, and leaves the laptop's.
func checkBothWidths(t *testing.T, ctx context.Context, what string, axeJS []byte) {
	t.Helper()
	for _, width := range []int64{390, 1280} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900)); err != nil {
			t.Fatal(err)
		}
		checkScreen(t, ctx, what, width, axeJS)
	}
}

// axeViolations runs axe-core on the open page and describes what it
// finds.
func axeViolations(t *testing.T, ctx context.Context, axeJS []byte) []string {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](string(axeJS)+";true")); err != nil {
		t.Fatalf("load axe-core: %v", err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ['violations']}).then(r => JSON.stringify(r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe-core: %v", err)
	}
	var found []struct {
		ID, Help string
		Nodes    []string
	}
	if err := json.Unmarshal([]byte(raw), &found); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, v := range found {
		out = append(out, fmt.Sprintf("%s (%s) at %s", v.ID, v.Help, strings.Join(v.Nodes, ", ")))
	}
	return out
}

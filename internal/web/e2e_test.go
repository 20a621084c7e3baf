package web_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// requireBrowserEnv, when set to 1, turns a missing Chromium from a skip
// into a failure. CI sets it so browser tests always run there.
const requireBrowserEnv = "FOLIO_REQUIRE_BROWSER"

// newChrome starts headless Chromium for one test of at most a minute,
// or skips the test when the machine has none.
func newChrome(t *testing.T) context.Context {
	t.Helper()
	return newChromeFor(t, time.Minute)
}

// newChromeFor starts headless Chromium for a test of at most d.
func newChromeFor(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	var path string
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv(requireBrowserEnv) == "1" {
			t.Fatalf("Chromium not found and %s=1: install it (apt-get install chromium)", requireBrowserEnv)
		}
		t.Skip("skipping browser test: Chromium not found (apt-get install chromium to run it)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, d)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// text returns the text of the first element matching the CSS selector.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return v
}

// attr returns an attribute of the first element matching the selector.
func attr(t *testing.T, ctx context.Context, sel, name string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
	if err != nil {
		t.Fatalf("attribute %s of %s: %v", name, sel, err)
	}
	return v.Value
}

// TestBrowserFirstPost is the writer's first five minutes in a real
// browser: set up the administrator, write a post that quotes a source,
// publish it and read it on the public site.
func TestBrowserFirstPost(t *testing.T) {
	ctx := newChrome(t)
	s := newSite(t)

	err := chromedp.Do(ctx,
		chromedp.Navigate(s.URL+"/admin/setup?token="+setupToken),
		chromedp.WaitVisible(chromedp.ID("name")),
		chromedp.SendKeys(chromedp.ID("name"), "Ada Lovelace"),
		chromedp.SendKeys(chromedp.ID("email"), "ada@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), "analytical engine"),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("editor")),
	)
	if err != nil {
		t.Fatalf("setup: %v", err)
	}
	if title, _ := chromedp.Run(ctx, chromedp.Title()); !strings.Contains(title, "New post") {
		t.Fatalf("after setup the browser shows %q, want the new post editor", title)
	}

	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("title"), "On reading slowly"),
		chromedp.SendKeys(chromedp.ID("lede"), "A reply to an essay about speed."),
		chromedp.SendKeys(chromedp.ID("body"), "I read the essay twice.\n\n> Reading faster is reading more.\n\nI am not sure more is the point."),
		chromedp.SendKeys(chromedp.ID("source_url"), "https://example.org/essays/speed"),
		chromedp.SendKeys(chromedp.ID("source_title"), "The Case for Speed"),
		chromedp.SendKeys(chromedp.ID("source_site"), "Example Review"),
		chromedp.SendKeys(chromedp.ID("tags"), "reading, attention"),
		chromedp.Click(chromedp.CSS(`button[value="publish"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if err != nil {
		t.Fatalf("write and publish: %v", err)
	}
	if flash := text(t, ctx, ".flash"); !strings.Contains(flash, "Published") {
		t.Fatalf("flash after publishing = %q", flash)
	}

	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`a[href="/2015/11/28/on-reading-slowly/"]`)),
		chromedp.WaitVisible(chromedp.CSS("article.post h1")),
	)
	if err != nil {
		t.Fatalf("open the public post: %v", err)
	}
	checks := []struct{ what, got, want string }{
		{"title", text(t, ctx, "article.post h1"), "On reading slowly"},
		{"long date", text(t, ctx, "article.post header time"), "Saturday, November 28th, 2015"},
		{"datetime attribute", attr(t, ctx, "article.post header time", "datetime"), "2015-11-28T18:00:00Z"},
		{"blockquote", strings.TrimSpace(text(t, ctx, ".post-body blockquote")), "Reading faster is reading more."},
		{"cite link", attr(t, ctx, ".post-body blockquote + p.source cite a", "href"), "https://example.org/essays/speed"},
		{"cite text", text(t, ctx, ".post-body blockquote + p.source cite"), "The Case for Speed"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
		}
	}
	if replies := text(t, ctx, "#replies"); !strings.Contains(replies, "No replies yet") || !strings.Contains(replies, "Leave a Reply") {
		t.Errorf("reply section = %q", replies)
	}
}

// TestBrowserMarkdownToolbar: the editor's toolbar writes Markdown
// around the selection (bold, a quoted line, a link whose address is
// selected to type over), and Ctrl+B does what Bold does.
func TestBrowserMarkdownToolbar(t *testing.T) {
	ctx := newChrome(t)
	s := newSiteWithAdmin(t)
	value := func() string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('body').value`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	selectAll := chromedp.Evaluate[bool](`(() => { const b = document.getElementById('body'); b.focus(); b.setSelectionRange(0, b.value.length); return true })()`)
	do(t, ctx, "open the editor",
		chromedp.Navigate(s.URL+"/admin/login"),
		chromedp.SendKeys(chromedp.ID("email"), "ada@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), "analytical engine"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/login"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`nav[aria-label="Admin"]`)),
		chromedp.Navigate(s.URL+"/admin/posts/new?kind=post"),
		chromedp.WaitVisible(chromedp.ID("md-toolbar")),
		chromedp.SendKeys(chromedp.ID("body"), "slowly"),
	)
	if _, err := chromedp.Run(ctx, selectAll); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "bold", chromedp.Click(chromedp.CSS(`[data-md="bold"]`)))
	if got := value(); got != "**slowly**" {
		t.Errorf("after Bold: %q", got)
	}
	do(t, ctx, "quote", chromedp.Click(chromedp.CSS(`[data-md="quote"]`)))
	if got := value(); got != "> **slowly**" {
		t.Errorf("after Quote: %q", got)
	}
	if _, err := chromedp.Run(ctx, selectAll); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "link", chromedp.Click(chromedp.CSS(`[data-md="link"]`)), chromedp.SendKeys(chromedp.ID("body"), "https://example.org/"))
	if got := value(); got != "[> **slowly**](https://example.org/)" {
		t.Errorf("after Link and typing the address: %q", got)
	}
	if _, err := chromedp.Run(ctx, selectAll); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "Ctrl+B", chromedp.KeyEvent("b", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	if got := value(); !strings.HasPrefix(got, "**[") {
		t.Errorf("after Ctrl+B: %q", got)
	}
}

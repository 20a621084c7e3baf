package web_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"folio/internal/blog"
)

// readerPages are the public pages the theme is judged on: the front
// page, a post with 50 threaded replies, an archive and a search.
var readerPages = []struct{ name, path string }{
	{"home", "/"},
	{"post", "/2015/11/28/reading-slowly-again/"},
	{"archive", "/category/essays/"},
	{"search", "/search?q=reading"},
}

// themeText is the judged post and its replies, written in English and
// in Arabic.
var themeText = map[string]struct{ title, lede, body, reply, reader, tag string }{
	"en": {"Reading slowly, again", "A second look at speed.",
		"> Reading faster is reading more.\n\nMore of *what*? A table of what I kept:\n\n| Book | Pages | Kept |\n| --- | --- | --- |\n| Slow | 210 | most |\n| Fast | 480 | little |\n\n" +
			"And the code I timed it with[^1]:\n\n```go\nstart := time.Now()\nread(book)\nfmt.Println(time.Since(start))\n```\n\n[^1]: On paper first.",
		"A reply of a sentence or two, about reading and *attention*, as most are.", "Reader %d", "Reading"},
	"ar": {"القراءة ببطء، مرة أخرى", "نظرة ثانية إلى السرعة.",
		"> القراءة الأسرع قراءة أكثر.\n\nأكثر من *ماذا*؟ جدول بما بقي معي:\n\n| الكتاب | الصفحات | ما بقي |\n| --- | --- | --- |\n| بطيء | 210 | معظمه |\n| سريع | 480 | قليل |\n\n" +
			"والشيفرة التي قِستُ بها الوقت[^1]:\n\n```go\nstart := time.Now()\nread(book)\nfmt.Println(time.Since(start))\n```\n\n[^1]: على الورق أولًا.",
		"ردّ من جملة أو جملتين عن القراءة و*الانتباه*، كمعظم الردود.", "قارئ %d", "القراءة"},
}

// themeSite is a site in lang with the content of readerPages.
func themeSite(t *testing.T, lang string) *site {
	t.Helper()
	s := newSiteWithAdmin(t)
	seed(t, s)
	ctx := t.Context()
	if _, err := s.svc.Site.SaveSettings(ctx, s.admin, blog.SettingsInput{"language": lang, "tagline": "Notes in the margins of what I read"}); err != nil {
		t.Fatal(err)
	}
	text, ok := themeText[lang]
	if !ok {
		text = themeText["en"]
	}
	p, err := s.svc.Writing.SavePost(ctx, s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: text.title, Slug: "reading-slowly-again", Lede: text.lede,
		Body: text.body, Source: blog.Source{URL: "https://example.org/speed", Title: "The Case for Speed", Site: "Example Review"},
		Status: blog.StatusPublished, CommentsOpen: true, PublishedAt: time.Date(2015, 11, 28, 12, 0, 0, 0, time.UTC),
		Tags: []string{text.tag, "Reading"}, Categories: []string{"Essays"}})
	if err != nil {
		t.Fatal(err)
	}
	// 50 replies: 20 conversations, each answered, some answered again.
	_, err = s.svc.Moving.Import(ctx, s.admin, "theme", false, func(im *blog.Importer) error {
		n := 0
		add := func(parent string) (string, error) {
			n++
			key := fmt.Sprint(n)
			_, err := im.Comment(key, p, parent, blog.Comment{AuthorName: fmt.Sprintf(text.reader, n), AuthorEmail: fmt.Sprintf("r%d@example.com", n),
				Body: text.reply, Status: blog.CommentApproved,
				Kind: blog.CommentKindComment, CreatedAt: time.Date(2015, 11, 29, 0, n, 0, 0, time.UTC)})
			return key, err
		}
		for i := range 20 {
			top, err := add("")
			if err != nil {
				return err
			}
			answer, err := add(top)
			if err != nil {
				return err
			}
			if i%2 == 0 {
				if _, err := add(answer); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s.web.Invalidate(blog.Change{All: true})
	return s
}

// mirrorJS measures what must sit on the reading side's start: the
// quote's rule, the credit under it, the indent of answers and the
// previous post's link. It reports the page's direction too.
const mirrorJS = `(() => {
	const cs = el => getComputedStyle(el);
	const q = document.querySelector('.post-body blockquote');
	const credit = document.querySelector('.post-body .source');
	const child = document.querySelector('.children');
	const parent = child && child.closest('.comment');
	const older = document.querySelector('.post-nav .older a');
	const body = document.querySelector('.post-body').getBoundingClientRect();
	return {
		dir: cs(document.documentElement).direction,
		quoteRuleLeft: parseFloat(cs(q).borderLeftWidth), quoteRuleRight: parseFloat(cs(q).borderRightWidth),
		creditPadLeft: parseFloat(cs(credit).paddingLeft), creditPadRight: parseFloat(cs(credit).paddingRight),
		childIndentLeft: child.getBoundingClientRect().left - parent.getBoundingClientRect().left,
		childIndentRight: parent.getBoundingClientRect().right - child.getBoundingClientRect().right,
		olderLeft: older.getBoundingClientRect().left - body.left, olderRight: body.right - older.getBoundingClientRect().right,
		codeDir: cs(document.querySelector('.post-body pre')).direction,
	};
})()`

type mirror struct {
	Dir                               string
	QuoteRuleLeft, QuoteRuleRight     float64
	CreditPadLeft, CreditPadRight     float64
	ChildIndentLeft, ChildIndentRight float64
	OlderLeft, OlderRight             float64
	CodeDir                           string
}

// TestBrowserReaderTheme opens the reader pages in English, German (long
// words) and Arabic at a phone's and a laptop's width, light and dark,
// and fails where a page scrolls sideways, puts a control out of view or
// breaks an axe-core rule; it checks that Arabic mirrors the quote, its
// credit, the reply threads and the post navigation (code stays left to
// right), that the phone's menu opens and closes without JavaScript, and
// that every page is valid HTML.
func TestBrowserReaderTheme(t *testing.T) {
	root := newChromeFor(t, 3*time.Minute)
	axeJS := loadAxe(t)
	html := map[string]string{}
	for _, lang := range []string{"en", "de", "ar"} {
		s := themeSite(t, lang)
		b := s.browser(t)
		for _, p := range readerPages {
			r := b.get(p.path)
			if r.StatusCode != 200 {
				t.Fatalf("%s GET %s: %d", lang, p.path, r.StatusCode)
			}
			html[lang+" "+p.name] = r.Body
		}
		ctx, cancel := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
		for _, scheme := range []string{"light", "dark"} {
			if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}); err != nil {
				t.Fatal(err)
			}
			for _, p := range readerPages {
				do(t, ctx, "open "+p.path, chromedp.Navigate(s.URL+p.path))
				// Colours do not change with the width, nor the rules
				// axe checks but contrast: the phone's light screen is
				// checked for its layout alone.
				for _, width := range []int64{390, 1280} {
					if scheme == "dark" && width == 1280 {
						continue
					}
					do(t, ctx, "resize", chromedp.EmulateViewport(width, 900))
					axe := axeJS
					if scheme == "light" && width == 390 {
						axe = nil
					}
					checkScreen(t, ctx, lang+" "+scheme+" "+p.name, width, axe)
				}
			}
		}
		do(t, ctx, "open the post", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(s.URL+readerPages[1].path))
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[json.RawMessage](mirrorJS))
		if err != nil {
			t.Fatal(err)
		}
		var m mirror
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		start := func(left, right float64) float64 { // the measure on the reading side's start
			if lang == "ar" {
				return right
			}
			return left
		}
		end := func(left, right float64) float64 {
			if lang == "ar" {
				return left
			}
			return right
		}
		wantDir := map[string]string{"en": "ltr", "de": "ltr", "ar": "rtl"}[lang]
		switch {
		case m.Dir != wantDir:
			t.Errorf("%s: direction %s", lang, m.Dir)
		case start(m.QuoteRuleLeft, m.QuoteRuleRight) < 3 || end(m.QuoteRuleLeft, m.QuoteRuleRight) != 0:
			t.Errorf("%s: the quote's rule is not on the start side: %+v", lang, m)
		case start(m.CreditPadLeft, m.CreditPadRight) < 10 || end(m.CreditPadLeft, m.CreditPadRight) != 0:
			t.Errorf("%s: the credit is not indented from the start: %+v", lang, m)
		case start(m.ChildIndentLeft, m.ChildIndentRight) < 10 || end(m.ChildIndentLeft, m.ChildIndentRight) > 1:
			t.Errorf("%s: answers are not indented from the start: %+v", lang, m)
		case start(m.OlderLeft, m.OlderRight) > 1:
			t.Errorf("%s: the previous post is not on the start side: %+v", lang, m)
		case m.CodeDir != "ltr":
			t.Errorf("%s: code runs %s", lang, m.CodeDir)
		}
		cancel()

		// The phone's menu, with scripts off: hidden, opened by its
		// button, closed by its link.
		tab := noScriptTab(t, root)
		menuShown := func() bool {
			v, err := chromedp.Run(tab, chromedp.Evaluate[bool](`getComputedStyle(document.getElementById('site-menu')).display !== 'none'`))
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		do(t, tab, "open the front page on a phone", chromedp.EmulateViewport(390, 800), chromedp.Navigate(s.URL+"/"))
		if menuShown() {
			t.Errorf("%s: the phone's menu is open before its button is pressed", lang)
		}
		do(t, tab, "press the menu button", chromedp.Click(chromedp.CSS(".menu-button")), chromedp.WaitVisible(chromedp.ID("site-search-q")))
		if !menuShown() {
			t.Errorf("%s: the menu button did not open the menu", lang)
		}
		// axe-core cannot run with scripts off: the layout alone.
		checkScreen(t, tab, lang+" open menu", 390, nil)
		do(t, tab, "close the menu", chromedp.Click(chromedp.CSS(".menu-close")), chromedp.WaitNotVisible(chromedp.ID("site-search-q")))
		do(t, tab, "open the front page on a laptop", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(s.URL+"/"))
		if !menuShown() {
			t.Errorf("%s: a laptop hides the menu", lang)
		}
	}
	if jar := os.Getenv(vnuEnv); jar != "" {
		if java, err := exec.LookPath("java"); err == nil {
			checkHTML(t, jar, java, html)
		}
	}
}

// Where Lighthouse's judge script is (it defaults to the shared judges
// beside the project), and whether its absence fails the test.
const (
	lighthouseEnv        = "FOLIO_LIGHTHOUSE"
	requireLighthouseEnv = "FOLIO_REQUIRE_LIGHTHOUSE"
)

// TestLighthouseReaderPages runs Google Lighthouse (mobile) on the reader
// pages in English and Arabic and fails below 100 in accessibility, best
// practices and SEO. Performance is a timing on a shared machine, so it
// is reported, not asserted; the search page tells crawlers not to index
// it, as WordPress does, so its SEO score is reported too.
func TestLighthouseReaderPages(t *testing.T) {
	script := os.Getenv(lighthouseEnv)
	if script == "" {
		script = filepath.Join("..", "..", "..", "shared", "judges", "lighthouse.sh")
	}
	if _, err := os.Stat(script); err != nil {
		if os.Getenv(requireLighthouseEnv) == "1" {
			t.Fatalf("%s=1 but Lighthouse's judge is not at %s (set %s)", requireLighthouseEnv, script, lighthouseEnv)
		}
		t.Skipf("skipping: Lighthouse's judge is not at %s (set %s)", script, lighthouseEnv)
	}
	// Two at a time: the scores asserted do not depend on the time taken.
	// The first runs alone, since the judge installs itself on first use.
	type run struct{ lang, page, url string }
	var runs []run
	for _, lang := range []string{"en", "ar"} {
		s := themeSite(t, lang)
		for _, p := range readerPages {
			runs = append(runs, run{lang, p.name, s.URL + p.path})
		}
	}
	verdicts := make([]string, len(runs))
	errs := make([]error, len(runs))
	judge := func(i int) {
		out, err := exec.Command("bash", script, runs[i].url).CombinedOutput()
		// The verdict line, after whatever the judge's first-use install
		// printed.
		for line := range strings.Lines(string(out)) {
			if strings.HasPrefix(line, "PASS lighthouse") || strings.HasPrefix(line, "FAIL lighthouse") {
				verdicts[i] = strings.TrimSpace(line)
				break
			}
		}
		if err != nil || verdicts[i] == "" {
			errs[i] = fmt.Errorf("judge: %v, verdict %q:\n%s", err, verdicts[i], out)
		}
	}
	judge(0)
	var wg sync.WaitGroup
	slots := make(chan struct{}, 2)
	for i := 1; i < len(runs); i++ {
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			judge(i)
		})
	}
	wg.Wait()
	for i, r := range runs {
		if errs[i] != nil {
			t.Errorf("%s %s: %v", r.lang, r.page, errs[i])
			continue
		}
		t.Logf("%s %s: %s", r.lang, r.page, verdicts[i])
		for _, cat := range []string{"accessibility", "best-practices", "seo"} {
			if cat == "seo" && r.page == "search" {
				continue
			}
			if !strings.Contains(verdicts[i], " "+cat+"=100") {
				t.Errorf("%s %s: %s below 100: %s", r.lang, r.page, cat, verdicts[i])
			}
		}
	}
}

package web_test

import (
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/chromedp/chromedp"
	"golang.org/x/net/html"

	"folio/internal/blog"
	"folio/internal/locale"
)

// TestAdminInEveryLanguage walks the admin's pages as a writer whose
// profile asks for each shipped language, and fails where a page shows a
// text of the English catalogs that the language words differently: a
// label, a button or a sentence left out of the catalogs.
func TestAdminInEveryLanguage(t *testing.T) {
	s := newReplySite(t)
	crawlSeed(t, s)
	english := catalogTexts(t, "en")
	b := s.browser(t)
	b.login("ada@example.com", "analytical engine")
	for _, choice := range locale.MustLoad().Choices() {
		lang := choice.Tag
		if lang == "en" {
			continue
		}
		t.Run(lang, func(t *testing.T) {
			// The site speaks the language too, so that what the admin
			// shows in the site's language (a preview, the defaults a
			// setting follows) is in it as well.
			if _, err := s.svc.Site.SaveSettings(t.Context(), s.admin, blog.SettingsInput{"language": lang}); err != nil {
				t.Fatal(err)
			}
			s.speak(t, s.admin, lang)
			theirs := catalogTexts(t, lang)
			leaks := map[string]string{} // English text → its message ID
			for id, text := range english {
				// Languages are listed by their own names.
				if tr, ok := theirs[id]; ok && tr != text && len([]rune(text)) > 3 && id != "language_name" {
					leaks[text] = id
				}
			}
			found := map[string][]string{}
			pages := adminPages(t, b)
			for _, path := range pages {
				r := b.get(path)
				if !strings.Contains(r.Body, `<html lang="`+lang+`"`) {
					t.Errorf("%s is not marked lang=%s", path, lang)
				}
				for _, text := range pageTexts(r.Body) {
					if id, ok := leaks[text]; ok {
						found[id] = append(found[id], path)
					}
				}
			}
			ids := make([]string, 0, len(found))
			for id := range found {
				ids = append(ids, id)
			}
			sort.Strings(ids)
			for _, id := range ids {
				t.Errorf("%s shows %q in English (%s)", found[id][0], english[id], id)
			}
			t.Logf("%d admin pages, none in English", len(pages))
		})
	}
}

// adminPages lists the admin pages the menu and the dashboard lead to,
// and one page of each kind those link to.
func adminPages(t *testing.T, b *browser) []string {
	t.Helper()
	seen := map[string]bool{}
	var out []string
	queue := []string{"/admin/"}
	for len(queue) > 0 && len(out) < 80 {
		path := queue[0]
		queue = queue[1:]
		if seen[shape(path)] {
			continue
		}
		seen[shape(path)] = true
		r := b.get(path)
		if r.StatusCode != 200 {
			continue
		}
		out = append(out, path)
		for _, m := range hrefRe.FindAllStringSubmatch(r.Body, -1) {
			link := html.UnescapeString(m[1])
			u, err := url.Parse(link)
			if err != nil || u.Host != "" || !strings.HasPrefix(u.Path, "/admin/") || strings.Contains(u.Path, "/export/") ||
				strings.HasSuffix(u.Path, "/backup") || u.Path == "/admin/logout" {
				continue
			}
			u.Fragment = ""
			queue = append(queue, u.String())
		}
	}
	return out
}

var hrefRe = regexp.MustCompile(`href="([^"]+)"`)

// pageTexts returns a page's text nodes and the attributes people read
// (placeholders, labels, titles, alt text, the labels of stacked
// tables), each with its spaces collapsed.
func pageTexts(doc string) []string {
	root, err := html.Parse(strings.NewReader(doc))
	if err != nil {
		return nil
	}
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			if p := n.Parent; p != nil && (p.Data == "script" || p.Data == "style" || p.Data == "textarea") {
				return
			}
			out = append(out, strings.Join(strings.Fields(n.Data), " "))
		case html.ElementNode:
			for _, a := range n.Attr {
				switch a.Key {
				case "placeholder", "aria-label", "title", "alt", "data-label":
					out = append(out, strings.Join(strings.Fields(a.Val), " "))
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return out
}

// catalogTexts reads a language's catalogs, the reader's and the
// writer's, as ID → text; a counted message gives its "other" text.
func catalogTexts(t *testing.T, lang string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, name := range []string{lang + ".toml", "admin." + lang + ".toml"} {
		buf, err := os.ReadFile(filepath.Join("..", "locale", "catalogs", name))
		if err != nil {
			t.Fatal(err)
		}
		var raw map[string]any
		if err := toml.Unmarshal(buf, &raw); err != nil {
			t.Fatal(err)
		}
		for id, v := range raw {
			switch v := v.(type) {
			case string:
				out[id] = v
			case map[string]any:
				if other, ok := v["other"].(string); ok {
					out[id] = other
				}
			}
		}
	}
	return out
}

// TestBrowserEditorSpeaksPolish: the editor's script says what it
// counts and names its main button in the writer's language, with the
// plural form the language uses for the number (Polish has three).
func TestBrowserEditorSpeaksPolish(t *testing.T) {
	ctx := newChrome(t)
	s := newSiteWithAdmin(t)
	s.speak(t, s.admin, "pl")
	c := &crawler{t: t, ctx: ctx, site: s.URL}
	c.listen()
	c.signIn("ada@example.com", "analytical engine")
	if err := chromedp.Do(ctx, chromedp.Navigate(s.URL+"/admin/posts/new?kind=post"), chromedp.WaitVisible(chromedp.ID("body"))); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ typed, want string }{
		{"jedno", "1 słowo"},
		{" dwa trzy", "3 słowa"},
		{" cztery pięć", "5 słów"},
	} {
		if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("body"), tt.typed)); err != nil {
			t.Fatal(err)
		}
		if got := text(t, ctx, "#word-count"); !strings.HasPrefix(got, tt.want+" · ") || !strings.HasSuffix(got, "min czytania") {
			t.Errorf("after typing %q the count says %q, want %q", tt.typed, got, tt.want)
		}
	}
	// A date in the future turns Publish (Opublikuj) into Schedule (Zaplanuj).
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.ID("published_at"), "2099-01-01T09:00")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("published_at").dispatchEvent(new Event("input"))`)); err != nil {
		t.Fatal(err)
	}
	if got := text(t, ctx, "#publish"); got != "Zaplanuj" {
		t.Errorf("the main button with a future date says %q, want Zaplanuj", got)
	}
	for _, p := range c.takeProblems() {
		t.Error(p)
	}
}

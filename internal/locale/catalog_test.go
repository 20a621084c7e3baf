package locale

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// shipped are the languages folio ships complete catalogs for.
var shipped = []string{"en", "de", "fr", "es", "pt", "it", "nl", "pl", "ja", "ar"}

// catalog reads one language's embedded catalogs as go-i18n parses
// them: the reader's words (LANG.toml) and the writer's
// (admin.LANG.toml), which must not share an ID.
func catalog(t *testing.T, lang string) map[string]*i18n.Message {
	t.Helper()
	out := map[string]*i18n.Message{}
	for _, name := range []string{lang + ".toml", "admin." + lang + ".toml"} {
		buf, err := fs.ReadFile(catalogs, "catalogs/"+name)
		if err != nil {
			t.Fatal(err)
		}
		b := i18n.NewBundle(language.English)
		b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
		mf, err := b.ParseMessageFileBytes(buf, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range mf.Messages {
			if _, ok := out[m.ID]; ok {
				t.Errorf("%s repeats %q", name, m.ID)
			}
			out[m.ID] = m
		}
	}
	return out
}

// counted reports whether m has plural forms.
func counted(m *i18n.Message) bool {
	return m.Zero != "" || m.One != "" || m.Two != "" || m.Few != "" || m.Many != ""
}

func fields(s string) []string {
	var out []string
	for _, m := range fieldRe.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// TestCatalogsComplete fails when a shipped catalog lacks a message
// English has or has one English lacks, when a counted message lacks a
// plural form its language uses for some whole number, or when a
// translation names other values than the English text.
func TestCatalogsComplete(t *testing.T) {
	en := catalog(t, "en")
	book := MustLoad()
	for _, lang := range shipped {
		t.Run(lang, func(t *testing.T) {
			cat := catalog(t, lang)
			for id := range en {
				if _, ok := cat[id]; !ok {
					t.Errorf("%s lacks %q", lang, id)
				}
			}
			for id := range cat {
				if _, ok := en[id]; !ok {
					t.Errorf("%s has %q, which English lacks", lang, id)
				}
			}
			l := book.For(lang)
			if l.Tag() != lang {
				t.Fatalf("For(%q) gave %s", lang, l.Tag())
			}
			for id, m := range en {
				tr, ok := cat[id]
				if !ok || id == "ordinal" {
					continue
				}
				want, wantTags := fields(m.Other), tags(m.Other)
				for _, form := range []string{tr.Zero, tr.One, tr.Two, tr.Few, tr.Many, tr.Other} {
					if form == "" {
						continue
					}
					if got := tags(form); !slices.Equal(got, wantTags) {
						t.Errorf("%s %q has the markup %v, English %v", lang, id, got, wantTags)
					}
					got := fields(form)
					// A singular form may say "one" instead of naming the count.
					if !slices.Equal(got, want) && !slices.Equal(got, slices.DeleteFunc(slices.Clone(want), func(f string) bool { return f == "Count" })) {
						t.Errorf("%s %q names %v, English names %v", lang, id, got, want)
					}
				}
				if !counted(m) {
					if tr.Other == "" {
						t.Errorf("%s %q is empty", lang, id)
					}
					continue
				}
				for _, n := range countsToTry() {
					_, tag, err := l.loc.LocalizeWithTag(&i18n.LocalizeConfig{MessageID: id, PluralCount: n, TemplateData: map[string]any{"Count": n}})
					if err != nil || tag != l.tag {
						t.Errorf("%s %q for %d: %v (said in %s)", lang, id, n, err, tag)
						break
					}
				}
			}
		})
	}
}

// tagRe finds the elements a text writes, e.g. <a href="{{.URL}}">.
var tagRe = regexp.MustCompile(`</?[a-z]+[^>]*>`)

// tags returns the elements a text writes, sorted: a translation of a
// sentence with markup must keep every element, so the page stays whole.
func tags(s string) []string {
	out := tagRe.FindAllString(s, -1)
	sort.Strings(out)
	return out
}

func countsToTry() []int {
	var out []int
	for n := 0; n <= 250; n++ {
		out = append(out, n)
	}
	return append(out, 1000, 1001, 1_000_000, 2_000_000)
}

// usedRe finds the message IDs the templates and the code ask for.
var usedRe = []*regexp.Regexp{
	regexp.MustCompile(`\.(?:T|N|Around|HTML) "([a-z][a-z0-9_]*)"`),
	regexp.MustCompile(`(?:\.T|\.N|\.Around|\.HTML|\bsay|\.Say)\([^"\n;{}]*?"([a-z][a-z0-9_]*)"`),
	// The domain's messages: FieldError("title", "title_enter"),
	// v.Add("slug", "slug_letters"), Msg("menu_too_deep"), Note("import_blocks").
	regexp.MustCompile(`(?:FieldError|\.Add)\("[a-z_]+", "([a-z][a-z0-9_]*)"`),
	regexp.MustCompile(`\b(?:Msg|Note|ID:) ?\(?"([a-z][a-z0-9_]*)"`),
	regexp.MustCompile(`kindMessage\([^,]+, "([a-z][a-z0-9_]*)"`),
	regexp.MustCompile(`kindMessage\([^,]+, "[a-z0-9_]+", "([a-z][a-z0-9_]*)"`),
}

// scriptRe finds the messages a template hands its script: .Script "a" "b".
var scriptRe = regexp.MustCompile(`\.Script((?: "[a-z][a-z0-9_]*")+)`)

// TestEveryMessageUsed fails when the templates or the code ask for a
// message English lacks, or English holds a message nothing asks for.
func TestEveryMessageUsed(t *testing.T) {
	en := catalog(t, "en")
	asked := map[string]string{}
	literals := map[string]bool{}
	literalRe := regexp.MustCompile(`"([a-z][a-z0-9_]*)"`)
	for _, root := range []string{"..", "../../cmd"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || strings.HasSuffix(path, "_test.go") || !(strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".html")) {
				return nil
			}
			buf, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, re := range usedRe {
				for _, m := range re.FindAllStringSubmatch(string(buf), -1) {
					asked[m[1]] = path
				}
			}
			for _, m := range scriptRe.FindAllStringSubmatch(string(buf), -1) {
				for _, id := range strings.Fields(strings.ReplaceAll(m[1], `"`, " ")) {
					asked[id] = path
				}
			}
			for _, m := range literalRe.FindAllStringSubmatch(string(buf), -1) {
				literals[m[1]] = true
			}
			return nil
		})
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	for id, path := range asked {
		if _, ok := en[id]; !ok {
			t.Errorf("%s asks for %q, which the English catalog lacks", path, id)
		}
	}
	for id := range en {
		if _, ok := asked[id]; !ok && !literals[id] {
			t.Errorf("nothing asks for %q", id)
		}
	}
}

// TestLongDates checks the site's default date in every shipped
// language against how each writes it.
func TestLongDates(t *testing.T) {
	at := time.Date(2015, 11, 28, 15, 4, 0, 0, time.UTC)
	want := map[string]string{
		"en": "Saturday, November 28th, 2015",
		"de": "Samstag, 28. November 2015",
		"fr": "samedi 28 novembre 2015",
		"es": "sábado, 28 de noviembre de 2015",
		"pt": "sábado, 28 de novembro de 2015",
		"it": "sabato 28 novembre 2015",
		"nl": "zaterdag 28 november 2015",
		"pl": "sobota, 28 listopada 2015",
		"ja": "2015年11月28日土曜日",
		"ar": "السبت، 28 نوفمبر 2015",
	}
	book := MustLoad()
	for _, lang := range shipped {
		l := book.For(lang)
		if got := l.FormatDate(at, l.DateLayout()); got != want[lang] {
			t.Errorf("%s: %q, want %q", lang, got, want[lang])
		}
	}
	// The first of the month takes French's ordinal.
	if got := book.For("fr").FormatDate(time.Date(2015, 11, 1, 0, 0, 0, 0, time.UTC), "jS F"); got != "1er novembre" {
		t.Errorf("French first = %q", got)
	}
	if got := book.For("de").FormatDate(at, "D, j. M Y, H:i"); got != "Sa., 28. Nov. 2015, 15:04" {
		t.Errorf("German short = %q", got)
	}
	if got := book.For("ar").FormatDate(at, book.For("ar").TimeLayout()); got != "3:04 م" {
		t.Errorf("Arabic time = %q", got)
	}
}

func TestLanguages(t *testing.T) {
	book := MustLoad()
	tests := []struct{ tag, lang, dir string }{
		{"en", "en", "ltr"}, {"en-GB", "en", "ltr"}, {"de-AT", "de", "ltr"}, {"pt-BR", "pt", "ltr"},
		{"ar-EG", "ar", "rtl"}, {"ja-JP", "ja", "ltr"}, {"", "en", "ltr"}, {"xx-unknown", "en", "ltr"}, {"sv", "en", "ltr"},
	}
	for _, tt := range tests {
		l := book.For(tt.tag)
		if l.Tag() != tt.lang || l.Dir() != tt.dir {
			t.Errorf("For(%q) = %s %s, want %s %s", tt.tag, l.Tag(), l.Dir(), tt.lang, tt.dir)
		}
	}
	de := book.For("de")
	if got := de.N("reply_count", 1); got != "1 Antwort" {
		t.Errorf("German one = %q", got)
	}
	if got := de.N("reply_count", 3); got != "3 Antworten" {
		t.Errorf("German other = %q", got)
	}
	pl := book.For("pl")
	for n, want := range map[int]string{1: "1 odpowiedź", 2: "2 odpowiedzi", 5: "5 odpowiedzi", 22: "22 odpowiedzi", 25: "25 odpowiedzi"} {
		if got := pl.N("reply_count", n); got != want {
			t.Errorf("Polish %d = %q, want %q", n, got, want)
		}
	}
	ar := book.For("ar")
	if a, b := ar.N("reply_count", 2), ar.N("reply_count", 3); a == b {
		t.Errorf("Arabic says 2 and 3 alike: %q", a)
	}
	if got := book.For("en").Around("posts_by"); got.Before != "Posts by " || got.After != "" {
		t.Errorf("Around = %+v", got)
	}
	if got := book.For("en").T("no_such_message"); got != "no_such_message" {
		t.Errorf("a missing message says %q", got)
	}
}

// TestThemeOverrides checks that a theme folder's catalog replaces a
// message and adds a language.
func TestThemeOverrides(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "locales"), 0o755)
	os.WriteFile(filepath.Join(dir, "locales", "en.toml"), []byte("[reply_heading]\nother = \"Say something\"\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "locales", "sv.toml"), []byte("[reply_heading]\nother = \"Lämna ett svar\"\n"), 0o644)
	book, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := book.For("en").T("reply_heading"); got != "Say something" {
		t.Errorf("override = %q", got)
	}
	sv := book.For("sv")
	if got := sv.T("reply_heading"); got != "Lämna ett svar" {
		t.Errorf("added language = %q", got)
	}
	if got := sv.T("post_reply"); got != "Post Reply" {
		t.Errorf("a message the theme's language lacks = %q, want English", got)
	}
	if got := sv.FormatDate(time.Date(2015, 11, 28, 0, 0, 0, 0, time.UTC), "l j F"); got != "lördag 28 november" {
		t.Errorf("Swedish names = %q", got)
	}
	os.WriteFile(filepath.Join(dir, "locales", "de.toml"), []byte("[broken\n"), 0o644)
	if _, err := Load(dir); err == nil {
		t.Error("a broken catalog loaded")
	}
}

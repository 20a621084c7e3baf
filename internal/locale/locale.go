// Package locale says folio's words in the reader's or the writer's
// language: message catalogs with CLDR plural rules (one TOML file per
// language, embedded, which a theme folder may extend or override),
// month and weekday names from CLDR, and the writing direction.
//
// A catalog holds messages by ID. A message is either one text or, when
// it counts something, one text per CLDR plural form the language uses
// ("one", "few", "many", "other", ...). Texts name their values with Go
// template fields: "Page {{.Page}} of {{.Pages}}"; a counted message
// names its number {{.Count}}.
package locale

import (
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed catalogs/*.toml
var catalogs embed.FS

// Book holds every catalog folio knows. It is safe for concurrent use.
type Book struct {
	bundle  *i18n.Bundle
	matcher language.Matcher
	tags    []language.Tag
	// ordinals holds each language's "ordinal" message: the day-number
	// suffixes of the S date letter, by CLDR ordinal form.
	ordinals map[language.Tag]*i18n.Message
	// messages holds each language's messages, the last file read
	// winning, for Script.
	messages map[language.Tag]map[string]*i18n.Message

	mu    sync.Mutex
	langs map[string]*Lang
}

// Load reads the embedded catalogs and then, when dir is not "", every
// dir/locales/*.toml, whose messages add to or take the place of the
// embedded ones of the same language and ID.
func Load(dir string) (*Book, error) {
	b := &Book{bundle: i18n.NewBundle(language.English), ordinals: map[language.Tag]*i18n.Message{},
		messages: map[language.Tag]map[string]*i18n.Message{}, langs: map[string]*Lang{}}
	b.bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	if err := b.addAll(catalogs, "catalogs"); err != nil {
		return nil, err
	}
	if dir != "" {
		extra := filepath.Join(dir, "locales")
		if st, err := os.Stat(extra); err == nil && st.IsDir() {
			if err := b.addAll(os.DirFS(extra), "."); err != nil {
				return nil, err
			}
		}
	}
	b.tags = b.bundle.LanguageTags()
	// English first, so the matcher falls back to it.
	sort.SliceStable(b.tags, func(i, j int) bool { return b.tags[i] == language.English })
	b.matcher = language.NewMatcher(b.tags)
	return b, nil
}

// MustLoad is Load of the embedded catalogs alone, for tests and tools
// that have no theme folder; they cannot fail to parse.
func MustLoad() *Book {
	b, err := Load("")
	if err != nil {
		panic(err)
	}
	return b
}

func (b *Book) addAll(fsys fs.FS, dir string) error {
	names, err := fs.Glob(fsys, path.Join(dir, "*.toml"))
	if err != nil {
		return err
	}
	for _, name := range names {
		buf, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		mf, err := b.bundle.ParseMessageFileBytes(buf, path.Base(name))
		if err != nil {
			return fmt.Errorf("catalog %s: %w", path.Base(name), err)
		}
		for _, m := range mf.Messages {
			if m.ID == "ordinal" {
				b.ordinals[mf.Tag] = m
			}
			if b.messages[mf.Tag] == nil {
				b.messages[mf.Tag] = map[string]*i18n.Message{}
			}
			b.messages[mf.Tag][m.ID] = m
		}
	}
	return nil
}

// For returns the catalog language closest to the BCP 47 tag: "de-AT"
// gets German, an unknown or empty tag English.
func (b *Book) For(tag string) *Lang {
	b.mu.Lock()
	defer b.mu.Unlock()
	if l, ok := b.langs[tag]; ok {
		return l
	}
	want, err := language.Parse(tag)
	if err != nil {
		want = language.English
	}
	_, i, conf := b.matcher.Match(want)
	if conf == language.No {
		i = 0
	}
	got := b.tags[i]
	l := &Lang{book: b, tag: got, loc: i18n.NewLocalizer(b.bundle, got.String()), names: namesFor(got)}
	b.langs[tag] = l
	return l
}

// Lang says messages in one language.
type Lang struct {
	book  *Book
	tag   language.Tag
	loc   *i18n.Localizer
	names names
	// plain keeps the messages said without values, by ID: every page
	// says its labels, and localizing one costs more than the page's
	// other text.
	plain sync.Map
	// parts keeps messages said with values, split where the values go,
	// by partsKey; nil for one that cannot be split.
	parts sync.Map
}

// partsKey names a message said with up to three values, by their names.
type partsKey struct{ id, a, b, c string }

// valueMark stands for a value while a message is said to split it:
// "\x00Name\x00".
const valueMark = "\x00"

// bareField is a message text's every template action when it only puts
// values in as they are.
var bareField = regexp.MustCompile(`\{\{\.[A-Za-z_][A-Za-z0-9_]*\}\}`)

// Tag returns the language's BCP 47 tag, e.g. "de".
func (l *Lang) Tag() string { return l.tag.String() }

// Dir returns the writing direction for the dir attribute: "rtl" or
// "ltr".
func (l *Lang) Dir() string {
	base, _ := l.tag.Base()
	switch base.String() {
	case "ar", "he", "fa", "ur", "ps", "sd", "ug", "yi", "dv", "ckb":
		return "rtl"
	}
	return "ltr"
}

// T returns message id with its named values given as pairs:
// T("replies_page", "Page", 2, "Pages", 5). A value named Count
// chooses the plural form, as N's number does. A message missing from the
// language is said in English; one missing from English is its ID, so
// a mistake shows on the page instead of blanking it.
func (l *Lang) T(id string, pairs ...any) string {
	return l.say(id, nil, pairs)
}

// N returns message id counting n, in the plural form the language
// uses for n; the text names the number {{.Count}}.
func (l *Lang) N(id string, n int, pairs ...any) string {
	return l.say(id, n, pairs)
}

func (l *Lang) say(id string, count any, pairs []any) string {
	if count == nil && len(pairs) == 0 {
		if s, ok := l.plain.Load(id); ok {
			return s.(string)
		}
		s := l.localize(id, map[string]any{}, nil)
		l.plain.Store(id, s)
		return s
	}
	if count == nil {
		if s, ok := l.fill(id, pairs); ok {
			return s
		}
	}
	data := make(map[string]any, len(pairs)/2+1)
	for i := 0; i+1 < len(pairs); i += 2 {
		if k, ok := pairs[i].(string); ok {
			data[k] = pairs[i+1]
		}
	}
	if count != nil {
		data["Count"] = count
	} else if c, ok := data["Count"]; ok {
		// A message counting something names its number Count.
		count = c
	}
	return l.localize(id, data, count)
}

// fill says message id with values given as pairs (names and strings or
// ints) from the message said once with a mark for each value, and
// reports whether it could: only a message of the language's own catalog
// whose text puts each value in as it is ({{.Name}}: no conditions, no
// functions) is said so, and not one counting something.
func (l *Lang) fill(id string, pairs []any) (string, bool) {
	var names [3]string
	if len(pairs) > 2*len(names) || len(pairs)%2 != 0 {
		return "", false
	}
	for i := 0; i < len(pairs); i += 2 {
		name, ok := pairs[i].(string)
		if !ok || name == "Count" {
			return "", false
		}
		switch pairs[i+1].(type) {
		case string, int:
		default:
			return "", false
		}
		names[i/2] = name
	}
	key := partsKey{id, names[0], names[1], names[2]}
	v, ok := l.parts.Load(key)
	if !ok {
		v = l.split(id, names[:len(pairs)/2])
		l.parts.Store(key, v)
	}
	parts := v.([]string)
	if parts == nil {
		return "", false
	}
	// parts alternate text and a value's name: text, name, text, ...
	var b strings.Builder
	for i, part := range parts {
		if i%2 == 0 {
			b.WriteString(part)
			continue
		}
		for j := 0; j < len(pairs); j += 2 {
			if pairs[j] == part {
				switch v := pairs[j+1].(type) {
				case string:
					b.WriteString(v)
				case int:
					b.WriteString(strconv.Itoa(v))
				}
				break
			}
		}
	}
	return b.String(), true
}

// split says message id with a mark for each named value and cuts it
// where they are, or returns nil when the message cannot be said so.
func (l *Lang) split(id string, names []string) []string {
	m := l.book.messages[l.tag][id]
	if m == nil || m.LeftDelim != "" || m.RightDelim != "" || strings.Contains(m.Other, valueMark) ||
		strings.Contains(bareField.ReplaceAllString(m.Other, ""), "{{") {
		return nil
	}
	data := make(map[string]any, len(names))
	for _, n := range names {
		data[n] = valueMark + n + valueMark
	}
	return strings.Split(l.localize(id, data, nil), valueMark)
}

// localize says message id with its values, or the ID when the catalogs
// lack it.
func (l *Lang) localize(id string, data map[string]any, count any) string {
	s, err := l.loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	if s == "" && err != nil {
		return id
	}
	return s
}

// Quote puts s in the language's quotation marks, as the catalog's
// quote message says.
func (l *Lang) Quote(s string) string {
	return l.T("quote", "Text", s)
}

// Parts are a message's text before and after its link, for a sentence
// that holds markup: the template writes Before, the link, then After.
type Parts struct{ Before, After string }

// linkMark stands in for {{.Link}} while a message is said.
const linkMark = "\x00link\x00"

// Around returns message id split where it names {{.Link}}, with its
// other values given as pairs.
func (l *Lang) Around(id string, pairs ...any) Parts {
	s := l.say(id, nil, append(pairs, "Link", linkMark))
	before, after, _ := strings.Cut(s, linkMark)
	return Parts{before, after}
}

// HTML returns message id as markup, for a sentence whose words carry
// elements of their own (<del>, <a href="{{.URL}}">, <code>): catalogs
// are trusted as templates are, while every value given as pairs is
// escaped unless it is template.HTML already.
func (l *Lang) HTML(id string, pairs ...any) template.HTML {
	safe := slices.Clone(pairs)
	for i := 1; i < len(safe); i += 2 {
		switch v := safe[i].(type) {
		case template.HTML:
		case string:
			safe[i] = template.HTMLEscapeString(v)
		default:
			safe[i] = template.HTMLEscapeString(fmt.Sprint(v))
		}
	}
	return template.HTML(l.say(id, nil, safe))
}

// Script returns messages as JSON for a page's script to say itself:
// each ID gives its text with {Name} where a value goes, or, for a
// message that counts, an object of its texts by CLDR plural form
// ("one", "few", "other"...) for the script to choose with
// Intl.PluralRules. A message the language lacks comes in English.
func (l *Lang) Script(ids ...string) string {
	out := make(map[string]any, len(ids))
	for _, id := range ids {
		m := l.book.messages[l.tag][id]
		if m == nil {
			m = l.book.messages[language.English][id]
		}
		if m == nil {
			out[id] = id
			continue
		}
		forms := map[string]string{}
		for form, text := range map[string]string{"zero": m.Zero, "one": m.One, "two": m.Two, "few": m.Few, "many": m.Many, "other": m.Other} {
			if text != "" {
				forms[form] = fieldRe.ReplaceAllString(text, "{$1}")
			}
		}
		if len(forms) == 1 {
			out[id] = forms["other"]
		} else {
			out[id] = forms
		}
	}
	buf, _ := json.Marshal(out)
	return string(buf)
}

// fieldRe finds the values a text names, such as {{.Count}}.
var fieldRe = regexp.MustCompile(`\{\{\s*\.([A-Za-z]+)\s*\}\}`)

// Say returns message id in the language closest to lang, with its
// named values as pairs; it is how the domain writes mail and refusals.
func (b *Book) Say(lang, id string, pairs ...any) string { return b.For(lang).T(id, pairs...) }

// Book returns the catalogs the language comes from.
func (l *Lang) Book() *Book { return l.book }

// Choice is a language a person may pick: its tag, and its name in
// itself ("Deutsch").
type Choice struct{ Tag, Name string }

// Choices lists every catalog's language, English first.
func (b *Book) Choices() []Choice {
	out := make([]Choice, 0, len(b.tags))
	for _, t := range b.tags {
		out = append(out, Choice{Tag: t.String(), Name: b.For(t.String()).T("language_name")})
	}
	return out
}

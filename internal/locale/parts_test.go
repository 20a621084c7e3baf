package locale

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"testing"
)

// fieldName finds the values a message text names.
var fieldName = regexp.MustCompile(`\{\{\.([A-Za-z_][A-Za-z0-9_]*)\}\}`)

// said returns what message id says with pairs through the catalog
// library, without the parts memo.
func said(l *Lang, id string, pairs []any) string {
	data := map[string]any{}
	for i := 0; i+1 < len(pairs); i += 2 {
		data[pairs[i].(string)] = pairs[i+1]
	}
	return l.localize(id, data, nil)
}

// TestPartsSayAsTheCatalog checks that every message of every language
// said from its memoized parts reads as the catalog library says it,
// twice (the second from the memo), with values that look like marks,
// template actions or nothing.
func TestPartsSayAsTheCatalog(t *testing.T) {
	b := MustLoad()
	values := []any{"Ada", "", "\x00Name\x00", "{{.Title}}", "<b>&amp;</b>", 7, "ünï cødé"}
	for _, tag := range shipped {
		l := b.For(tag)
		ids := make([]string, 0, len(b.messages[l.tag]))
		for id := range b.messages[l.tag] {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		split := 0
		for _, id := range ids {
			m := b.messages[l.tag][id]
			var names []string
			for _, f := range fieldName.FindAllStringSubmatch(m.Other, -1) {
				names = append(names, f[1])
			}
			// Counted messages are said with N.
			if len(names) == 0 || len(names) > 3 || slices.Contains(names, "Count") {
				continue
			}
			for _, v := range values {
				var pairs []any
				for _, n := range names {
					pairs = append(pairs, n, v)
				}
				want := said(l, id, pairs)
				for range 2 {
					if got := l.T(id, pairs...); got != want {
						t.Errorf("%s %s with %q: got %q, want %q", tag, id, v, got, want)
					}
				}
			}
			if v, _ := l.parts.Load(partsKey{id: id, a: names[0], b: at(names, 1), c: at(names, 2)}); v != nil && v.([]string) != nil {
				split++
			}
		}
		if split == 0 {
			t.Errorf("%s: no message was said from parts", tag)
		}
	}
}

func at(names []string, i int) string {
	if i < len(names) {
		return names[i]
	}
	return ""
}

// FuzzParts checks that a message said from its parts reads as the
// catalog library says it, for any value.
func FuzzParts(f *testing.F) {
	for _, seed := range []string{"", "Ada", "\x00", "\x00Title\x00", "{{.Name}}", "<no value>", "\xff"} {
		f.Add(seed, seed)
	}
	l := MustLoad().For("en")
	f.Fuzz(func(t *testing.T, a, b string) {
		for _, c := range []struct {
			id    string
			pairs []any
		}{
			{"quote", []any{"Text", a}},
			{"reply_to", []any{"Name", a}},
			{"date_at_time", []any{"Date", a, "Time", b}},
			{"page_of", []any{"Page", len(a), "Pages", len(b)}},
		} {
			if got, want := l.T(c.id, c.pairs...), said(l, c.id, c.pairs); got != want {
				t.Fatalf("%s %q: got %q, want %q", c.id, c.pairs, got, want)
			}
		}
	})
}

// TestPartsLeaveConditionsToTheLibrary checks that a theme's message
// using its values in conditions or functions is said by the catalog
// library, value by value.
func TestPartsLeaveConditionsToTheLibrary(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "locales"), 0o755)
	os.WriteFile(filepath.Join(dir, "locales", "en.toml"), []byte(
		"[reply_to]\nother = \"{{if .Name}}Reply to {{.Name}}{{else}}Reply{{end}}\"\n"+
			"[quote]\nother = \"«{{.Text | printf \\\"%.3s\\\"}}»\"\n"), 0o644)
	book, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	l := book.For("en")
	for _, c := range []struct{ id, name, value, want string }{
		{"reply_to", "Name", "Ada", "Reply to Ada"},
		{"reply_to", "Name", "", "Reply"},
		{"quote", "Text", "garden", "«gar»"},
		{"quote", "Text", "moss", "«mos»"},
	} {
		if got := l.T(c.id, c.name, c.value); got != c.want {
			t.Errorf("%s %q = %q, want %q", c.id, c.value, got, c.want)
		}
	}
}

// Package frontmatter reads Markdown files with YAML (---) or TOML (+++)
// front matter, as Hugo and Jekyll write them, into post inputs for
// folio's Markdown import.
package frontmatter

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"go.yaml.in/yaml/v3"

	"folio/internal/blog"
)

// Error reports a problem in a file, with the 1-based line where it is
// known (0 otherwise).
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// meta is every front matter key folio understands. Keys it does not know
// (layout, lastmod, weight, …) are ignored.
type meta struct {
	Title       string `yaml:"title" toml:"title"`
	Date        any    `yaml:"date" toml:"date"`
	Slug        string `yaml:"slug" toml:"slug"`
	Tags        any    `yaml:"tags" toml:"tags"`
	Categories  any    `yaml:"categories" toml:"categories"`
	Draft       bool   `yaml:"draft" toml:"draft"`
	Published   *bool  `yaml:"published" toml:"published"`
	Summary     string `yaml:"summary" toml:"summary"`
	Description string `yaml:"description" toml:"description"`
	Excerpt     string `yaml:"excerpt" toml:"excerpt"`
	Lede        string `yaml:"lede" toml:"lede"`
	Type        string `yaml:"type" toml:"type"`
	Layout      string `yaml:"layout" toml:"layout"`
	Comments    *bool  `yaml:"comments" toml:"comments"`
	Source      source `yaml:"source" toml:"source"`
	// Lang is the post's language when it is not the site's, as
	// Jekyll's and many themes' front matter name it.
	Lang string `yaml:"lang" toml:"lang"`
}

type source struct {
	URL   string `yaml:"url" toml:"url"`
	Title string `yaml:"title" toml:"title"`
	Site  string `yaml:"site" toml:"site"`
}

// Bounds of what Parse reads: a post's text is at most 1 MiB, and front
// matter is a few lines, so a larger file or block is refused before a
// decoder spends memory on it.
const (
	MaxFileBytes        = 2 << 20
	MaxFrontMatterBytes = 64 << 10
)

// What a file over the bounds is told.
var (
	fileTooLarge        = fmt.Sprintf("the file is larger than %d MiB; a post's text is at most 1 MiB", MaxFileBytes>>20)
	frontMatterTooLarge = fmt.Sprintf("the front matter is longer than %d KiB; it holds a post's title, date and tags, not its text", MaxFrontMatterBytes>>10)
)

// ReadFile reads the file at path for Parse, refusing one over
// MaxFileBytes without reading it whole.
func ReadFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileBytes {
		return nil, &Error{File: path, Msg: fileTooLarge}
	}
	return data, nil
}

// jekyllName matches Jekyll's post file names: 2015-11-28-the-slug.md.
var jekyllName = regexp.MustCompile(`^([0-9]{4}-[0-9]{2}-[0-9]{2})-(.+)$`)

// Parse reads one file. name is used for messages and for Jekyll's
// date-in-file-name; loc is the zone for dates written without one.
func Parse(name string, data []byte, loc *time.Location) (blog.PostInput, error) {
	in := blog.PostInput{Kind: blog.KindPost, Status: blog.StatusPublished, CommentsOpen: true}
	fail := func(line int, format string, args ...any) (blog.PostInput, error) {
		return blog.PostInput{}, &Error{File: name, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	if len(data) > MaxFileBytes {
		return fail(0, "%s", fileTooLarge)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	var m meta
	body := data
	switch {
	case bytes.HasPrefix(data, []byte("---\n")):
		fm, rest, ok := cut(data[4:], "---")
		if !ok {
			return fail(1, "front matter starts with --- but never ends with a --- line")
		}
		if len(fm) > MaxFrontMatterBytes {
			return fail(1, "%s", frontMatterTooLarge)
		}
		if err := yaml.Unmarshal(fm, &m); err != nil {
			return fail(yamlLine(err)+1, "front matter: %s", yamlMsg(err))
		}
		body = rest
	case bytes.HasPrefix(data, []byte("+++\n")):
		fm, rest, ok := cut(data[4:], "+++")
		if !ok {
			return fail(1, "front matter starts with +++ but never ends with a +++ line")
		}
		if len(fm) > MaxFrontMatterBytes {
			return fail(1, "%s", frontMatterTooLarge)
		}
		if _, err := toml.Decode(string(fm), &m); err != nil {
			var pe toml.ParseError
			if errors.As(err, &pe) {
				return fail(pe.Position.Line+1, "front matter: %s", pe.Message)
			}
			return fail(1, "front matter: %v", err)
		}
		body = rest
	}
	in.Body = strings.TrimLeft(string(body), "\n")

	base := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	var fileDate time.Time
	if mm := jekyllName.FindStringSubmatch(base); mm != nil {
		if t, err := time.ParseInLocation("2006-01-02", mm[1], loc); err == nil {
			fileDate, base = t, mm[2]
		}
	}
	in.Title = strings.TrimSpace(m.Title)
	if in.Title == "" {
		return fail(1, "no title: add a title to the front matter")
	}
	in.Slug = m.Slug
	if in.Slug == "" && base != "index" && base != "_index" {
		in.Slug = base
	}
	switch {
	case m.Date != nil:
		t, err := parseDate(m.Date, loc)
		if err != nil {
			return fail(fieldLine(data, "date"), "date: %v", err)
		}
		in.PublishedAt = t
	case !fileDate.IsZero():
		in.PublishedAt = fileDate
	}
	var err error
	if in.Tags, err = stringList(m.Tags); err != nil {
		return fail(fieldLine(data, "tags"), "tags: %v", err)
	}
	if in.Categories, err = stringList(m.Categories); err != nil {
		return fail(fieldLine(data, "categories"), "categories: %v", err)
	}
	if m.Draft || (m.Published != nil && !*m.Published) {
		in.Status = blog.StatusDraft
	}
	if m.Comments != nil {
		in.CommentsOpen = *m.Comments
	}
	if strings.EqualFold(m.Type, "page") || strings.EqualFold(m.Layout, "page") {
		in.Kind = blog.KindPage
		in.CommentsOpen = false
	}
	for _, l := range []string{m.Lede, m.Description, m.Summary, m.Excerpt} {
		if l = strings.TrimSpace(l); l != "" {
			in.Lede = l
			break
		}
	}
	in.Source = blog.Source{URL: m.Source.URL, Title: m.Source.Title, Site: m.Source.Site}
	in.Language = strings.TrimSpace(m.Lang)
	return in, nil
}

// cut splits data at the first line that is exactly delim.
func cut(data []byte, delim string) (front, rest []byte, ok bool) {
	if bytes.HasPrefix(data, []byte(delim+"\n")) || bytes.Equal(data, []byte(delim)) {
		return nil, data[min(len(data), len(delim)+1):], true
	}
	i := bytes.Index(data, []byte("\n"+delim+"\n"))
	if i < 0 {
		if bytes.HasSuffix(data, []byte("\n"+delim)) {
			return data[:len(data)-len(delim)-1], nil, true
		}
		return nil, nil, false
	}
	return data[:i+1], data[i+len(delim)+2:], true
}

var yamlLineRe = regexp.MustCompile(`line ([0-9]+)`)

// yamlLine returns the line within the front matter that a YAML error
// names, or 1.
func yamlLine(err error) int {
	if m := yamlLineRe.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

func yamlMsg(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	return yamlLineRe.ReplaceAllStringFunc(msg, func(s string) string {
		n, _ := strconv.Atoi(strings.TrimPrefix(s, "line "))
		return "line " + strconv.Itoa(n+1)
	})
}

// fieldLine returns the file line where key is set, or 1.
func fieldLine(data []byte, key string) int {
	for i, line := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, key+":") || strings.HasPrefix(t, key+" =") || strings.HasPrefix(t, key+"=") {
			return i + 1
		}
	}
	return 1
}

// dateLayouts are the date spellings Hugo and Jekyll sites use.
var dateLayouts = []string{
	time.RFC3339,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 -07:00",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
}

func parseDate(v any, loc *time.Location) (time.Time, error) {
	switch d := v.(type) {
	case time.Time:
		// TOML's local dates come with a placeholder zone; they mean the
		// site's zone.
		switch d.Location().String() {
		case "date", "datetime-local", "time-local":
			return time.Date(d.Year(), d.Month(), d.Day(), d.Hour(), d.Minute(), d.Second(), d.Nanosecond(), loc), nil
		}
		return d, nil
	case string:
		s := strings.TrimSpace(d)
		for _, layout := range dateLayouts {
			if t, err := time.ParseInLocation(layout, s, loc); err == nil {
				return t, nil
			}
		}
		return time.Time{}, fmt.Errorf("%q is not a date like 2015-11-28 or 2015-11-28T09:30:00Z", s)
	}
	return time.Time{}, fmt.Errorf("%v is not a date", v)
}

// stringList accepts a list of strings or one string (comma- or
// space-separated, as Jekyll allows).
func stringList(v any) ([]string, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		sep := ","
		if !strings.Contains(x, ",") {
			sep = " "
		}
		var out []string
		for _, p := range strings.Split(x, sep) {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out, nil
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			switch s := e.(type) {
			case string:
				out = append(out, s)
			case int, int64, float64, bool:
				out = append(out, fmt.Sprint(s))
			default:
				return nil, fmt.Errorf("expected a list of words, found %T", e)
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("expected a list of words, found %T", v)
}

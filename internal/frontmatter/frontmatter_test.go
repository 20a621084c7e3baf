package frontmatter_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"folio/internal/blog"
	"folio/internal/frontmatter"
)

func parseFile(t *testing.T, path string) (blog.PostInput, error) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return frontmatter.Parse(path, data, time.UTC)
}

func TestParseSamples(t *testing.T) {
	cet := time.FixedZone("", 3600)
	tests := []struct {
		file  string
		check func(t *testing.T, in blog.PostInput)
	}{
		{"testdata/hugo/content/posts/first-light.md", func(t *testing.T, in blog.PostInput) {
			if in.Title != "First light: notes on a new telescope" || in.Slug != "first-light" || in.Status != blog.StatusPublished {
				t.Errorf("got %+v", in)
			}
			if !in.PublishedAt.Equal(time.Date(2021, 3, 14, 21, 5, 0, 0, cet)) {
				t.Errorf("date = %v", in.PublishedAt)
			}
			if strings.Join(in.Tags, "|") != "astronomy|gear" || strings.Join(in.Categories, "|") != "Field notes" {
				t.Errorf("terms = %v %v", in.Tags, in.Categories)
			}
			if in.Lede != "What a small refractor shows on a clear March night." || !strings.HasPrefix(in.Body, "The first clear night") || !strings.Contains(in.Body, "<!--more-->") {
				t.Errorf("lede %q body %q", in.Lede, in.Body)
			}
		}},
		{"testdata/hugo/content/posts/unfinished.toml.md", func(t *testing.T, in blog.PostInput) {
			if in.Title != "An unfinished thought" || in.Slug != "unfinished-thought" || in.Status != blog.StatusDraft || in.Lede != "Half an argument about margins." {
				t.Errorf("got %+v", in)
			}
			if !in.PublishedAt.Equal(time.Date(2022, 1, 9, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("date = %v", in.PublishedAt)
			}
		}},
		{"testdata/hugo/content/posts/quoting.md", func(t *testing.T, in blog.PostInput) {
			want := blog.Source{URL: "https://example.org/essays/speed", Title: "The Case for Speed", Site: "Example Review"}
			if in.Source != want || in.Lede != "A reply to an essay about speed." || strings.Join(in.Tags, "|") != "reading" {
				t.Errorf("got %+v", in)
			}
		}},
		{"testdata/hugo/content/about.md", func(t *testing.T, in blog.PostInput) {
			if in.Kind != blog.KindPage || in.Slug != "about" || in.CommentsOpen {
				t.Errorf("got %+v", in)
			}
		}},
		{"testdata/jekyll/_posts/2019-07-20-moon-landing-anniversary.markdown", func(t *testing.T, in blog.PostInput) {
			if in.Slug != "moon-landing-anniversary" || !in.PublishedAt.Equal(time.Date(2019, 7, 20, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("slug %q date %v", in.Slug, in.PublishedAt)
			}
			if strings.Join(in.Categories, "|") != "history|space" || strings.Join(in.Tags, "|") != "apollo" || in.Lede != "A short note on an anniversary." {
				t.Errorf("got %+v", in)
			}
		}},
		{"testdata/jekyll/_posts/2019-08-02-hidden.md", func(t *testing.T, in blog.PostInput) {
			if in.Status != blog.StatusDraft {
				t.Errorf("published: false gave status %s", in.Status)
			}
			if in.Language != "en-GB" {
				t.Errorf("lang: en-GB gave %q", in.Language)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			in, err := parseFile(t, tt.file)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, in)
		})
	}
}

func TestParseErrorsNameFileAndLine(t *testing.T) {
	tests := []struct {
		file string
		line int
		msg  string
	}{
		{"testdata/bad/broken-yaml.md", 4, "front matter"},
		{"testdata/bad/bad-date.md", 3, "last tuesday"},
		{"testdata/bad/no-end.md", 1, "never ends"},
		{"testdata/bad/bad-toml.md", 3, "front matter"},
		{"testdata/bad/no-title.md", 1, "no title"},
	}
	for _, tt := range tests {
		_, err := parseFile(t, tt.file)
		var fe *frontmatter.Error
		if !errors.As(err, &fe) {
			t.Errorf("%s: err = %v, want *frontmatter.Error", tt.file, err)
			continue
		}
		if fe.File != tt.file || fe.Line != tt.line || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: err = %q (line %d), want line %d mentioning %q", tt.file, err, fe.Line, tt.line, tt.msg)
		}
	}
}

func TestParseWithoutFrontMatter(t *testing.T) {
	_, err := frontmatter.Parse("plain.md", []byte("# Just text\n"), time.UTC)
	if err == nil || !strings.Contains(err.Error(), "no title") {
		t.Errorf("err = %v, want a no-title error", err)
	}
}

// Package export writes the whole site as Hugo-compatible Markdown: one
// file per post and page with YAML front matter, the replies as a data
// file, and the library's pictures as static files at the addresses the
// posts link to, so a site can move to a static generator.
package export

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"folio/internal/blog"
)

// frontMatter is what each file starts with. url keeps every address as
// it was; lede and source are folio's own keys, which its Markdown import
// reads back.
type frontMatter struct {
	Title       string        `yaml:"title"`
	Date        string        `yaml:"date"`
	Lastmod     string        `yaml:"lastmod"`
	Slug        string        `yaml:"slug"`
	URL         string        `yaml:"url"`
	Draft       bool          `yaml:"draft,omitempty"`
	Type        string        `yaml:"type,omitempty"`
	Description string        `yaml:"description,omitempty"`
	Lede        string        `yaml:"lede,omitempty"`
	Tags        []string      `yaml:"tags,omitempty"`
	Categories  []string      `yaml:"categories,omitempty"`
	Author      string        `yaml:"author"`
	Source      *sourceMatter `yaml:"source,omitempty"`
	Lang        string        `yaml:"lang,omitempty"`
	// Images holds the featured picture, as Hugo's templates read it.
	Images []string `yaml:"images,omitempty"`
}

type sourceMatter struct {
	URL   string `yaml:"url"`
	Title string `yaml:"title,omitempty"`
	Site  string `yaml:"site,omitempty"`
}

// reply is one approved reply in data/replies.json. Writers' e-mail and
// IP addresses are left out: the export is meant to be published.
type reply struct {
	ID      int64  `json:"id"`
	Parent  int64  `json:"parent,omitempty"`
	Kind    string `json:"kind"`
	Author  string `json:"author"`
	URL     string `json:"url,omitempty"`
	Date    string `json:"date"`
	Text    string `json:"text"`
	HTML    string `json:"html"`
	ByOwner bool   `json:"by_writer,omitempty"`
}

// Stats counts what Markdown wrote.
type Stats struct{ Posts, Pages, Replies, Pictures int }

// Markdown writes e into dir as content/posts/SLUG.md, content/SLUG.md
// (pages), data/replies.json (approved replies by post slug) and
// static/media/KEY/NAME.EXT: each picture as readers get it (upright,
// without metadata, at most 2400 pixels wide), which picture returns.
func Markdown(dir string, e *blog.Everything, st blog.Settings, picture func(*blog.Media) ([]byte, error)) (Stats, error) {
	var stats Stats
	loc := st.Location()
	stamp := func(t time.Time) string { return t.In(loc).Format(time.RFC3339) }
	slugOf := map[int64]string{}
	for _, p := range e.Posts {
		fm := frontMatter{Title: p.Title, Date: stamp(p.PublishedAt), Lastmod: stamp(p.UpdatedAt), Slug: p.Slug, URL: p.Path,
			Draft: p.Status != blog.StatusPublished, Description: p.Summary, Lede: p.Lede, Author: p.Author.Name, Lang: p.Language}
		if p.PublishedAt.IsZero() {
			fm.Date = stamp(p.CreatedAt)
		}
		for _, t := range p.Tags {
			fm.Tags = append(fm.Tags, t.Name)
		}
		for _, c := range p.Categories {
			fm.Categories = append(fm.Categories, c.Name)
		}
		if !p.Source.IsZero() {
			fm.Source = &sourceMatter{URL: p.Source.URL, Title: p.Source.Title, Site: p.Source.Site}
		}
		if p.Featured != nil {
			fm.Images = []string{p.Featured.URL()}
		}
		path := filepath.Join(dir, "content", "posts", p.Slug+".md")
		if p.Kind == blog.KindPage {
			fm.Type = "page"
			path = filepath.Join(dir, "content", p.Slug+".md")
			stats.Pages++
		} else {
			stats.Posts++
		}
		slugOf[p.ID] = p.Slug
		head, err := yaml.Marshal(fm)
		if err != nil {
			return stats, err
		}
		if err := write(path, append(append(append([]byte("---\n"), head...), "---\n\n"...), p.Body...)); err != nil {
			return stats, err
		}
	}
	replies := map[string][]reply{}
	for _, c := range e.Comments {
		slug, ok := slugOf[c.PostID]
		if !ok || c.Status != blog.CommentApproved {
			continue
		}
		replies[slug] = append(replies[slug], reply{ID: c.ID, Parent: c.ParentID, Kind: string(c.Kind), Author: c.AuthorName,
			URL: c.AuthorURL, Date: stamp(c.CreatedAt), Text: c.Body, HTML: c.BodyHTML, ByOwner: c.ByAuthor()})
		stats.Replies++
	}
	data, err := json.MarshalIndent(replies, "", "  ")
	if err != nil {
		return stats, err
	}
	if err := write(filepath.Join(dir, "data", "replies.json"), append(data, '\n')); err != nil {
		return stats, err
	}
	for _, m := range e.Pictures {
		data, err := picture(m)
		if err != nil {
			return stats, fmt.Errorf("picture %s: %w", m.FileName, err)
		}
		if err := write(filepath.Join(dir, "static", filepath.FromSlash(strings.TrimPrefix(m.URL(), "/"))), data); err != nil {
			return stats, err
		}
		stats.Pictures++
	}
	return stats, nil
}

func write(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

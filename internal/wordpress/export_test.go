package wordpress_test

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"testing"

	"folio/internal/blog"
	"folio/internal/wordpress"
)

// snapshot describes a site in the terms an export must keep.
func snapshot(t *testing.T, svc *blog.Services, admin *blog.User) []string {
	t.Helper()
	all, err := svc.Moving.Export(t.Context(), admin)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	byID := map[int64]*blog.Comment{}
	for _, c := range all.Comments {
		byID[c.ID] = c
	}
	for _, p := range all.Posts {
		var tags, cats []string
		for _, tg := range p.Tags {
			tags = append(tags, tg.Slug)
		}
		for _, c := range p.Categories {
			cats = append(cats, c.Slug)
		}
		out = append(out, fmt.Sprintf("%s %s %s %q tags=%v cats=%v sticky=%v replies=%d", p.Kind, p.Status, p.Path, p.Title, tags, cats, p.Sticky, p.CommentCount))
	}
	for _, c := range all.Comments {
		parent := ""
		if p, ok := byID[c.ParentID]; ok {
			parent = p.Body
		}
		out = append(out, fmt.Sprintf("reply %s %s %q by %s answering %q", c.Status, c.Kind, c.Body, c.AuthorName, parent))
	}
	for _, c := range all.Categories {
		parent := ""
		for _, p := range all.Categories {
			if p.ID == c.ParentID {
				parent = p.Slug
			}
		}
		out = append(out, "category "+c.Slug+" under "+parent)
	}
	sort.Strings(out)
	return out
}

func TestExportRoundTrip(t *testing.T) {
	src, srcAdmin := newSite(t)
	if _, err := importString(t, src, site, false); err != nil {
		t.Fatal(err)
	}
	all, err := src.Moving.Export(t.Context(), srcAdmin)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := wordpress.Export(&buf, all, src.Site.Settings(), "https://new.example"); err != nil {
		t.Fatal(err)
	}
	// The export is a WXR file our own reader (and so WordPress's format)
	// accepts.
	items := 0
	if err := wordpress.Read(bytes.NewReader(buf.Bytes()), wordpress.Handler{Item: func(*wordpress.Item) error { items++; return nil }}); err != nil {
		t.Fatalf("reading the export: %v\n%.2000s", err, buf.String())
	}
	if items != len(all.Posts) {
		t.Errorf("export has %d items, want %d", items, len(all.Posts))
	}
	dst, dstAdmin := newSite(t)
	if _, err := wordpress.Import(t.Context(), dst.Moving, nil, bytes.NewReader(buf.Bytes()), wordpress.Options{}); err != nil {
		t.Fatal(err)
	}
	want, got := snapshot(t, src, srcAdmin), snapshot(t, dst, dstAdmin)
	if strings.Join(want, "\n") != strings.Join(got, "\n") {
		t.Errorf("round trip changed the site:\nbefore:\n%s\n\nafter:\n%s", strings.Join(want, "\n"), strings.Join(got, "\n"))
	}
}

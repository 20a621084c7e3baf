package wordpress_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"folio/internal/wordpress"
)

// fixtureDir holds WordPress's own importer test files, shared beside the
// project. FOLIO_WXR_FIXTURES points elsewhere.
func fixtureDir(t *testing.T) string {
	dir := os.Getenv("FOLIO_WXR_FIXTURES")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "testdata", "wxr")
	}
	if _, err := os.Stat(filepath.Join(dir, "MANIFEST.json")); err != nil {
		if os.Getenv("FOLIO_REQUIRE_FIXTURES") == "1" {
			t.Fatalf("WXR fixtures not found in %s", dir)
		}
		t.Skipf("skipping: WordPress importer fixtures not found in %s (set FOLIO_WXR_FIXTURES)", dir)
	}
	return dir
}

type counts struct {
	WellFormed  bool           `json:"well_formed_xml"`
	Version     *string        `json:"wxr_version"`
	Items       int            `json:"items"`
	ByPostType  map[string]int `json:"by_post_type"`
	Comments    int            `json:"comments"`
	Categories  int            `json:"categories"`
	Tags        int            `json:"tags"`
	Authors     int            `json:"authors"`
	Attachments int            `json:"attachments"`
}

// TestFixtureCounts reads every fixture and compares what it finds with
// the counts an independent parser wrote into MANIFEST.json.
func TestFixtureCounts(t *testing.T) {
	dir := fixtureDir(t)
	raw, err := os.ReadFile(filepath.Join(dir, "MANIFEST.json"))
	if err != nil {
		t.Fatal(err)
	}
	var manifest map[string]counts
	if err := json.Unmarshal(raw, &manifest); err != nil {
		t.Fatal(err)
	}
	for name, want := range manifest {
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var got counts
			got.ByPostType = map[string]int{}
			var version string
			err = wordpress.Read(f, wordpress.Handler{
				Site:   func(s *wordpress.Site) error { version = s.Version; return nil },
				Author: func(*wordpress.Author) error { got.Authors++; return nil },
				Term: func(tm *wordpress.Term) error {
					switch tm.Element {
					case "category":
						got.Categories++
					case "tag":
						got.Tags++
					}
					return nil
				},
				Item: func(it *wordpress.Item) error {
					got.Items++
					got.ByPostType[it.Type]++
					got.Comments += len(it.Comments)
					if it.Type == "attachment" {
						got.Attachments++
					}
					return nil
				},
			})
			var se *wordpress.SyntaxError
			switch {
			case !want.WellFormed:
				if !errors.As(err, &se) || se.Line == 0 {
					t.Fatalf("malformed file: err = %v, want a SyntaxError with a line", err)
				}
				return
			case want.Version == nil || *want.Version == "abc":
				if !errors.Is(err, wordpress.ErrNotWXR) {
					t.Fatalf("err = %v, want ErrNotWXR", err)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			if version != *want.Version {
				t.Errorf("version %q, want %q", version, *want.Version)
			}
			if got.Items != want.Items || got.Comments != want.Comments || got.Authors != want.Authors ||
				got.Categories != want.Categories || got.Tags != want.Tags || got.Attachments != want.Attachments {
				t.Errorf("counts = %+v, want %+v", got, want)
			}
			for typ, n := range want.ByPostType {
				if got.ByPostType[typ] != n {
					t.Errorf("post type %q: %d, want %d", typ, got.ByPostType[typ], n)
				}
			}
		})
	}
}

func TestReadDetails(t *testing.T) {
	dir := fixtureDir(t)
	f, err := os.Open(filepath.Join(dir, "small-export.xml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var items []*wordpress.Item
	var cats []*wordpress.Term
	err = wordpress.Read(f, wordpress.Handler{
		Item: func(it *wordpress.Item) error { items = append(items, it); return nil },
		Term: func(tm *wordpress.Term) error { cats = append(cats, tm); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	var withComment *wordpress.Item
	pages, children := 0, 0
	for _, it := range items {
		if len(it.Comments) > 0 {
			withComment = it
		}
		if it.Type == "page" {
			pages++
			if it.Parent != 0 {
				children++
			}
		}
	}
	if withComment == nil || withComment.Comments[0].Author == "" || withComment.Comments[0].Approved != "1" || withComment.Comments[0].DateGMT == "" {
		t.Errorf("comment not read: %+v", withComment)
	}
	if pages != 5 || children == 0 {
		t.Errorf("pages %d, with a parent %d", pages, children)
	}
	parents := 0
	for _, c := range cats {
		if c.Taxonomy == "category" && c.Parent != "" {
			parents++
		}
	}
	if parents == 0 {
		t.Error("no category hierarchy read")
	}
	for _, it := range items {
		if it.Type == "post" && (it.Title == "" || it.ID == 0 || it.Status == "" || it.Creator == "") {
			t.Errorf("post not fully read: %+v", it)
		}
	}
}

func TestNotWXR(t *testing.T) {
	tests := map[string]string{
		"html":       "<html><body>hi</body></html>",
		"plain rss":  `<rss version="2.0"><channel><title>x</title><item><title>a</title></item></channel></rss>`,
		"bad number": `<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>one</wp:wxr_version></channel></rss>`,
	}
	for name, doc := range tests {
		if err := wordpress.Read(strings.NewReader(doc), wordpress.Handler{}); !errors.Is(err, wordpress.ErrNotWXR) {
			t.Errorf("%s: err = %v, want ErrNotWXR", name, err)
		}
	}
	err := wordpress.Read(strings.NewReader("<rss>\n<channel>\n<title>x</wrong>"), wordpress.Handler{})
	var se *wordpress.SyntaxError
	if !errors.As(err, &se) || se.Line != 3 {
		t.Errorf("err = %v, want a syntax error on line 3", err)
	}
}

// TestReadStopsAtTheFirstFailure checks the order Read promises while it
// decodes ahead: handlers run one at a time in the export's order, none
// after one fails, and a syntax error comes after the items before it.
func TestReadStopsAtTheFirstFailure(t *testing.T) {
	var items strings.Builder
	for i := range 50 {
		items.WriteString(item(100+i, "post", "publish", "post-"+itoa(i), ""))
	}
	doc := wxr(items.String())
	stop := errors.New("the writer failed")
	tests := []struct {
		name      string
		doc       string
		failAt    int // the item whose handler fails (0: none)
		wantCalls int
		wantErr   func(error) bool
	}{
		{"all", doc, 0, 50, func(err error) bool { return err == nil }},
		{"third fails", doc, 3, 3, func(err error) bool { return errors.Is(err, stop) }},
		{"first fails", doc, 1, 1, func(err error) bool { return errors.Is(err, stop) }},
		{"cut short", doc[:strings.Index(doc, "post-40")], 0, 40, func(err error) bool {
			var se *wordpress.SyntaxError
			return errors.As(err, &se)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var slugs []string
			inItem := false
			err := wordpress.Read(strings.NewReader(tt.doc), wordpress.Handler{Item: func(it *wordpress.Item) error {
				if inItem {
					t.Error("two handlers at once")
				}
				inItem = true
				defer func() { inItem = false }()
				slugs = append(slugs, it.Name)
				if len(slugs) == tt.failAt {
					return stop
				}
				return nil
			}})
			if !tt.wantErr(err) || len(slugs) != tt.wantCalls {
				t.Fatalf("err %v after %d items, want %d", err, len(slugs), tt.wantCalls)
			}
			for i, s := range slugs {
				if s != "post-"+itoa(i) {
					t.Fatalf("item %d is %s: out of order", i, s)
				}
			}
		})
	}
}

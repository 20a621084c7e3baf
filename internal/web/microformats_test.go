package web_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"folio/internal/blog"
	"folio/internal/testkit"
)

// requireMF2Env, when set to 1, turns a missing mf2py into a failure;
// CI installs Debian's python3-mf2py and sets it. mf2PythonEnv names
// the interpreter that has it.
const (
	requireMF2Env = "FOLIO_REQUIRE_MF2"
	mf2PythonEnv  = "FOLIO_MF2_PYTHON"
)

// mf2Python returns a Python that can import mf2py, or skips the test.
func mf2Python(t *testing.T) string {
	t.Helper()
	candidates := []string{os.Getenv(mf2PythonEnv), "/usr/bin/python3", "python3"}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if err := exec.Command(c, "-c", "import mf2py").Run(); err == nil {
			return c
		}
	}
	if os.Getenv(requireMF2Env) == "1" {
		t.Fatalf("no Python with mf2py and %s=1: apt-get install python3-mf2py", requireMF2Env)
	}
	t.Skip("skipping: no Python with mf2py (apt-get install python3-mf2py to run it)")
	return ""
}

// mf2Item is a parsed microformat.
type mf2Item struct {
	Type       []string         `json:"type"`
	Properties map[string][]any `json:"properties"`
	Children   []mf2Item        `json:"children"`
}

// str returns the first value of a property as a string: a plain value,
// a URL, or an embedded item's value or html.
func (it mf2Item) str(name string) string {
	vals := it.Properties[name]
	if len(vals) == 0 {
		return ""
	}
	switch v := vals[0].(type) {
	case string:
		return v
	case map[string]any:
		for _, k := range []string{"html", "value", "alt"} {
			if s, ok := v[k].(string); ok {
				return s
			}
		}
	}
	return ""
}

// item returns the first value of a property as an embedded item.
func (it mf2Item) item(name string) mf2Item {
	var out mf2Item
	if vals := it.Properties[name]; len(vals) > 0 {
		b, _ := json.Marshal(vals[0])
		json.Unmarshal(b, &out)
	}
	return out
}

// parseMF2 fetches path and parses it with mf2py.
func parseMF2(t *testing.T, python string, b *browser, base, path string) []mf2Item {
	t.Helper()
	f := filepath.Join(t.TempDir(), "page.html")
	if err := os.WriteFile(f, []byte(b.get(path).Body), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(python, "-c", `import json, sys, mf2py
print(json.dumps(mf2py.parse(doc=open(sys.argv[1], encoding="utf-8").read(), url=sys.argv[2])["items"]))`, f, base+path).Output()
	if err != nil {
		t.Fatalf("mf2py on %s: %v", path, err)
	}
	var items []mf2Item
	if err := json.Unmarshal(out, &items); err != nil {
		t.Fatal(err)
	}
	return items
}

// TestMicroformats parses the default theme's pages with mf2py, a parser
// nobody here wrote: a post is an h-entry with its name, dates, address,
// author h-card, content, categories, featured photo, summary and
// source as in-reply-to, and its approved replies as comments with
// their authors' h-cards; listings are h-feeds of h-entries, and an
// author page carries the writer's h-card.
func TestMicroformats(t *testing.T) {
	python := mf2Python(t)
	s := newSiteWithAdmin(t)
	ctx := t.Context()
	s.svc.Site.SaveSettings(ctx, s.admin, blog.SettingsInput{"base_url": s.URL, "comment_moderation": blog.ModerateApproveAll, "comment_min_seconds": "0"})
	if _, err := s.svc.Accounts.UpdateProfile(ctx, s.admin, s.admin.ID, blog.ProfileInput{Name: s.admin.Name, Email: s.admin.Email, Bio: "Writes about engines.", Role: blog.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	pic, err := s.svc.Library.Upload(ctx, s.admin, "desk.png", testkit.PNG(800, 500))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.Library.Describe(ctx, s.admin, pic.ID, "A desk by a window", ""); err != nil {
		t.Fatal(err)
	}
	post, err := s.svc.Writing.SavePost(ctx, s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "On margins", Lede: "Why white space matters.",
		Body: "> The margin is where a reader answers.\n\nI agree.", Source: blog.Source{URL: "https://essays.example/space", Title: "Space"},
		Tags: []string{"reading", "paper"}, Status: blog.StatusPublished, CommentsOpen: true, FeaturedID: pic.ID,
		PublishedAt: s.clock.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.Discussion.SubmitComment(ctx, blog.CommentInput{PostID: post.ID, Name: "Ola", Email: "ola@example.com", URL: "https://ola.example/",
		Body: "Wide margins, yes.", IP: "192.0.2.9", FormToken: s.svc.Discussion.CommentFormToken(post.ID)}); err != nil {
		t.Fatal(err)
	}
	s.web.Invalidate(blog.Change{All: true})
	b := s.browser(t)

	items := parseMF2(t, python, b, s.URL, post.Path)
	if len(items) != 1 || items[0].Type[0] != "h-entry" {
		t.Fatalf("the post page's items: %+v", items)
	}
	e := items[0]
	author := e.item("author")
	for _, c := range []struct{ what, got, want string }{
		{"name", e.str("name"), "On margins"},
		{"url", e.str("url"), s.URL + post.Path},
		{"published", e.str("published"), "2015-11-28T17:00:00Z"},
		{"summary", e.str("summary"), "Why white space matters."},
		{"in-reply-to", e.str("in-reply-to"), "https://essays.example/space"},
		{"photo", e.str("photo"), s.URL + pic.URL()},
		{"author type", strings.Join(author.Type, " "), "h-card"},
		{"author name", author.str("name"), "Ada Lovelace"},
		{"author url", author.str("url"), s.URL + "/author/ada-lovelace/"},
		{"categories", strings.Join(stringsOf(e.Properties["category"]), ","), "reading,paper"},
	} {
		if c.got != c.want {
			t.Errorf("h-entry %s = %q, want %q", c.what, c.got, c.want)
		}
	}
	if !strings.Contains(e.str("content"), "I agree.") {
		t.Errorf("h-entry content = %q", e.str("content"))
	}
	reply := e.item("comment")
	if reply.Type == nil || reply.Type[0] != "h-entry" || !strings.Contains(reply.str("content"), "Wide margins, yes.") ||
		reply.item("author").str("name") != "Ola" || reply.item("author").str("url") != "https://ola.example/" || reply.str("published") == "" {
		t.Errorf("the reply as a comment: %+v", reply)
	}

	for _, path := range []string{"/", "/tag/reading/"} {
		items := parseMF2(t, python, b, s.URL, path)
		if len(items) != 1 || items[0].Type[0] != "h-feed" || len(items[0].Children) != 1 || items[0].Children[0].str("name") != "On margins" ||
			items[0].Children[0].str("url") != s.URL+post.Path || items[0].Children[0].item("author").str("name") != "Ada Lovelace" {
			t.Errorf("%s as an h-feed: %+v", path, items)
		}
	}
	items = parseMF2(t, python, b, s.URL, "/author/ada-lovelace/")
	if len(items) != 1 || items[0].Type[0] != "h-feed" {
		t.Fatalf("the author page: %+v", items)
	}
	card := items[0].item("author")
	if card.str("name") != "Ada Lovelace" || card.str("note") != "Writes about engines." || card.str("url") != s.URL+"/author/ada-lovelace/" {
		t.Errorf("the writer's h-card: %+v", card)
	}
}

func stringsOf(vals []any) []string {
	var out []string
	for _, v := range vals {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

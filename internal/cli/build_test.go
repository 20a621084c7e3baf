package cli_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"folio/internal/blog"
	"folio/internal/store/sqlite"
	"folio/internal/testkit"
	"folio/internal/theme"
	"folio/internal/web"
)

func TestSeedAndBuild(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := run(t, "a long password\n", "user", "add", "--data", dir, "--name", "Ada", "--email", "ada@example.com", "--role", "admin"); code != 0 {
		t.Fatal(errs)
	}
	code, out, errs := run(t, "", "dev", "seed", "--data", dir, "--posts", "40", "--replies", "120", "--seed", "3")
	if code != 0 || !strings.Contains(out, "Seeded 40 posts and 120 replies") {
		t.Fatalf("seed: %d %q %q", code, out, errs)
	}
	// A post with a picture: the build writes every copy its srcset
	// names.
	seeded := openService(t, dir)
	writers, _ := seeded.Accounts.Users(t.Context())
	photo, err := seeded.Library.Upload(t.Context(), writers[0], "hedge.jpg", testkit.PhoneJPEG(1000, 700, 6))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seeded.Writing.SavePost(t.Context(), writers[0], 0, blog.PostInput{Kind: blog.KindPost, Title: "The hedge",
		Body: "![A hedge](" + photo.URL() + ")", Status: blog.StatusPublished, CommentsOpen: true}); err != nil {
		t.Fatal(err)
	}
	site := filepath.Join(t.TempDir(), "site")
	code, out, errs = run(t, "", "build", "--data", dir, "--out", site)
	if code != 0 || !strings.Contains(out, "written, 0 unchanged") {
		t.Fatalf("build: %d %q %q", code, out, errs)
	}
	for _, w := range photo.Widths() {
		if data, err := os.ReadFile(filepath.Join(site, filepath.FromSlash(photo.SizeURL(w)[1:]))); err != nil || !bytes.HasPrefix(data, []byte("\xff\xd8")) {
			t.Errorf("the build's copy %d of the picture: %v", w, err)
		}
	}
	// Every page is what a server reading the store page by page sends
	// for its address: the build's snapshot of the site renders the
	// same bytes.
	svc := openService(t, dir)
	th, err := theme.Load("", web.Funcs())
	if err != nil {
		t.Fatal(err)
	}
	wc := testkit.WebConfig(svc)
	wc.Theme, wc.Log, wc.NoReplyForm = th, slog.New(slog.NewTextHandler(io.Discard, nil)), true
	h := web.New(wc)
	posts, _ := svc.Reading.SitemapPosts(t.Context())
	for _, file := range []string{"index.html", "feed/atom/index.xml", "feed/json/index.json", "sitemap.xml", "robots.txt",
		strings.TrimPrefix(posts[0].Path, "/") + "index.html", strings.TrimPrefix(posts[5].Path, "/") + "index.html",
		"page/2/index.html", posts[0].Path[1:6] + "index.html"} {
		if _, err := os.Stat(filepath.Join(site, file)); err != nil {
			t.Errorf("the build lacks %s", file)
		}
	}
	pages := 0
	err = filepath.WalkDir(site, func(file string, d os.DirEntry, err error) error {
		rel, _ := filepath.Rel(site, file)
		rel = filepath.ToSlash(rel)
		switch {
		case err != nil:
			return err
		case d.IsDir() || rel == "404.html" || strings.HasPrefix(rel, "uploads/") || strings.HasPrefix(rel, "."):
			return nil
		}
		if _, err := os.Stat(file + ".gz"); err == nil {
			t.Errorf("%s has a .gz sibling nobody asked for", rel)
		}
		addr := "/" + rel
		for _, index := range []string{"index.html", "index.xml", "index.json"} {
			if strings.HasSuffix(addr, "/"+index) {
				addr = strings.TrimSuffix(addr, index)
			}
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, addr, nil))
		got, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		if rec.Code != 200 || string(got) != rec.Body.String() {
			t.Errorf("%s differs from GET %s (%d)", rel, addr, rec.Code)
		}
		pages++
		return nil
	})
	if err != nil || pages < 200 {
		t.Errorf("compared %d pages with the server's: %v", pages, err)
	}
	page, _ := os.ReadFile(filepath.Join(site, strings.TrimPrefix(posts[0].Path, "/"), "index.html"))
	if strings.Contains(string(page), `id="commentform"`) || !strings.Contains(string(page), "replies are taken on the live site") {
		t.Error("a build without --comments-endpoint has reply forms")
	}
	if strings.Contains(string(page), `rel="micropub"`) || strings.Contains(string(page), `rel="webmention"`) {
		t.Error("a copy without a live server names endpoints it does not have")
	}
	if _, err := os.Stat(filepath.Join(site, "404.html")); err != nil {
		t.Error("no 404.html")
	}
	// A second build writes only what changed.
	code, out, _ = run(t, "", "build", "--data", dir, "--out", site)
	if code != 0 || !strings.Contains(out, "(0 written,") {
		t.Errorf("second build: %q", out)
	}
	// --precompress adds the siblings, equal to the page; without it
	// again, they go, so no server sends a stale one.
	home := filepath.Join(site, "index.html")
	if code, out, _ = run(t, "", "build", "--data", dir, "--out", site, "--precompress"); code != 0 {
		t.Fatalf("precompressed build: %q", out)
	}
	zf, err := os.Open(home + ".gz")
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(zf)
	if err != nil {
		t.Fatal(err)
	}
	unzipped, _ := io.ReadAll(zr)
	zf.Close()
	if plain, _ := os.ReadFile(home); !bytes.Equal(unzipped, plain) {
		t.Error("index.html.gz is not index.html")
	}
	if _, err := os.Stat(home + ".br"); err != nil {
		t.Error("no index.html.br")
	}
	if code, out, _ = run(t, "", "build", "--data", dir, "--out", site); code != 0 {
		t.Fatalf("build after a precompressed one: %q", out)
	}
	if _, err := os.Stat(home + ".gz"); err == nil {
		t.Error("index.html.gz outlived --precompress")
	}
	code, out, _ = run(t, "", "build", "--data", dir, "--out", site, "--comments-endpoint", "https://live.example/comments")
	if code != 0 || strings.Contains(out, "(0 written,") {
		t.Errorf("build with an endpoint: %q", out)
	}
	page, _ = os.ReadFile(filepath.Join(site, strings.TrimPrefix(posts[0].Path, "/"), "index.html"))
	if !strings.Contains(string(page), `action="https://live.example/comments"`) {
		t.Error("reply forms do not post to the endpoint")
	}
	for _, want := range []string{`<link rel="webmention" href="https://live.example/webmention">`, `<link rel="micropub" href="https://live.example/micropub">`,
		`<link rel="indieauth-metadata" href="https://live.example/.well-known/oauth-authorization-server">`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("a copy with a live server lacks %s", want)
		}
	}
	if code, _, errs := run(t, "", "build", "--data", dir); code == 0 || !strings.Contains(errs, "--out") {
		t.Errorf("build without --out: %d %q", code, errs)
	}
}

// TestIncrementalBuildMatchesFullBuild changes the site between builds
// and checks that a build rendering only what changed leaves exactly the
// files a full build writes.
func TestIncrementalBuildMatchesFullBuild(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := run(t, "a long password\n", "user", "add", "--data", dir, "--name", "Ada", "--email", "ada@example.com", "--role", "admin"); code != 0 {
		t.Fatal(errs)
	}
	if code, _, errs := run(t, "", "dev", "seed", "--data", dir, "--posts", "30", "--replies", "90", "--seed", "5"); code != 0 {
		t.Fatal(errs)
	}
	if code, _, errs := run(t, "", "settings", "set", "--data", dir, "comment_min_seconds=0", "comment_moderation=approve_all"); code != 0 {
		t.Fatal(errs)
	}
	site := filepath.Join(t.TempDir(), "site")
	if code, _, errs := run(t, "", "build", "--data", dir, "--out", site); code != 0 {
		t.Fatal(errs)
	}
	svc := openService(t, dir)
	ctx := t.Context()
	admin, err := svc.Accounts.Authenticate(ctx, "ada@example.com", "a long password")
	if err != nil {
		t.Fatal(err)
	}
	posts, _ := svc.Reading.SitemapPosts(ctx)
	var list []*blog.Post
	for _, p := range posts {
		if p.Kind == blog.KindPost {
			list = append(list, p)
		}
	}
	edit := func(p *blog.Post, title string) {
		full, err := svc.Writing.Post(ctx, admin, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		in := blog.PostInput{Kind: full.Kind, Title: title, Slug: full.Slug, Body: full.Body, Lede: full.Lede, Status: full.Status,
			PublishedAt: full.PublishedAt, CommentsOpen: full.CommentsOpen, AuthorID: full.AuthorID}
		for _, tm := range full.Tags {
			in.Tags = append(in.Tags, tm.Name)
		}
		for _, tm := range full.Categories {
			in.Categories = append(in.Categories, tm.Slug)
		}
		if _, err := svc.Writing.SavePost(ctx, admin, p.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	// The server prunes the change feed every few minutes; pruning it
	// all at once stands for a build run long after the last.
	prune := func() {
		st, err := sqlite.Open(ctx, filepath.Join(dir, "folio.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if err := st.PruneChanges(ctx, time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	md := filepath.Join(t.TempDir(), "edit.md")
	importMarkdown := func(text string) {
		if err := os.WriteFile(md, []byte("---\ntitle: Edited between builds\ndate: 2020-01-01\ntags: [imported]\n---\n"+text+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if code, _, errs := run(t, "", "import", "markdown", "--data", dir, "--author", "ada@example.com", md); code != 0 {
			t.Fatal(errs)
		}
	}
	rounds := []struct {
		name   string
		change func()
		all    bool // every page shows the change
	}{
		{"a title edited and a reply approved", func() {
			edit(list[3], "A title changed between builds")
			if _, err := svc.Discussion.SubmitComment(ctx, blog.CommentInput{PostID: list[7].ID, Name: "Late", Email: "late@example.com",
				Body: "Arrived between builds.", FormToken: svc.Discussion.CommentFormToken(list[7].ID)}); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"a post published and another trashed", func() {
			if _, err := svc.Writing.SavePost(ctx, admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "Brand new", Body: "New.",
				Status: blog.StatusPublished, Tags: []string{"between builds"}}); err != nil {
				t.Fatal(err)
			}
			if err := svc.Writing.Trash(ctx, admin, list[12].ID); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"a reply approved, then the feed pruned", func() {
			if _, err := svc.Discussion.SubmitComment(ctx, blog.CommentInput{PostID: list[2].ID, Name: "Later", Email: "later@example.com",
				Body: "Arrived long before the next build.", FormToken: svc.Discussion.CommentFormToken(list[2].ID)}); err != nil {
				t.Fatal(err)
			}
			prune()
		}, false},
		{"the title changed and pruned", func() {
			if _, err := svc.Site.SaveSettings(ctx, admin, blog.SettingsInput{"title": "A renamed site"}); err != nil {
				t.Fatal(err)
			}
			prune()
		}, true},
		{"a post imported from Markdown", func() { importMarkdown("First text.") }, false},
		{"the same file imported again, edited", func() { importMarkdown("Second text.") }, false},
		{"nothing", func() {}, false},
	}
	for _, round := range rounds {
		round.change()
		code, out, errs := run(t, "", "build", "--data", dir, "--out", site)
		if code != 0 || strings.Contains(out, " 0 kept") != round.all {
			t.Fatalf("%s: incremental build: %d %q %q", round.name, code, out, errs)
		}
		fresh := filepath.Join(t.TempDir(), "fresh")
		if code, _, errs := run(t, "", "build", "--data", dir, "--out", fresh); code != 0 {
			t.Fatal(errs)
		}
		if diff := compareTrees(t, fresh, site); diff != "" {
			t.Errorf("%s: the incremental build differs from a full one: %s (%s)", round.name, diff, out)
		}
	}
}

// compareTrees describes the first difference between two folders'
// files, build manifests aside, or returns "".
func compareTrees(t *testing.T, a, b string) string {
	t.Helper()
	files := func(root string) map[string]string {
		out := map[string]string{}
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || d.Name() == ".folio-build" {
				return err
			}
			data, err := os.ReadFile(p)
			rel, _ := filepath.Rel(root, p)
			out[rel] = string(data)
			return err
		})
		return out
	}
	fa, fb := files(a), files(b)
	for name, data := range fa {
		other, ok := fb[name]
		switch {
		case !ok:
			return name + " is missing"
		case other != data:
			return name + " differs"
		}
	}
	for name := range fb {
		if _, ok := fa[name]; !ok {
			return name + " should have been removed"
		}
	}
	return ""
}

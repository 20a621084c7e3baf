package blog_test

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"folio/internal/blog"
	"folio/internal/locale"
	"folio/internal/markdown"
	"folio/internal/store/sqlite"
	"folio/internal/testkit"
	"folio/internal/webmention"
)

// TestWebmentionReplyPicture: a reply sent as a Webmention shows its
// author's picture from this site's own copy.
func TestWebmentionReplyPicture(t *testing.T) {
	ctx := t.Context()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "folio.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, err := blog.New(ctx, st, blog.Options{Words: locale.MustLoad(), Renderer: markdown.NewPosts(), CommentRenderer: markdown.NewComments(),
		Hasher: testkit.Hasher(), Peer: webmention.NewClient(true)})
	if err != nil {
		t.Fatal(err)
	}
	admin, err := svc.Accounts.SetupAdmin(ctx, blog.UserInput{Name: "Ada", Email: "ada@example.com", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	svc.Site.SaveSettings(ctx, admin, blog.SettingsInput{"base_url": "https://blog.example"})
	post, err := svc.Writing.SavePost(ctx, admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "Paper", Body: "Paper keeps.", Status: blog.StatusPublished})
	if err != nil {
		t.Fatal(err)
	}
	target := "https://blog.example" + post.Path
	var src *httptest.Server
	src = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ola.png" {
			var b bytes.Buffer
			png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 200, 200)))
			w.Write(b.Bytes())
			return
		}
		fmt.Fprintf(w, `<!doctype html><title>x</title><div class="h-entry"><a class="u-in-reply-to" href="%s">a post</a>
			<span class="p-author h-card"><img class="u-photo" src="/ola.png" alt=""><a class="p-name u-url" href="%s/">Ola</a></span>
			<p class="e-content">Paper does keep.</p></div>`, target, src.URL)
	}))
	defer src.Close()
	if err := svc.Mentions.Receive(ctx, src.URL+"/reply", target, "blog.example", func(string) (*blog.Post, error) { return post, nil }); err != nil {
		t.Fatal(err)
	}
	if n, err := svc.Mentions.Verify(ctx); n != 1 || err != nil {
		t.Fatalf("verified %d: %v", n, err)
	}
	cs, _ := st.Comments(ctx, blog.CommentFilter{PostID: post.ID})
	want := blog.AvatarPath(blog.AvatarKey(src.URL + "/ola.png"))
	if len(cs) != 1 || cs[0].AuthorPhoto != want {
		t.Fatalf("the reply: %+v, want its picture at %s", cs, want)
	}
	if b, err := svc.Federation.Avatar(ctx, blog.AvatarKey(src.URL+"/ola.png")); err != nil || len(b) == 0 {
		t.Errorf("the picture's copy: %d bytes, %v", len(b), err)
	}
}

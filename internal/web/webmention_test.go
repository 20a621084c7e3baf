package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"folio/internal/blog"
)

// TestWebmentionEndpoint: every page names the endpoint; a mention of a
// published post is accepted (202) for checking later, and one whose
// target is not a published page here, or is not an address, is refused
// at once with 400; one source host is limited per hour.
func TestWebmentionEndpoint(t *testing.T) {
	s := newSiteWithAdmin(t)
	ctx := t.Context()
	s.svc.Site.SaveSettings(ctx, s.admin, blog.SettingsInput{"base_url": s.URL})
	post, err := s.svc.Writing.SavePost(ctx, s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "Mentioned", Body: "Text.",
		Status: blog.StatusPublished, PublishedAt: s.clock.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.Writing.SavePost(ctx, s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "Not yet", Body: "Text.", Status: blog.StatusDraft}); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	home := b.get("/")
	if !strings.Contains(home.Body, `<link rel="webmention" href="/webmention">`) || !strings.Contains(strings.Join(home.Header.Values("Link"), ","), `</webmention>; rel="webmention"`) {
		t.Error("the endpoint is not named on the home page")
	}
	send := func(source, target string) int {
		t.Helper()
		resp, err := http.PostForm(s.URL+"/webmention", url.Values{"source": {source}, "target": {target}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, tc := range []struct {
		name, source, target string
		status               int
	}{
		{"a published post", "https://elsewhere.example/answer", s.URL + post.Path, http.StatusAccepted},
		{"the same again", "https://elsewhere.example/answer", s.URL + post.Path, http.StatusAccepted},
		{"another site's page", "https://elsewhere.example/answer", "https://third.example/page", http.StatusBadRequest},
		{"a draft", "https://elsewhere.example/answer", s.URL + "/2015/11/28/not-yet/", http.StatusBadRequest},
		{"no such page", "https://elsewhere.example/answer", s.URL + "/no/such/", http.StatusBadRequest},
		{"not an address", "javascript:alert(1)", s.URL + post.Path, http.StatusBadRequest},
		{"itself", s.URL + post.Path, s.URL + post.Path, http.StatusBadRequest},
	} {
		if got := send(tc.source, tc.target); got != tc.status {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.status)
		}
	}
	m, err := s.store.MentionBySource(ctx, "https://elsewhere.example/answer", s.URL+post.Path)
	if err != nil || m.PostID != post.ID || m.NextAt.IsZero() {
		t.Errorf("the stored mention: %+v %v", m, err)
	}
	// A verified mention shows on the dashboard; likes count under the
	// post.
	if err := s.store.PutMention(ctx, &blog.Mention{Source: "https://pia.example/likes/1", Target: s.URL + post.Path, PostID: post.ID,
		Kind: blog.MentionLike, AuthorName: "Pia", ReceivedAt: s.clock.Now(), VerifiedAt: s.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	s.web.Invalidate(blog.Change{All: true})
	mustContain(t, "the post", b.get(post.Path).Body, "1 like from other sites")
	admin := s.browser(t)
	admin.login("ada@example.com", "analytical engine")
	mustContain(t, "the dashboard", admin.get("/admin/").Body, "From other sites", `<a href="https://pia.example/likes/1" rel="nofollow noopener">liked</a>`)
	var last int
	for i := range blog.MentionsPerHost + 1 {
		last = send("https://flood.example/"+itoa(int64(i)), s.URL+post.Path)
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("mention %d from one host: %d, want 429", blog.MentionsPerHost+1, last)
	}
}

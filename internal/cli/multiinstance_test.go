package cli_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"folio/internal/blog"
	"folio/internal/locale"
	"folio/internal/markdown"
	"folio/internal/password"
	"folio/internal/store/postgres"
	"folio/internal/store/postgres/pgtest"
)

// TestTwoInstancesShareOnePostgres runs two folio serve processes on one
// PostgreSQL database and checks they behave as one site: a post
// published through one and a reply approved through the other are
// served by both within a second, scheduled posts go live once, and
// killing one of them under load loses no acknowledged reply.
func TestTwoInstancesShareOnePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs two server processes")
	}
	dbURL := pgtest.Fresh(t)
	bin := buildFolio(t)
	ctx := t.Context()
	st, err := postgres.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, err := blog.New(ctx, st, blog.Options{Words: locale.MustLoad(), Renderer: markdown.NewPosts(), CommentRenderer: markdown.NewComments(), Hasher: password.New()})
	if err != nil {
		t.Fatal(err)
	}
	const email, pass = "ada@example.com", "0123456789"
	admin, err := svc.Accounts.SetupAdmin(ctx, blog.UserInput{Name: "Ada", Email: email, Password: pass})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Site.SaveSettings(ctx, admin, blog.SettingsInput{"comment_min_seconds": "0", "comment_per_minute": "1000",
		"comment_moderation": blog.ModerateHoldAll}); err != nil {
		t.Fatal(err)
	}
	a := startServe(t, bin, "--database", dbURL, "--data", t.TempDir(), "--log-level", "info")
	b := startServe(t, bin, "--database", dbURL, "--data", t.TempDir(), "--log-level", "info")
	both := []*process{a, b}
	// Fill both caches with the front page as it is now.
	for _, p := range both {
		fetch(t, p.site+"/")
	}

	// A post published through A.
	ca := signIn(t, a.site, email, pass)
	resp := submit(t, ca, a.site, "/admin/posts/new", "/admin/posts", url.Values{"kind": {"post"}, "title": {"Seen everywhere"},
		"body": {"Published through one instance."}, "comments_open": {"1"}, "action": {"publish"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish through A: status %d", resp.StatusCode)
	}
	for _, p := range both {
		if took, ok := within(time.Second, func() bool { return strings.Contains(fetch(t, p.site+"/"), "Seen everywhere") }); !ok {
			t.Errorf("%s does not show the post published through A after 1 s", p.site)
		} else {
			t.Logf("%s shows the new post after %s", p.site, took.Round(time.Millisecond))
		}
	}

	// A reply sent to B, held, then approved through B while A has the
	// post page cached.
	stored, err := st.PostBySlug(ctx, blog.KindPost, "seen-everywhere")
	if err != nil {
		t.Fatal(err)
	}
	post, err := svc.Reading.PublicPost(ctx, stored.ID)
	if err != nil {
		t.Fatal(err)
	}
	reader := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	replyID, ok := postReply(reader, b.site, post.ID, svc.Discussion.CommentFormToken(post.ID), "A reply approved elsewhere.")
	if !ok {
		t.Fatal("the reply to B was not acknowledged")
	}
	for _, p := range both {
		if strings.Contains(fetch(t, p.site+post.Path), "approved elsewhere") {
			t.Fatalf("%s shows the reply before approval", p.site)
		}
	}
	cb := signIn(t, b.site, email, pass)
	resp = submit(t, cb, b.site, "/admin/comments", "/admin/comments", url.Values{"do": {fmt.Sprint("approve:", replyID)}, "back": {"/admin/comments"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve through B: status %d", resp.StatusCode)
	}
	for _, p := range both {
		if _, ok := within(time.Second, func() bool { return strings.Contains(fetch(t, p.site+post.Path), "approved elsewhere") }); !ok {
			t.Errorf("%s does not show the reply approved through B after 1 s", p.site)
		}
	}

	// Scheduled posts: both instances check every second; each post goes
	// live once.
	const scheduled = 3
	at := time.Now().Add(2 * time.Second)
	for i := range scheduled {
		if _, err := svc.Writing.SavePost(ctx, admin, 0, blog.PostInput{Kind: blog.KindPost, Title: fmt.Sprint("Later ", i),
			Body: "Scheduled.", Status: blog.StatusPublished, PublishedAt: at}); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range both {
		if _, ok := within(5*time.Second, func() bool { return strings.Contains(fetch(t, p.site+"/"), fmt.Sprint("Later ", scheduled-1)) }); !ok {
			t.Errorf("%s does not show the scheduled posts", p.site)
		}
	}
	published := 0
	for _, m := range regexp.MustCompile(`msg="published scheduled posts" count=(\d+)`).FindAllStringSubmatch(a.Log()+b.Log(), -1) {
		n, _ := strconv.Atoi(m[1])
		published += n
	}
	if published != scheduled {
		t.Errorf("the instances published %d scheduled posts between them, want %d", published, scheduled)
	}

	// Sign-in attempts count across both: the limit is reached after
	// blog.LoginAttempts in all, not that many on each. (Start clear of a
	// window's end, so the count is not reset midway.)
	if left := time.Until(time.Now().Truncate(blog.LoginWindow).Add(blog.LoginWindow)); left < 3*time.Second {
		time.Sleep(left + 100*time.Millisecond)
	}
	jar, _ := cookiejar.New(nil)
	guesser := &http.Client{Jar: jar}
	limited := 0
	for i := 1; i <= 2*blog.LoginAttempts && limited == 0; i++ {
		resp := submit(t, guesser, both[i%2].site, "/admin/login", "/admin/login", url.Values{"email": {email}, "password": {"wrong"}})
		if resp.StatusCode == http.StatusTooManyRequests {
			limited = i
		}
	}
	if limited == 0 || limited > blog.LoginAttempts+1 {
		t.Errorf("sign-in attempts alternating between the instances were limited at attempt %d, want by %d", limited, blog.LoginAttempts+1)
	}

	// Replies to both under load; A is killed in the middle.
	token := svc.Discussion.CommentFormToken(post.ID)
	lctx, stop := context.WithCancel(context.Background())
	var mu sync.Mutex
	acked := map[*process][]int64{}
	var wg sync.WaitGroup
	for w := range 8 {
		p := both[w%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; lctx.Err() == nil; i++ {
				if id, ok := postReply(reader, p.site, post.ID, token, fmt.Sprintf("load %d-%d", w, i)); ok {
					mu.Lock()
					acked[p] = append(acked[p], id)
					mu.Unlock()
				}
			}
		}()
	}
	// Kill A once both have acknowledged some, however loaded the
	// machine is.
	within(30*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(acked[a]) >= 10 && len(acked[b]) >= 10
	})
	time.Sleep(200 * time.Millisecond)
	a.cmd.Process.Signal(syscall.SIGKILL)
	a.cmd.Wait()
	time.Sleep(300 * time.Millisecond)
	stop()
	wg.Wait()
	if len(acked[a]) < 10 || len(acked[b]) < 10 {
		t.Fatalf("too few replies acknowledged: %d by A, %d by B", len(acked[a]), len(acked[b]))
	}
	ids := append(acked[a], acked[b]...)
	found, err := st.Comments(ctx, blog.CommentFilter{IDs: ids})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != len(ids) {
		t.Errorf("%d replies acknowledged, %d in the database", len(ids), len(found))
	}
	t.Logf("%d replies acknowledged by A before SIGKILL and %d by B; all present", len(acked[a]), len(acked[b]))
}

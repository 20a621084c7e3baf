package cli_test

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"folio/internal/blog"
)

// TestKilledServerKeepsAcknowledgedReplies sends replies to a real
// folio serve process from several clients, kills it with SIGKILL in the
// middle, and checks that every reply the server acknowledged (303) is in
// the database afterwards.
func TestKilledServerKeepsAcknowledgedReplies(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a server process")
	}
	dir := t.TempDir()
	bin := buildFolio(t)
	svc := openService(t, dir)
	admin, err := svc.Accounts.SetupAdmin(t.Context(), blog.UserInput{Name: "Ada", Email: "ada@example.com", Password: "0123456789"})
	if err != nil {
		t.Fatal(err)
	}
	svc.Site.SaveSettings(t.Context(), admin, blog.SettingsInput{"comment_min_seconds": "0", "comment_per_minute": "1000", "comment_moderation": blog.ModerateApproveAll})
	post, err := svc.Writing.SavePost(t.Context(), admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "Busy", Status: blog.StatusPublished, CommentsOpen: true})
	if err != nil {
		t.Fatal(err)
	}
	token := svc.Discussion.CommentFormToken(post.ID)

	p := startServe(t, bin, "--data", dir, "--log-level", "error")
	site := p.site

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 5 * time.Second}
	ctx, stop := context.WithCancel(context.Background())
	var mu sync.Mutex
	var acked []int64
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				if id, ok := postReply(client, site, post.ID, token, "reply "+strconv.Itoa(w)+"-"+strconv.Itoa(i)); ok {
					mu.Lock()
					acked = append(acked, id)
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(700 * time.Millisecond)
	p.cmd.Process.Signal(syscall.SIGKILL)
	p.cmd.Wait()
	stop()
	wg.Wait()
	if len(acked) < 20 {
		t.Fatalf("only %d replies were acknowledged before the kill", len(acked))
	}
	for _, id := range acked {
		if _, err := svc.Discussion.Comment(t.Context(), admin, id); err != nil {
			t.Errorf("acknowledged reply %d is missing after the kill: %v", id, err)
		}
	}
	got, _ := svc.Reading.PublicPost(t.Context(), post.ID)
	if got.CommentCount < len(acked) {
		t.Errorf("reply count %d, but %d replies were acknowledged", got.CommentCount, len(acked))
	}
	t.Logf("%d replies acknowledged before SIGKILL; all present", len(acked))
}

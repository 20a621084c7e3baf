package cli_test

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
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
	bin := filepath.Join(t.TempDir(), "folio")
	if out, err := exec.Command("go", "build", "-o", bin, "folio/cmd/folio").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	svc := openService(t, dir)
	admin, err := svc.SetupAdmin(t.Context(), blog.UserInput{Name: "Ada", Email: "ada@example.com", Password: "0123456789"})
	if err != nil {
		t.Fatal(err)
	}
	svc.SaveSettings(t.Context(), admin, blog.SettingsInput{"comment_min_seconds": "0", "comment_per_minute": "1000", "comment_moderation": blog.ModerateApproveAll})
	post, err := svc.SavePost(t.Context(), admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "Busy", Status: blog.StatusPublished, CommentsOpen: true})
	if err != nil {
		t.Fatal(err)
	}
	token := svc.CommentFormToken(post.ID)

	cmd := exec.Command(bin, "serve", "--data", dir, "--addr", "127.0.0.1:0", "--log-level", "error")
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var site string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "folio is serving "); ok {
			site, _, _ = strings.Cut(rest, " ")
			break
		}
	}
	if site == "" {
		t.Fatal("server did not start")
	}

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
				form := url.Values{"comment_post_ID": {strconv.FormatInt(post.ID, 10)}, "form_token": {token}, "author": {"Reader"},
					"email": {"reader@example.com"}, "comment": {"reply " + strconv.Itoa(w) + "-" + strconv.Itoa(i)}}
				resp, err := client.PostForm(site+"/comments", form)
				if err != nil {
					return // the server is gone
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusSeeOther {
					continue
				}
				_, frag, _ := strings.Cut(resp.Header.Get("Location"), "#comment-")
				if id, err := strconv.ParseInt(frag, 10, 64); err == nil {
					mu.Lock()
					acked = append(acked, id)
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(700 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	stop()
	wg.Wait()
	if len(acked) < 20 {
		t.Fatalf("only %d replies were acknowledged before the kill", len(acked))
	}
	for _, id := range acked {
		if _, err := svc.Comment(t.Context(), admin, id); err != nil {
			t.Errorf("acknowledged reply %d is missing after the kill: %v", id, err)
		}
	}
	p, _ := svc.PublicPost(t.Context(), post.ID)
	if p.CommentCount < len(acked) {
		t.Errorf("reply count %d, but %d replies were acknowledged", p.CommentCount, len(acked))
	}
	t.Logf("%d replies acknowledged before SIGKILL; all present", len(acked))
}

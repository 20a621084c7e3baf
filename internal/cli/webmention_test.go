package cli_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// mentionLatency bounds a Webmention's trip: the sender's background
// round, discovery and sending, then the receiver's round and its
// fetch of the source.
const mentionLatency = 30 * time.Second

// TestWebmentionsBetweenTwoSites runs two folio serve processes on
// loopback (FOLIO_ALLOW_PRIVATE_PEERS=1). A post on A that answers a post
// on B sends B a Webmention; B verifies it, reads A's microformats and
// holds the reply in its queue with A's writer as author; approved, it
// shows under B's post with a link to A's page. B answers A the same
// way. When A trashes its post, B hears again, finds the page gone and
// removes the reply.
func TestWebmentionsBetweenTwoSites(t *testing.T) {
	if testing.Short() {
		t.Skip("builds folio and runs it as several processes")
	}
	t.Setenv("FOLIO_ALLOW_PRIVATE_PEERS", "1")
	bin := buildFolio(t)
	type peer struct {
		on    []string
		srv   *process
		token string
	}
	start := func(name string) *peer {
		p := &peer{on: []string{"--data", t.TempDir()}}
		folio(t, bin, "a long password\n", append([]string{"user", "add", "--name", name, "--email", strings.ToLower(name) + "@example.com", "--role", "admin"}, p.on...)...)
		p.srv = startServe(t, bin, p.on...)
		folio(t, bin, "", append(append([]string{"settings", "set"}, p.on...), "base_url="+p.srv.site, "comment_moderation=hold_first")...)
		out := strings.TrimSpace(folio(t, bin, "", append([]string{"token", "create", "--name", "test", "--scope", "create delete"}, p.on...)...))
		p.token = out[strings.LastIndex(out, "\n")+1:]
		return p
	}
	a, b := start("Ada"), start("Bo")
	post := func(p *peer, vals url.Values) string {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, p.srv.site+"/micropub", strings.NewReader(vals.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+p.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			t.Fatalf("micropub on %s: %d", p.srv.site, resp.StatusCode)
		}
		return resp.Header.Get("Location")
	}
	pending := func(p *peer, want string) string {
		t.Helper()
		var id string
		_, ok := within(mentionLatency, func() bool {
			list := folio(t, bin, "", append([]string{"comment", "list", "--status", "pending"}, p.on...)...)
			for _, line := range strings.Split(list, "\n") {
				if strings.Contains(line, want) {
					id = regexp.MustCompile(`^\s*(\d+)`).FindStringSubmatch(line)[1]
					return true
				}
			}
			return false
		})
		if !ok {
			t.Fatalf("no pending reply %q on %s:\n%s\n%s", want, p.srv.site, a.srv.Log(), b.srv.Log())
		}
		return id
	}

	onB := post(b, url.Values{"h": {"entry"}, "name": {"Notes on paper"}, "content": {"Paper keeps."}})
	onA := post(a, url.Values{"h": {"entry"}, "name": {"An answer to Bo"}, "content": {"I answer your post about paper."}, "in-reply-to": {onB}})
	id := pending(b, "Ada")
	folio(t, bin, "", append(append([]string{"comment", "approve"}, b.on...), id)...)
	page := fetch(t, onB)
	if !strings.Contains(page, "I answer your post about paper.") || !strings.Contains(page, `href="`+onA+`"`) {
		t.Fatalf("B's post does not show A's reply with a link to it:\n%s", page)
	}

	post(b, url.Values{"h": {"entry"}, "name": {"Bo answers"}, "content": {"Thanks, Ada."}, "in-reply-to": {onA}})
	pending(a, "Bo")

	// A withdraws its post: B hears again, finds it gone, drops the reply.
	req, _ := http.NewRequest(http.MethodPost, a.srv.site+"/micropub", strings.NewReader(url.Values{"action": {"delete"}, "url": {onA}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+a.token)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("delete on A: %v %v", resp, err)
	}
	if _, ok := within(mentionLatency, func() bool { return !strings.Contains(fetch(t, onB), "I answer your post about paper.") }); !ok {
		t.Fatalf("B still shows the withdrawn reply:\n%s", b.srv.Log())
	}
}

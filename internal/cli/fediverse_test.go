package cli_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// fedLatency bounds an activity's trip between the two servers: a
// background round of folio's deliveries, signing and verifying.
const fedLatency = 30 * time.Second

// fedifyPeer is the Fedify server the test runs with node.
type fedifyPeer struct {
	t    *testing.T
	base string
	mu   sync.Mutex
	log  bytes.Buffer
}

func (f *fedifyPeer) Write(b []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.log.Write(b)
}

func (f *fedifyPeer) Log() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.log.String()
}

// call asks the peer to act and returns its JSON answer.
func (f *fedifyPeer) call(name string, in map[string]string) map[string]any {
	f.t.Helper()
	body, _ := json.Marshal(in)
	resp, err := http.Post(f.base+"/control/"+name, "application/json", bytes.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		f.t.Fatalf("fedify %s: %d\n%s\n%s", name, resp.StatusCode, raw, f.Log())
	}
	var out map[string]any
	json.Unmarshal(raw, &out)
	return out
}

// received lists what the peer's inbox accepted, signature verified.
func (f *fedifyPeer) received() []map[string]string {
	resp, err := http.Post(f.base+"/control/received", "application/json", nil)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out []map[string]string
	json.NewDecoder(resp.Body).Decode(&out)
	return out
}

// await waits for an activity the peer received that match accepts.
func (f *fedifyPeer) await(what string, match func(map[string]string) bool, logs ...func() string) map[string]string {
	f.t.Helper()
	var got map[string]string
	if _, ok := within(fedLatency, func() bool {
		for _, a := range f.received() {
			if match(a) {
				got = a
				return true
			}
		}
		return false
	}); !ok {
		var more []string
		for _, l := range logs {
			more = append(more, l())
		}
		f.t.Fatalf("Fedify never received %s; it has %v\nFedify's log:\n%s\nfolio's log:\n%s", what, f.received(), f.Log(), strings.Join(more, "\n"))
	}
	return got
}

// startFedify runs the Fedify peer, or skips (fails under
// FOLIO_REQUIRE_FEDIFY=1) without node and Fedify's package.
func startFedify(t *testing.T, caFile string) *fedifyPeer {
	t.Helper()
	dir := os.Getenv("FOLIO_FEDIFY_DIR")
	if dir == "" {
		dir, _ = filepath.Abs("../../.ci/node_modules/@fedify/fedify")
	}
	node, err := exec.LookPath("node")
	if _, statErr := os.Stat(filepath.Join(dir, "esm", "mod.js")); err != nil || statErr != nil {
		msg := "needs node and Fedify: run npm ci --prefix .ci --ignore-scripts (or set FOLIO_FEDIFY_DIR to @fedify/fedify's folder)"
		if os.Getenv("FOLIO_REQUIRE_FEDIFY") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	f := &fedifyPeer{t: t}
	cmd := exec.Command(node, "testdata/fedify-peer.mjs")
	cmd.Env = append(os.Environ(), "FEDIFY_DIR="+dir, "NODE_EXTRA_CA_CERTS="+caFile)
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = f
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "listening "); ok {
			f.base = rest
			break
		}
	}
	if f.base == "" {
		t.Fatalf("Fedify did not start:\n%s", f.Log())
	}
	go io.Copy(f, stdout)
	return f
}

// TestFediverseWithFedify federates folio with a server nobody here
// wrote: Fedify, on loopback. folio serve runs behind a TLS proxy, as
// behind nginx, so its writers have https actors that Fedify looks up
// by WebFinger. Fedify follows the writer and gets a signed Accept; a
// post published with Micropub reaches it as a verified Create of an
// Article; its reply waits in folio's queue and, approved, shows under
// the post, with its like counted; the writer's answer from the admin
// reaches Fedify's inbox and verifies there; Fedify's Delete removes
// the reply; editing and deleting the post send Update and Delete.
func TestFediverseWithFedify(t *testing.T) {
	if testing.Short() {
		t.Skip("builds folio and runs it beside a Fedify server")
	}
	t.Setenv("FOLIO_ALLOW_PRIVATE_PEERS", "1")
	bin := buildFolio(t)
	on := []string{"--data", t.TempDir()}
	folio(t, bin, "a long password\n", append([]string{"user", "add", "--name", "Ada", "--email", "ada@example.com", "--role", "admin"}, on...)...)
	srv := startServe(t, bin, on...)
	target, _ := url.Parse(srv.site)
	proxy := httptest.NewTLSServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(target)
		r.Out.Host = r.In.Host
	}})
	defer proxy.Close()
	site := proxy.URL
	client := proxy.Client()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: proxy.Certificate().Raw}), 0o600)
	folio(t, bin, "", append(append([]string{"settings", "set"}, on...), "base_url="+site, "comment_moderation=hold_first")...)
	out := strings.TrimSpace(folio(t, bin, "", append([]string{"token", "create", "--name", "test", "--scope", "create update delete"}, on...)...))
	token := out[strings.LastIndex(out, "\n")+1:]
	micropub := func(vals url.Values) *http.Response {
		t.Helper()
		body, ctype := vals.Encode(), "application/x-www-form-urlencoded"
		if j := vals.Get("json"); j != "" {
			body, ctype = j, "application/json"
		}
		req, _ := http.NewRequest(http.MethodPost, site+"/micropub", strings.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			t.Fatalf("micropub: %d", resp.StatusCode)
		}
		return resp
	}
	page := func(u string) string {
		t.Helper()
		resp, err := client.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}

	fed := startFedify(t, ca)
	actor := fed.call("follow", map[string]string{"handle": "@ada@" + strings.TrimPrefix(site, "https://")})["actor"].(string)
	fed.await("the Accept of its Follow", func(a map[string]string) bool { return a["type"] == "Accept" && a["actor"] == actor }, srv.Log)

	postURL := micropub(url.Values{"h": {"entry"}, "name": {"Notes on paper"}, "content": {"Paper keeps what screens forget."},
		"category": {"paper"}}).Header.Get("Location")
	created := fed.await("the Create of the post", func(a map[string]string) bool {
		return a["type"] == "Create" && a["objectType"] == "Article" && a["name"] == "Notes on paper"
	}, srv.Log)
	if created["url"] != postURL || !strings.Contains(created["content"], "Paper keeps what screens forget.") || created["actor"] != actor {
		t.Fatalf("the Create Fedify received does not carry the post: %v (post at %s)", created, postURL)
	}

	note := fed.call("reply", map[string]string{"inReplyTo": created["objectId"],
		"content": `<p><span class="h-card"><a href="` + actor + `" class="u-url mention">@ada</a></span> A reply from the fediverse.</p>`})["id"].(string)
	var id string
	if _, ok := within(fedLatency, func() bool {
		m := regexp.MustCompile(`(?m)^\s*(\d+)\s.*Alice Peer`).FindStringSubmatch(folio(t, bin, "", append([]string{"comment", "list", "--status", "pending"}, on...)...))
		if m != nil {
			id = m[1]
		}
		return m != nil
	}); !ok {
		t.Fatalf("Fedify's reply is not in folio's queue:\n%s\n%s", srv.Log(), fed.Log())
	}
	if strings.Contains(page(postURL), "A reply from the fediverse.") {
		t.Fatal("a first-time reply from the fediverse shows before approval")
	}
	folio(t, bin, "", append(append([]string{"comment", "approve"}, on...), id)...)
	fed.call("like", map[string]string{"object": created["objectId"]})
	if _, ok := within(fedLatency, func() bool {
		p := page(postURL)
		return strings.Contains(p, "A reply from the fediverse.") && strings.Contains(p, "1 like") && strings.Contains(p, fed.base+"/@alice")
	}); !ok {
		t.Fatalf("the approved reply, its author's link and the like do not show under the post:\n%s", page(postURL))
	}
	if strings.Contains(page(postURL), "@ada A reply") {
		t.Error("the reply's opening mention of the writer is shown")
	}

	c := signInVia(t, client.Transport, site, "ada@example.com", "a long password")
	if resp := submit(t, c, site, "/admin/comments/"+id, "/admin/comments/"+id+"/reply", url.Values{"reply": {"Thank you, Alice."}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("answering from the admin: status %d", resp.StatusCode)
	}
	answer := fed.await("the writer's answer", func(a map[string]string) bool {
		return a["type"] == "Create" && a["objectType"] == "Note" && a["inReplyTo"] == note
	}, srv.Log)
	if !strings.Contains(answer["content"], "Thank you, Alice.") {
		t.Fatalf("the answer Fedify received lacks the text: %v", answer)
	}

	fed.call("delete", map[string]string{"id": note})
	if _, ok := within(fedLatency, func() bool { return !strings.Contains(page(postURL), "A reply from the fediverse.") }); !ok {
		t.Fatalf("Fedify's Delete did not remove the reply:\n%s", srv.Log())
	}

	micropub(url.Values{"json": {`{"action":"update","url":"` + postURL + `","replace":{"content":["Paper keeps, and so do notes."]}}`}})
	fed.await("the Update of the post", func(a map[string]string) bool {
		return a["type"] == "Update" && strings.Contains(a["content"], "so do notes")
	}, srv.Log)
	micropub(url.Values{"action": {"delete"}, "url": {postURL}})
	fed.await("the Delete of the post", func(a map[string]string) bool {
		return a["type"] == "Delete" && a["objectId"] == created["objectId"]
	}, srv.Log)

	// An unsigned activity is refused.
	resp, err := client.Post(site+"/ap/inbox", "application/activity+json", strings.NewReader(`{"type":"Follow","actor":"`+fed.base+`/users/alice","object":"`+actor+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("an unsigned activity got %d, want 401", resp.StatusCode)
	}
}

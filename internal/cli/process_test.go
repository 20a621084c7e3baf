package cli_test

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// built is the folio binary the process tests share, built once.
var built struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// buildFolio returns the folio binary, building it on first use.
func buildFolio(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "folio-bin-"); built.err != nil {
			return
		}
		built.bin = filepath.Join(built.dir, "folio")
		if out, err := exec.Command("go", "build", "-o", built.bin, "folio/cmd/folio").CombinedOutput(); err != nil {
			built.err = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.bin
}

// folio runs the folio binary as a command of its own, with stdin, and
// fails the test unless it succeeds. It returns what the command printed.
func folio(t *testing.T, bin, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("folio %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// process is a running folio serve.
type process struct {
	cmd  *exec.Cmd
	site string

	mu  sync.Mutex
	log bytes.Buffer // what it wrote on stderr
}

// Log returns what the process has logged so far.
func (p *process) Log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

func (p *process) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.Write(b)
}

// startServe starts `folio serve` on a free port with args added, and
// waits until it prints its address. The process is killed when the test
// ends.
func startServe(t *testing.T, bin string, args ...string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)}
	stdout, _ := p.cmd.StdoutPipe()
	p.cmd.Stderr = p
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.cmd.Process.Kill(); p.cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "folio is serving "); ok {
			p.site, _, _ = strings.Cut(rest, " ")
			break
		}
	}
	if p.site == "" {
		t.Fatalf("server did not start:\n%s", p.Log())
	}
	return p
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// signIn returns a client signed in to site as the given writer.
func signIn(t *testing.T, site, email, password string) *http.Client {
	t.Helper()
	return signInVia(t, nil, site, email, password)
}

// signInVia is signIn over transport rt (nil: the default one).
func signInVia(t *testing.T, rt http.RoundTripper, site, email, password string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second, Transport: rt,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp := submit(t, c, site, "/admin/login", "/admin/login", url.Values{"email": {email}, "password": {password}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in to %s: status %d", site, resp.StatusCode)
	}
	return c
}

// submit reads the form page at formPath for its CSRF token and posts
// vals to action with it.
func submit(t *testing.T, c *http.Client, site, formPath, action string, vals url.Values) *http.Response {
	t.Helper()
	resp, err := c.Get(site + formPath)
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	body.ReadFrom(resp.Body)
	resp.Body.Close()
	m := csrfField.FindStringSubmatch(body.String())
	if m == nil {
		t.Fatalf("no CSRF token on %s%s (status %d)", site, formPath, resp.StatusCode)
	}
	vals.Set("csrf_token", m[1])
	resp, err = c.PostForm(site+action, vals)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// fetch returns the body of a public page.
func fetch(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return b.String()
}

// postReply sends a reply as a reader would and returns its ID when the
// server acknowledged it (303 to the reply's anchor).
func postReply(c *http.Client, site string, postID int64, token, text string) (int64, bool) {
	form := url.Values{"comment_post_ID": {strconv.FormatInt(postID, 10)}, "form_token": {token}, "author": {"Reader"},
		"email": {"reader@example.com"}, "comment": {text}}
	resp, err := c.PostForm(site+"/comments", form)
	if err != nil {
		return 0, false
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return 0, false
	}
	_, frag, _ := strings.Cut(resp.Header.Get("Location"), "#comment-")
	id, err := strconv.ParseInt(frag, 10, 64)
	return id, err == nil
}

// within polls cond every 20 ms until it holds or d has passed, and
// returns how long it took or false.
func within(d time.Duration, cond func() bool) (time.Duration, bool) {
	start := time.Now()
	for {
		if cond() {
			return time.Since(start), true
		}
		if time.Since(start) > d {
			return 0, false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

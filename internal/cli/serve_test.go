package cli_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"folio/internal/cli"
)

func TestServeStartsAndStops(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	done := make(chan int, 1)
	go func() {
		code := cli.Run(ctx, []string{"serve", "--data", dir, "--addr", "127.0.0.1:0", "--log-level", "warn"},
			cli.Env{Stdin: strings.NewReader(""), Stdout: outW, Stderr: io.Discard})
		outW.Close()
		done <- code
	}()
	lines := bufio.NewScanner(outR)
	var site, setup string
	for lines.Scan() {
		line := strings.TrimSpace(lines.Text())
		if rest, ok := strings.CutPrefix(line, "folio is serving "); ok {
			site, _, _ = strings.Cut(rest, " ")
		}
		if strings.Contains(line, "/admin/setup?token=") {
			setup = line
			break
		}
	}
	go io.Copy(io.Discard, outR)
	if site == "" || !strings.HasPrefix(setup, site+"/admin/setup?token=") {
		t.Fatalf("serve printed site %q and setup link %q", site, setup)
	}
	for _, path := range []string{"/healthz", "/", strings.TrimPrefix(setup, site)} {
		resp, err := http.Get(site + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", path, resp.StatusCode)
		}
	}
	// With no base URL set yet, pages name the address served on, not
	// the one a request's Host header claims.
	for _, path := range []string{"/", "/feed/atom/", "/sitemap.xml", "/robots.txt"} {
		req, _ := http.NewRequest(http.MethodGet, site+path, nil)
		req.Host = "attacker.example"
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(body), "attacker.example") || !strings.Contains(string(body), site) {
			t.Errorf("GET %s with a foreign Host: the page names that host, or not %s:\n%s", path, site, body)
		}
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited with %d after shutdown", code)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func TestServeBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--addr", "not-an-address"},
		{"serve", "--log-level", "loud"},
		{"serve", "--theme", "/no/such/folder"},
		{"serve", "extra"},
	} {
		code, _, errs := run(t, "", append(args, "--data", t.TempDir())...)
		if code == 0 || errs == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
}

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

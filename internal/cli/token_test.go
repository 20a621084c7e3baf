package cli_test

import (
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"
)

// TestTokenFromTheCommandLine makes a token with folio token create (its
// last line of output), posts with it to a running folio serve through
// Micropub, as an app would, and sees the post on the home page; after
// folio token revoke the server refuses the token at once.
func TestTokenFromTheCommandLine(t *testing.T) {
	if testing.Short() {
		t.Skip("builds folio and runs it as several processes")
	}
	bin := buildFolio(t)
	dir := t.TempDir()
	on := []string{"--data", dir}
	folio(t, bin, "a long password\n", append([]string{"user", "add", "--name", "Ada", "--email", "ada@example.com", "--role", "admin"}, on...)...)
	srv := startServe(t, bin, on...)
	if out, err := exec.Command(bin, append([]string{"token", "create", "--name", "phone", "--scope", "create spread"}, on...)...).CombinedOutput(); err == nil ||
		!strings.Contains(string(out), `“spread” is not a scope`) {
		t.Errorf("an unknown scope: %v %s", err, out)
	}
	out := strings.TrimSpace(folio(t, bin, "", append([]string{"token", "create", "--name", "phone", "--scope", "create media"}, on...)...))
	token := out[strings.LastIndex(out, "\n")+1:]
	post := func() *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, srv.site+"/micropub", strings.NewReader(url.Values{"h": {"entry"}, "name": {"Posted from a phone"}, "content": {"Written on the train."}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	fetch(t, srv.site+"/") // in the server's cache before the post
	if resp := post(); resp.StatusCode != http.StatusCreated {
		t.Fatalf("post with the token: %d\n%s", resp.StatusCode, srv.Log())
	}
	if _, ok := within(feedLatency, func() bool { return strings.Contains(fetch(t, srv.site+"/"), "Posted from a phone") }); !ok {
		t.Fatalf("the home page does not show the post:\n%s", srv.Log())
	}
	list := folio(t, bin, "", append([]string{"token", "list"}, on...)...)
	if !strings.Contains(list, "phone") || !strings.Contains(list, "create media") || strings.Contains(list, "never") {
		t.Errorf("token list after a use:\n%s", list)
	}
	folio(t, bin, "", append(append([]string{"token", "revoke"}, on...), "1")...)
	if resp := post(); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("post with a revoked token: %d", resp.StatusCode)
	}
}

package twofactor_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"folio/internal/twofactor"
)

// TestCodes: a new secret's URI names the issuer and account, and a
// code computed as RFC 6238 says is accepted now and one step either
// side, with the step it belongs to; codes further off, of the wrong
// length or from another secret are not.
func TestCodes(t *testing.T) {
	var c twofactor.Codes
	secret, uri, err := c.NewSecret("Field Notes", "ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "otpauth" || u.Host != "totp" || u.Query().Get("secret") != secret || u.Query().Get("issuer") != "Field Notes" ||
		!strings.Contains(u.Path, "ada@example.com") {
		t.Fatalf("URI %q (%v)", uri, err)
	}
	if again := c.URI("Field Notes", "ada@example.com", secret); again != uri {
		t.Errorf("URI of the stored secret:\n%s\nwant\n%s", again, uri)
	}
	other, _, _ := c.NewSecret("Field Notes", "bo@example.com")
	now := time.Date(2026, 12, 1, 12, 0, 10, 0, time.UTC)
	step := now.Unix() / 30
	code := func(secret string, at time.Time) string {
		s, err := totp.GenerateCode(secret, at)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, tc := range []struct {
		name   string
		code   string
		ok     bool
		stepIs int64
	}{
		{"now", code(secret, now), true, step},
		{"the step before", code(secret, now.Add(-30*time.Second)), true, step - 1},
		{"the step after", code(secret, now.Add(30*time.Second)), true, step + 1},
		{"two steps before", code(secret, now.Add(-60*time.Second)), false, 0},
		{"another secret's", code(other, now), false, 0},
		{"too short", code(secret, now)[:5], false, 0},
		{"letters", "abcdef", false, 0},
	} {
		got, ok := c.Check(secret, tc.code, now)
		if ok != tc.ok || (ok && got != tc.stepIs) {
			t.Errorf("%s: step %d, %v; want %d, %v", tc.name, got, ok, tc.stepIs, tc.ok)
		}
	}
}

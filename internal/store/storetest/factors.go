package storetest

import (
	"errors"
	"testing"
	"time"

	"folio/internal/blog"
)

// testSecondFactors: a code's time step is accepted only when later
// than the last, a recovery code is spent once, a passkey ID is unique,
// a challenge answers only to its purpose until it expires, and a
// deleted user takes their factors along.
func testSecondFactors(t *testing.T, st blog.Store) {
	ctx := t.Context()
	u := mustUser(t, st, "ada@example.com")
	if _, err := st.TOTPSecret(ctx, u.ID); !errors.Is(err, blog.ErrNotFound) {
		t.Fatalf("no secret yet: %v", err)
	}
	if err := st.PutTOTPSecret(ctx, &blog.TOTPSecret{UserID: u.ID, Secret: "OFFERED"}); err != nil {
		t.Fatal(err)
	}
	if err := st.PutTOTPSecret(ctx, &blog.TOTPSecret{UserID: u.ID, Secret: "JBSWY3DPEHPK3PXP", EnabledAt: t0, LastStep: 10}); err != nil {
		t.Fatal(err)
	}
	if s, err := st.TOTPSecret(ctx, u.ID); err != nil || s.Secret != "JBSWY3DPEHPK3PXP" || !s.EnabledAt.Equal(t0) || s.LastStep != 10 {
		t.Fatalf("secret %+v, %v", s, err)
	}
	for _, tc := range []struct {
		step int64
		ok   bool
	}{{10, false}, {9, false}, {11, true}, {11, false}, {13, true}} {
		if ok, err := st.UseTOTPStep(ctx, u.ID, tc.step); err != nil || ok != tc.ok {
			t.Errorf("UseTOTPStep(%d) = %v, %v; want %v", tc.step, ok, err, tc.ok)
		}
	}

	if err := st.ReplaceRecoveryCodes(ctx, u.ID, []string{"h1", "h2", "h3"}); err != nil {
		t.Fatal(err)
	}
	if ok, err := st.UseRecoveryCode(ctx, u.ID, "h2", t0); err != nil || !ok {
		t.Errorf("first use: %v, %v", ok, err)
	}
	if ok, err := st.UseRecoveryCode(ctx, u.ID, "h2", t0); err != nil || ok {
		t.Errorf("second use: %v, %v", ok, err)
	}
	if n, err := st.RecoveryCodesLeft(ctx, u.ID); err != nil || n != 2 {
		t.Errorf("left: %d, %v", n, err)
	}

	key := &blog.Passkey{ID: "cred-1", UserID: u.ID, Name: "Laptop", Credential: "{}", CreatedAt: t0}
	if err := st.CreatePasskey(ctx, key); err != nil {
		t.Fatal(err)
	}
	if err := st.CreatePasskey(ctx, key); !errors.Is(err, blog.ErrConflict) {
		t.Errorf("the same passkey twice: %v, want ErrConflict", err)
	}
	if err := st.UpdatePasskeyUse(ctx, "cred-1", `{"n":1}`, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if keys, err := st.Passkeys(ctx, u.ID); err != nil || len(keys) != 1 || keys[0].Credential != `{"n":1}` || !keys[0].UsedAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("passkeys %+v, %v", keys, err)
	}
	other := mustUser(t, st, "bo@example.com")
	if err := st.DeletePasskey(ctx, other.ID, "cred-1"); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("another user deleting it: %v, want ErrNotFound", err)
	}

	c := &blog.Challenge{TokenHash: "th", Purpose: "sign-in", UserID: u.ID, Data: `{"next":"/admin/"}`, ExpiresAt: t0.Add(time.Minute)}
	if err := st.CreateChallenge(ctx, c); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Challenge(ctx, "th", "passkey-add"); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("another purpose: %v", err)
	}
	if got, err := st.Challenge(ctx, "th", "sign-in"); err != nil || got.Data != c.Data || got.UserID != u.ID || !got.ExpiresAt.Equal(c.ExpiresAt) {
		t.Errorf("challenge %+v, %v", got, err)
	}
	if err := st.DeleteExpiredChallenges(ctx, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Challenge(ctx, "th", "sign-in"); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("expired challenge: %v", err)
	}

	if err := st.DeleteUser(ctx, u.ID, other.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.TOTPSecret(ctx, u.ID); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("secret of a deleted user: %v", err)
	}
	if keys, _ := st.Passkeys(ctx, u.ID); len(keys) != 0 {
		t.Errorf("passkeys of a deleted user: %d", len(keys))
	}
	if n, _ := st.RecoveryCodesLeft(ctx, u.ID); n != 0 {
		t.Errorf("recovery codes of a deleted user: %d", n)
	}
}

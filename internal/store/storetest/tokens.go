package storetest

import (
	"errors"
	"testing"
	"time"

	"folio/internal/blog"
)

// testTokens: a token is found by its hash with its writer's name and
// scopes, listed per writer or for all, touched, and deleted; a hash is
// unique, and a deleted writer takes their tokens along.
func testTokens(t *testing.T, st blog.Store) {
	ctx := t.Context()
	ada, bo := mustUser(t, st, "ada@example.com"), mustUser(t, st, "bo@example.com")
	a := &blog.Token{UserID: ada.ID, Name: "phone", Scopes: []string{"create", "media"}, Hash: "h1", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	b := &blog.Token{UserID: bo.ID, Name: "script", Scopes: []string{"read"}, ClientID: "https://app.example/", Hash: "h2", CreatedAt: t0.Add(time.Minute)}
	for _, tok := range []*blog.Token{a, b} {
		if err := st.CreateToken(ctx, tok); err != nil || tok.ID == 0 {
			t.Fatalf("create %s: %v", tok.Name, err)
		}
	}
	if err := st.CreateToken(ctx, &blog.Token{UserID: ada.ID, Name: "again", Scopes: []string{"read"}, Hash: "h1", CreatedAt: t0}); !errors.Is(err, blog.ErrConflict) {
		t.Errorf("a hash twice: %v, want ErrConflict", err)
	}
	got, err := st.TokenByHash(ctx, "h1")
	if err != nil || got.ID != a.ID || got.UserName != ada.Name || len(got.Scopes) != 2 || !got.ExpiresAt.Equal(a.ExpiresAt) || !got.UsedAt.IsZero() {
		t.Fatalf("by hash: %+v, %v", got, err)
	}
	if list, _ := st.Tokens(ctx, 0); len(list) != 2 || list[0].ID != b.ID {
		t.Errorf("all tokens, newest first: %+v", list)
	}
	if list, _ := st.Tokens(ctx, bo.ID); len(list) != 1 || list[0].ClientID != "https://app.example/" {
		t.Errorf("bo's tokens: %+v", list)
	}
	if err := st.TouchToken(ctx, a.ID, t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.TokenByHash(ctx, "h1"); !got.UsedAt.Equal(t0.Add(2 * time.Hour)) {
		t.Errorf("used at %v", got.UsedAt)
	}
	if err := st.DeleteToken(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.TokenByHash(ctx, "h1"); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("a deleted token: %v", err)
	}
	if err := st.DeleteUser(ctx, bo.ID, ada.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.TokenByHash(ctx, "h2"); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("a deleted writer's token: %v", err)
	}
}

package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"folio/internal/blog"
)

func testUsers(t *testing.T, st blog.Store) {
	ctx := t.Context()
	if n, err := st.CountUsers(ctx); err != nil || n != 0 {
		t.Fatalf("CountUsers on empty store = %d, %v", n, err)
	}
	u := mustUser(t, st, "ada@example.com")
	if u.ID == 0 {
		t.Fatal("CreateUser did not set ID")
	}
	for name, get := range map[string]func() (*blog.User, error){
		"User":        func() (*blog.User, error) { return st.User(ctx, u.ID) },
		"UserByEmail": func() (*blog.User, error) { return st.UserByEmail(ctx, "ada@example.com") },
		"UserBySlug":  func() (*blog.User, error) { return st.UserBySlug(ctx, u.Slug) },
	} {
		got, err := get()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got.Name != u.Name || got.Email != u.Email || got.Role != u.Role || !got.CreatedAt.Equal(t0) {
			t.Errorf("%s = %+v, want %+v", name, got, u)
		}
	}
	if _, err := st.User(ctx, 999); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("User(999) err = %v, want ErrNotFound", err)
	}
	dup := &blog.User{Name: "Other", Slug: "other", Email: "ada@example.com", Role: blog.RoleAuthor, CreatedAt: t0}
	if err := st.CreateUser(ctx, dup); !errors.Is(err, blog.ErrConflict) {
		t.Errorf("duplicate e-mail err = %v, want ErrConflict", err)
	}
	u.Name, u.Bio, u.Role = "Ada L.", "Writes.", blog.RoleEditor
	if err := st.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	mustUser(t, st, "bob@example.com")
	all, err := st.Users(ctx)
	if err != nil || len(all) != 2 || all[0].Name != "Ada L." || all[0].Bio != "Writes." || all[0].Role != blog.RoleEditor {
		t.Errorf("Users = %v, %v", all, err)
	}
	if n, _ := st.CountUsers(ctx); n != 2 {
		t.Errorf("CountUsers = %d, want 2", n)
	}
}

func testSessions(t *testing.T, st blog.Store) {
	ctx := t.Context()
	u := mustUser(t, st, "s@example.com")
	live := &blog.Session{TokenHash: "live", UserID: u.ID, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	old := &blog.Session{TokenHash: "old", UserID: u.ID, CreatedAt: t0, ExpiresAt: t0.Add(time.Minute)}
	for _, s := range []*blog.Session{live, old} {
		if err := st.CreateSession(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.Session(ctx, "live")
	if err != nil || got.UserID != u.ID || !got.ExpiresAt.Equal(live.ExpiresAt) {
		t.Fatalf("Session = %+v, %v", got, err)
	}
	if err := st.DeleteExpiredSessions(ctx, t0.Add(30*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Session(ctx, "old"); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("expired session still there: %v", err)
	}
	if err := st.DeleteSession(ctx, "live"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Session(ctx, "live"); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("deleted session still there: %v", err)
	}
	other := mustUser(t, st, "o@example.com")
	for i, h := range []string{"a", "b", "c"} {
		if err := st.CreateSession(ctx, &blog.Session{TokenHash: h, UserID: u.ID, CreatedAt: t0.Add(time.Duration(i) * time.Minute), ExpiresAt: t0.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.CreateSession(ctx, &blog.Session{TokenHash: "theirs", UserID: other.ID, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	hashes := func(list []*blog.Session) (out []string) {
		for _, s := range list {
			out = append(out, s.TokenHash)
		}
		return out
	}
	if list, err := st.UserSessions(ctx, u.ID); err != nil || fmt.Sprint(hashes(list)) != "[c b a]" {
		t.Errorf("UserSessions = %v, %v; want newest first, the user's only", hashes(list), err)
	}
	if err := st.DeleteOtherSessions(ctx, u.ID, "b"); err != nil {
		t.Fatal(err)
	}
	if list, _ := st.UserSessions(ctx, u.ID); fmt.Sprint(hashes(list)) != "[b]" {
		t.Errorf("after signing out elsewhere: %v, want [b]", hashes(list))
	}
	if _, err := st.Session(ctx, "theirs"); err != nil {
		t.Errorf("another user's session went too: %v", err)
	}
}

// testDeleteUser deletes a user: their posts, revisions and uploads go
// to the heir, their replies lose the account, their sessions end; a
// deactivation is kept.
func testDeleteUser(t *testing.T, st blog.Store) {
	ctx := t.Context()
	gone, heir := mustUser(t, st, "gone@example.com"), mustUser(t, st, "heir@example.com")
	gone.DisabledAt = t0
	if err := st.UpdateUser(ctx, gone); err != nil {
		t.Fatal(err)
	}
	if u, err := st.User(ctx, gone.ID); err != nil || !u.DisabledAt.Equal(t0) || u.Active() {
		t.Errorf("deactivated user = %+v, %v", u, err)
	}
	p := mustPost(t, st, newPost(gone, "theirs", t0, blog.StatusPublished))
	if err := st.CreateRevision(ctx, &blog.Revision{PostID: p.ID, Title: "t", AuthorID: gone.ID, CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	m := newMedia(gone, "cccccccccccccccccccc", "pic")
	if err := st.CreateMedia(ctx, m, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateSession(ctx, &blog.Session{TokenHash: "g", UserID: gone.ID, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteUser(ctx, gone.ID, heir.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.User(ctx, gone.ID); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("the deleted user: %v", err)
	}
	if got, err := st.Post(ctx, p.ID); err != nil || got.AuthorID != heir.ID || got.Author.Name != heir.Name {
		t.Errorf("their post = %+v, %v; want the heir's", got, err)
	}
	if revs, _ := st.Revisions(ctx, p.ID); len(revs) != 1 || revs[0].AuthorID != heir.ID {
		t.Errorf("their revision: %+v", revs)
	}
	if got, err := st.Media(ctx, m.ID); err != nil || got.UploaderID != heir.ID {
		t.Errorf("their upload = %+v, %v; want the heir's", got, err)
	}
	if _, err := st.Session(ctx, "g"); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("their session: %v", err)
	}
}

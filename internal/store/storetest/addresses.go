package storetest

import (
	"errors"
	"testing"

	"folio/internal/blog"
)

// testAddresses keeps old addresses by path, moves one to another item,
// lists them with their items' titles, and forgets those of a deleted
// item.
func testAddresses(t *testing.T, st blog.Store) {
	ctx := t.Context()
	u := mustUser(t, st, "a@example.com")
	a := mustPost(t, st, newPost(u, "a", t0, blog.StatusPublished))
	b := mustPost(t, st, newPost(u, "b", t0, blog.StatusPublished))
	for _, addr := range []blog.Address{{Path: "/old-a/", PostID: a.ID, CreatedAt: t0}, {Path: "/?p=7", PostID: a.ID, CreatedAt: t0},
		{Path: "/shared/", PostID: a.ID, CreatedAt: t0}, {Path: "/shared/", PostID: b.ID, CreatedAt: t0}} {
		if err := st.SetAddress(ctx, addr); err != nil {
			t.Fatal(err)
		}
	}
	if id, err := st.AddressOwner(ctx, "/shared/"); err != nil || id != b.ID {
		t.Errorf("/shared/ belongs to %d, %v; want the later owner %d", id, err, b.ID)
	}
	if _, err := st.AddressOwner(ctx, "/never/"); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("unknown address: %v, want ErrNotFound", err)
	}
	list, total, err := st.Addresses(ctx, 2, 0)
	if err != nil || total != 3 || len(list) != 2 || list[0].Path != "/?p=7" || list[0].PostTitle != a.Title {
		t.Errorf("Addresses = %+v, %d, %v", list, total, err)
	}
	if err := st.DeleteAddress(ctx, "/?p=7"); err != nil {
		t.Fatal(err)
	}
	if err := st.DeletePost(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if list, total, _ := st.Addresses(ctx, 10, 0); total != 1 || list[0].Path != "/shared/" {
		t.Errorf("after deleting post a: %+v", list)
	}
}

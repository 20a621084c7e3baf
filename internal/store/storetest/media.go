package storetest

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"folio/internal/blog"
)

func newMedia(u *blog.User, key, name string) *blog.Media {
	return &blog.Media{Key: key, Name: name, FileName: name + ".jpg", Type: "image/jpeg", CopyType: "image/jpeg",
		Width: 1000, Height: 600, Orientation: 6, Size: 5, UploaderID: u.ID, CreatedAt: t0, UpdatedAt: t0}
}

// testMedia stores items with their originals and copies, finds them by
// ID and key, lists them newest first by uploader, words and use,
// records which posts show them, and deletes one with its files.
func testMedia(t *testing.T, st blog.Store) {
	ctx := t.Context()
	ann, bob := mustUser(t, st, "ann@example.com"), mustUser(t, st, "bob@example.com")
	original := []byte{0xff, 0xd8, 0xff, 0x00, 0x01}
	a := newMedia(ann, "aaaaaaaaaaaaaaaaaaaa", "rose")
	b := newMedia(bob, "bbbbbbbbbbbbbbbbbbbb", "tulip")
	b.CreatedAt = t0.Add(1)
	for _, m := range []*blog.Media{a, b} {
		if err := st.CreateMedia(ctx, m, original); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.CreateMedia(ctx, newMedia(ann, a.Key, "again"), original); !errors.Is(err, blog.ErrConflict) {
		t.Errorf("a second item with key %s: %v, want ErrConflict", a.Key, err)
	}
	got, err := st.MediaByKey(ctx, a.Key)
	if err != nil || got.ID != a.ID || got.Orientation != 6 || got.Uploader.Name != ann.Name || !got.CreatedAt.Equal(t0) {
		t.Errorf("MediaByKey = %+v, %v", got, err)
	}
	if _, err := st.Media(ctx, 9999); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("unknown item: %v", err)
	}
	a.Alt, a.Caption = "A red rose_100%", "In June"
	if err := st.UpdateMedia(ctx, a); err != nil {
		t.Fatal(err)
	}
	post := mustPost(t, st, newPost(ann, "p", t0, blog.StatusPublished))
	if err := st.SetPostMedia(ctx, post.ID, []int64{a.ID, a.ID}, b.ID); err != nil {
		t.Fatal(err)
	}
	if p, err := st.Post(ctx, post.ID); err != nil || p.Featured == nil || p.Featured.ID != b.ID {
		t.Errorf("post's featured picture = %+v, %v; want item %d", p.Featured, err, b.ID)
	}
	if list, err := st.Posts(ctx, blog.PostFilter{}); err != nil || len(list) != 1 || list[0].Featured == nil || list[0].Featured.Key != b.Key {
		t.Errorf("listed posts lack their featured picture: %v", err)
	}
	ids := func(list []*blog.Media) []int64 {
		var out []int64
		for _, m := range list {
			out = append(out, m.ID)
		}
		return out
	}
	for _, tt := range []struct {
		name  string
		f     blog.MediaFilter
		want  []int64
		total int
	}{
		{"all, newest first", blog.MediaFilter{}, []int64{b.ID, a.ID}, 2},
		{"one page", blog.MediaFilter{Limit: 1, Offset: 1}, []int64{a.ID}, 2},
		{"by uploader", blog.MediaFilter{UploaderID: ann.ID}, []int64{a.ID}, 1},
		{"alt text, wildcards literal", blog.MediaFilter{Query: "rose_100%"}, []int64{a.ID}, 1},
		{"caption, any case", blog.MediaFilter{Query: "in june"}, []int64{a.ID}, 1},
		{"file name", blog.MediaFilter{Query: "tulip.jpg"}, []int64{b.ID}, 1},
		{"not a wildcard", blog.MediaFilter{Query: "ro_e"}, nil, 0},
	} {
		list, total, err := st.MediaList(ctx, tt.f)
		if err != nil || !slices.Equal(ids(list), tt.want) || total != tt.total {
			t.Errorf("%s: %v of %d, %v; want %v of %d", tt.name, ids(list), total, err, tt.want, tt.total)
		}
	}
	if err := st.SetPostMedia(ctx, post.ID, []int64{a.ID}, 0); err != nil {
		t.Fatal(err)
	}
	if list, _, _ := st.MediaList(ctx, blog.MediaFilter{Unused: true}); !slices.Equal(ids(list), []int64{b.ID}) {
		t.Errorf("unused = %v, want [%d]", ids(list), b.ID)
	}
	if uses, err := st.MediaUses(ctx, a.ID); err != nil || !slices.Equal(uses, []int64{post.ID}) {
		t.Errorf("uses of a = %v, %v", uses, err)
	}
	if data, err := st.MediaOriginal(ctx, a.ID); err != nil || !bytes.Equal(data, original) {
		t.Errorf("original = %x, %v", data, err)
	}
	if _, err := st.MediaCopy(ctx, a.ID, 480); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("a copy not made yet: %v", err)
	}
	for _, data := range [][]byte{[]byte("first"), []byte("second")} {
		if err := st.SaveMediaCopy(ctx, a.ID, 480, data); err != nil {
			t.Fatal(err)
		}
	}
	if data, err := st.MediaCopy(ctx, a.ID, 480); err != nil || string(data) != "second" {
		t.Errorf("copy = %q, %v; want the one saved last", data, err)
	}
	if err := st.DeleteMedia(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.MediaCopy(ctx, a.ID, 480); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("a deleted item's copy: %v", err)
	}
	if _, err := st.MediaOriginal(ctx, a.ID); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("a deleted item's original: %v", err)
	}
	if uses, _ := st.MediaUses(ctx, a.ID); len(uses) != 0 {
		t.Errorf("a deleted item is still used by %v", uses)
	}
	if err := st.DeleteMedia(ctx, a.ID); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("deleting it again: %v", err)
	}
}

package migrate_test

import (
	"testing"
	"testing/fstest"

	"folio/internal/store/migrate"
)

func TestLoad(t *testing.T) {
	good := fstest.MapFS{
		"0002_tags.sql": {Data: []byte("B")},
		"0001_init.sql": {Data: []byte("A")},
		"README.md":     {Data: []byte("ignored")},
	}
	ms, err := migrate.Load(good, ".")
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || ms[0].Version != 1 || ms[1].Version != 2 || ms[0].SQL != "A" {
		t.Fatalf("Load = %+v", ms)
	}
	for name, fsys := range map[string]fstest.MapFS{
		"no number":      {"init.sql": {Data: []byte("A")}},
		"zero":           {"0000_x.sql": {Data: []byte("A")}},
		"shared version": {"0001_a.sql": {Data: []byte("A")}, "01_b.sql": {Data: []byte("B")}},
	} {
		if _, err := migrate.Load(fsys, "."); err == nil {
			t.Errorf("%s: Load succeeded, want an error", name)
		}
	}
}

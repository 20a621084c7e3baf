package storetest

import (
	"testing"

	"folio/internal/blog"
)

func testSettings(t *testing.T, st blog.Store) {
	ctx := t.Context()
	if err := st.SaveSettings(ctx, map[string]string{"title": "A", "tagline": "B"}); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveSettings(ctx, map[string]string{"title": "C"}); err != nil {
		t.Fatal(err)
	}
	got, err := st.Settings(ctx)
	if err != nil || got["title"] != "C" || got["tagline"] != "B" {
		t.Errorf("Settings = %v, %v", got, err)
	}
}

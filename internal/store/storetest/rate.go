package storetest

import (
	"sync"
	"testing"
	"time"

	"folio/internal/blog"
)

// testRateHits counts concurrent hits exactly, per key and window, and
// forgets old windows.
func testRateHits(t *testing.T, st blog.Store) {
	ctx := t.Context()
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := st.Hit(ctx, "login:192.0.2.1", t0); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for _, tt := range []struct {
		key    string
		window time.Time
		want   int
	}{
		{"login:192.0.2.1", t0, 21},
		{"login:192.0.2.2", t0, 1},
		{"login:192.0.2.1", t0.Add(time.Minute), 1},
	} {
		if n, err := st.Hit(ctx, tt.key, tt.window); err != nil || n != tt.want {
			t.Errorf("Hit(%s, %s) = %d, %v, want %d", tt.key, tt.window, n, err, tt.want)
		}
	}
	if err := st.DeleteHitsBefore(ctx, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.Hit(ctx, "login:192.0.2.1", t0); n != 1 {
		t.Errorf("after forgetting the window, Hit = %d, want 1", n)
	}
	if n, _ := st.Hit(ctx, "login:192.0.2.1", t0.Add(time.Minute)); n != 2 {
		t.Errorf("the newer window was forgotten too: Hit = %d, want 2", n)
	}
}

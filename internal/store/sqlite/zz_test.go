package sqlite_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"folio/internal/blog"
)

func BenchmarkZZKinds(b *testing.B) {
	st, vocab := seedSearch(b, 10000)
	queries := []string{vocab[0], vocab[5] + " " + vocab[40], `"` + vocab[0] + " " + vocab[1] + `"`, vocab[12][:3] + "*",
		vocab[3] + " -" + vocab[8], vocab[100] + " " + vocab[300] + " " + vocab[900], vocab[5000], vocab[20] + " " + vocab[2000],
		"nothingmatches", vocab[1] + " " + vocab[2] + " " + vocab[3] + " " + vocab[4]}
	for _, qs := range queries {
		var times []time.Duration
		var total int
		for range 30 {
			q := blog.ParseSearch(qs)
			q.Limit = 10
			start := time.Now()
			_, n, err := st.Search(b.Context(), q)
			if err != nil {
				b.Fatal(err)
			}
			total = n
			times = append(times, time.Since(start))
		}
		slices.Sort(times)
		fmt.Printf("%-40q total %5d  p50 %6.2f ms  max %6.2f\n", qs, total, float64(times[15].Microseconds())/1000, float64(times[29].Microseconds())/1000)
	}
}

func BenchmarkZZOne(b *testing.B) {
	st, vocab := seedSearch(b, 10000)
	qs := vocab[1] + " " + vocab[2] + " " + vocab[3] + " " + vocab[4]
	b.ResetTimer()
	for b.Loop() {
		q := blog.ParseSearch(qs)
		q.Limit = 10
		if _, _, err := st.Search(b.Context(), q); err != nil {
			b.Fatal(err)
		}
	}
}

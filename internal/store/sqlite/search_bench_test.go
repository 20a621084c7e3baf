package sqlite_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"folio/internal/blog"
)

// benchVocabulary makes n distinct pronounceable words.
func benchVocabulary(n int) []string {
	syllables := strings.Fields("ka ri mo ten sa lu vin dor pe ga hal mir to sen bra qua lo fe zan tir")
	words := make([]string, 0, n)
	seen := map[string]bool{}
	rng := rand.New(rand.NewPCG(7, 11))
	for len(words) < n {
		var w strings.Builder
		for range 2 + rng.IntN(3) {
			w.WriteString(syllables[rng.IntN(len(syllables))])
		}
		if !seen[w.String()] {
			seen[w.String()] = true
			words = append(words, w.String())
		}
	}
	return words
}

// seedSearch fills a store with n published posts of 150 to 900 words.
func seedSearch(b *testing.B, n int) (blog.Store, []string) {
	st := mustOpen(b)
	ctx := b.Context()
	u := &blog.User{Name: "Writer", Slug: "writer", Email: "w@example.com", Role: blog.RoleAdmin, CreatedAt: time.Now()}
	if err := st.CreateUser(ctx, u); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	// Word frequencies follow Zipf's law, as in real prose: a few words
	// are everywhere, most are rare.
	vocab := benchVocabulary(20000)
	zipf := rand.NewZipf(rng, 1.1, 2, uint64(len(vocab)-1))
	text := func(words int) string {
		var sb strings.Builder
		for i := range words {
			if i > 0 {
				sb.WriteByte(' ')
			}
			sb.WriteString(vocab[zipf.Uint64()])
		}
		return sb.String()
	}
	for start := 0; start < n; start += 500 {
		err := st.Atomic(ctx, func(tx blog.Tx) error {
			for i := start; i < min(start+500, n); i++ {
				body := text(150 + rng.IntN(750))
				p := &blog.Post{Kind: blog.KindPost, Status: blog.StatusPublished, Title: text(5), Slug: fmt.Sprint("post-", i),
					Body: body, BodyHTML: "<p>" + body + "</p>", BodyText: body, Summary: body[:80], Lede: text(12), AuthorID: u.ID,
					PublishedAt: time.Unix(int64(1e9+i*3600), 0), CreatedAt: time.Now(), UpdatedAt: time.Now()}
				if err := tx.CreatePost(ctx, p); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return st, vocab
}

// BenchmarkSearch runs typical queries over 10,000 posts and reports the
// 50th and 95th percentile of one query's time, first page of 10.
func BenchmarkSearch(b *testing.B) {
	st, vocab := seedSearch(b, 10000)
	// Queries mix the most common word (in nearly every post), frequent,
	// middling and rare words, phrases, prefixes and exclusions.
	queries := []string{vocab[0], vocab[5] + " " + vocab[40], `"` + vocab[0] + " " + vocab[1] + `"`, vocab[12][:3] + "*",
		vocab[3] + " -" + vocab[8], vocab[100] + " " + vocab[300] + " " + vocab[900], vocab[5000], vocab[20] + " " + vocab[2000],
		"nothingmatches", vocab[1] + " " + vocab[2] + " " + vocab[3] + " " + vocab[4]}
	var times []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		q := blog.ParseSearch(queries[i%len(queries)])
		q.Limit = 10
		start := time.Now()
		if _, _, err := st.Search(b.Context(), q); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "p95-ms")
}

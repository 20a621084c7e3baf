package cli

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"folio/internal/blog"
	"folio/internal/config"
)

// seedWords is the vocabulary of generated text.
var seedWords = strings.Fields(`the a of and to in is it that for on with as was by at from this be are or have an not
	river garden window letter morning winter summer coffee bread music walking reading writing painting kitchen station
	harbour mountain forest island memory silence question answer argument promise journey evening autumn spring lantern
	compass orchard meadow library engine bridge market theatre painter sailor baker teacher student neighbour stranger
	quietly slowly often never always perhaps certainly remember forget notice follow explain imagine wonder`)

// devCmd holds tools for developing and measuring folio.
func devCmd(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 || args[0] != "seed" {
		return errors.New("try: folio dev seed --posts 1000 --replies 5000")
	}
	var cfg config.Config
	var posts, replies int
	var seed uint64
	fs := newFlags("dev seed", env)
	cfg.CommonFlags(fs)
	fs.IntVar(&posts, "posts", 1000, "how many posts to write")
	fs.IntVar(&replies, "replies", 5000, "how many replies to spread over them")
	fs.Uint64Var(&seed, "seed", 1, "the random seed; the same seed makes the same site")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	s, err := openSite(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer s.Close()
	start := time.Now()
	bar := newProgress(env, "seeding", posts)
	rep, err := s.service.Moving.Import(ctx, nil, "seed", false, func(im *blog.Importer) error {
		return seedSite(im, posts, replies, seed, bar.set)
	})
	bar.done()
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Seeded %d posts and %d replies in %.1f s.\n", rep.Created["post"]+rep.Updated["post"], rep.Created["reply"]+rep.Updated["reply"], time.Since(start).Seconds())
	return nil
}

// seedSite writes a realistic synthetic site, the same for the same seed:
// posts of varied length with headings, lists, code, quotes and
// footnotes, about 200 tags and 20 categories, and threaded replies.
func seedSite(im *blog.Importer, posts, replies int, seed uint64, progress func(int)) error {
	rng := rand.New(rand.NewPCG(seed, seed*7919+1))
	words := func(n int) string {
		w := make([]string, n)
		for i := range w {
			w[i] = seedWords[rng.IntN(len(seedWords))]
		}
		return strings.Join(w, " ")
	}
	sentence := func() string {
		s := words(8 + rng.IntN(14))
		return strings.ToUpper(s[:1]) + s[1:] + "."
	}
	var cats []int64
	for i := range 20 {
		t, err := im.Term(blog.TermCategory, "cat-"+strconv.Itoa(i), "", "Category "+words(1)+" "+strconv.Itoa(i), sentence(), "")
		if err != nil {
			return err
		}
		cats = append(cats, t.ID)
	}
	var tags []int64
	for i := range 200 {
		t, err := im.Term(blog.TermTag, "tag-"+strconv.Itoa(i), "", words(1)+" "+strconv.Itoa(i), "", "")
		if err != nil {
			return err
		}
		tags = append(tags, t.ID)
	}
	start := time.Date(2010, 1, 1, 8, 0, 0, 0, time.UTC)
	span := time.Since(start) / time.Duration(max(posts, 1))
	var all []*blog.Post
	for i := range posts {
		var b strings.Builder
		// One post in eight is a note of a sentence or two, which
		// listings show whole; one in five splits its body with
		// <!--more-->.
		paragraphs, more := 2+rng.IntN(10), rng.IntN(5) == 0
		if rng.IntN(8) == 0 {
			paragraphs, more = 1, false
		}
		for p := range paragraphs {
			if p == 1 && more {
				b.WriteString("<!--more-->\n\n")
			}
			switch {
			case p == 2 && rng.IntN(2) == 0:
				b.WriteString("## " + strings.TrimSuffix(sentence(), ".") + "\n\n")
			case p == 3 && rng.IntN(3) == 0:
				b.WriteString("- " + words(5) + "\n- " + words(6) + "\n- " + words(4) + "\n\n")
			case p == 4 && rng.IntN(3) == 0:
				b.WriteString("```go\nfunc " + seedWords[rng.IntN(len(seedWords))] + "() int {\n\treturn " + strconv.Itoa(rng.IntN(100)) + "\n}\n```\n\n")
			case p == 5 && rng.IntN(3) == 0:
				b.WriteString("> " + sentence() + "\n\n")
			}
			for range 2 + rng.IntN(5) {
				b.WriteString(sentence() + " ")
			}
			b.WriteString("\n\n")
		}
		if rng.IntN(4) == 0 {
			b.WriteString("A claim worth a note.[^1]\n\n[^1]: " + sentence() + "\n")
		}
		title := strings.TrimSuffix(sentence(), ".")
		if len(title) > 60 {
			title = title[:60]
		}
		in := blog.PostInput{Kind: blog.KindPost, Status: blog.StatusPublished, Title: title, Slug: "post-" + strconv.Itoa(i),
			Body: b.String(), PublishedAt: start.Add(time.Duration(i) * span), CommentsOpen: true}
		if rng.IntN(3) == 0 {
			in.Lede = sentence()
		}
		terms := []int64{cats[rng.IntN(len(cats))]}
		for range 1 + rng.IntN(4) {
			terms = append(terms, tags[rng.IntN(len(tags))])
		}
		p, err := im.Post("post-"+strconv.Itoa(i), in, dedupe(terms))
		if err != nil {
			return err
		}
		all = append(all, p)
		if progress != nil {
			progress(i + 1)
		}
	}
	if len(all) == 0 {
		return nil
	}
	// Replies gather on the newest posts, as they do on a real blog; a
	// third answer an earlier reply on the same post.
	onPost := map[int64][]int{}
	for i := range replies {
		p := all[len(all)-1-int(rng.ExpFloat64()*float64(len(all))/8)%len(all)]
		parent := ""
		if prev := onPost[p.ID]; len(prev) > 0 && rng.IntN(3) == 0 {
			parent = "reply-" + strconv.Itoa(prev[rng.IntN(len(prev))])
		}
		c := blog.Comment{Kind: blog.CommentKindComment, Status: blog.CommentApproved, AuthorName: "Reader " + strconv.Itoa(rng.IntN(2000)),
			AuthorEmail: "reader" + strconv.Itoa(rng.IntN(2000)) + "@example.com", Body: sentence() + " " + sentence(),
			CreatedAt: p.PublishedAt.Add(time.Duration(1+rng.IntN(1000)) * time.Minute)}
		if _, err := im.Comment("reply-"+strconv.Itoa(i), p, parent, c); err != nil {
			return err
		}
		onPost[p.ID] = append(onPost[p.ID], i)
	}
	return nil
}

func dedupe(ids []int64) []int64 {
	seen := map[int64]bool{}
	out := ids[:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/url"
	"runtime/debug"
	"runtime/metrics"
	"sort"
	"sync"
	"time"

	"folio/internal/blog"
	"folio/internal/config"
	"folio/internal/staticsite"
	"folio/internal/theme"
	"folio/internal/web"
)

// buildCmd writes the public site as static files.
func buildCmd(ctx context.Context, args []string, env Env) error {
	var cfg config.Config
	var out, endpoint string
	fs := newFlags("build", env)
	cfg.CommonFlags(fs)
	fs.StringVar(&cfg.ThemeDir, "theme", "", "folder whose files override the default theme")
	fs.StringVar(&out, "out", "", "folder to write the site into (required)")
	full := fs.Bool("full", false, "render every page, not only those showing what changed since the last build")
	precompress := fs.Bool("precompress", false, "also write .gz and .br copies of each text file, for a server that sends them as they are (nginx gzip_static, brotli_static)")
	fs.StringVar(&endpoint, "comments-endpoint", "", "address of a live folio whose /comments takes replies, e.g. https://blog.example/comments; without it the static pages have no reply form")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if out == "" {
		return errors.New("name the folder to write with --out DIR")
	}
	if endpoint != "" {
		if u, err := url.Parse(endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("--comments-endpoint %q: give the full address, like https://blog.example/comments", endpoint)
		}
	}
	th, err := theme.Load(cfg.ThemeDir, web.Funcs())
	if err != nil {
		return err
	}
	s, err := openSiteWith(ctx, cfg, nil, true, th.Words(), true)
	if err != nil {
		return err
	}
	defer s.Close()
	wc := s.webConfig(th, slog.New(slog.NewTextHandler(io.Discard, nil)))
	wc.CacheBytes, wc.ReplyAction, wc.NoReplyForm, wc.Frozen = -1, endpoint, endpoint == "", true
	h := web.New(wc)
	// The mark comes first: whatever is committed while the build reads
	// the site, the next build renders again.
	mark, err := s.service.Site.ChangeMark(ctx)
	if err != nil {
		return err
	}
	// Every published item is a page to build.
	items, err := s.service.Reading.SitemapPosts(ctx)
	if err != nil {
		return err
	}
	paths := make([]string, len(items))
	for i, p := range items {
		paths[i] = p.Path
	}
	sort.Strings(paths)
	since := func(old string) (blog.Change, error) { return s.service.Site.ChangedSince(ctx, old) }
	start := time.Now()
	defer boundHeap()()
	bar := newProgress(env, "building", 1)
	res, err := staticsite.Run(h, staticsite.Options{Out: out, Seeds: append(paths, staticsite.DateArchives(paths)...), Full: *full,
		Mark: mark, Since: since, Variant: endpoint, // the reply form's address is on every page
		Precompress: *precompress, Progress: func(done, found int) { bar.total = found; bar.set(done) }})
	bar.done()
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Built %d files in %s (%d written, %d unchanged, %d kept without rendering, %d removed) in %.2f s.\n",
		res.Pages, out, res.Written, res.Unchanged, res.Kept, res.Removed, time.Since(start).Seconds())
	if endpoint == "" {
		fmt.Fprintln(env.Stdout, "The pages have no reply form: give --comments-endpoint to let readers reply through a live folio.")
	}
	return nil
}

// heapFloor is the memory a build may use before boundHeap's bound
// applies.
const heapFloor = 384 << 20

// boundHeap keeps all the memory of a build (heap, stacks and what the
// runtime holds) within twice its live heap, or heapFloor when that is
// more: Go's collector alone lets the heap reach twice the live heap with
// the rest on top, and a build holds the whole published site, which took
// a 10,000-post build to 600-800 MiB. The bound follows the live heap as
// it grows, so a larger site gets a larger one; a tighter one (one and a
// half times) had the collector take half the CPU of a 100,000-post build.
// It does nothing when GOMEMLIMIT is set, and returns the function that
// lifts it.
func boundHeap() (lift func()) {
	if debug.SetMemoryLimit(-1) != math.MaxInt64 {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(live)
			n := int64(live[0].Value.Uint64())
			debug.SetMemoryLimit(max(heapFloor, 2*n))
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
		debug.SetMemoryLimit(math.MaxInt64)
	}
}

// Command soak holds a folio site under a steady mixed load for a long
// time and prints, every interval, what a reliability report needs:
// requests, server errors (5xx), failed connections, the 99th percentile
// latency and the resident memory of each serving process. bench/soak.sh
// starts the sites and runs it.
//
// Every connection loops: most requests read cached pages (posts, the
// home page, archives, feeds), a share run searches, and replies and
// administrator writes (new posts, edits of them) are taken at a fixed
// rate from a shared budget, so the write load stays what a busy site
// sees however fast the reads go.
//
// Usage: soak -sites URL[,URL] -pidfiles F[,F] -email E -password P
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	sites := flag.String("sites", "http://127.0.0.1:18090", "comma-separated base URLs; connections are spread over them")
	pidfiles := flag.String("pidfiles", "", "comma-separated files holding the serving processes' PIDs (re-read each interval, so restarts are followed)")
	conns := flag.Int("c", 256, "connections")
	dur := flag.Duration("d", 10*time.Minute, "how long to run")
	every := flag.Duration("every", 10*time.Second, "report interval")
	replies := flag.Float64("replies", 20, "replies per second")
	writes := flag.Float64("writes", 1, "administrator writes per second")
	searches := flag.Float64("search-share", 0.05, "share of reads that are searches")
	email := flag.String("email", "bench@example.com", "administrator's e-mail")
	password := flag.String("password", "bench password", "administrator's password")
	flag.Parse()

	bases := strings.Split(*sites, ",")
	tr := &http.Transport{MaxIdleConnsPerHost: *conns, MaxConnsPerHost: *conns, IdleConnTimeout: time.Minute}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	paths, err := sitePaths(client, bases[0])
	if err != nil {
		log.Fatal(err)
	}
	forms, err := replyForms(client, bases[0], paths.posts)
	if err != nil {
		log.Fatal(err)
	}
	admins := make([]*admin, len(bases))
	for i, b := range bases {
		if admins[i], err = signIn(tr, b, *email, *password); err != nil {
			log.Fatalf("sign in at %s: %v", b, err)
		}
	}
	fmt.Printf("# %d connections over %s for %s: %d posts, %d archives; %.0f replies/s, %.1f writes/s, %.0f%% of reads searches\n# n: pages/searches/replies/writes answered in the interval\n",
		*conns, *sites, *dur, len(paths.posts), len(paths.others), *replies, *writes, *searches*100)

	var st stats
	ctx, cancel := context.WithTimeout(context.Background(), *dur)
	defer cancel()
	replyBudget := newBudget(ctx, *replies)
	writeBudget := newBudget(ctx, *writes)
	var wg sync.WaitGroup
	for i := range *conns {
		base, adm := bases[i%len(bases)], admins[i%len(admins)]
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), uint64(time.Now().UnixNano())))
			for n := 0; ctx.Err() == nil; n++ {
				var req *http.Request
				var class string
				switch {
				case writeBudget.take():
					class, req = "write", adm.write(base, rng)
				case replyBudget.take():
					f := forms[rng.IntN(len(forms))]
					class, req = "reply", f.reply(base, fmt.Sprintf("Soak reply %d-%d-%d", i, n, rng.Uint32()))
				case rng.Float64() < *searches:
					class, req = "search", get(base+"/search?q="+url.QueryEscape(words[rng.IntN(len(words))]))
				default:
					class, req = "page", get(base+paths.pick(rng))
				}
				resp := st.do(ctx, client, class, req.WithContext(ctx))
				if class == "write" && resp != nil {
					adm.noteCreated(resp)
				}
			}
		})
	}
	tick := time.NewTicker(*every)
	defer tick.Stop()
	start, first := time.Now(), map[string]float64{}
	var peak float64
	report := func() {
		iv := st.take()
		rss := rssOf(*pidfiles)
		var mem []string
		for _, r := range rss {
			mem = append(mem, fmt.Sprintf("%s %.0f MB", r.name, r.mb))
			if _, ok := first[r.name]; !ok {
				first[r.name] = r.mb
			}
			peak = max(peak, r.mb)
		}
		ms := func(d time.Duration) float64 { return d.Seconds() * 1000 }
		fmt.Printf("%4.0fs %6.0f req/s  5xx %d  4xx %d  failed %d  p99 %4.0f ms (pages %4.0f, searches %4.0f, writes and replies %4.0f)  n %d/%d/%d/%d  %s\n",
			time.Since(start).Seconds(), float64(iv.n)/every.Seconds(), iv.server, iv.refused, iv.failed,
			ms(iv.p99()), ms(iv.p99("page")), ms(iv.p99("search")), ms(iv.p99("reply", "write")),
			len(iv.lat["page"]), len(iv.lat["search"]), len(iv.lat["reply"]), len(iv.lat["write"]), strings.Join(mem, ", "))
	}
	for {
		select {
		case <-tick.C:
			report()
			continue
		case <-ctx.Done():
		}
		break
	}
	wg.Wait()
	report()
	fmt.Printf("# total %d requests: 5xx %d, failed %d; worst interval p99 %.1f ms; peak RSS %.0f MB\n",
		st.total, st.totalServer, st.totalFailed, st.worst.Seconds()*1000, peak)
}

// stats gathers what happened in the current interval, and the totals.
type stats struct {
	mu          sync.Mutex
	n           int
	server      int // 5xx answers
	refused     int // 4xx answers: a write or reply the site would not take
	failed      int // no answer: refused, reset or timed out
	lat         map[string][]time.Duration
	total       int
	totalServer int
	totalFailed int
	worst       time.Duration
}

// interval is one report's figures.
type interval struct {
	n, server, refused, failed int
	lat                        map[string][]time.Duration
}

// p99 is the 99th percentile latency of the classes named, or of all.
func (iv interval) p99(classes ...string) time.Duration {
	var all []time.Duration
	for c, l := range iv.lat {
		if len(classes) == 0 || slices.Contains(classes, c) {
			all = append(all, l...)
		}
	}
	if len(all) == 0 {
		return 0
	}
	slices.Sort(all)
	return all[len(all)*99/100]
}

// do sends req, records its outcome and returns the answer, its body
// read. A request cut off by the end of the run is not counted.
func (s *stats) do(ctx context.Context, client *http.Client, class string, req *http.Request) *http.Response {
	t := time.Now()
	resp, err := client.Do(req)
	if err == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	d := time.Since(t)
	if ctx.Err() != nil {
		return nil
	}
	s.mu.Lock()
	if s.lat == nil {
		s.lat = map[string][]time.Duration{}
	}
	s.n++
	switch {
	case err != nil:
		s.failed++
	case resp.StatusCode >= 500:
		s.server++
	case resp.StatusCode >= 400:
		s.refused++
	}
	s.lat[class] = append(s.lat[class], d)
	s.mu.Unlock()
	if err != nil {
		// A process being restarted refuses connections; do not spin.
		time.Sleep(20 * time.Millisecond)
		return nil
	}
	return resp
}

// take returns the interval's figures and starts the next.
func (s *stats) take() interval {
	s.mu.Lock()
	iv := interval{n: s.n, server: s.server, refused: s.refused, failed: s.failed, lat: s.lat}
	s.n, s.server, s.refused, s.failed, s.lat = 0, 0, 0, 0, map[string][]time.Duration{}
	s.total += iv.n
	s.totalServer += iv.server
	s.totalFailed += iv.failed
	s.mu.Unlock()
	if p := iv.p99(); p > s.worst {
		s.worst = p
	}
	return iv
}

// budget hands out a fixed number of tokens a second.
type budget struct{ tokens atomic.Int64 }

func newBudget(ctx context.Context, perSecond float64) *budget {
	b := &budget{}
	if perSecond <= 0 {
		return b
	}
	go func() {
		t := time.NewTicker(time.Duration(float64(time.Second) / perSecond))
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if b.tokens.Load() < 10 {
					b.tokens.Add(1)
				}
			}
		}
	}()
	return b
}

func (b *budget) take() bool {
	for {
		n := b.tokens.Load()
		if n <= 0 {
			return false
		}
		if b.tokens.CompareAndSwap(n, n-1) {
			return true
		}
	}
}

// paths are the site's readable addresses, from its sitemap.
type paths struct{ posts, others []string }

// pick chooses a page as readers do: mostly posts, then the home page,
// archives and feeds.
func (p paths) pick(rng *rand.Rand) string {
	switch r := rng.Float64(); {
	case r < 0.7 || len(p.others) == 0:
		return p.posts[rng.IntN(len(p.posts))]
	case r < 0.85:
		return "/"
	case r < 0.95:
		return p.others[rng.IntN(len(p.others))]
	default:
		return "/feed/"
	}
}

var (
	locRe   = regexp.MustCompile(`<loc>([^<]+)</loc>`)
	postRe  = regexp.MustCompile(`^/\d{4}/\d{2}/`)
	idRe    = regexp.MustCompile(`name="comment_post_ID" value="(\d+)"`)
	tokenRe = regexp.MustCompile(`name="form_token" value="([^"]+)"`)
	csrfRe  = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
	words   = []string{"garden", "river", "light", "winter", "notes", "reading", "bread", "train", "letters", "morning", "city", "quiet"}
)

func sitePaths(client *http.Client, base string) (paths, error) {
	body, err := fetch(client, base+"/sitemap.xml")
	if err != nil {
		return paths{}, err
	}
	var p paths
	for _, m := range locRe.FindAllStringSubmatch(body, -1) {
		u, err := url.Parse(m[1])
		if err != nil {
			continue
		}
		if postRe.MatchString(u.Path) && strings.Count(u.Path, "/") > 4 {
			p.posts = append(p.posts, u.Path)
		} else if u.Path != "/" {
			p.others = append(p.others, u.Path)
		}
	}
	if len(p.posts) == 0 {
		return p, errors.New("the sitemap lists no posts: seed the site first")
	}
	return p, nil
}

// replyForm is what a post's reply form sends besides the reply.
type replyForm struct{ postID, token string }

func replyForms(client *http.Client, base string, posts []string) ([]replyForm, error) {
	var forms []replyForm
	for _, p := range posts[:min(len(posts), 20)] {
		body, err := fetch(client, base+p)
		if err != nil {
			return nil, err
		}
		id, token := idRe.FindStringSubmatch(body), tokenRe.FindStringSubmatch(body)
		if id != nil && token != nil {
			forms = append(forms, replyForm{id[1], strings.ReplaceAll(token[1], "&#43;", "+")})
		}
	}
	if len(forms) == 0 {
		return nil, errors.New("no post has an open reply form")
	}
	return forms, nil
}

func (f replyForm) reply(base, text string) *http.Request {
	return postForm(base+"/comments", url.Values{"comment_post_ID": {f.postID}, "form_token": {f.token},
		"author": {"Soak"}, "email": {"soak@example.com"}, "comment": {text}})
}

// admin is a signed-in administrator's client state.
type admin struct {
	jar   http.CookieJar
	token string
	mu    sync.Mutex
	mine  []string // posts this run created, as /admin/posts/ID
}

func signIn(tr http.RoundTripper, base, email, password string) (*admin, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Transport: tr, Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	body, err := fetch(c, base+"/admin/login")
	if err != nil {
		return nil, err
	}
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		return nil, errors.New("no sign-in form")
	}
	resp, err := c.Do(postForm(base+"/admin/login", url.Values{"csrf_token": {m[1]}, "email": {email}, "password": {password}}))
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("sign-in answered %d", resp.StatusCode)
	}
	if body, err = fetch(c, base+"/admin/posts/new"); err != nil {
		return nil, err
	}
	if m = csrfRe.FindStringSubmatch(body); m == nil {
		return nil, errors.New("no editor form")
	}
	return &admin{jar: jar, token: m[1]}, nil
}

// write is an administrator's save: a new published post, or an edit
// of one this run made. The shared client has no cookie jar, so the
// session cookie goes on by hand.
func (a *admin) write(base string, rng *rand.Rand) *http.Request {
	form := url.Values{"csrf_token": {a.token}, "kind": {"post"}, "action": {"publish"}, "comments_open": {"1"},
		"title": {fmt.Sprintf("Soak post %d", rng.Uint32())},
		"body":  {fmt.Sprintf("Written under load, %s. The %s was %s.", time.Now().Format(time.RFC3339Nano), words[rng.IntN(len(words))], words[rng.IntN(len(words))])}}
	a.mu.Lock()
	target := base + "/admin/posts"
	if len(a.mine) > 0 && rng.IntN(2) == 0 {
		target = base + a.mine[rng.IntN(len(a.mine))]
		form.Set("title", "Soak post, edited")
	}
	a.mu.Unlock()
	req := postForm(target, form)
	u, _ := url.Parse(base)
	for _, c := range a.jar.Cookies(u) {
		req.AddCookie(c)
	}
	return req
}

// noteCreated keeps the address of a post a write created, so later
// writes may edit it.
func (a *admin) noteCreated(resp *http.Response) {
	loc, _, _ := strings.Cut(resp.Header.Get("Location"), "?")
	id, ok := strings.CutPrefix(loc, "/admin/posts/")
	if _, err := strconv.Atoi(id); !ok || err != nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.mine) < 200 && !slices.Contains(a.mine, loc) {
		a.mine = append(a.mine, loc)
	}
}

func get(u string) *http.Request {
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	return req
}

func postForm(u string, form url.Values) *http.Request {
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

func fetch(client *http.Client, u string) (string, error) {
	resp, err := client.Get(u)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %d", u, resp.StatusCode)
	}
	return string(b), err
}

// rss is one process's resident memory.
type rss struct {
	name string
	mb   float64
}

// rssOf reads the resident memory of the processes whose PIDs the
// files hold.
func rssOf(pidfiles string) []rss {
	var out []rss
	if pidfiles == "" {
		return nil
	}
	for i, f := range strings.Split(pidfiles, ",") {
		name := fmt.Sprintf("rss%d", i+1)
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		status, err := os.ReadFile("/proc/" + strings.TrimSpace(string(b)) + "/status")
		if err != nil {
			out = append(out, rss{name, 0})
			continue
		}
		for _, line := range strings.Split(string(status), "\n") {
			if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
				kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
				out = append(out, rss{name, kb / 1024})
			}
		}
	}
	return out
}

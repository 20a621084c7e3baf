package wordpress_test

import (
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"folio/internal/blog"
	"folio/internal/wordpress"
)

// repeatReader yields head, then body n times, then tail, without
// holding the whole document in memory.
func repeatReader(head, body string, n int, tail string) io.Reader {
	return io.MultiReader(strings.NewReader(head), &repeated{body: body, n: n}, strings.NewReader(tail))
}

// repeated reads as body written n times.
type repeated struct {
	body string
	n    int
	off  int // into body
}

func (r *repeated) Read(p []byte) (int, error) {
	done := 0
	for done < len(p) && r.n > 0 {
		c := copy(p[done:], r.body[r.off:])
		done += c
		if r.off += c; r.off == len(r.body) {
			r.off, r.n = 0, r.n-1
		}
	}
	if done == 0 {
		return 0, io.EOF
	}
	return done, nil
}

// hostileExports are documents made to exhaust a reader: each must be
// refused with a message that says what is wrong, reading a bounded
// amount of memory, and import nothing.
var hostileExports = []struct {
	name string
	doc  func() io.Reader
	want string // in the error
}{
	{"billion laughs", func() io.Reader {
		dtd := `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol">`
		prev := "lol"
		for i := range 9 {
			name := "lol" + string(rune('1'+i))
			dtd += `<!ENTITY ` + name + ` "` + strings.Repeat("&"+prev+";", 10) + `">`
			prev = name
		}
		return strings.NewReader(dtd + `]>` + strings.Replace(wxr(item(10, "post", "publish", "p", "")), "<title>Old blog</title>", "<title>&lol9;</title>", 1))
	}, "entity"},
	{"external entity", func() io.Reader {
		return strings.NewReader(`<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` +
			strings.Replace(wxr(item(10, "post", "publish", "p", "")), "<title>Old blog</title>", "<title>&xxe;</title>", 1))
	}, "entity"},
	{"invalid UTF-8", func() io.Reader {
		return strings.NewReader(strings.Replace(wxr(item(10, "post", "publish", "p", "")), "First paragraph", "First \xff\xfe paragraph", 1))
	}, "UTF-8"},
	{"unknown encoding", func() io.Reader {
		return strings.NewReader(strings.Replace(wxr(""), `encoding="UTF-8"`, `encoding="x-made-up"`, 1))
	}, `the encoding "x-made-up", which folio cannot read`},
	{"truncated in an item", func() io.Reader {
		doc := wxr(item(10, "post", "publish", "p", ""))
		return strings.NewReader(doc[:strings.Index(doc, "<wp:post_id>")])
	}, "ends in the middle of an element"},
	{"an item over 32 MiB", func() io.Reader {
		doc := wxr(item(10, "post", "publish", "p", ""))
		at := strings.Index(doc, "First paragraph")
		return repeatReader(doc[:at], strings.Repeat("A line of words. ", 1<<10), 40<<20/(17<<10), doc[at:])
	}, "larger than 32 MiB"},
	{"text over 32 MiB outside any item", func() io.Reader {
		doc := wxr(item(10, "post", "publish", "p", ""))
		at := strings.Index(doc, "<item>")
		return repeatReader(doc[:at]+"<junk>", strings.Repeat("filler ", 1<<10), 40<<20/(7<<10), "</junk>"+doc[at:])
	}, "larger than 32 MiB"},
	{"elements nested a million deep in an item", func() io.Reader {
		doc := wxr(item(10, "post", "publish", "p", ""))
		at := strings.Index(doc, "<wp:post_id>")
		return repeatReader(doc[:at], "<a>", 1_000_000, doc[at:])
	}, "nested more than 10,000 deep"},
	{"elements nested a million deep outside the channel", func() io.Reader {
		doc := wxr("")
		at := strings.Index(doc, "<channel>")
		return repeatReader(doc[:at], "<a>", 1_000_000, doc[at:])
	}, "nested more than 64 deep"},
	{"text over 32 MiB before the channel", func() io.Reader {
		doc := wxr("")
		at := strings.Index(doc, "<channel>")
		return repeatReader(doc[:at], strings.Repeat("filler ", 1<<10), 40<<20/(7<<10), doc[at:])
	}, "more than 32 MiB outside any item"},
}

// TestHostileExports reads each hostile export, and imports it into a
// site with content, checking the refusal, the memory it took and that
// the site is unchanged.
func TestHostileExports(t *testing.T) {
	svc, admin := newSite(t)
	if _, err := importString(t, svc, wxr(item(90, "post", "publish", "kept", "")), false); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		_, n, err := svc.Writing.AdminPosts(t.Context(), admin, blog.PostFilter{Statuses: blog.Statuses()})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	for _, tt := range hostileExports {
		t.Run(tt.name, func(t *testing.T) {
			var m0, m1 runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&m0)
			start := time.Now()
			err := wordpress.Read(tt.doc(), wordpress.Handler{})
			took := time.Since(start)
			runtime.ReadMemStats(&m1)
			alloc := (m1.TotalAlloc - m0.TotalAlloc) >> 20
			var se *wordpress.SyntaxError
			if !errors.As(err, &se) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Read = %v, want a syntax error about %q", err, tt.want)
			}
			// Reading is bounded by an item's 32 MiB; a few times that
			// covers the decoder's copies.
			if alloc > 256 {
				t.Errorf("reading allocated %d MiB", alloc)
			}
			t.Logf("%v in %v, %d MiB allocated", err, took.Round(time.Millisecond), alloc)
			_, err = wordpress.Import(t.Context(), svc.Moving, nil, tt.doc(), wordpress.Options{})
			if !errors.As(err, &se) {
				t.Errorf("Import = %v", err)
			}
			if n := count(); n != before {
				t.Errorf("the site holds %d items after the refusal, had %d", n, before)
			}
		})
	}
}

// TestReadLatin1Export reads an export WordPress wrote for a blog whose
// charset is ISO-8859-1, as older ones are.
func TestReadLatin1Export(t *testing.T) {
	doc := strings.Replace(wxr(item(10, "post", "publish", "cafe", "")), `encoding="UTF-8"`, `encoding="ISO-8859-1"`, 1)
	doc = strings.Replace(doc, "<title>Item cafe</title>", "<title>Caf\xe9 cr\xe8me</title>", 1)
	var titles []string
	err := wordpress.Read(strings.NewReader(doc), wordpress.Handler{Item: func(it *wordpress.Item) error {
		titles = append(titles, it.Title)
		return nil
	}})
	if err != nil || len(titles) != 1 || titles[0] != "Café crème" {
		t.Errorf("Read = %q, %v; want the title in UTF-8", titles, err)
	}
}

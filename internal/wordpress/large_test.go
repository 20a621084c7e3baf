package wordpress_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"folio/internal/wordpress"
)

// writeLargeExport writes a WXR file of about mb megabytes: posts of
// about 8 KB with five replies each, two of them threaded.
func writeLargeExport(tb testing.TB, path string, mb int) int {
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(wxr("")[:strings.Index(wxr(""), "</channel>")])
	para := strings.Repeat("A sentence about rivers, birds and the weather, written plainly. ", 30)
	items := 0
	for size := 0; size < mb<<20; items++ {
		id := 1000 + items*10
		var body strings.Builder
		for p := range 4 {
			body.WriteString(para + strconv.Itoa(p) + "\n\n")
		}
		var replies strings.Builder
		for c := range 5 {
			parent := 0
			if c >= 3 {
				parent = id + c - 1
			}
			replies.WriteString(comment(id+c, parent, "1", "", "Reply "+strconv.Itoa(c)+" to post "+strconv.Itoa(items)+": "+para[:200]))
		}
		s := item(id, "post", "publish", "post-"+strconv.Itoa(items), `<category domain="post_tag" nicename="tag-`+strconv.Itoa(items%200)+`"><![CDATA[Tag `+strconv.Itoa(items%200)+`]]></category>`+replies.String())
		s = strings.Replace(s, "First paragraph of post-"+strconv.Itoa(items)+".\n\nSecond line\ncontinues.", body.String(), 1)
		n, _ := w.WriteString(s)
		size += n
	}
	w.WriteString("</channel></rss>\n")
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	return items
}

// peakRSS reads the process's peak resident memory from Linux's
// /proc/self/status, in MiB (0 elsewhere).
func peakRSS() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

// BenchmarkImportLarge imports a generated export of FOLIO_IMPORT_MB
// megabytes (default 200) once, whatever b.N, and reports items per
// second and the process's peak memory. Run it with -benchtime 1x.
func BenchmarkImportLarge(b *testing.B) {
	mb := 200
	if v, err := strconv.Atoi(os.Getenv("FOLIO_IMPORT_MB")); err == nil && v > 0 {
		mb = v
	}
	path := filepath.Join(b.TempDir(), "large.xml")
	posts := writeLargeExport(b, path, mb)
	st, _ := os.Stat(path)
	runtime.GC()
	svc, _ := newSite(b)
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	start := time.Now()
	rep, err := wordpress.Import(b.Context(), svc.Moving, nil, f, wordpress.Options{})
	if err != nil {
		b.Fatal(err)
	}
	secs := time.Since(start).Seconds()
	items := rep.Created["post"] + rep.Created["reply"]
	b.ReportMetric(float64(st.Size())/(1<<20), "MiB-file")
	b.ReportMetric(float64(items)/secs, "items/s")
	b.ReportMetric(secs, "s-total")
	b.ReportMetric(peakRSS(), "MiB-peak-RSS")
	if rep.Created["post"] != posts {
		b.Errorf("imported %d posts of %d", rep.Created["post"], posts)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(os.Stderr, "go heap sys %d MiB, heap inuse %d MiB, total sys %d MiB\n", ms.HeapSys>>20, ms.HeapInuse>>20, ms.Sys>>20)
	fmt.Fprintf(os.Stderr, "imported %d posts and %d replies from %.0f MiB in %.1f s\n", rep.Created["post"], rep.Created["reply"], float64(st.Size())/(1<<20), secs)
}

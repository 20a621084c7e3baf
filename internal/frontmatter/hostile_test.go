package frontmatter_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"folio/internal/frontmatter"
)

// billionLaughs is YAML whose aliases expand to 10^9 strings.
func billionLaughs() string {
	doc := "---\ntitle: Laughs\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
	prev := "a"
	for i := range 8 {
		name := string(rune('b' + i))
		doc += name + ": &" + name + " [" + strings.Repeat("*"+prev+", ", 9) + "*" + prev + "]\n"
		prev = name
	}
	return doc + "tags: *" + prev + "\n---\nText.\n"
}

// TestHostileFiles parses files made to exhaust a YAML or TOML decoder:
// each is refused with a message naming the file and what is wrong,
// within a bounded amount of memory.
func TestHostileFiles(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"aliases expanding to a billion", billionLaughs(), "excessive aliasing"},
		{"YAML lists nested 20,000 deep", "---\ntitle: t\ntags: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n---\n", "exceeded max depth"},
		{"YAML maps nested 12,000 deep", "---\ntitle: t\nx: " + strings.Repeat("{a: ", 12000) + strings.Repeat("}", 12000) + "\n---\n", "exceeded max depth"},
		{"TOML arrays nested 100,000 deep", "+++\ntitle = \"t\"\nx = " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n+++\n", "longer than 64 KiB"},
		{"half a million tags", "---\ntitle: t\ntags: [" + strings.Repeat("x, ", 500000) + "x]\n---\n", "longer than 64 KiB"},
		{"a file over 2 MiB", "---\ntitle: t\n---\n" + strings.Repeat("Words, words. ", 200000), "larger than 2 MiB"},
		{"front matter that never ends", "---\ntitle: t\n" + strings.Repeat("tags: [a]\n", 100000), "never ends"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m0, m1 runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&m0)
			start := time.Now()
			_, err := frontmatter.Parse("post.md", []byte(tt.doc), time.UTC)
			took := time.Since(start)
			runtime.ReadMemStats(&m1)
			var fe *frontmatter.Error
			if !errors.As(err, &fe) || fe.File != "post.md" || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse = %v, want an error about %q", err, tt.want)
			}
			if alloc := (m1.TotalAlloc - m0.TotalAlloc) >> 20; alloc > 64 {
				t.Errorf("parsing allocated %d MiB", alloc)
			}
			t.Logf("%v in %v", err, took.Round(time.Microsecond))
		})
	}
}

// TestReadFileRefusesLargeFiles checks a huge file is refused after
// reading no more than the bound.
func TestReadFileRefusesLargeFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.md")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(4 << 30); err != nil { // sparse: takes no disk
		t.Fatal(err)
	}
	f.Close()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	_, err = frontmatter.ReadFile(path)
	runtime.ReadMemStats(&m1)
	if err == nil || !strings.Contains(err.Error(), "larger than 2 MiB") {
		t.Errorf("ReadFile of a 4 GiB file = %v", err)
	}
	if alloc := (m1.TotalAlloc - m0.TotalAlloc) >> 20; alloc > 16 {
		t.Errorf("ReadFile allocated %d MiB", alloc)
	}
}

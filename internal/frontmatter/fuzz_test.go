package frontmatter_test

import (
	"errors"
	"testing"
	"time"

	"folio/internal/frontmatter"
)

// FuzzParse feeds Parse arbitrary files: it must never panic, fail only
// with an *Error naming the file, and return a titled post otherwise.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"---\ntitle: Hello\ndate: 2015-11-28\ntags: [a, b]\n---\nText.\n",
		"+++\ntitle = \"Hello\"\ndate = 2015-11-28T10:00:00Z\n+++\nText.\n",
		"---\ntitle: &a x\ntags: [*a, *a]\n---\n", "---\n---\n", "No front matter.",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		in, err := frontmatter.Parse("post.md", []byte(doc), time.UTC)
		var fe *frontmatter.Error
		switch {
		case err != nil && (!errors.As(err, &fe) || fe.File != "post.md"):
			t.Fatalf("Parse failed with %T: %v", err, err)
		case err == nil && in.Title == "":
			t.Fatalf("Parse(%q) accepted a post without a title", doc)
		}
	})
}

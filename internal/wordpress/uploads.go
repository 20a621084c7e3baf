package wordpress

import (
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"folio/internal/blog"
)

// uploadRe finds links into WordPress's uploads folder; the group is the
// file's path inside it.
var uploadRe = regexp.MustCompile(`https?://[^"'\s<>()]*?/wp-content/uploads/([^"'\s<>()?#]+)`)

// uploads copies the files posts link to from a copy of the old uploads
// folder and rewrites the links.
type uploads struct {
	from, to string
	dry      bool
	copied   map[string]bool // paths inside the folder
	missing  map[string]bool
}

// rewrite points links to files in the uploads copy at /uploads/… and
// copies those files.
func (u *uploads) rewrite(text string) (string, error) {
	var err error
	out := uploadRe.ReplaceAllStringFunc(text, func(link string) string {
		rel := path.Clean("/" + uploadRe.FindStringSubmatch(link)[1])[1:]
		if u.from == "" || strings.HasPrefix(rel, "..") {
			u.missing[rel] = true
			return link
		}
		if !u.copied[rel] {
			if _, statErr := os.Stat(filepath.Join(u.from, filepath.FromSlash(rel))); statErr != nil {
				u.missing[rel] = true
				return link
			}
			if !u.dry {
				if e := copyFile(filepath.Join(u.from, filepath.FromSlash(rel)), filepath.Join(u.to, filepath.FromSlash(rel))); e != nil {
					err = e
					return link
				}
			}
			u.copied[rel] = true
		}
		return "/uploads/" + rel
	})
	return out, err
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy %s: %w", src, err)
	}
	return out.Close()
}

func (u *uploads) report(r *blog.ImportReport, attachments int) {
	if len(u.copied) > 0 {
		r.Note("copied %d linked files into the site's uploads", len(u.copied))
	}
	if len(u.missing) == 0 {
		if attachments > 0 && len(u.copied) == 0 {
			r.Note("%d attachments were listed; no post links to them", attachments)
		}
		return
	}
	var list []string
	for m := range u.missing {
		list = append(list, m)
	}
	sort.Strings(list)
	more := ""
	if len(list) > 10 {
		more = fmt.Sprintf(" and %d more", len(list)-10)
		list = list[:10]
	}
	where := "give --uploads with a copy of wp-content/uploads"
	if u.from != "" {
		where = "they are not in " + u.from
	}
	r.Note("%d linked files stay at their old addresses (%s): %s%s", len(u.missing), where, strings.Join(list, ", "), more)
}

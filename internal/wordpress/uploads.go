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
	"folio/internal/mediatype"
)

// uploadRe finds links into WordPress's uploads folder; the group is the
// file's path inside it.
var uploadRe = regexp.MustCompile(`https?://[^"'\s<>()]*?/wp-content/uploads/([^"'\s<>()?#]+)`)

// uploads copies the files posts link to from a copy of the old uploads
// folder and rewrites the links. Only media a browser shows inertly
// (images, audio, video, PDF, told by their bytes) is copied: an HTML,
// SVG or script file in the old folder would run in the site's origin.
// Files are read inside the folder only, symbolic links out of it
// included.
type uploads struct {
	from, to string
	dry      bool
	copied   map[string]bool   // paths inside the folder
	missing  map[string]bool   // linked, but not in the folder
	refused  map[string]string // linked, in the folder, but not media: path → type
}

// rewrite points links to media in the uploads copy at /uploads/… and
// copies those files.
func (u *uploads) rewrite(text string) (string, error) {
	var err error
	out := uploadRe.ReplaceAllStringFunc(text, func(link string) string {
		rel := path.Clean("/" + uploadRe.FindStringSubmatch(link)[1])[1:]
		if u.from == "" || strings.HasPrefix(rel, "..") {
			u.missing[rel] = true
			return link
		}
		if _, refused := u.refused[rel]; refused {
			return link
		}
		if !u.copied[rel] {
			ok, e := u.copy(rel)
			if e != nil {
				err = e
				return link
			}
			if !ok {
				return link
			}
			u.copied[rel] = true
		}
		return "/uploads/" + rel
	})
	return out, err
}

// copy copies the file rel from the old folder into the site's uploads
// when it is media, and reports whether it is (or, in a dry run, would
// be) there.
func (u *uploads) copy(rel string) (bool, error) {
	src, err := os.OpenRoot(u.from)
	if err != nil {
		return false, fmt.Errorf("open the uploads folder: %w", err)
	}
	defer src.Close()
	in, err := src.Open(filepath.FromSlash(rel))
	if err != nil {
		u.missing[rel] = true
		return false, nil
	}
	defer in.Close()
	if st, err := in.Stat(); err != nil || !st.Mode().IsRegular() {
		u.missing[rel] = true
		return false, nil
	}
	head := make([]byte, mediatype.SniffLen)
	n, _ := io.ReadFull(in, head)
	if t := mediatype.Sniff(head[:n]); !mediatype.Inert(t) {
		u.refused[rel] = t
		return false, nil
	}
	if u.dry {
		return true, nil
	}
	if _, err := in.Seek(0, io.SeekStart); err != nil {
		return false, err
	}
	if err := os.MkdirAll(u.to, 0o755); err != nil {
		return false, err
	}
	dst, err := os.OpenRoot(u.to)
	if err != nil {
		return false, err
	}
	defer dst.Close()
	if dir := path.Dir(rel); dir != "." {
		if err := dst.MkdirAll(filepath.FromSlash(dir), 0o755); err != nil {
			return false, fmt.Errorf("copy %s: %w", rel, err)
		}
	}
	out, err := dst.Create(filepath.FromSlash(rel))
	if err != nil {
		return false, fmt.Errorf("copy %s: %w", rel, err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return false, fmt.Errorf("copy %s: %w", rel, err)
	}
	return true, out.Close()
}

func (u *uploads) report(r *blog.ImportReport, attachments int) {
	if len(u.copied) > 0 {
		r.Note("copied %s into the site's uploads", blog.Plural(len(u.copied), "linked file", "linked files"))
	}
	if len(u.refused) > 0 {
		var list []string
		for p, t := range u.refused {
			list = append(list, p+" ("+t+")")
		}
		sort.Strings(list)
		r.Note("%s not copied, because they are not images, audio, video or PDF and a browser could run them in the site: %s",
			blog.Plural(len(list), "linked file was", "linked files were"), strings.Join(list, ", "))
	}
	if len(u.missing) == 0 {
		if attachments > 0 && len(u.copied) == 0 {
			r.Note("%s listed; no post links to them", blog.Plural(attachments, "attachment was", "attachments were"))
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
	r.Note("%s at their old addresses (%s): %s%s", blog.Plural(len(u.missing), "linked file stays", "linked files stay"), where, strings.Join(list, ", "), more)
}

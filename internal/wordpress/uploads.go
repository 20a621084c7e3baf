package wordpress

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"folio/internal/blog"
	"folio/internal/mediatype"
)

// uploadRe finds links into WordPress's uploads folder; the group is the
// file's path inside it.
var uploadRe = regexp.MustCompile(`https?://[^"'\s<>()]*?/wp-content/uploads/([^"'\s<>()?#]+)`)

// uploads brings the files posts link to from a copy of the old uploads
// folder and rewrites the links. Pictures (JPEG, PNG, GIF and WebP, told
// by their bytes) go into the media library, a size WordPress made of
// one as the original it was made from; their old addresses redirect
// to the library's. Other media a browser shows inertly (audio, video,
// PDF) is copied into the site's uploads folder; an HTML, SVG or script
// file in the old folder would run in the site's origin, so it stays
// behind. Files are read inside the folder only, symbolic links out of
// it included.
type uploads struct {
	from, to string
	dry      bool
	im       *blog.Importer
	pictures map[string]*blog.Media // in the library, by path inside the folder
	copied   map[string]bool        // paths inside the folder
	missing  map[string]bool        // linked, but not in the folder
	refused  map[string]string      // linked, in the folder, but not media: path → type
}

func newUploads(im *blog.Importer, opts Options) *uploads {
	return &uploads{from: opts.Uploads, to: opts.UploadsTarget, dry: opts.DryRun, im: im, pictures: map[string]*blog.Media{},
		copied: map[string]bool{}, missing: map[string]bool{}, refused: map[string]string{}}
}

// uploadsPrefix is where WordPress serves the uploads folder.
const uploadsPrefix = "/wp-content/uploads/"

// rewrite points links to files in the uploads copy at the library or
// /uploads/…, bringing the files in.
func (u *uploads) rewrite(text string) (string, error) {
	var err error
	out := uploadRe.ReplaceAllStringFunc(text, func(link string) string {
		if err != nil {
			return link
		}
		rel := path.Clean("/" + uploadRe.FindStringSubmatch(link)[1])[1:]
		to, e := u.bring(rel)
		if e != nil {
			err = e
			return link
		}
		if to == "" {
			return link
		}
		return to
	})
	return out, err
}

// bring brings the file rel of the old folder in, once, and returns its
// new address, or "" when it stays at its old one.
func (u *uploads) bring(rel string) (string, error) {
	if u.from == "" || strings.HasPrefix(rel, "..") {
		u.missing[rel] = true
		return "", nil
	}
	if m := u.pictures[rel]; m != nil {
		return m.URL(), nil
	}
	if _, refused := u.refused[rel]; refused || u.missing[rel] {
		return "", nil
	}
	if u.copied[rel] {
		return "/uploads/" + rel, nil
	}
	m, err := u.picture(rel)
	if err != nil || m != nil {
		if m != nil {
			return m.URL(), nil
		}
		return "", err
	}
	ok, err := u.copy(rel)
	if err != nil || !ok {
		return "", err
	}
	u.copied[rel] = true
	return "/uploads/" + rel, nil
}

// sizeRe matches the sizes WordPress makes of an upload: name-300x200.jpg,
// and name-scaled.jpg for the large ones since WordPress 5.3.
var sizeRe = regexp.MustCompile(`-(\d+x\d+|scaled)(\.[A-Za-z0-9]+)$`)

// picture puts the picture at rel into the library, or the original a
// size of it was made from when the folder has it, and redirects its
// old address. It returns nil for a file that is not a picture the
// library takes, and records one that is missing.
func (u *uploads) picture(rel string) (*blog.Media, error) {
	src := rel
	if orig := sizeRe.ReplaceAllString(rel, "$2"); orig != rel && u.exists(orig) {
		src = orig
	}
	m := u.pictures[src]
	if m == nil {
		data, err := u.readPicture(src)
		if err != nil || data == nil {
			return nil, err
		}
		m, err = u.im.Picture(path.Base(src), data)
		var v *blog.ValidationError
		if errors.As(err, &v) {
			u.im.Report.Note("import_plain_file", "File", src, "Why", v.Fields["file"])
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		u.pictures[src] = m
		if err := u.im.Redirect(uploadsPrefix+src, m.URL()); err != nil {
			return nil, err
		}
	}
	u.pictures[rel] = m
	return m, u.im.Redirect(uploadsPrefix+rel, m.URL())
}

// exists reports whether the folder holds the regular file rel.
func (u *uploads) exists(rel string) bool {
	root, err := os.OpenRoot(u.from)
	if err != nil {
		return false
	}
	defer root.Close()
	st, err := root.Stat(filepath.FromSlash(rel))
	return err == nil && st.Mode().IsRegular()
}

// readPicture returns the file rel of the folder when it is a picture
// the library may take, told by its first bytes; nil for anything else,
// and rel recorded as missing when the folder has no such file.
func (u *uploads) readPicture(rel string) ([]byte, error) {
	root, err := os.OpenRoot(u.from)
	if err != nil {
		return nil, fmt.Errorf("open the uploads folder: %w", err)
	}
	defer root.Close()
	f, err := root.Open(filepath.FromSlash(rel))
	if err != nil {
		u.missing[rel] = true
		return nil, nil
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		u.missing[rel] = true
		return nil, nil
	}
	head := make([]byte, mediatype.SniffLen)
	n, _ := io.ReadFull(f, head)
	switch mediatype.Sniff(head[:n]) {
	case "image/jpeg", "image/png", "image/gif", "image/webp":
	default:
		return nil, nil
	}
	rest, err := io.ReadAll(io.LimitReader(f, maxPictureFile))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", rel, err)
	}
	return append(head[:n], rest...), nil
}

// maxPictureFile bounds what is read of one file; the library refuses
// what is over its own limit with a message.
const maxPictureFile = 1 << 30

// attachments puts the pictures of the old site's attachments into the
// library, those no post links to included, with their alt text and
// captions, and makes them the featured pictures of the posts that had
// them as thumbnails (thumbs: local post ID → attachment ID).
func (u *uploads) attachments(atts map[int64]*Item, thumbs map[int64]int64) error {
	ids := make([]int64, 0, len(atts))
	for id := range atts {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	byAttachment := map[int64]*blog.Media{}
	for _, id := range ids {
		a := atts[id]
		m := uploadRe.FindStringSubmatch(a.AttachmentURL)
		if m == nil || u.from == "" {
			continue
		}
		rel := path.Clean("/" + m[1])[1:]
		if strings.HasPrefix(rel, "..") {
			continue
		}
		pic := u.pictures[rel]
		if pic == nil {
			var err error
			if pic, err = u.picture(rel); err != nil {
				return err
			}
			delete(u.missing, rel) // an attachment nothing links to is not missed
		}
		if pic == nil {
			continue
		}
		byAttachment[id] = pic
		if err := u.im.DescribePicture(pic, a.Meta["_wp_attachment_image_alt"], a.Excerpt); err != nil {
			return err
		}
	}
	posts := make([]int64, 0, len(thumbs))
	for p := range thumbs {
		posts = append(posts, p)
	}
	slices.Sort(posts)
	for _, p := range posts {
		if pic := byAttachment[thumbs[p]]; pic != nil {
			if err := u.im.Feature(p, pic); err != nil {
				return err
			}
		}
	}
	return nil
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
		r.Note("import_copied", "Count", len(u.copied))
	}
	if n := len(distinct(u.pictures)); n > 0 {
		r.Note("import_pictures", "Count", n)
	}
	if len(u.refused) > 0 {
		var list []string
		for p, t := range u.refused {
			list = append(list, p+" ("+t+")")
		}
		sort.Strings(list)
		r.Note("import_refused", "Count", len(list), "Files", strings.Join(list, ", "))
	}
	if len(u.missing) == 0 {
		if attachments > 0 && len(u.copied) == 0 && len(u.pictures) == 0 {
			r.Note("import_unlinked", "Count", attachments)
		}
		return
	}
	var list []string
	for m := range u.missing {
		list = append(list, m)
	}
	sort.Strings(list)
	if len(list) > 10 {
		list = list[:10]
	}
	if u.from == "" {
		r.Note("import_missing", "Count", len(u.missing), "Files", strings.Join(list, ", "))
	} else {
		r.Note("import_missing_from", "Count", len(u.missing), "Files", strings.Join(list, ", "), "Dir", u.from)
	}
}

// distinct returns the items of m once each.
func distinct(m map[string]*blog.Media) map[int64]bool {
	out := map[int64]bool{}
	for _, v := range m {
		out[v.ID] = true
	}
	return out
}

package blog

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Media is a picture in the site's library. The original is kept for
// the writer; readers get copies at fixed widths, upright and without
// metadata, at addresses named by the original's content, so a copy's
// address never shows other bytes.
type Media struct {
	ID  int64
	Key string // the start of the SHA-256 of the uploader and the original, in hex
	// Name is the file name's stem as a slug: the readable part of the
	// addresses.
	Name string
	// FileName is the name the file was uploaded with.
	FileName string
	Type     string // the original's type, told from its bytes
	// CopyType is the type of the copies readers get: image/jpeg, or
	// image/png for pictures that may be see-through.
	CopyType string
	// Width and Height are the upright picture's, in pixels.
	Width, Height int
	// Orientation is the original's EXIF orientation, 1 to 8.
	Orientation int
	Size        int64 // of the original, in bytes
	Alt         string
	Caption     string
	UploaderID  int64
	Uploader    *User // filled by the store
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// MediaWidths are the widths copies are made at; a picture gets those
// narrower than itself, and one at its own width up to the widest.
var MediaWidths = []int{480, 800, 1200, 1600, 2400}

// mediaPrefix starts every address of a library copy.
const mediaPrefix = "/media/"

// Widths returns the widths of m's copies, narrowest first; the last is
// the one its URL shows.
func (m *Media) Widths() []int {
	widest := min(m.Width, MediaWidths[len(MediaWidths)-1])
	var ws []int
	for _, w := range MediaWidths {
		if w < widest {
			ws = append(ws, w)
		}
	}
	return append(ws, widest)
}

// Widest returns the width of m's widest copy.
func (m *Media) Widest() int {
	ws := m.Widths()
	return ws[len(ws)-1]
}

// Ext returns the file extension of m's copies.
func (m *Media) Ext() string {
	if m.CopyType == "image/png" {
		return ".png"
	}
	return ".jpg"
}

// URL returns the address of m's widest copy, the one posts link to.
func (m *Media) URL() string { return mediaPrefix + m.Key + "/" + m.Name + m.Ext() }

// SizeURL returns the address of m's copy w pixels wide: the URL for
// the widest, and a folder named by the width before the name for the
// others.
func (m *Media) SizeURL(w int) string {
	if w == m.Widest() {
		return m.URL()
	}
	return mediaPrefix + m.Key + "/" + strconv.Itoa(w) + "/" + m.Name + m.Ext()
}

// Srcset returns the srcset attribute listing m's copies.
func (m *Media) Srcset() string {
	ws := m.Widths()
	set := make([]string, len(ws))
	for i, w := range ws {
		set[i] = m.SizeURL(w) + " " + strconv.Itoa(w) + "w"
	}
	return strings.Join(set, ", ")
}

// PictureSizes is the sizes attribute of library pictures in posts: the
// default theme's text column (40rem less its padding), or the screen
// less the padding on narrower screens.
const PictureSizes = "(min-width: 40rem) 37.5rem, calc(100vw - 2.5rem)"

// HeightAt returns the height of m's copy w pixels wide.
func (m *Media) HeightAt(w int) int {
	if m.Width == 0 {
		return 0
	}
	return max(1, (m.Height*w+m.Width/2)/m.Width)
}

// Markdown returns what a writer pastes into a post to show m.
func (m *Media) Markdown() string {
	alt := strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`).Replace(m.Alt)
	md := "![" + alt + "](" + m.URL()
	if m.Caption != "" {
		md += ` "` + strings.ReplaceAll(m.Caption, `"`, `\"`) + `"`
	}
	return md + ")"
}

// ParseMediaPath reads a copy's address: the item's key and the copy's
// width (0 for the widest, whatever it is).
func ParseMediaPath(p string) (key string, width int, ok bool) {
	rest, found := strings.CutPrefix(p, mediaPrefix)
	if !found {
		return "", 0, false
	}
	parts := strings.Split(rest, "/")
	if len(parts) < 2 || len(parts) > 3 || len(parts[0]) != mediaKeyLen || !isHex(parts[0]) || parts[len(parts)-1] == "" {
		return "", 0, false
	}
	if len(parts) == 3 {
		n, err := strconv.Atoi(parts[1])
		if err != nil || n <= 0 || strconv.Itoa(n) != parts[1] {
			return "", 0, false
		}
		width = n
	}
	return parts[0], width, true
}

// mediaKeyLen is how many hex digits of the SHA-256 name an item.
const mediaKeyLen = 20

func isHex(s string) bool {
	for _, r := range s {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return false
		}
	}
	return true
}

// PictureInfo is what a PictureMaker tells of an upload.
type PictureInfo struct {
	Type          string // image/jpeg, image/png, image/gif or image/webp
	CopyType      string // image/jpeg or image/png
	Width, Height int    // upright
	Orientation   int    // EXIF, 1 to 8
}

// PictureCopy is one copy a PictureMaker made.
type PictureCopy struct {
	Width, Height int
	Data          []byte
}

// PictureMaker checks uploads and makes their copies. The picture
// package provides it.
type PictureMaker interface {
	// Inspect checks that data is a whole picture the site can show;
	// its errors are for the writer.
	Inspect(ctx context.Context, data []byte) (PictureInfo, error)
	// Resize makes one copy per width, upright, without metadata.
	Resize(ctx context.Context, data []byte, info PictureInfo, widths []int) ([]PictureCopy, error)
}

// MediaFilter selects library items. Zero fields do not filter.
type MediaFilter struct {
	UploaderID int64
	Query      string // in file name, alt text and caption
	Unused     bool   // only items no post or page shows
	Limit      int
	Offset     int
}

// MediaStore persists the library: items, originals, copies, and which
// posts show which items.
type MediaStore interface {
	// CreateMedia stores an item with its original; ErrConflict when its
	// key is taken.
	CreateMedia(ctx context.Context, m *Media, original []byte) error
	Media(ctx context.Context, id int64) (*Media, error)
	MediaByKey(ctx context.Context, key string) (*Media, error)
	// MediaList returns one page of items, newest first, and how many
	// match in all.
	MediaList(ctx context.Context, f MediaFilter) ([]*Media, int, error)
	// UpdateMedia saves an item's alt text and caption.
	UpdateMedia(ctx context.Context, m *Media) error
	// DeleteMedia removes an item with its files and uses.
	DeleteMedia(ctx context.Context, id int64) error
	// MediaOriginal returns the original's bytes.
	MediaOriginal(ctx context.Context, id int64) ([]byte, error)
	// MediaCopy returns a stored copy, or ErrNotFound.
	MediaCopy(ctx context.Context, id int64, width int) ([]byte, error)
	// SaveMediaCopy stores a copy, replacing one of the same width.
	SaveMediaCopy(ctx context.Context, id int64, width int, data []byte) error
	// SetPostMedia records which items post postID shows, featured (0:
	// none) among them.
	SetPostMedia(ctx context.Context, postID int64, mediaIDs []int64, featured int64) error
	// SetPostFeatured makes item mediaID the featured picture of post
	// postID, keeping what else it shows.
	SetPostFeatured(ctx context.Context, postID, mediaID int64) error
	// MediaUses lists the IDs of the posts and pages showing item id.
	MediaUses(ctx context.Context, id int64) ([]int64, error)
}

// MediaInUseError refuses to delete an item published posts show.
type MediaInUseError struct {
	Posts []*Post
}

func (e *MediaInUseError) Error() string {
	return fmt.Sprintf("the picture is shown by %d published items", len(e.Posts))
}

// Library is the media library: uploads, their details, and the copies
// readers get.
type Library struct {
	*core
	media MediaStore
	posts PostStore
	maker PictureMaker

	mu     sync.Mutex
	making map[int64]*making // copies being made, by item
}

// making is one run of making an item's copies, which requests for any
// of them wait on.
type making struct {
	done chan struct{}
	err  error
}

// maxAltLen bounds alt text and captions.
const maxAltLen = 1000

// CanUpload reports whether u may add to the library.
func (u *User) CanUpload() bool { return u != nil && u.Role != "" }

func (u *User) canSeeMedia(m *Media) bool {
	return u != nil && (u.CanEditOthers() || m.UploaderID == u.ID)
}

// Upload adds a picture to the library and starts making its copies. The
// type is told from the bytes; anything but a whole JPEG, PNG, GIF or
// WebP within the size and pixel limits is refused with a
// *ValidationError on "file", and nothing is stored. The same bytes
// uploaded again by the same writer return the item already there.
func (l *Library) Upload(ctx context.Context, actor *User, fileName string, data []byte) (*Media, error) {
	if !actor.CanUpload() {
		return nil, ErrForbidden
	}
	if max := l.current().MediaMaxMB; len(data) > max<<20 {
		return nil, FieldError("file", "upload_too_large", "Limit", max)
	}
	if len(data) == 0 {
		return nil, FieldError("file", "upload_choose_file")
	}
	info, err := l.maker.Inspect(ctx, data)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var v *ValidationError
		if errors.As(err, &v) {
			return nil, v
		}
		return nil, err
	}
	now := l.stamp()
	m := &Media{Key: mediaKey(actor.ID, data), Name: mediaName(fileName), FileName: cleanFileName(fileName),
		Type: info.Type, CopyType: info.CopyType, Width: info.Width, Height: info.Height, Orientation: info.Orientation,
		Size: int64(len(data)), UploaderID: actor.ID, CreatedAt: now, UpdatedAt: now}
	err = l.write(ctx, func(tx Tx) (Change, error) {
		return Change{}, tx.CreateMedia(ctx, m, data)
	})
	if errors.Is(err, ErrConflict) {
		old, err := l.media.MediaByKey(ctx, m.Key)
		if err != nil {
			return nil, err
		}
		return old, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store the upload: %w", err)
	}
	go func() {
		// The copies are made after the upload is acknowledged; a reader
		// asking first makes them (see Copy).
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		l.makeCopies(ctx, m, data)
	}()
	return m, nil
}

// mediaKey names an upload by its bytes and its writer: the same file
// uploaded again by the same writer is the same item, and two writers
// uploading one file each get their own.
func mediaKey(uploaderID int64, data []byte) string {
	h := sha256.New()
	h.Write([]byte(strconv.FormatInt(uploaderID, 10) + ":"))
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))[:mediaKeyLen]
}

// mediaName returns the slug of a file name's stem, "picture" when it
// has none.
func mediaName(fileName string) string {
	base := path.Base(strings.ReplaceAll(fileName, `\`, "/"))
	stem := strings.TrimSuffix(base, path.Ext(base))
	s := Slugify(stem)
	if len(s) > 60 {
		s = strings.Trim(s[:60], "-")
	}
	if s == "" {
		return "picture"
	}
	return s
}

// cleanFileName keeps the last part of an uploaded file's name, within
// bounds.
func cleanFileName(fileName string) string {
	base := path.Base(strings.ReplaceAll(clean(fileName), `\`, "/"))
	for utf8.RuneCountInString(base) > 200 {
		_, n := utf8.DecodeLastRuneInString(base)
		base = base[:len(base)-n]
	}
	if base == "." || base == "/" {
		return ""
	}
	return base
}

// Item returns a library item the actor may see.
func (l *Library) Item(ctx context.Context, actor *User, id int64) (*Media, error) {
	m, err := l.media.Media(ctx, id)
	if err != nil {
		return nil, err
	}
	if !actor.canSeeMedia(m) {
		return nil, ErrNotFound
	}
	return m, nil
}

// List returns one page of the items the actor may see, newest first,
// and how many there are in all: an author's own, everyone's for
// editors and admins.
func (l *Library) List(ctx context.Context, actor *User, f MediaFilter) ([]*Media, int, error) {
	if !actor.CanUpload() {
		return nil, 0, ErrForbidden
	}
	if !actor.CanEditOthers() {
		f.UploaderID = actor.ID
	}
	f.Query = strings.TrimSpace(clean(f.Query))
	return l.media.MediaList(ctx, f)
}

// Uses lists the posts and pages that show an item.
func (l *Library) Uses(ctx context.Context, actor *User, id int64) ([]*Post, error) {
	if _, err := l.Item(ctx, actor, id); err != nil {
		return nil, err
	}
	return l.uses(ctx, l.media, l.posts, id)
}

func (l *Library) uses(ctx context.Context, media MediaStore, posts PostStore, id int64) ([]*Post, error) {
	ids, err := media.MediaUses(ctx, id)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	out, err := posts.Posts(ctx, PostFilter{IDs: ids, NoBodies: true})
	if err != nil {
		return nil, err
	}
	return l.decorateAll(out), nil
}

// Describe saves an item's alt text and caption. Posts featuring the
// item show the new alt text; those with it in their text keep what
// their Markdown says.
func (l *Library) Describe(ctx context.Context, actor *User, id int64, alt, caption string) (*Media, error) {
	alt, caption = strings.TrimSpace(clean(alt)), strings.TrimSpace(clean(caption))
	v := &ValidationError{}
	if utf8.RuneCountInString(alt) > maxAltLen {
		v.Add("alt", "alt_too_long")
	}
	if utf8.RuneCountInString(caption) > maxAltLen {
		v.Add("caption", "caption_too_long")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var m *Media
	err := l.write(ctx, func(tx Tx) (Change, error) {
		var err error
		if m, err = tx.Media(ctx, id); err != nil {
			return Change{}, err
		}
		if !actor.canSeeMedia(m) {
			return Change{}, ErrNotFound
		}
		m.Alt, m.Caption, m.UpdatedAt = alt, caption, l.stamp()
		if err := tx.UpdateMedia(ctx, m); err != nil {
			return Change{}, err
		}
		posts, err := tx.MediaUses(ctx, id)
		if err != nil {
			return Change{}, err
		}
		return Change{Posts: posts, Listings: len(posts) > 0}.tidy(), nil
	})
	return m, err
}

// Delete removes an item from the library. While a published post or
// page shows it, it is refused with a *MediaInUseError listing them,
// unless force.
func (l *Library) Delete(ctx context.Context, actor *User, id int64, force bool) error {
	return l.write(ctx, func(tx Tx) (Change, error) {
		m, err := tx.Media(ctx, id)
		if err != nil {
			return Change{}, err
		}
		if !actor.canSeeMedia(m) {
			return Change{}, ErrNotFound
		}
		used, err := l.uses(ctx, tx, tx, id)
		if err != nil {
			return Change{}, err
		}
		var shown []*Post
		var ids []int64
		for _, p := range used {
			ids = append(ids, p.ID)
			if p.Visible() {
				shown = append(shown, p)
			}
		}
		if len(shown) > 0 && !force {
			return Change{}, &MediaInUseError{Posts: shown}
		}
		if err := tx.DeleteMedia(ctx, id); err != nil {
			return Change{}, err
		}
		return Change{Posts: ids, Listings: len(ids) > 0, Media: []string{m.Key}}.tidy(), nil
	})
}

// Original returns an item's original file, for its writer.
func (l *Library) Original(ctx context.Context, actor *User, id int64) (*Media, []byte, error) {
	m, err := l.Item(ctx, actor, id)
	if err != nil {
		return nil, nil, err
	}
	data, err := l.media.MediaOriginal(ctx, id)
	return m, data, err
}

// Copy returns the copy of item key w pixels wide (0: the widest) that
// readers get, making the item's copies first when they are not stored
// yet; concurrent requests wait for one run.
func (l *Library) Copy(ctx context.Context, key string, w int) (*Media, []byte, error) {
	m, err := l.media.MediaByKey(ctx, key)
	if err != nil {
		return nil, nil, err
	}
	ws := m.Widths()
	if w == 0 {
		w = ws[len(ws)-1]
	}
	if !slices.Contains(ws, w) {
		return nil, nil, ErrNotFound
	}
	data, err := l.media.MediaCopy(ctx, m.ID, w)
	if !errors.Is(err, ErrNotFound) {
		return m, data, err
	}
	if err := l.makeCopies(ctx, m, nil); err != nil {
		return nil, nil, err
	}
	data, err = l.media.MediaCopy(ctx, m.ID, w)
	return m, data, err
}

// makeCopies makes and stores every copy of m from its original (data,
// or read from the store when nil), once at a time per item in this
// process.
func (l *Library) makeCopies(ctx context.Context, m *Media, data []byte) error {
	l.mu.Lock()
	if run, ok := l.making[m.ID]; ok {
		l.mu.Unlock()
		select {
		case <-run.done:
			return run.err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	run := &making{done: make(chan struct{})}
	if l.making == nil {
		l.making = map[int64]*making{}
	}
	l.making[m.ID] = run
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		delete(l.making, m.ID)
		l.mu.Unlock()
		close(run.done)
	}()
	run.err = l.resize(ctx, m, data)
	return run.err
}

func (l *Library) resize(ctx context.Context, m *Media, data []byte) error {
	if _, err := l.media.MediaCopy(ctx, m.ID, m.Widths()[0]); err == nil {
		return nil // another process made them
	}
	if data == nil {
		var err error
		if data, err = l.media.MediaOriginal(ctx, m.ID); err != nil {
			return fmt.Errorf("read the original of %s: %w", m.Key, err)
		}
	}
	info := PictureInfo{Type: m.Type, CopyType: m.CopyType, Width: m.Width, Height: m.Height, Orientation: m.Orientation}
	copies, err := l.maker.Resize(ctx, data, info, m.Widths())
	if err != nil {
		return fmt.Errorf("make the copies of %s: %w", m.Key, err)
	}
	// The narrowest is stored last: its presence says all are there.
	for i := range copies {
		if err := l.media.SaveMediaCopy(ctx, m.ID, copies[i].Width, copies[i].Data); err != nil {
			return fmt.Errorf("store a copy of %s: %w", m.Key, err)
		}
	}
	return nil
}

package wordpress

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"folio/internal/blog"
)

// Options tune an import.
type Options struct {
	// DryRun reads and writes everything in a transaction that is rolled
	// back, so the report says what would change.
	DryRun bool
	// Progress, when set, is told how many bytes of the file were read.
	Progress func(read int64)
	// Uploads is a copy of the old site's wp-content/uploads folder.
	// Files that posts link to and that are in it are copied to
	// UploadsTarget and the links rewritten to /uploads/…; links to
	// files it lacks stay as they are and are listed in the report.
	Uploads       string
	UploadsTarget string
}

// countingReader reports how far a reading has come.
type countingReader struct {
	r        io.Reader
	n        int64
	progress func(int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.progress != nil {
		c.progress(c.n)
	}
	return n, err
}

// wpTime reads WordPress's "2006-01-02 15:04:05" dates; the zero date
// WordPress writes for drafts reads as the zero time.
func wpTime(s string, loc *time.Location) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", strings.TrimSpace(s), loc)
	if err != nil || t.Year() < 1971 {
		return time.Time{}
	}
	return t
}

var tagsRe = regexp.MustCompile(`<[^>]*>`)

// Import reads a WordPress export from r into the site through mv, in
// one transaction: posts and pages with their text converted as WordPress
// shows it, statuses, stickiness and page hierarchy; writers (without
// passwords); categories with their hierarchy and descriptions; tags;
// replies with their threading, status and kind (pingbacks and
// trackbacks stay what they are); and redirects from every old address
// (the item's link, ?p=ID, ?page_id=ID, attachment pages) to the new
// one. Running it again updates what the first run created. A malformed
// file fails with a *SyntaxError and changes nothing.
func Import(ctx context.Context, mv *blog.Moving, actor *blog.User, r io.Reader, opts Options) (*blog.ImportReport, error) {
	return mv.Import(ctx, actor, "wordpress", opts.DryRun, func(im *blog.Importer) error {
		loc := im.Location()
		site := &Site{}
		users := map[string]int64{}
		attachments := map[int64]*Item{}
		var pendingParents []struct {
			id     int64
			parent string
		}
		catParents := map[string]string{}
		skippedTypes := map[string]int{}
		files := newUploads(im, opts)
		oldPath := func(link string) string {
			u, err := url.Parse(strings.TrimSpace(link))
			if err != nil || u.Path == "" {
				return ""
			}
			p := u.EscapedPath()
			if base, err := url.Parse(site.BaseBlogURL); err == nil && base.Path != "" && base.Path != "/" {
				p = strings.TrimPrefix(p, strings.TrimRight(base.Path, "/"))
			}
			if u.RawQuery != "" {
				p += "?" + u.RawQuery
			}
			return p
		}
		user := func(login string) (int64, error) {
			if id, ok := users[login]; ok {
				return id, nil
			}
			u, err := im.User(login, login, "")
			if err != nil {
				return 0, err
			}
			users[login] = u.ID
			return u.ID, nil
		}
		run := &itemRun{im: im, loc: loc, user: user, attachments: attachments, unknownCodes: map[string]bool{}, files: files,
			oldPath: oldPath, reusable: map[int64]string{}, blockCounts: map[string]int{}, thumbs: map[int64]int64{},
			parentLater: func(id int64, parent string) {
				pendingParents = append(pendingParents, struct {
					id     int64
					parent string
				}{id, parent})
			}}
		h := Handler{
			Site: func(s *Site) error { *site = *s; return nil },
			Author: func(a *Author) error {
				name := strings.TrimSpace(a.DisplayName)
				if name == "" {
					name = strings.TrimSpace(a.FirstName + " " + a.LastName)
				}
				if name == "" {
					name = a.Login
				}
				u, err := im.User(a.Login, name, a.Email)
				if err != nil {
					return err
				}
				users[a.Login] = u.ID
				// WordPress's author archives use the login.
				return im.Redirect("/author/"+url.PathEscape(a.Login)+"/", "/author/"+u.Slug+"/")
			},
			Term: func(t *Term) error {
				switch t.Taxonomy {
				case "category":
					if t.Parent != "" {
						catParents[unescape(t.Slug)] = unescape(t.Parent)
					}
					_, err := im.Term(blog.TermCategory, unescape(t.Slug), unescape(t.Slug), t.Name, t.Description, unescape(t.Parent))
					return err
				case "post_tag":
					_, err := im.Term(blog.TermTag, unescape(t.Slug), unescape(t.Slug), t.Name, t.Description, "")
					return err
				}
				skippedTypes["term of taxonomy "+t.Taxonomy]++
				return nil
			},
			Item: func(it *Item) error {
				switch it.Type {
				case "attachment":
					attachments[it.ID] = it
					return nil
				case "wp_block":
					return run.keepReusable(it)
				case "post", "page":
				default:
					skippedTypes[it.Type]++
					return nil
				}
				if it.Status == "trash" || it.Status == "auto-draft" || it.Status == "inherit" {
					im.Report.Note("import_skipped_status", "Item", fmt.Sprintf("%s %d (%q)", it.Type, it.ID, it.Title), "Status", it.Status)
					return nil
				}
				if run.waitsForReusable(it) {
					return nil
				}
				return run.item(it)
			},
		}
		if err := Read(&countingReader{r: r, progress: opts.Progress}, h); err != nil {
			return err
		}
		// Items whose reusable blocks came later in the file.
		for _, it := range run.waiting {
			if err := run.item(it); err != nil {
				return err
			}
		}
		for _, p := range pendingParents {
			if err := im.SetParent(p.id, p.parent); err != nil {
				return err
			}
		}
		// A category listed before its parent gets the parent now, and
		// WordPress's nested category addresses redirect to folio's.
		for child, parent := range catParents {
			if err := im.SetTermParent(blog.TermCategory, child, parent); err != nil {
				return err
			}
			path := []string{child}
			for p, seen := parent, 0; p != "" && seen < 20; p, seen = catParents[p], seen+1 {
				path = append([]string{p}, path...)
			}
			if err := im.Redirect("/category/"+strings.Join(path, "/")+"/", "/category/"+blog.Slugify(child)+"/"); err != nil {
				return err
			}
		}
		if err := files.attachments(attachments, run.thumbs); err != nil {
			return err
		}
		// Attachment pages redirect to the post they belong to, or to the
		// file itself.
		for _, a := range attachments {
			from := oldPath(a.Link)
			if from == "" {
				continue
			}
			if a.Parent != 0 {
				if id, err := im.Lookup("post", blog.Key(a.Parent)); err != nil {
					return err
				} else if id != 0 {
					if err := im.Address(from, id); err != nil {
						return err
					}
					continue
				}
			}
			if blog.LocalPath(a.AttachmentURL) {
				if err := im.Redirect(from, a.AttachmentURL); err != nil {
					return err
				}
			}
		}
		files.report(im.Report, len(attachments))
		var kinds []string
		for k := range skippedTypes {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		for _, k := range kinds {
			im.Report.Note("import_skipped_type", "Count", skippedTypes[k], "Type", k)
		}
		reportBlocks(im.Report, run.blockItems, run.blockCounts)
		var codes []string
		for c := range run.unknownCodes {
			codes = append(codes, "["+c+"]")
		}
		sort.Strings(codes)
		if len(codes) > 0 {
			im.Report.Note("import_shortcodes", "Codes", strings.Join(codes, " "))
		}
		return nil
	})
}

func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// statusOf maps a WordPress status to folio's; password-protected items
// become private.
func statusOf(it *Item) blog.Status {
	if it.Password != "" {
		return blog.StatusPrivate
	}
	switch it.Status {
	case "publish", "future":
		return blog.StatusPublished
	case "private":
		return blog.StatusPrivate
	}
	return blog.StatusDraft
}

var commentStatus = map[string]blog.CommentStatus{
	"1": blog.CommentApproved, "approve": blog.CommentApproved, "0": blog.CommentPending, "hold": blog.CommentPending,
	"spam": blog.CommentSpam, "trash": blog.CommentTrash, "post-trashed": blog.CommentTrash,
}

// itemRun is what an import's items share: what was read so far and
// where the pieces of each item go.
type itemRun struct {
	im           *blog.Importer
	loc          *time.Location
	user         func(login string) (int64, error)
	attachments  map[int64]*Item
	unknownCodes map[string]bool
	files        *uploads
	oldPath      func(link string) string
	parentLater  func(id int64, parent string)
	reusable     map[int64]string // reusable blocks' content, by their item's ID
	waiting      []*Item          // items that use a reusable block not read yet
	blockItems   int
	blockCounts  map[string]int
	thumbs       map[int64]int64 // a post's featured picture: local post ID → attachment ID
}

// convertText runs an item's text through the shortcode conversions and
// the uploads folder.
func (r *itemRun) convertText(content string) (string, error) {
	content, codes := Shortcodes(content, func(id int64) string {
		if a, ok := r.attachments[id]; ok {
			return a.AttachmentURL
		}
		return ""
	})
	for _, c := range codes {
		r.unknownCodes[c] = true
	}
	return r.files.rewrite(content)
}

// keepReusable keeps a reusable block (a wp_block item) for the posts
// that use it.
func (r *itemRun) keepReusable(it *Item) error {
	content, err := r.convertText(it.Content)
	if err != nil {
		return err
	}
	r.reusable[it.ID] = content
	return nil
}

var reusableRefRe = regexp.MustCompile(`<!--\s+wp:block\s+\{[^}]*"ref"\s*:\s*(\d+)`)

// waitsForReusable keeps it for the end of the file when it uses a
// reusable block the file has not reached yet.
func (r *itemRun) waitsForReusable(it *Item) bool {
	for _, m := range reusableRefRe.FindAllStringSubmatch(it.Content, -1) {
		id, _ := strconv.ParseInt(m[1], 10, 64)
		if _, ok := r.reusable[id]; !ok {
			cp := *it
			r.waiting = append(r.waiting, &cp)
			return true
		}
	}
	return false
}

// body converts an item's text into the HTML WordPress shows: block
// markup block by block, classic text through wpautop. A quote block's
// linked citation becomes the source when want is set.
func (r *itemRun) body(it *Item, content string, want bool) (string, blog.Source) {
	if !HasBlocks(content) {
		return Autop(content), blog.Source{}
	}
	c := &blockConversion{footnotes: it.Meta["footnotes"], wantCite: want, counts: r.blockCounts,
		reusable: func(ref int64) (string, bool) { s, ok := r.reusable[ref]; return s, ok }}
	out := footnoteMarks(c.convert(content))
	r.blockItems++
	for _, l := range c.left {
		r.im.Report.Note("import_left_out", "Item", fmt.Sprintf("%s %d (%q)", it.Type, it.ID, strings.TrimSpace(it.Title)), "What", l)
	}
	return out, c.source
}

func (r *itemRun) item(it *Item) error {
	im, loc := r.im, r.loc
	author, err := r.user(it.Creator)
	if err != nil {
		return err
	}
	content, err := r.convertText(it.Content)
	if err != nil {
		return err
	}
	kind := blog.Kind(it.Type)
	body, source := r.body(it, content, kind == blog.KindPost)
	in := blog.PostInput{
		Kind: kind, Title: strings.TrimSpace(it.Title), Slug: unescape(it.Name), Body: body, Source: source,
		Lede:     strings.Join(strings.Fields(tagsRe.ReplaceAllString(it.Excerpt, " ")), " "),
		AuthorID: author, Status: statusOf(it), CommentsOpen: it.CommentStatus == "open", Sticky: it.Sticky,
		MenuOrder:   min(max(it.MenuOrder, -blog.MaxMenuOrder), blog.MaxMenuOrder),
		PublishedAt: wpTime(it.DateGMT, time.UTC),
	}
	if in.PublishedAt.IsZero() {
		in.PublishedAt = wpTime(it.Date, loc)
	}
	if in.Title == "" {
		in.Title = "Untitled " + it.Type + " " + strconv.FormatInt(it.ID, 10)
	}
	if it.Password != "" {
		im.Report.Note("import_protected", "Item", fmt.Sprintf("%s %d (%q)", it.Type, it.ID, in.Title))
	}
	var termIDs []int64
	if kind == blog.KindPost {
		for _, t := range it.Terms {
			var tk blog.TermKind
			switch t.Domain {
			case "category":
				tk = blog.TermCategory
			case "post_tag", "tag":
				tk = blog.TermTag
			default:
				continue
			}
			key := unescape(t.Nicename)
			if key == "" {
				key = blog.Slugify(t.Name)
			}
			id, err := im.Lookup(string(tk), key)
			if err != nil {
				return err
			}
			if id == 0 {
				term, err := im.Term(tk, key, key, t.Name, "", "")
				if err != nil || term == nil {
					return err
				}
				id = term.ID
			}
			termIDs = append(termIDs, id)
		}
	}
	p, err := im.Post(blog.Key(it.ID), in, termIDs)
	if err != nil {
		return err
	}
	if thumb, err := strconv.ParseInt(strings.TrimSpace(it.Meta["_thumbnail_id"]), 10, 64); err == nil && thumb > 0 {
		r.thumbs[p.ID] = thumb
	}
	if it.Parent != 0 && kind == blog.KindPage {
		r.parentLater(p.ID, blog.Key(it.Parent))
	}
	// WordPress's addresses of the item find it by its ID.
	olds := []string{r.oldPath(it.Link), "/?p=" + blog.Key(it.ID)}
	if kind == blog.KindPage {
		olds = append(olds, "/?page_id="+blog.Key(it.ID))
	}
	if err := im.Addresses(p, olds...); err != nil {
		return err
	}
	comments := append([]Comment(nil), it.Comments...)
	sort.SliceStable(comments, func(i, j int) bool { return comments[i].ID < comments[j].ID })
	for _, c := range comments {
		st, ok := commentStatus[strings.ToLower(c.Approved)]
		if !ok {
			st = blog.CommentPending
		}
		ck := blog.CommentKindComment
		switch c.Type {
		case "pingback":
			ck = blog.CommentKindPingback
		case "trackback":
			ck = blog.CommentKindTrackback
		}
		at := wpTime(c.DateGMT, time.UTC)
		if at.IsZero() {
			at = wpTime(c.Date, loc)
		}
		name := strings.TrimSpace(c.Author)
		if name == "" {
			name = "Anonymous"
		}
		_, err := im.Comment(blog.Key(c.ID), p, blog.Key(c.Parent), blog.Comment{
			Kind: ck, Status: st, AuthorName: name, AuthorEmail: c.Email, AuthorURL: strings.TrimSpace(c.URL), IP: c.IP,
			Body: CommentText(strings.TrimSpace(c.Content)), CreatedAt: at,
		})
		if err != nil {
			return fmt.Errorf("reply %d on %q: %w", c.ID, in.Title, err)
		}
	}
	return nil
}

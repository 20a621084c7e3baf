package query

import (
	"context"
	"fmt"

	"folio/internal/blog"
)

// mediaColumns are an item's columns with its uploader's, in scanMedia's
// order.
const mediaColumns = `m.id, m.key, m.name, m.file_name, m.type, m.copy_type, m.width, m.height, m.orientation, m.size,
	m.alt, m.caption, m.uploader_id, m.created_at, m.updated_at, u.name, u.slug`

const mediaFrom = ` FROM media m JOIN users u ON u.id = m.uploader_id`

func scanMedia(sc Scanner, extra ...any) (*blog.Media, error) {
	m := &blog.Media{Uploader: &blog.User{}}
	var created, updated int64
	dest := append([]any{&m.ID, &m.Key, &m.Name, &m.FileName, &m.Type, &m.CopyType, &m.Width, &m.Height, &m.Orientation,
		&m.Size, &m.Alt, &m.Caption, &m.UploaderID, &created, &updated, &m.Uploader.Name, &m.Uploader.Slug}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	m.Uploader.ID = m.UploaderID
	m.CreatedAt, m.UpdatedAt = FromUnix(created), FromUnix(updated)
	return m, nil
}

func (t Tables) oneMedia(ctx context.Context, where string, args ...any) (*blog.Media, error) {
	m, err := scanMedia(t.db.QueryRow(ctx, `SELECT `+mediaColumns+mediaFrom+` WHERE `+where, args...))
	return m, t.d.MapErr(err)
}

// CreateMedia stores an item and its original.
func (t Tables) CreateMedia(ctx context.Context, m *blog.Media, original []byte) error {
	id, err := t.insert(ctx, `INSERT INTO media (key, name, file_name, type, copy_type, width, height, orientation, size,
		alt, caption, uploader_id, created_at, updated_at) VALUES (`+Placeholders(14)+`)`,
		m.Key, m.Name, m.FileName, m.Type, m.CopyType, m.Width, m.Height, m.Orientation, m.Size, m.Alt, m.Caption,
		m.UploaderID, Unix(m.CreatedAt), Unix(m.UpdatedAt))
	if err != nil {
		return err
	}
	if _, err := t.db.Exec(ctx, `INSERT INTO media_originals (media_id, data) VALUES (?, ?)`, id, original); err != nil {
		return t.d.MapErr(err)
	}
	m.ID = id
	return nil
}

// Media returns the item with id.
func (t Tables) Media(ctx context.Context, id int64) (*blog.Media, error) {
	return t.oneMedia(ctx, `m.id = ?`, id)
}

// MediaByKey returns the item named key.
func (t Tables) MediaByKey(ctx context.Context, key string) (*blog.Media, error) {
	return t.oneMedia(ctx, `m.key = ?`, key)
}

// MediaList returns one page of the items matching f, newest first, and
// how many match.
func (t Tables) MediaList(ctx context.Context, f blog.MediaFilter) ([]*blog.Media, int, error) {
	var a Args
	where := ` WHERE 1 = 1`
	if f.UploaderID != 0 {
		where += ` AND m.uploader_id = ` + a.Add(f.UploaderID)
	}
	if f.Query != "" {
		like := contains(f.Query)
		where += ` AND (m.file_name ` + t.d.Like + ` ` + a.Add(like) + ` ESCAPE '\' OR m.alt ` + t.d.Like + ` ` + a.Add(like) +
			` ESCAPE '\' OR m.caption ` + t.d.Like + ` ` + a.Add(like) + ` ESCAPE '\')`
	}
	if f.Unused {
		where += ` AND NOT EXISTS (SELECT 1 FROM post_media pm WHERE pm.media_id = m.id)`
	}
	var total int
	if err := t.db.QueryRow(ctx, `SELECT COUNT(*)`+mediaFrom+where, a...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count media: %w", err)
	}
	q := `SELECT ` + mediaColumns + mediaFrom + where + ` ORDER BY m.created_at DESC, m.id DESC`
	if f.Limit > 0 {
		q += ` LIMIT ` + a.Add(f.Limit) + ` OFFSET ` + a.Add(f.Offset)
	}
	list, err := Collect(ctx, t.db, func(sc Scanner) (*blog.Media, error) { return scanMedia(sc) }, q, a...)
	if err != nil {
		return nil, 0, fmt.Errorf("list media: %w", err)
	}
	return list, total, nil
}

// UpdateMedia saves an item's alt text and caption.
func (t Tables) UpdateMedia(ctx context.Context, m *blog.Media) error {
	return t.expectOne(t.db.Exec(ctx, `UPDATE media SET alt = ?, caption = ?, updated_at = ? WHERE id = ?`,
		m.Alt, m.Caption, Unix(m.UpdatedAt), m.ID))
}

// DeleteMedia removes an item; its files and uses go with it.
func (t Tables) DeleteMedia(ctx context.Context, id int64) error {
	return t.expectOne(t.db.Exec(ctx, `DELETE FROM media WHERE id = ?`, id))
}

// MediaOriginal returns an item's original.
func (t Tables) MediaOriginal(ctx context.Context, id int64) ([]byte, error) {
	var data []byte
	err := t.db.QueryRow(ctx, `SELECT data FROM media_originals WHERE media_id = ?`, id).Scan(&data)
	return data, t.d.MapErr(err)
}

// MediaCopy returns a stored copy.
func (t Tables) MediaCopy(ctx context.Context, id int64, width int) ([]byte, error) {
	var data []byte
	err := t.db.QueryRow(ctx, `SELECT data FROM media_copies WHERE media_id = ? AND width = ?`, id, width).Scan(&data)
	return data, t.d.MapErr(err)
}

// SaveMediaCopy stores a copy, replacing one of the same width.
func (t Tables) SaveMediaCopy(ctx context.Context, id int64, width int, data []byte) error {
	_, err := t.db.Exec(ctx, `INSERT INTO media_copies (media_id, width, data) VALUES (?, ?, ?)
		ON CONFLICT (media_id, width) DO UPDATE SET data = excluded.data`, id, width, data)
	return t.d.MapErr(err)
}

// SetPostMedia replaces the record of what a post shows.
func (t Tables) SetPostMedia(ctx context.Context, postID int64, mediaIDs []int64, featured int64) error {
	if _, err := t.db.Exec(ctx, `DELETE FROM post_media WHERE post_id = ?`, postID); err != nil {
		return t.d.MapErr(err)
	}
	seen := map[int64]bool{}
	for _, id := range append([]int64{featured}, mediaIDs...) {
		if id == 0 || seen[id] {
			continue
		}
		seen[id] = true
		if _, err := t.db.Exec(ctx, `INSERT INTO post_media (post_id, media_id, featured) VALUES (?, ?, ?)`,
			postID, id, id == featured); err != nil {
			return t.d.MapErr(err)
		}
	}
	return nil
}

// SetPostFeatured makes an item a post's featured picture.
func (t Tables) SetPostFeatured(ctx context.Context, postID, mediaID int64) error {
	if _, err := t.db.Exec(ctx, `UPDATE post_media SET featured = (media_id = ?) WHERE post_id = ?`, mediaID, postID); err != nil {
		return t.d.MapErr(err)
	}
	_, err := t.db.Exec(ctx, `INSERT INTO post_media (post_id, media_id, featured) VALUES (?, ?, ?)
		ON CONFLICT (post_id, media_id) DO NOTHING`, postID, mediaID, true)
	return t.d.MapErr(err)
}

// MediaUses lists the posts and pages showing an item, by ID.
func (t Tables) MediaUses(ctx context.Context, id int64) ([]int64, error) {
	return Collect(ctx, t.db, ScanID, `SELECT post_id FROM post_media WHERE media_id = ? ORDER BY post_id`, id)
}

// loadFeatured fills Featured of a batch of posts, by ID, with one query.
func (t Tables) loadFeatured(ctx context.Context, byID map[int64]*blog.Post, ids []int64) error {
	var a Args
	return t.db.Each(ctx, func(sc Scanner) error {
		var postID int64
		m, err := scanMedia(sc, &postID)
		if err != nil {
			return err
		}
		byID[postID].Featured = m
		return nil
	}, `SELECT `+mediaColumns+`, pm.post_id`+mediaFrom+` JOIN post_media pm ON pm.media_id = m.id
		WHERE pm.featured = `+a.Add(true)+` AND pm.post_id`+In(&a, ids), a...)
}

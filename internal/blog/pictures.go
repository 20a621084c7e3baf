package blog

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// findPicture returns the finder of library items for a render, reading
// media (a transaction's, when saving).
func (s *Writing) findPicture(ctx context.Context, media MediaStore) PictureFinder {
	base := s.current().BaseURL
	return func(src string) *Media {
		if base != "" {
			src = strings.TrimPrefix(src, base)
		}
		key, _, ok := ParseMediaPath(src)
		if !ok {
			return nil
		}
		m, err := media.MediaByKey(ctx, key)
		if err != nil {
			return nil
		}
		return m
	}
}

// featured checks the featured picture asked for: an item the actor may
// use, or the one the post has already. It returns its ID, 0 for none.
func (s *Writing) featured(ctx context.Context, tx Tx, actor *User, p *Post, id int64, v *ValidationError) (int64, error) {
	if id == 0 {
		return 0, nil
	}
	if p.Featured != nil && p.Featured.ID == id {
		return id, nil
	}
	m, err := tx.Media(ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && !actor.canSeeMedia(m)) {
		v.Add("featured", "featured_choose")
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("featured picture: %w", err)
	}
	return id, nil
}

// recordPictures notes which library items post postID shows.
func (s *Writing) recordPictures(ctx context.Context, tx Tx, postID int64, keys []string, featured int64) error {
	ids := make([]int64, 0, len(keys))
	for _, k := range keys {
		m, err := tx.MediaByKey(ctx, k)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		ids = append(ids, m.ID)
	}
	if err := tx.SetPostMedia(ctx, postID, ids, featured); err != nil {
		return fmt.Errorf("record pictures: %w", err)
	}
	return nil
}

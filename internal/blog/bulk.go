package blog

import (
	"context"
	"slices"
	"strings"
)

// BulkAction is what the posts list does to the items ticked.
type BulkAction string

// The bulk actions.
const (
	BulkPublish        BulkAction = "publish"
	BulkDraft          BulkAction = "draft"
	BulkTrash          BulkAction = "trash"
	BulkAddTag         BulkAction = "add-tag"
	BulkRemoveTag      BulkAction = "remove-tag"
	BulkAddCategory    BulkAction = "add-category"
	BulkRemoveCategory BulkAction = "remove-category"
)

// maxBulk bounds the items of one bulk action.
const maxBulk = 500

// Bulk applies one action to many posts or pages in one transaction:
// all change, or none does (a post the actor may not edit refuses the
// whole). term names the tag or category to add or remove. It returns
// how many items changed.
func (s *Writing) Bulk(ctx context.Context, actor *User, ids []int64, action BulkAction, term string) (int, error) {
	if actor == nil {
		return 0, ErrForbidden
	}
	term = strings.TrimSpace(clean(term))
	switch action {
	case BulkPublish, BulkDraft, BulkTrash:
	case BulkAddTag, BulkRemoveTag, BulkAddCategory, BulkRemoveCategory:
		if term == "" {
			return 0, FieldError("term", "bulk_name_term")
		}
	default:
		return 0, FieldError("action", "bulk_choose_action")
	}
	if len(ids) == 0 {
		return 0, FieldError("ids", "bulk_tick_first")
	}
	if len(ids) > maxBulk {
		return 0, FieldError("ids", "bulk_too_many")
	}
	changed := 0
	err := s.write(ctx, func(tx Tx) (Change, error) {
		var all Change
		for _, id := range ids {
			before := postBefore(ctx, tx, id)
			if before.post == nil {
				return Change{}, ErrNotFound
			}
			p := before.post
			if !actor.CanEdit(p) {
				return Change{}, ErrForbidden
			}
			if p.Status == StatusTrash {
				continue
			}
			if action == BulkTrash {
				p.Status, p.TrashedAt = StatusTrash, s.stamp()
				if err := tx.UpdatePost(ctx, p); err != nil {
					return Change{}, err
				}
				c, err := s.settle(ctx, tx, id, before)
				if err != nil {
					return Change{}, err
				}
				if err := s.announce(ctx, tx, p); err != nil {
					return Change{}, err
				}
				all, changed = all.Merge(c), changed+1
				continue
			}
			in := p.Input()
			switch action {
			case BulkPublish:
				in.Status = StatusPublished
			case BulkDraft:
				in.Status = StatusDraft
			case BulkAddTag:
				in.Tags = appendName(in.Tags, term)
			case BulkRemoveTag:
				in.Tags = slices.DeleteFunc(in.Tags, func(n string) bool { return strings.EqualFold(n, term) || Slugify(n) == Slugify(term) })
			case BulkAddCategory:
				in.Categories = appendName(in.Categories, Slugify(term))
			case BulkRemoveCategory:
				in.Categories = slices.DeleteFunc(in.Categories, func(slug string) bool { return slug == Slugify(term) })
			}
			if p.Kind == KindPage && action != BulkPublish && action != BulkDraft {
				continue // pages have no terms
			}
			saved, c, err := s.savePost(ctx, tx, actor, id, in)
			if err != nil {
				return Change{}, err
			}
			if err := s.announce(ctx, tx, saved); err != nil {
				return Change{}, err
			}
			all, changed = all.Merge(c), changed+1
		}
		return all, nil
	})
	return changed, err
}

func appendName(names []string, name string) []string {
	for _, n := range names {
		if strings.EqualFold(n, name) || Slugify(n) == Slugify(name) {
			return names
		}
	}
	return append(names, name)
}

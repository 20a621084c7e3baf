package blog

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// TermInput is what an editor changes of a tag or category.
type TermInput struct {
	Name        string
	Slug        string
	Description string
}

// maxTermDescription bounds a term's description, shown on its archive.
const maxTermDescription = 2000

// UpdateTerm renames a tag or category, changes its slug or describes
// it. A new slug moves its archive and feed, and the old addresses
// redirect to the new ones. Editors and administrators may.
func (s *Writing) UpdateTerm(ctx context.Context, actor *User, kind TermKind, slug string, in TermInput) (*Term, error) {
	if !actor.CanEditOthers() {
		return nil, ErrForbidden
	}
	in.Name, in.Description = strings.TrimSpace(clean(in.Name)), strings.TrimSpace(clean(in.Description))
	newSlug := Slugify(strings.TrimSpace(in.Slug))
	if newSlug == "" {
		newSlug = Slugify(in.Name)
	}
	v := &ValidationError{}
	if in.Name == "" || newSlug == "" {
		v.Add("name", "term_name_enter")
	} else if utf8.RuneCountInString(in.Name) > 200 {
		v.Add("name", "name_over_200")
	}
	if utf8.RuneCountInString(in.Description) > maxTermDescription {
		v.Add("description", "term_description_too_long")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var t *Term
	err := s.write(ctx, func(tx Tx) (Change, error) {
		var err error
		if t, err = tx.TermBySlug(ctx, kind, slug); err != nil {
			return Change{}, err
		}
		was := *t
		t.Name, t.Slug, t.Description = in.Name, newSlug, in.Description
		if err := tx.UpdateTerm(ctx, t); errors.Is(err, ErrConflict) {
			return Change{}, FieldError("slug", kindMessage(kind, "tag_slug_merge", "category_slug_merge"), "Slug", newSlug)
		} else if err != nil {
			return Change{}, err
		}
		if was.Slug != t.Slug {
			if err := s.redirectTerm(ctx, tx, was, *t); err != nil {
				return Change{}, err
			}
		}
		return everything, nil
	})
	return t, err
}

// redirectTerm sends a term's old archive and feed addresses to where
// the term, or the one it went into, lives now.
func (s *Writing) redirectTerm(ctx context.Context, tx Tx, from, to Term) error {
	now := s.stamp()
	for _, suffix := range []string{"", "feed/", "feed/atom/", "feed/json/"} {
		if err := tx.SetRedirect(ctx, Redirect{From: from.Path() + suffix, To: to.Path() + suffix, CreatedAt: now}); err != nil {
			return fmt.Errorf("redirect %s: %w", from.Path()+suffix, err)
		}
	}
	// The new address is nobody's old one any more.
	for _, suffix := range []string{"", "feed/", "feed/atom/", "feed/json/"} {
		if err := tx.DeleteRedirect(ctx, to.Path()+suffix); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return nil
}

// MergeTerm gives every post of one tag or category the other too,
// deletes the first, and redirects its addresses to the other's.
func (s *Writing) MergeTerm(ctx context.Context, actor *User, kind TermKind, fromSlug, intoSlug string) error {
	if !actor.CanEditOthers() {
		return ErrForbidden
	}
	if fromSlug == intoSlug {
		return FieldError("into", kindMessage(kind, "tag_merge_choose", "category_merge_choose"))
	}
	return s.write(ctx, func(tx Tx) (Change, error) {
		from, err := tx.TermBySlug(ctx, kind, fromSlug)
		if err != nil {
			return Change{}, err
		}
		into, err := tx.TermBySlug(ctx, kind, intoSlug)
		if errors.Is(err, ErrNotFound) {
			return Change{}, FieldError("into", kindMessage(kind, "tag_merge_choose", "category_merge_choose"))
		} else if err != nil {
			return Change{}, err
		}
		if err := tx.MergeTerm(ctx, from.ID, into.ID); err != nil {
			return Change{}, fmt.Errorf("merge: %w", err)
		}
		return everything, s.redirectTerm(ctx, tx, *from, *into)
	})
}

// DeleteTerm deletes a tag or category; its posts stay, without it.
func (s *Writing) DeleteTerm(ctx context.Context, actor *User, kind TermKind, slug string) error {
	if !actor.CanEditOthers() {
		return ErrForbidden
	}
	return s.write(ctx, func(tx Tx) (Change, error) {
		t, err := tx.TermBySlug(ctx, kind, slug)
		if err != nil {
			return Change{}, err
		}
		return everything, tx.DeleteTerm(ctx, t.ID)
	})
}

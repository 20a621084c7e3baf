package blog

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// Autosave is what the editor saved by itself while a writer typed: one
// per post and writer, apart from the revisions, until they save.
type Autosave struct {
	PostID  int64
	UserID  int64
	Title   string
	Lede    string
	Body    string
	Source  Source
	SavedAt time.Time
}

// AutosaveInterval is how often the editor saves by itself while the
// writer types.
const AutosaveInterval = 30 * time.Second

// Autosave keeps what the writer has typed in the editor of post id. A
// new post (id 0) is first saved as a draft, as WordPress does, and its
// ID returned, so the autosaves that follow have a post to belong to.
// Nothing readers see changes, and no revision is added.
func (s *Writing) Autosave(ctx context.Context, actor *User, id int64, in PostInput) (int64, error) {
	if actor == nil {
		return 0, ErrForbidden
	}
	if id == 0 {
		in.Status = StatusDraft
		if in.Title == "" {
			in.Title = "Untitled"
		}
		p, err := s.SavePost(ctx, actor, 0, in)
		if err != nil {
			return 0, err
		}
		return p.ID, nil
	}
	if len(in.Body) > maxBodyLen || utf8.RuneCountInString(in.Title) > maxTitleLen || utf8.RuneCountInString(in.Lede) > maxLedeLen {
		return 0, FieldError("body", "autosave_too_long")
	}
	err := s.tx.Atomic(ctx, func(tx Tx) error {
		p, err := tx.Post(ctx, id)
		if err != nil {
			return err
		}
		if !actor.CanEdit(p) {
			return ErrForbidden
		}
		return tx.SaveAutosave(ctx, &Autosave{PostID: id, UserID: actor.ID, Title: clean(in.Title), Lede: clean(in.Lede),
			Body: clean(in.Body), Source: in.Source, SavedAt: s.stamp()})
	})
	return id, err
}

// AutosaveFor returns the writer's autosave of a post when it is newer
// than the post's last save and says something else, or nil.
func (s *Writing) AutosaveFor(ctx context.Context, actor *User, p *Post) (*Autosave, error) {
	a, err := s.revisions.Autosave(ctx, p.ID, actor.ID)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the autosave: %w", err)
	}
	if a.SavedAt.Before(p.UpdatedAt) || (a.Title == p.Title && a.Lede == p.Lede && a.Body == p.Body && a.Source == p.Source) {
		return nil, nil
	}
	return a, nil
}

// Editing is a session with a post open in the editor.
type Editing struct {
	PostID      int64
	SessionHash string
	UserID      int64
	UserName    string // filled by the store
	Since       time.Time
	SeenAt      time.Time
}

// editingFresh is how long an editor's mark lasts without being renewed:
// its script renews it every AutosaveInterval.
const editingFresh = 2 * AutosaveInterval

// OpenEditor marks that the browser with session token has post id open
// and returns the other sessions that have it open too, longest first;
// the editor's script calls it again every AutosaveInterval.
func (s *Writing) OpenEditor(ctx context.Context, actor *User, id int64, token string) ([]Editing, error) {
	p, err := s.Post(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	now := s.stamp()
	mine := hashToken(token)
	if err := s.revisions.MarkEditing(ctx, Editing{PostID: p.ID, SessionHash: mine, UserID: actor.ID, Since: now, SeenAt: now}); err != nil {
		return nil, fmt.Errorf("mark the editor open: %w", err)
	}
	all, err := s.revisions.Editing(ctx, p.ID, now.Add(-editingFresh))
	if err != nil {
		return nil, err
	}
	others := all[:0]
	for _, e := range all {
		if e.SessionHash != mine {
			others = append(others, e)
		}
	}
	return others, nil
}

// SweepEditing forgets the editors' marks that went stale.
func (s *Writing) SweepEditing(ctx context.Context) error {
	return s.revisions.DeleteEditingBefore(ctx, s.now().Add(-editingFresh))
}

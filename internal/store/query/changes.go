package query

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"folio/internal/blog"
)

// A change's mark orders the feed for ChangedSince: in SQLite its seq,
// since one writer commits in seq order; in PostgreSQL the ID of the
// transaction that recorded it, since transactions commit in any order.
// Pruning keeps, per subject a change named, the largest mark in
// change_marks, so a build taken hours ago still learns what changed.

// FoldChanges forgets the changes recorded before t, keeping the marks
// of their subjects; run it in a transaction.
func (t Tables) FoldChanges(ctx context.Context, before time.Time) error {
	marks := map[string]string{}
	var order []string
	err := t.db.Each(ctx, func(r Scanner) error {
		var mark, body string
		if err := r.Scan(&mark, &body); err != nil {
			return err
		}
		for _, s := range DecodeChange(body).Subjects() {
			if _, ok := marks[s]; !ok {
				order = append(order, s)
			}
			// Rows come in mark order, so the last is the largest.
			marks[s] = mark
		}
		return nil
	}, `SELECT CAST(`+t.d.ChangeMark+` AS TEXT), body FROM changes WHERE at < ? ORDER BY `+t.d.ChangeMark, before.Unix())
	if err != nil {
		return err
	}
	for _, s := range order {
		if _, err := t.db.Exec(ctx, `INSERT INTO change_marks (subject, mark) VALUES (?, `+t.d.MarkValue+`)
			ON CONFLICT (subject) DO UPDATE SET mark = `+t.d.Greatest+`(change_marks.mark, excluded.mark)`, s, marks[s]); err != nil {
			return err
		}
	}
	_, err = t.db.Exec(ctx, `DELETE FROM changes WHERE at < ?`, before.Unix())
	return err
}

// ChangeMark returns the feed's position now, with the feed's own ID:
// "ID/POSITION".
func (t Tables) ChangeMark(ctx context.Context) (string, error) {
	var id, at string
	err := t.db.QueryRow(ctx, `SELECT (SELECT id FROM change_feed), CAST(`+t.d.Position+` AS TEXT)`).Scan(&id, &at)
	return id + "/" + at, err
}

// ChangedSince returns what the changes after mark changed, whether
// still in the feed or folded into change_marks; everything when mark
// is not one this feed gave.
func (t Tables) ChangedSince(ctx context.Context, given string) (blog.Change, error) {
	id, mark, _ := strings.Cut(given, "/")
	var ours string
	if err := t.db.QueryRow(ctx, `SELECT id FROM change_feed`).Scan(&ours); err != nil {
		return blog.Change{}, err
	}
	if _, err := strconv.ParseUint(mark, 10, 64); err != nil || id != ours {
		return blog.Change{All: true}, nil
	}
	var c blog.Change
	err := t.db.Each(ctx, func(r Scanner) error {
		var body string
		if err := r.Scan(&body); err != nil {
			return err
		}
		c = c.Merge(DecodeChange(body))
		return nil
	}, `SELECT body FROM changes WHERE `+t.d.ChangeMark+t.d.After, mark)
	if err != nil {
		return blog.Change{}, err
	}
	var subjects []string
	err = t.db.Each(ctx, func(r Scanner) error {
		var s string
		err := r.Scan(&s)
		subjects = append(subjects, s)
		return err
	}, `SELECT subject FROM change_marks WHERE mark`+t.d.After, mark)
	if err != nil {
		return blog.Change{}, err
	}
	slices.Sort(subjects)
	return c.Merge(blog.ChangeOf(subjects)), nil
}

// DecodeChange reads a recorded change; anything unreadable means
// everything.
func DecodeChange(body string) blog.Change {
	var c blog.Change
	if json.Unmarshal([]byte(body), &c) != nil {
		return blog.Change{All: true}
	}
	return c
}

package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"folio/internal/blog"
	"folio/internal/store/query"
)

// reindexSQL recomputes the search documents of the posts its WHERE
// clause matches: every item out of the trash gets one, weighted title
// (A), tags (B), lede (C) and body (D); readers' search keeps to
// published ones by their status.
const reindexSQL = `UPDATE posts p SET search = CASE WHEN p.status <> 'trash' THEN
	setweight(to_tsvector('folio', p.title), 'A') ||
	setweight(to_tsvector('folio', COALESCE((SELECT string_agg(t.name, ' ') FROM post_terms pt
		JOIN terms t ON t.id = pt.term_id WHERE pt.post_id = p.id), '')), 'B') ||
	setweight(to_tsvector('folio', p.lede), 'C') ||
	setweight(to_tsvector('folio', p.body_text), 'D') END
	WHERE `

// reindex brings the search documents of the posts matching cond up to
// date, in the caller's transaction.
func reindex(ctx context.Context, db query.DB, cond string, args ...any) error {
	if _, err := db.Exec(ctx, reindexSQL+cond, args...); err != nil {
		return fmt.Errorf("index posts: %w", err)
	}
	return nil
}

// tsQuery writes a parsed query as a tsquery expression. Every term is a
// bound parameter read by a function that takes plain text, so nothing
// a reader typed is read as an operator: words through plainto_tsquery,
// phrases through phraseto_tsquery, prefixes (letters and digits only)
// through to_tsquery with :*.
func tsQuery(q blog.SearchQuery, a *numbered) string {
	var parts []string
	for _, t := range q.Terms {
		var part string
		switch {
		case t.Prefix:
			word := strings.Map(func(r rune) rune {
				if unicode.IsLetter(r) || unicode.IsDigit(r) {
					return r
				}
				return -1
			}, t.Text)
			if word == "" {
				continue
			}
			part = "to_tsquery('folio', " + a.add(word+":*") + ")"
		case t.Phrase:
			part = "phraseto_tsquery('folio', " + a.add(t.Text) + ")"
		default:
			part = "plainto_tsquery('folio', " + a.add(t.Text) + ")"
		}
		if t.Exclude {
			part = "!!" + part
		}
		parts = append(parts, part)
	}
	if len(parts) == 0 {
		return "''::tsquery"
	}
	return "(" + strings.Join(parts, " && ") + ")"
}

// numbered collects the arguments of a statement that refers to each by
// its number, so the query's terms can appear in it more than once.
type numbered []any

// add appends v and returns its placeholder.
func (a *numbered) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// rank orders the matches of match best first.
func rank(match string) string {
	return `ts_rank('{0.1, 0.3, 0.4, 1.0}', search, ` + match + `) DESC, id DESC`
}

// SearchAll returns the IDs of every item out of the trash that q
// matches, best first, up to blog.MaxSearchTotal.
func (s *Store) SearchAll(ctx context.Context, q blog.SearchQuery) ([]int64, error) {
	var a numbered
	match := tsQuery(q, &a)
	return query.Collect(ctx, conn{s}, query.ScanID, `SELECT id FROM posts WHERE search @@ `+match+`
		ORDER BY `+rank(match)+` LIMIT `+a.add(blog.MaxSearchTotal), a...)
}

// Search ranks published items with ts_rank, the title weighing ten times
// the body, the tags four times and the lede three times, as the SQLite
// store's BM25 weights do: all of them when there are at most
// query.SearchWindow, else the most recent that many, the older ones
// following newest first.
func (s *Store) Search(ctx context.Context, q blog.SearchQuery) ([]blog.SearchHit, int, error) {
	db := conn{s}
	var base numbered
	match := tsQuery(q, &base)
	// with returns a copy of the query's arguments with more added.
	with := func(more ...any) (numbered, []string) {
		a := append(numbered(nil), base...)
		var refs []string
		for _, v := range more {
			refs = append(refs, a.add(v))
		}
		return a, refs
	}
	// One pass gives the count, the window and the older matches;
	// counting stops at blog.MaxSearchTotal, as in the SQLite store.
	a, r := with(blog.MaxSearchTotal)
	matches, err := query.Collect(ctx, db, query.ScanID, `SELECT id FROM posts WHERE search @@ `+match+` AND status = 'published'
		ORDER BY id DESC LIMIT `+r[0], a...)
	if err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	total := len(matches)
	ids, err := query.WindowedPage(ctx, q, matches, func(ctx context.Context, _ []int64, from int64, limit, offset int) ([]int64, error) {
		a, r := with(from, limit, offset)
		return query.Collect(ctx, db, query.ScanID, `SELECT id FROM posts WHERE search @@ `+match+` AND status = 'published'
			AND id >= `+r[0]+` ORDER BY `+rank(match)+` LIMIT `+r[1]+` OFFSET `+r[2], a...)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	if len(ids) == 0 {
		return nil, total, nil
	}
	// Rank first, then cut snippets from the page's posts only.
	byID, err := s.PostsByID(ctx, ids)
	if err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	hits := make([]blog.SearchHit, 0, len(ids))
	for _, id := range ids {
		if p, ok := byID[id]; ok {
			hits = append(hits, blog.SearchHit{Post: p, Snippet: blog.Snippet(p.BodyText, q)})
		}
	}
	return hits, total, nil
}

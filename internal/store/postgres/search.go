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

// Snippet markers: control characters cannot occur in indexed text, so
// they become <mark> tags afterwards.
const markOpen, markClose = "\x01", "\x02"

var marks = strings.NewReplacer(markOpen, "<mark>", markClose, "</mark>")

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
// store's BM25 weights do.
func (s *Store) Search(ctx context.Context, q blog.SearchQuery) ([]blog.SearchHit, int, error) {
	db := conn{s}
	var a numbered
	match := tsQuery(q, &a)
	limit := a.add(blog.MaxSearchTotal)
	// Counting stops at blog.MaxSearchTotal, as in the SQLite store.
	var total int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM posts WHERE search @@ `+match+` AND status = 'published' LIMIT `+limit+`) m`, a...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count search hits: %w", err)
	}
	if total <= q.Offset {
		return nil, total, nil
	}
	a = a[:len(a)-1]
	// Rank first, then make snippets for the page shown only.
	page := `SELECT id, search, body_text FROM posts WHERE search @@ ` + match + ` AND status = 'published'
		ORDER BY ` + rank(match) + ` LIMIT ` + a.add(q.Limit) + ` OFFSET ` + a.add(q.Offset)
	opts := a.add("StartSel=" + markOpen + ", StopSel=" + markClose + ", MaxWords=35, MinWords=15")
	// The text is escaped before ts_headline reads it, so its parser
	// sees entities, not tags it would drop.
	type hit struct {
		id      int64
		snippet string
	}
	list, err := query.Collect(ctx, db, func(sc query.Scanner) (hit, error) {
		var h hit
		err := sc.Scan(&h.id, &h.snippet)
		return h, err
	}, `SELECT h.id, ts_headline('folio',
		replace(replace(replace(h.body_text, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), `+match+`, `+opts+`)
		FROM (`+page+`) h`, a...)
	if err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	ids := make([]int64, len(list))
	for i, h := range list {
		ids[i] = h.id
	}
	byID, err := s.PostsByID(ctx, ids)
	if err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	hits := make([]blog.SearchHit, 0, len(list))
	for _, h := range list {
		if p, ok := byID[h.id]; ok {
			hits = append(hits, blog.SearchHit{Post: p, Snippet: marks.Replace(h.snippet)})
		}
	}
	return hits, total, nil
}

package sqlite

import (
	"context"
	"fmt"
	"html"
	"strings"

	"folio/internal/blog"
	"folio/internal/store/query"
)

// reindexSQL rebuilds the search rows of the posts matched by its WHERE
// clause: every item out of the trash, tags included, with its status
// so readers' search keeps to published ones.
const reindexSQL = `INSERT INTO posts_fts (rowid, title, lede, body, tags, status)
	SELECT p.id, p.title, p.lede, p.body_text,
		COALESCE((SELECT group_concat(t.name, ' ') FROM post_terms pt JOIN terms t ON t.id = pt.term_id WHERE pt.post_id = p.id), ''),
		p.status
	FROM posts p WHERE p.status <> 'trash' AND `

// reindex brings the search rows of the posts matching cond (over posts
// p) up to date, in the caller's transaction.
func reindex(ctx context.Context, db query.DB, cond string, args ...any) error {
	if _, err := db.Exec(ctx, `DELETE FROM posts_fts WHERE rowid IN (SELECT p.id FROM posts p WHERE `+cond+`)`, args...); err != nil {
		return fmt.Errorf("unindex posts: %w", err)
	}
	if _, err := db.Exec(ctx, reindexSQL+cond, args...); err != nil {
		return fmt.Errorf("index posts: %w", err)
	}
	return nil
}

// ftsQuery writes a parsed query in FTS5's syntax. Every term is a quoted
// string, so nothing a reader typed is read as an operator.
func ftsQuery(q blog.SearchQuery) string {
	quote := func(t blog.SearchTerm) string {
		s := `"` + strings.ReplaceAll(t.Text, `"`, `""`) + `"`
		if t.Prefix {
			s += "*"
		}
		return s
	}
	var pos, neg []string
	for _, t := range q.Terms {
		if t.Exclude {
			neg = append(neg, quote(t))
		} else {
			pos = append(pos, quote(t))
		}
	}
	out := strings.Join(pos, " ")
	for _, n := range neg {
		out += " NOT " + n
	}
	return out
}

// Snippet markers: control characters cannot occur in indexed text, so
// they survive HTML escaping and become <mark> tags afterwards.
const markOpen, markClose = "\x01", "\x02"

var marks = strings.NewReplacer(markOpen, "<mark>", markClose, "</mark>")

// rankSQL orders matches best first.
const rankSQL = `bm25(posts_fts, 10.0, 3.0, 1.0, 4.0), rowid DESC`

// SearchAll returns the IDs of every item out of the trash that q
// matches, best first, up to blog.MaxSearchTotal.
func (s *Store) SearchAll(ctx context.Context, q blog.SearchQuery) ([]int64, error) {
	return query.Collect(ctx, conn{s}, query.ScanID, `SELECT rowid FROM posts_fts WHERE posts_fts MATCH ?
		ORDER BY `+rankSQL+` LIMIT ?`, ftsQuery(q), blog.MaxSearchTotal)
}

// Search ranks published items by BM25, the title weighing ten times the
// body, the lede and tags in between.
func (s *Store) Search(ctx context.Context, q blog.SearchQuery) ([]blog.SearchHit, int, error) {
	match := ftsQuery(q)
	// Counting stops at blog.MaxSearchTotal: past that a reader refines
	// the query rather than paging, and an exact count of a word in every
	// post would cost a second pass over them all.
	var total int
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM posts_fts WHERE posts_fts MATCH ? AND status = 'published' LIMIT ?)`, match, blog.MaxSearchTotal).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count search hits: %w", err)
	}
	if total <= q.Offset {
		return nil, total, nil
	}
	// Rank first, then make snippets for the page shown only.
	db := conn{s}
	ids, err := query.Collect(ctx, db, query.ScanID, `SELECT rowid FROM posts_fts WHERE posts_fts MATCH ? AND status = 'published'
		ORDER BY `+rankSQL+` LIMIT ? OFFSET ?`, match, q.Limit, q.Offset)
	if err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	a := query.Args{markOpen, markClose, match}
	in := query.In(&a, ids)
	snippets, err := query.CollectMap[int64, string](ctx, db, `SELECT rowid, snippet(posts_fts, 2, ?, ?, '…', 24) FROM posts_fts
		WHERE posts_fts MATCH ? AND rowid`+in, a...)
	if err != nil {
		return nil, 0, fmt.Errorf("search snippets: %w", err)
	}
	for id, snip := range snippets {
		snippets[id] = marks.Replace(html.EscapeString(snip))
	}
	posts, err := s.PostsByID(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	hits := make([]blog.SearchHit, 0, len(ids))
	for _, id := range ids {
		if p, ok := posts[id]; ok {
			hits = append(hits, blog.SearchHit{Post: p, Snippet: snippets[id]})
		}
	}
	return hits, total, nil
}

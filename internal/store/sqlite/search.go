package sqlite

import (
	"context"
	"fmt"
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

// ftsQuery writes a parsed query in FTS5's syntax, over the text
// columns only (not the status). Every term is a quoted string, so
// nothing a reader typed is read as an operator.
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
	return "{title lede body tags} : (" + out + ")"
}

// rankQuery is what ranks q's matches: BM25 counts, once a query, the
// items holding each phrase of its MATCH, reading each phrase's whole
// list in the index, so the cheapest MATCH holding the matches ranks
// them. Not the status (every published item holds "published", the
// longest list of all); for a phrase, its wanted words each on its own
// and all required, over the text columns, since counting a phrase
// means checking the positions of its words in every item holding them.
// Without a phrase, q's own words.
func rankQuery(q blog.SearchQuery) string {
	var words []string
	phrase := false
	for _, t := range q.Terms {
		if t.Exclude {
			continue
		}
		ws := strings.Fields(t.Text)
		phrase = phrase || len(ws) > 1
		for i, w := range ws {
			w = `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
			if t.Prefix && i == len(ws)-1 {
				w += "*"
			}
			words = append(words, w)
		}
	}
	if !phrase {
		return ftsQuery(q)
	}
	return "{title lede body tags} : (" + strings.Join(words, " ") + ")"
}

// rankedBy returns a page of window's matches (from rowid from on),
// ranked by rank's BM25: rank's order of its own (which holds them all,
// and maybe drafts), kept to them. One statement holding both MATCHes has SQLite look each
// match up again in the index.
func rankedBy(ctx context.Context, db query.DB, window []int64, rank string, from int64, limit, offset int) ([]int64, error) {
	in := make(map[int64]bool, len(window))
	for _, id := range window {
		in[id] = true
	}
	var page []int64
	skip := offset
	err := db.Each(ctx, func(r query.Scanner) error {
		var id int64
		if err := r.Scan(&id); err != nil || !in[id] || len(page) == limit {
			return err
		}
		if skip > 0 {
			skip--
			return nil
		}
		page = append(page, id)
		return nil
	}, `SELECT rowid FROM posts_fts WHERE posts_fts MATCH ? AND rowid >= ? ORDER BY `+rankSQL, rank, from)
	return page, err
}

// publishedQuery is ftsQuery kept to published items, by the index's
// status column.
func publishedQuery(q blog.SearchQuery) string { return "status : published AND " + ftsQuery(q) }

// rankSQL orders matches best first.
const rankSQL = `bm25(posts_fts, 10.0, 3.0, 1.0, 4.0, 0.0), rowid DESC`

// SearchAll returns the IDs of every item out of the trash that q
// matches, best first, up to blog.MaxSearchTotal.
func (s *Store) SearchAll(ctx context.Context, q blog.SearchQuery) ([]int64, error) {
	return query.Collect(ctx, conn{s}, query.ScanID, `SELECT rowid FROM posts_fts WHERE posts_fts MATCH ?
		ORDER BY `+rankSQL+` LIMIT ?`, ftsQuery(q), blog.MaxSearchTotal)
}

// Search ranks published items by BM25, the title weighing ten times the
// body, the lede and tags in between: all of them when there are at most
// query.SearchWindow, else the most recent that many, the older ones
// following newest first.
func (s *Store) Search(ctx context.Context, q blog.SearchQuery) ([]blog.SearchHit, int, error) {
	match, rank := publishedQuery(q), rankQuery(q)
	// One pass over the index gives the count, the window and the older
	// matches. Counting stops at blog.MaxSearchTotal: past that a reader
	// refines the query rather than paging, and an exact count of a word
	// in every post would cost a second pass over them all.
	db := conn{s}
	matches, err := query.Collect(ctx, db, query.ScanID, `SELECT rowid FROM posts_fts WHERE posts_fts MATCH ?
		ORDER BY rowid DESC LIMIT ?`, match, blog.MaxSearchTotal)
	if err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	total := len(matches)
	// Rank first, then cut snippets from the page's posts only.
	ids, err := query.WindowedPage(ctx, q, matches, func(ctx context.Context, window []int64, from int64, limit, offset int) ([]int64, error) {
		return rankedBy(ctx, db, window, rank, from, limit, offset)
	})
	if err != nil || len(ids) == 0 {
		return nil, total, err
	}
	posts, err := s.PostsByID(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	hits := make([]blog.SearchHit, 0, len(ids))
	for _, id := range ids {
		if p, ok := posts[id]; ok {
			hits = append(hits, blog.SearchHit{Post: p, Snippet: blog.Snippet(p.BodyText, q)})
		}
	}
	return hits, total, nil
}

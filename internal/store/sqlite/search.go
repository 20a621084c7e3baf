package sqlite

import (
	"context"
	"fmt"
	"html"
	"strings"

	"folio/internal/blog"
)

// reindexSQL rebuilds the search rows of the posts matched by its WHERE
// clause: published items only, tags included.
const reindexSQL = `INSERT INTO posts_fts (rowid, title, lede, body, tags)
	SELECT p.id, p.title, p.lede, p.body_text,
		COALESCE((SELECT group_concat(t.name, ' ') FROM post_terms pt JOIN terms t ON t.id = pt.term_id WHERE pt.post_id = p.id), '')
	FROM posts p WHERE p.status = 'published' AND `

// reindex brings a post's search row up to date, in the caller's
// transaction.
func (s *Store) reindex(ctx context.Context, postID int64) error {
	if _, err := s.exec(ctx, `DELETE FROM posts_fts WHERE rowid = ?`, postID); err != nil {
		return fmt.Errorf("unindex post %d: %w", postID, err)
	}
	if _, err := s.exec(ctx, reindexSQL+`p.id = ?`, postID); err != nil {
		return fmt.Errorf("index post %d: %w", postID, err)
	}
	return nil
}

// reindexTerm refreshes the search rows of every post carrying a term.
func (s *Store) reindexTerm(ctx context.Context, termID int64) error {
	in := `(SELECT post_id FROM post_terms WHERE term_id = ?)`
	if _, err := s.exec(ctx, `DELETE FROM posts_fts WHERE rowid IN `+in, termID); err != nil {
		return err
	}
	_, err := s.exec(ctx, reindexSQL+`p.id IN `+in, termID)
	return err
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

// Search ranks published items by BM25, the title weighing ten times the
// body, the lede and tags in between.
func (s *Store) Search(ctx context.Context, q blog.SearchQuery) ([]blog.SearchHit, int, error) {
	match := ftsQuery(q)
	// Counting stops at blog.MaxSearchTotal: past that a reader refines
	// the query rather than paging, and an exact count of a word in every
	// post would cost a second pass over them all.
	var total int
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM posts_fts WHERE posts_fts MATCH ? LIMIT ?)`, match, blog.MaxSearchTotal).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count search hits: %w", err)
	}
	if total <= q.Offset {
		return nil, total, nil
	}
	// Rank first, then make snippets for the page shown only.
	rows, err := s.query(ctx, `SELECT rowid FROM posts_fts WHERE posts_fts MATCH ?
		ORDER BY bm25(posts_fts, 10.0, 3.0, 1.0, 4.0), rowid DESC LIMIT ? OFFSET ?`, match, q.Limit, q.Offset)
	ids, err := collect(rows, err, scanID)
	if err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	args := []any{markOpen, markClose, match}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err = s.query(ctx, `SELECT rowid, snippet(posts_fts, 2, ?, ?, '…', 24) FROM posts_fts
		WHERE posts_fts MATCH ? AND rowid IN (`+placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("search snippets: %w", err)
	}
	snippets := map[int64]string{}
	for rows.Next() {
		var id int64
		var snip string
		if err := rows.Scan(&id, &snip); err != nil {
			rows.Close()
			return nil, 0, err
		}
		snippets[id] = strings.NewReplacer(markOpen, "<mark>", markClose, "</mark>").Replace(html.EscapeString(snip))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	posts, err := s.postsByID(ctx, ids)
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

// postsByID loads posts with their authors and terms in two queries.
func (s *Store) postsByID(ctx context.Context, ids []int64) (map[int64]*blog.Post, error) {
	out := make(map[int64]*blog.Post, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.query(ctx, `SELECT `+postColumns+postFrom+` WHERE p.id IN (`+placeholders(len(ids))+`)`, args...)
	list, err := collect(rows, err, scanPost)
	if err != nil {
		return nil, err
	}
	for _, p := range list {
		out[p.ID] = p
	}
	return out, s.loadTerms(ctx, list)
}

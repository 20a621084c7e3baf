package query

import (
	"context"

	"folio/internal/blog"
)

// SearchWindow is how many of a query's matches, the most recent, both
// stores rank by relevance: ranking every match of a common word costs
// time in proportion to the site, so past this many the rest follow,
// newest first, after the ranked ones.
const SearchWindow = 300

// Ranker returns a page of a query's matches from id from on (0: all of
// them), ranked best first; window holds those matches' ids, for a
// store that ranks them apart from its index's own matching.
type Ranker func(ctx context.Context, window []int64, from int64, limit, offset int) ([]int64, error)

// WindowedPage returns the ids of the page q asks for, from matches
// (every match's id newest first, at most blog.MaxSearchTotal: one scan
// of the index gives the count, the window and the older ones): the most
// recent SearchWindow ranked by rank, then the others newest first.
func WindowedPage(ctx context.Context, q blog.SearchQuery, matches []int64, rank Ranker) ([]int64, error) {
	if q.Offset >= len(matches) {
		return nil, nil
	}
	window := matches[:min(len(matches), SearchWindow)]
	var from int64
	if len(matches) > SearchWindow {
		from = window[len(window)-1]
	}
	var ids []int64
	if q.Offset < len(window) {
		var err error
		if ids, err = rank(ctx, window, from, min(q.Limit, len(window)-q.Offset), q.Offset); err != nil {
			return nil, err
		}
	}
	if rest := q.Limit - len(ids); rest > 0 && len(matches) > len(window) {
		older := matches[len(window)+max(0, q.Offset-len(window)):]
		ids = append(ids, older[:min(rest, len(older))]...)
	}
	return ids, nil
}

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

// SearchRanker is what a store's search gives WindowedPage: the id of
// the window's oldest match, a page of the window's matches from that id
// on ranked best first, and a page of the older matches newest first.
type SearchRanker struct {
	Oldest func(ctx context.Context) (int64, error)
	Ranked func(ctx context.Context, from int64, limit, offset int) ([]int64, error)
	Older  func(ctx context.Context, before int64, limit, offset int) ([]int64, error)
}

// WindowedPage returns the ids of the page q asks for, of total
// matches: the most recent SearchWindow ranked by relevance, then the
// others newest first.
func WindowedPage(ctx context.Context, q blog.SearchQuery, total int, r SearchRanker) ([]int64, error) {
	if total <= SearchWindow {
		return r.Ranked(ctx, 0, q.Limit, q.Offset)
	}
	oldest, err := r.Oldest(ctx)
	if err != nil {
		return nil, err
	}
	var ids []int64
	if q.Offset < SearchWindow {
		if ids, err = r.Ranked(ctx, oldest, min(q.Limit, SearchWindow-q.Offset), q.Offset); err != nil {
			return nil, err
		}
	}
	if rest := q.Limit - len(ids); rest > 0 {
		older, err := r.Older(ctx, oldest, rest, max(0, q.Offset-SearchWindow))
		if err != nil {
			return nil, err
		}
		ids = append(ids, older...)
	}
	return ids, nil
}

package blog

import (
	"context"
	"runtime"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Search limits: longer queries are cut, extra words dropped.
const (
	maxSearchLen   = 256
	maxSearchTerms = 12
)

// SearchTerm is one part of a parsed query: a word or a phrase, possibly
// a prefix (word*) or excluded (-word).
type SearchTerm struct {
	Text    string // words separated by single spaces; no operators
	Phrase  bool
	Prefix  bool
	Exclude bool
}

// SearchQuery is a parsed search with the page wanted.
type SearchQuery struct {
	Raw    string
	Terms  []SearchTerm
	Limit  int
	Offset int
}

// Empty reports whether the query has nothing to look for: no terms, or
// only exclusions.
func (q SearchQuery) Empty() bool {
	for _, t := range q.Terms {
		if !t.Exclude {
			return false
		}
	}
	return true
}

// MaxSearchTotal is the most hits a search counts; a query matching more
// reports this many, and its results end there.
const MaxSearchTotal = 1000

// SearchHit is one result: the post and an HTML snippet of the matching
// text, already escaped, with matches in <mark>.
type SearchHit struct {
	Post    *Post
	Snippet string
}

// Searcher finds posts and pages by their words. Stores keep their
// index in the same transaction as the posts it describes.
type Searcher interface {
	// Search returns one page of published hits ranked best first, and
	// the number of hits in all, counted up to MaxSearchTotal. q is never
	// Empty.
	Search(ctx context.Context, q SearchQuery) ([]SearchHit, int, error)
	// SearchAll returns the IDs of the items out of the trash (drafts,
	// scheduled and private ones too) that q matches, best first, up to
	// MaxSearchTotal, for the admin. q is never Empty.
	SearchAll(ctx context.Context, q SearchQuery) ([]int64, error)
}

// ParseSearch reads what a reader typed: words, "quoted phrases",
// prefix* and -exclusion. Anything else (unbalanced quotes, operators,
// punctuation, control characters) is read as plain words, so no input
// is an error.
func ParseSearch(raw string) SearchQuery {
	if !utf8.ValidString(raw) {
		raw = strings.ToValidUTF8(raw, " ")
	}
	raw = clean(raw)
	if len(raw) > maxSearchLen {
		raw = truncate(raw, maxSearchLen)
	}
	q := SearchQuery{Raw: strings.TrimSpace(raw)}
	rs := []rune(raw)
	for i := 0; i < len(rs) && len(q.Terms) < maxSearchTerms; {
		r := rs[i]
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			i++
			continue
		}
		exclude := false
		if r == '-' && i+1 < len(rs) && !unicode.IsSpace(rs[i+1]) {
			exclude = true
			i++
		}
		if i < len(rs) && rs[i] == '"' {
			if end := indexRune(rs, '"', i+1); end > 0 {
				if words := searchWords(string(rs[i+1 : end])); len(words) > 0 {
					q.Terms = append(q.Terms, SearchTerm{Text: strings.Join(words, " "), Phrase: len(words) > 1, Exclude: exclude})
				}
				i = end + 1
				continue
			}
			i++ // an unbalanced quote is ignored
			continue
		}
		start := i
		for i < len(rs) && !unicode.IsSpace(rs[i]) && rs[i] != '"' {
			i++
		}
		token := string(rs[start:i])
		prefix := strings.HasSuffix(token, "*")
		words := searchWords(token)
		for j, w := range words {
			if len(q.Terms) >= maxSearchTerms {
				break
			}
			// Only the last word of a token like "go-lang*" is a prefix,
			// and "-" excludes the first.
			q.Terms = append(q.Terms, SearchTerm{Text: w, Prefix: prefix && j == len(words)-1, Exclude: exclude && j == 0})
		}
	}
	return q
}

func indexRune(rs []rune, r rune, from int) int {
	for i := from; i < len(rs); i++ {
		if rs[i] == r {
			return i
		}
	}
	return -1
}

// searchWords splits s into runs of letters, digits and combining marks.
func searchWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
	})
}

// SearchResults is one page of search results.
type SearchResults struct {
	Query SearchQuery
	Hits  []SearchHit
	Total int
	Page  int
	Pages int
}

// searchPerPage is how many hits a results page shows.
const searchPerPage = 10

// searchesAtOnce bounds the searches that run together. Searches are
// the one public read that is not cached, and each costs milliseconds
// of database work: unbounded, a burst of them takes every connection
// of the store's read pool, and the pages a write has just dropped wait
// behind them to be rendered again. In a 256-connection soak on 1,000
// posts with one read in twenty a search, bounding them took pages' p99
// from 570 ms to 24 ms and replies' from 900 ms to 40 ms; searches past
// the bound queue here instead.
var searchesAtOnce = max(2, runtime.GOMAXPROCS(0)/2)

// Search runs a reader's query. An empty query returns no hits and no
// error.
func (s *Reading) Search(ctx context.Context, raw string, page int) (*SearchResults, error) {
	q := ParseSearch(raw)
	res := &SearchResults{Query: q, Page: max(page, 1), Pages: 1}
	if q.Empty() {
		return res, nil
	}
	q.Limit, q.Offset = searchPerPage, (res.Page-1)*searchPerPage
	select {
	case s.searching <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	hits, total, err := s.search.Search(ctx, q)
	<-s.searching
	if err != nil {
		return nil, err
	}
	st := s.current()
	for _, h := range hits {
		s.decorateWith(st, h.Post)
	}
	res.Hits, res.Total = hits, total
	res.Pages = max(1, (total+searchPerPage-1)/searchPerPage)
	return res, nil
}

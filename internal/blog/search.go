package blog

import (
	"context"
	"html"
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
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !wordRune(r) })
}

// wordRune reports whether r belongs to a word: a letter, a digit or a
// combining mark. ASCII, most of most text, is told without the Unicode
// tables.
func wordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
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

// snippetWords is how many words a search snippet shows.
const snippetWords = 24

// Snippet returns the passage of text that shows q best: the
// snippetWords words with the most of its terms, each marked, as HTML
// (escaped, with <mark> around the matches and … where text is left
// out). A word matches a term's word when it is the same, starts with
// it (a prefix term, or a longer form of a word of four letters or
// more, as the search index's stemming finds), case aside.
func Snippet(text string, q SearchQuery) string {
	var want []string
	for _, t := range q.Terms {
		if !t.Exclude {
			for _, w := range searchWords(t.Text) {
				if t.Prefix {
					w += "*"
				}
				want = append(want, foldWord(w))
			}
		}
	}
	type word struct {
		start, end int
		hit        bool
	}
	var words []word
	start := -1
	for i, r := range text {
		inWord := wordRune(r)
		switch {
		case inWord && start < 0:
			start = i
		case !inWord && start >= 0:
			words = append(words, word{start: start, end: i, hit: matchesAny(foldWord(text[start:i]), want)})
			start = -1
		}
	}
	if start >= 0 {
		words = append(words, word{start: start, end: len(text), hit: matchesAny(foldWord(text[start:]), want)})
	}
	if len(words) == 0 {
		return ""
	}
	// The window with the most hits, the earliest of equals.
	best, bestHits, hits := 0, -1, 0
	for i := range words {
		if words[i].hit {
			hits++
		}
		if i >= snippetWords && words[i-snippetWords].hit {
			hits--
		}
		if from := max(0, i-snippetWords+1); hits > bestHits && (i >= snippetWords-1 || i == len(words)-1) {
			best, bestHits = from, hits
		}
	}
	// Centre the window's matches in it.
	first, lastHit := -1, -1
	for i := best; i < min(best+snippetWords, len(words)); i++ {
		if words[i].hit {
			if first < 0 {
				first = i
			}
			lastHit = i
		}
	}
	if first >= 0 {
		best = max(0, min(first-(snippetWords-(lastHit-first+1))/2, len(words)-snippetWords))
	}
	last := min(best+snippetWords, len(words)) - 1
	var b strings.Builder
	if best > 0 {
		b.WriteString("…")
	}
	pos := words[best].start
	for _, w := range words[best : last+1] {
		b.WriteString(html.EscapeString(text[pos:w.start]))
		if w.hit {
			b.WriteString("<mark>" + html.EscapeString(text[w.start:w.end]) + "</mark>")
		} else {
			b.WriteString(html.EscapeString(text[w.start:w.end]))
		}
		pos = w.end
	}
	if last < len(words)-1 {
		b.WriteString("…")
	} else {
		b.WriteString(html.EscapeString(strings.TrimRight(text[pos:], " \t\n")))
	}
	return b.String()
}

// foldWord lower-cases a word and drops combining marks; a word of
// lower-case ASCII letters and digits is its own fold.
func foldWord(w string) string {
	for i := 0; i < len(w); i++ {
		if c := w[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			return foldRunes(w)
		}
	}
	return w
}

func foldRunes(w string) string {
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) {
			return -1
		}
		return unicode.ToLower(r)
	}, w)
}

// matchesAny reports whether word matches one of the wanted words (a
// trailing * marks a prefix).
func matchesAny(word string, want []string) bool {
	for _, w := range want {
		if p, ok := strings.CutSuffix(w, "*"); ok {
			if strings.HasPrefix(word, p) {
				return true
			}
			continue
		}
		if word == w || (len(w) >= 4 && strings.HasPrefix(word, w) && len(word)-len(w) <= 3) {
			return true
		}
	}
	return false
}

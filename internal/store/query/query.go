// Package query holds the SQL both stores run alike: column lists, row
// scanners, filter builders, and the store parts whose statements are
// the same in SQLite and PostgreSQL. Statements are written with ?
// placeholders; a store whose driver numbers them ($1, $2, …) rewrites
// them with Rebind. What differs between the dialects — a handful of
// functions and operators, the search index, row locks — comes from the
// store through Dialect and DB. Each store keeps its own dialect's SQL
// and its migrations.
package query

import (
	"context"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"folio/internal/blog"
)

// Scanner reads one row.
type Scanner interface{ Scan(dest ...any) error }

// DB is a store's connection, or one of its transactions, as the shared
// queries use it.
type DB interface {
	// Exec runs a writing statement and returns how many rows it changed.
	Exec(ctx context.Context, q string, args ...any) (int64, error)
	// Each runs a query and calls fn with each row in order, stopping at
	// the first error.
	Each(ctx context.Context, fn func(Scanner) error, q string, args ...any) error
	// QueryRow runs a query expected to return one row.
	QueryRow(ctx context.Context, q string, args ...any) Scanner
	// ExecRow runs a writing statement that returns one row (INSERT …
	// RETURNING).
	ExecRow(ctx context.Context, q string, args ...any) Scanner
	// Lock returns the clause that locks the rows of the table alias a
	// query reads inside a transaction, so a transaction of another
	// process waits for this one ("" where a store has one writer).
	// skipLocked passes over rows another transaction holds instead.
	Lock(alias string, skipLocked bool) string
}

// Dialect is what the shared statements need to know of a store's SQL.
type Dialect struct {
	// Like is the case-insensitive LIKE operator: LIKE or ILIKE.
	Like string
	// Greatest names the function of the larger of two values.
	Greatest string
	// SameText returns the condition that column equals the bound text,
	// written so the store's index on the column's prefix or hash is
	// used.
	SameText func(a *Args, column, text string) string
	// Reindex brings the search index of the posts matching cond (over
	// posts p) up to date, in the caller's transaction.
	Reindex func(ctx context.Context, db DB, cond string, args ...any) error
	// Unindex drops a deleted post from the search index.
	Unindex func(ctx context.Context, db DB, postID int64) error
	// ChangeMark is the column of the changes table that orders the
	// feed for ChangedSince, MarkValue the placeholder of a mark to
	// store in change_marks, and After the condition, following a mark
	// column, that keeps the marks after the bound one.
	// Position is the expression of the feed's position now.
	ChangeMark, MarkValue, After, Position string
	// MapErr turns driver errors with a domain meaning (no rows, unique
	// violations) into blog's errors.
	MapErr func(error) error
}

// Tables implements the store parts both stores write alike, over one DB.
type Tables struct {
	db DB
	d  *Dialect
	// slot is the row of post_reply_counts this transaction's counts
	// go to: every count of one transaction lands in one row, so two
	// transactions never wait on each other in crossed order.
	slot int
}

// New returns the shared parts over db, counting replies in a slot
// picked at random.
func New(db DB, d *Dialect) Tables { return Tables{db: db, d: d, slot: rand.IntN(CountSlots)} }

// InSlot returns t counting replies in slot n (modulo CountSlots): a
// writer that runs transactions one after another keeps its own slot,
// so concurrent writers never queue on one another's count rows.
func (t Tables) InSlot(n int) Tables {
	t.slot = n % CountSlots
	return t
}

// Args collects a query's arguments.
type Args []any

// Add appends v and returns its placeholder.
func (a *Args) Add(v any) string {
	*a = append(*a, v)
	return "?"
}

// In appends vs and returns the condition "is one of vs".
func In[T any](a *Args, vs []T) string {
	if len(vs) == 1 {
		return " = " + a.Add(vs[0])
	}
	var b strings.Builder
	b.WriteString(" IN (")
	for i, v := range vs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.Add(v))
	}
	b.WriteString(")")
	return b.String()
}

// Strings converts string-kinded values for drivers that take only
// plain strings.
func Strings[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// Placeholders returns n comma-separated placeholders.
func Placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// Rebind rewrites a statement's ? placeholders as $1, $2, …, leaving
// quoted strings and identifiers alone.
func Rebind(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// Rows is what both drivers' result sets offer for reading them in order.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// EachRow calls fn with each row of rows, stopping at the first error;
// the caller closes rows.
func EachRow[R Rows](rows R, fn func(Scanner) error) error {
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Collect runs a query and scans every row with scan.
func Collect[T any](ctx context.Context, db DB, scan func(Scanner) (T, error), q string, args ...any) ([]T, error) {
	var out []T
	err := db.Each(ctx, func(sc Scanner) error {
		v, err := scan(sc)
		if err == nil {
			out = append(out, v)
		}
		return err
	}, q, args...)
	return out, err
}

// CollectMap runs a query of keys and values and returns them as a map.
func CollectMap[K comparable, V any](ctx context.Context, db DB, q string, args ...any) (map[K]V, error) {
	out := map[K]V{}
	err := db.Each(ctx, func(sc Scanner) error {
		var k K
		var v V
		if err := sc.Scan(&k, &v); err != nil {
			return err
		}
		out[k] = v
		return nil
	}, q, args...)
	return out, err
}

// ScanID reads a one-column row of an ID.
func ScanID(sc Scanner) (int64, error) {
	var id int64
	err := sc.Scan(&id)
	return id, err
}

// ScanText reads a row of one text column.
func ScanText(sc Scanner) (string, error) {
	var s string
	err := sc.Scan(&s)
	return s, err
}

// expectOne turns "no row changed" into the dialect's not-found error.
func (t Tables) expectOne(n int64, err error) error {
	if err != nil {
		return t.d.MapErr(err)
	}
	if n == 0 {
		return blog.ErrNotFound
	}
	return nil
}

// insert runs an INSERT and returns the new row's id.
func (t Tables) insert(ctx context.Context, q string, args ...any) (int64, error) {
	var id int64
	err := t.db.ExecRow(ctx, q+` RETURNING id`, args...).Scan(&id)
	return id, t.d.MapErr(err)
}

// Unix is how the stores keep times: seconds since 1970, 0 for none.
func Unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// FromUnix reads a stored time.
func FromUnix(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(n, 0).UTC()
}

// nullID is a reference that may be absent: NULL for 0.
func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// likeEscaper escapes what LIKE reads as wildcards, for ESCAPE '\'.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// contains returns the LIKE pattern of text anywhere.
func contains(text string) string { return "%" + likeEscaper.Replace(text) + "%" }

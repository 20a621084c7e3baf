package archive

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// ErrNotEmpty is returned when the target of a copy or restore already
// holds a site and replacing it was not asked for.
var ErrNotEmpty = errors.New("the target database already holds a site")

// batch is how many rows go to Insert at once, and batchBytes how many
// bytes of files at most (a library's originals are large).
const (
	batch      = 500
	batchBytes = 32 << 20
)

// loader inserts one table's rows in batches, summing them; a table
// with a Parent column is held until the end and loaded parents first.
// Rows arrive in the shape of in (the table as its source holds it) and
// are summed so; columns t has and in lacks are loaded as their zero.
type loader struct {
	ctx  context.Context
	w    Writer
	t    Table
	in   Table
	sum  *summer
	rows [][]any
	size int // bytes of files in rows
}

func newLoader(ctx context.Context, w Writer, t, in Table) *loader {
	return &loader{ctx: ctx, w: w, t: t, in: in, sum: newSummer(t.Name)}
}

func (l *loader) add(row []any) error {
	n, err := normalizeRow(l.in, row)
	if err != nil {
		return err
	}
	l.sum.add(n)
	if len(l.in.Columns) < len(l.t.Columns) {
		full := make([]any, 0, len(l.t.Columns))
		for i, j := 0, 0; i < len(l.t.Columns); i++ {
			if j < len(l.in.Columns) && l.in.Columns[j].Name == l.t.Columns[i].Name {
				full = append(full, n[j])
				j++
			} else {
				full = append(full, l.t.Columns[i].zero())
			}
		}
		n = full
	}
	l.rows = append(l.rows, n)
	for _, v := range n {
		if b, ok := v.([]byte); ok {
			l.size += len(b)
		}
	}
	if (len(l.rows) >= batch || l.size >= batchBytes) && l.t.Parent == "" {
		return l.flush()
	}
	return nil
}

func (l *loader) flush() error {
	if len(l.rows) == 0 {
		return nil
	}
	rows := l.rows
	if l.t.Parent != "" {
		rows = parentsFirst(l.t, rows)
	}
	if err := l.w.Insert(l.ctx, l.t, rows); err != nil {
		return fmt.Errorf("load %s: %w", l.t.Name, err)
	}
	l.rows, l.size = l.rows[:0], 0
	return nil
}

// parentsFirst orders rows so that each row's parent (by the first
// column, the ID) comes before it. Rows whose parent is missing keep
// their place after every row that has one.
func parentsFirst(t Table, rows [][]any) [][]any {
	pcol := -1
	for i, c := range t.Columns {
		if c.Name == t.Parent {
			pcol = i
		}
	}
	byID := make(map[any][]any, len(rows))
	for _, r := range rows {
		byID[r[0]] = r
	}
	out := make([][]any, 0, len(rows))
	done := make(map[any]bool, len(rows))
	var visit func(r []any, depth int)
	visit = func(r []any, depth int) {
		if done[r[0]] || depth > len(rows) { // depth guards against cycles
			return
		}
		if p, ok := byID[r[pcol]]; ok && r[pcol] != nil {
			visit(p, depth+1)
		}
		if !done[r[0]] {
			done[r[0]] = true
			out = append(out, r)
		}
	}
	for _, r := range rows {
		visit(r, 0)
	}
	return out
}

// Copy loads every table of src, read in one snapshot while it keeps
// serving, into dst in one transaction, then reads dst back and checks
// its sums equal src's. It refuses a dst that holds a site unless
// replace is set, in which case dst's rows are deleted first.
func Copy(ctx context.Context, src Source, dst Target, replace bool) ([]Sum, error) {
	if err := checkEmpty(ctx, dst, replace); err != nil {
		return nil, err
	}
	var sums []Sum
	err := src.Snapshot(ctx, func(r Reader) error {
		return dst.Load(ctx, replace, func(w Writer) error {
			for _, t := range tables {
				l := newLoader(ctx, w, t, t)
				if err := r.Rows(ctx, t, l.add); err != nil {
					return fmt.Errorf("copy %s: %w", t.Name, err)
				}
				if err := l.flush(); err != nil {
					return err
				}
				sums = append(sums, l.sum.sum())
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return sums, verify(ctx, dst, sums, Format)
}

func checkEmpty(ctx context.Context, dst Target, replace bool) error {
	if replace {
		return nil
	}
	empty, err := dst.Empty(ctx)
	if err != nil {
		return err
	}
	if !empty {
		return ErrNotEmpty
	}
	return nil
}

// verify reads a loaded store back and compares its sums with want,
// made over the columns an archive of format holds.
func verify(ctx context.Context, dst Target, want []Sum, format int) error {
	src, ok := dst.(Source)
	if !ok {
		return nil
	}
	got, err := sumsIn(ctx, src, format)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	for i := range want {
		if got[i] != want[i] {
			return fmt.Errorf("verify: table %s has %d rows (sha256 %.12s), want %d (sha256 %.12s)",
				want[i].Table, got[i].Rows, got[i].SHA256, want[i].Rows, want[i].SHA256)
		}
	}
	return nil
}

// Format is the version of the archive file format: 2 added the table
// post_addresses, 3 the media library, 4 the sources of revisions, 5
// deactivated users, 6 autosaves, 7 second factors, 8 the order of
// pages, 9 access tokens, 10 webmentions, 11 the fediverse, 12 the
// languages of writers and posts, 13 the reply counts' slots.
const Format = 13

type header struct {
	Archive   int       `json:"folio_archive"`
	CreatedAt time.Time `json:"created_at"`
}

type tableStart struct {
	Table   string   `json:"table"`
	Columns []string `json:"columns"`
}

type tableEnd struct {
	End    string `json:"end"`
	Rows   int    `json:"rows"`
	SHA256 string `json:"sha256"`
}

type trailer struct {
	Done bool `json:"done"`
}

// Write writes every table of src, read in one snapshot, as a
// gzip-compressed archive: a header line, then per table a line naming
// its columns, one JSON array per row and a line with its count and
// SHA-256, then a closing line. It returns the tables' sums.
func Write(ctx context.Context, src Source, now time.Time, out io.Writer) ([]Sum, error) {
	zw := gzip.NewWriter(out)
	bw := bufio.NewWriterSize(zw, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(header{Archive: Format, CreatedAt: now.UTC()}); err != nil {
		return nil, err
	}
	var sums []Sum
	err := src.Snapshot(ctx, func(r Reader) error {
		for _, t := range tables {
			if err := enc.Encode(tableStart{Table: t.Name, Columns: t.Names()}); err != nil {
				return err
			}
			sum, err := readTable(ctx, r, t, func(row []any) error { return enc.Encode(row) })
			if err != nil {
				return err
			}
			sums = append(sums, sum)
			if err := enc.Encode(tableEnd{End: t.Name, Rows: sum.Rows, SHA256: sum.SHA256}); err != nil {
				return err
			}
		}
		return enc.Encode(trailer{Done: true})
	})
	if err != nil {
		return nil, err
	}
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	return sums, zw.Close()
}

// Read loads an archive written by Write into dst in one transaction,
// checking every table's count and SHA-256 on the way; a damaged or
// truncated archive changes nothing. It refuses a dst that holds a site
// unless replace is set.
func Read(ctx context.Context, in io.Reader, dst Target, replace bool) ([]Sum, error) {
	if err := checkEmpty(ctx, dst, replace); err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(in)
	if err != nil {
		return nil, fmt.Errorf("not a folio archive: %w", err)
	}
	dec := json.NewDecoder(zr)
	dec.UseNumber()
	var h header
	if err := dec.Decode(&h); err != nil || h.Archive == 0 {
		return nil, fmt.Errorf("not a folio archive (no header)")
	}
	if h.Archive > Format {
		return nil, fmt.Errorf("the archive has format %d; this folio reads up to %d: upgrade folio", h.Archive, Format)
	}
	var sums []Sum
	err = dst.Load(ctx, replace, func(w Writer) error {
		for _, t := range tables {
			if t.Since > h.Archive {
				// The archive is older than the table: it restores empty.
				sums = append(sums, newSummer(t.Name).sum())
				continue
			}
			sum, err := restoreTable(ctx, dec, w, t, t.in(h.Archive))
			if err != nil {
				return err
			}
			sums = append(sums, sum)
		}
		var end trailer
		if err := dec.Decode(&end); err != nil || !end.Done {
			return errors.New("the archive is truncated: no closing line")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return sums, verify(ctx, dst, sums, h.Archive)
}

func restoreTable(ctx context.Context, dec *json.Decoder, w Writer, t, in Table) (Sum, error) {
	var start tableStart
	if err := dec.Decode(&start); err != nil || start.Table != t.Name {
		return Sum{}, fmt.Errorf("the archive is damaged or from another folio version: expected table %s", t.Name)
	}
	if fmt.Sprint(start.Columns) != fmt.Sprint(in.Names()) {
		return Sum{}, fmt.Errorf("the archive's table %s has columns %v; this folio reads %v from an archive of its format", t.Name, start.Columns, in.Names())
	}
	l := newLoader(ctx, w, t, in)
	for {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return Sum{}, fmt.Errorf("the archive is truncated in table %s: %w", t.Name, err)
		}
		if len(raw) > 0 && raw[0] == '[' {
			var row []any
			d := json.NewDecoder(bytes.NewReader(raw))
			d.UseNumber()
			if err := d.Decode(&row); err != nil {
				return Sum{}, fmt.Errorf("table %s: %w", t.Name, err)
			}
			if err := l.add(row); err != nil {
				return Sum{}, err
			}
			continue
		}
		var end tableEnd
		if err := json.Unmarshal(raw, &end); err != nil || end.End != t.Name {
			return Sum{}, fmt.Errorf("the archive is damaged in table %s", t.Name)
		}
		if err := l.flush(); err != nil {
			return Sum{}, err
		}
		got := l.sum.sum()
		if got.Rows != end.Rows || got.SHA256 != end.SHA256 {
			return Sum{}, fmt.Errorf("the archive is damaged: table %s has %d rows (sha256 %.12s), its record says %d (%.12s)",
				t.Name, got.Rows, got.SHA256, end.Rows, end.SHA256)
		}
		return got, nil
	}
}

// Package archive moves a whole folio site between stores: table by
// table, row by row, keeping every ID, so addresses, threads and import
// keys stay valid. It copies one store into another, writes a store to a
// portable archive file (the backup format, readable by either store),
// restores an archive, and sums each table (row count and SHA-256 of its
// rows in key order) so a copy can be verified.
//
// The stores hold the same tables with the same columns; what differs
// (SQLite's 0/1 against PostgreSQL's booleans, derived search indexes,
// identity sequences) is each store's business, through Source and
// Target.
package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"slices"
	"strconv"
)

// Kind is the type of a column's values.
type Kind int

// The column kinds.
const (
	Int     Kind = iota // int64
	Text                // string
	Bool                // bool
	NullInt             // int64, or nil for NULL
	Bytes               // []byte, base64 in archive files
)

// Column is one column of a table.
type Column struct {
	Name string
	Kind Kind
	// Since is the archive format that added the column; an older
	// archive restores it with the kind's zero value.
	Since int
}

// zero is what a column an archive lacks restores as.
func (c Column) zero() any {
	switch c.Kind {
	case Int:
		return int64(0)
	case Text:
		return ""
	case Bool:
		return false
	case Bytes:
		return []byte{}
	}
	return nil
}

// Table is a table a site's data lives in, with its columns in archive
// order.
type Table struct {
	Name    string
	OrderBy string // the key rows are read in, so sums are comparable
	Columns []Column
	// Parent names a column referring to another row of the same table;
	// rows are loaded parents first.
	Parent string
	// Since is the archive format that added the table; an older
	// archive restores it empty.
	Since int
}

// in returns t as an archive of the given format holds it: without the
// columns added since.
func (t Table) in(format int) Table {
	out := t
	out.Columns = nil
	for _, c := range t.Columns {
		if c.Since <= format {
			out.Columns = append(out.Columns, c)
		}
	}
	return out
}

// Names returns the column names.
func (t Table) Names() []string {
	out := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		out[i] = c.Name
	}
	return out
}

func cols(kind Kind, names ...string) []Column {
	out := make([]Column, len(names))
	for i, n := range names {
		out[i] = Column{Name: n, Kind: kind}
	}
	return out
}

// since marks columns as added in the given archive format.
func since(format int, cs []Column) []Column {
	for i := range cs {
		cs[i].Since = format
	}
	return cs
}

func join(parts ...[]Column) []Column {
	var out []Column
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// Tables lists a site's tables in an order that loads referenced rows
// before the rows referring to them. Derived data (search indexes) is
// left out: the target rebuilds it.
func Tables() []Table { return slices.Clone(tables) }

var tables = []Table{
	{Name: "settings", OrderBy: "key", Columns: cols(Text, "key", "value")},
	{Name: "users", OrderBy: "id", Columns: join(cols(Int, "id"),
		cols(Text, "name", "slug", "email", "role", "password_hash", "bio"), cols(Int, "created_at"), since(5, cols(Int, "disabled_at")), since(12, cols(Text, "language")))},
	{Name: "sessions", OrderBy: "token_hash", Columns: join(cols(Text, "token_hash"), cols(Int, "user_id", "created_at", "expires_at"))},
	{Name: "terms", OrderBy: "id", Parent: "parent_id", Columns: join(cols(Int, "id"),
		cols(Text, "kind", "name", "slug", "description"), cols(NullInt, "parent_id"))},
	{Name: "posts", OrderBy: "id", Columns: join(cols(Int, "id"),
		cols(Text, "kind", "status", "title", "slug", "body", "body_html", "excerpt_html", "summary", "body_text", "lede",
			"source_url", "source_title", "source_site"),
		cols(Int, "author_id", "published_at", "created_at", "updated_at", "trashed_at"),
		cols(Bool, "comments_open"), cols(Int, "comment_count", "parent_id"), cols(Bool, "sticky"), since(8, cols(Int, "menu_order")), since(12, cols(Text, "language")))},
	{Name: "post_reply_counts", OrderBy: "post_id, slot", Columns: cols(Int, "post_id", "slot", "n"), Since: 13},
	{Name: "post_terms", OrderBy: "post_id, term_id", Columns: cols(Int, "post_id", "term_id", "position")},
	{Name: "revisions", OrderBy: "id", Columns: join(cols(Int, "id", "post_id"),
		cols(Text, "title", "lede", "body"), cols(Int, "author_id", "created_at"),
		since(4, cols(Text, "source_url", "source_title", "source_site")))},
	{Name: "comments", OrderBy: "id", Columns: join(cols(Int, "id", "post_id", "parent_id", "depth"),
		cols(Text, "kind", "status", "prev_status", "author_name", "author_email", "author_url"), cols(Int, "user_id"),
		cols(Text, "ip", "user_agent", "body", "body_html"), cols(Bool, "notify"),
		cols(Int, "created_at", "updated_at", "status_at"), since(10, cols(Text, "source_url")), since(11, cols(Text, "author_photo")))},
	{Name: "outbox", OrderBy: "id", Columns: join(cols(Int, "id"), cols(Text, "to_addr", "subject", "body"),
		cols(Int, "attempts", "next_attempt_at"), cols(Text, "last_error"), cols(Int, "created_at"))},
	{Name: "import_keys", OrderBy: "source, kind, key", Columns: join(cols(Text, "source", "kind", "key"), cols(Int, "local_id"))},
	{Name: "redirects", OrderBy: "from_path", Columns: join(cols(Text, "from_path", "to_path"), cols(Int, "created_at"))},
	{Name: "post_addresses", OrderBy: "path", Columns: join(cols(Text, "path"), cols(Int, "post_id", "created_at")), Since: 2},
	{Name: "media", OrderBy: "id", Columns: join(cols(Int, "id"), cols(Text, "key", "name", "file_name", "type", "copy_type"),
		cols(Int, "width", "height", "orientation", "size"), cols(Text, "alt", "caption"),
		cols(Int, "uploader_id", "created_at", "updated_at")), Since: 3},
	{Name: "media_originals", OrderBy: "media_id", Columns: join(cols(Int, "media_id"), cols(Bytes, "data")), Since: 3},
	{Name: "post_media", OrderBy: "post_id, media_id", Columns: join(cols(Int, "post_id", "media_id"), cols(Bool, "featured")), Since: 3},
	{Name: "autosaves", OrderBy: "post_id, user_id", Columns: join(cols(Int, "post_id", "user_id"),
		cols(Text, "title", "lede", "body", "source_url", "source_title", "source_site"), cols(Int, "saved_at")), Since: 6},
	{Name: "totp_secrets", OrderBy: "user_id", Columns: join(cols(Int, "user_id"), cols(Text, "secret"), cols(Int, "enabled_at", "last_step")), Since: 7},
	{Name: "recovery_codes", OrderBy: "user_id, code_hash", Columns: join(cols(Int, "user_id"), cols(Text, "code_hash"), cols(Int, "used_at")), Since: 7},
	{Name: "passkeys", OrderBy: "id", Columns: join(cols(Text, "id"), cols(Int, "user_id"), cols(Text, "name", "credential"),
		cols(Int, "created_at", "used_at")), Since: 7},
	{Name: "tokens", OrderBy: "id", Columns: join(cols(Int, "id", "user_id"), cols(Text, "name", "scopes", "client_id", "token_hash"),
		cols(Int, "created_at", "used_at", "expires_at")), Since: 9},
	{Name: "webmentions", OrderBy: "id", Columns: join(cols(Int, "id"), cols(Text, "source", "target"), cols(Int, "post_id"), cols(Text, "kind"),
		cols(Int, "comment_id"), cols(Text, "author_name", "author_url", "author_photo"), cols(Int, "received_at", "verified_at", "attempts", "next_at"),
		cols(Text, "last_error")), Since: 10},
	{Name: "post_links", OrderBy: "post_id, target", Columns: join(cols(Int, "post_id"), cols(Text, "target"),
		cols(Int, "removed", "attempts", "next_at", "sent_at"), cols(Text, "last_error")), Since: 10},
	{Name: "actor_keys", OrderBy: "user_id", Columns: join(cols(Int, "user_id"), cols(Text, "private_pem", "public_pem"), cols(Int, "created_at")), Since: 11},
	{Name: "remote_actors", OrderBy: "iri", Columns: join(cols(Text, "iri", "key_id", "public_pem", "inbox", "shared_inbox", "name", "handle",
		"url", "icon", "host"), cols(Int, "fetched_at")), Since: 11},
	{Name: "followers", OrderBy: "id", Columns: join(cols(Int, "id", "user_id"), cols(Text, "actor", "follow_id", "status"), cols(Int, "created_at")), Since: 11},
	{Name: "federation_blocks", OrderBy: "value", Columns: join(cols(Text, "value"), cols(Int, "created_at")), Since: 11},
	{Name: "federated_posts", OrderBy: "post_id", Columns: join(cols(Int, "post_id", "user_id"), cols(Text, "state")), Since: 11},
	{Name: "deliveries", OrderBy: "id", Columns: join(cols(Int, "id", "user_id"), cols(Text, "inbox", "host", "activity"),
		cols(Int, "attempts", "next_at"), cols(Text, "last_error"), cols(Int, "gave_up", "created_at")), Since: 11},
	{Name: "remote_replies", OrderBy: "comment_id", Columns: join(cols(Int, "comment_id"), cols(Text, "object_id", "actor", "host")), Since: 11},
	{Name: "avatars", OrderBy: "key", Columns: join(cols(Text, "key"), cols(Bytes, "data"), cols(Int, "fetched_at")), Since: 11},
	{Name: "remote_mentions", OrderBy: "id", Columns: join(cols(Int, "id", "user_id"), cols(Text, "object_id", "actor", "author_name", "author_url",
		"url", "content"), cols(Int, "received_at")), Since: 11},
}

// Derived is what the stores keep beside the archived tables, derived
// from them or fleeting, and drop with them when a site is replaced: the
// library's copies (made again from the originals), who has a post
// open in the editor, and sign-in ceremonies under way.
var Derived = []string{"media_copies", "post_editors", "auth_challenges"}

// Reader reads tables from a consistent snapshot of a store.
type Reader interface {
	// Rows calls fn with each row of t in t.OrderBy order, values in
	// t.Columns order as the driver returns them.
	Rows(ctx context.Context, t Table, fn func(row []any) error) error
}

// Source is a store that can be read whole at one moment, while it keeps
// serving writes.
type Source interface {
	Snapshot(ctx context.Context, fn func(Reader) error) error
}

// Writer inserts rows into a store being loaded.
type Writer interface {
	// Insert adds rows (normalized values in t.Columns order) to t.
	Insert(ctx context.Context, t Table, rows [][]any) error
}

// Target is a store that can be loaded whole, in one transaction.
type Target interface {
	// Empty reports whether the store holds no site yet: no users, posts
	// or replies.
	Empty(ctx context.Context) (bool, error)
	// Load runs fn in one transaction, after deleting every row when
	// replace is set, and then rebuilds what the store derives from the
	// rows (search indexes, ID sequences).
	Load(ctx context.Context, replace bool, fn func(Writer) error) error
}

// Sum is a table's row count and the SHA-256 of its rows in key order.
type Sum struct {
	Table  string `json:"table"`
	Rows   int    `json:"rows"`
	SHA256 string `json:"sha256"`
}

// summer accumulates a Sum.
type summer struct {
	table string
	n     int
	h     hash.Hash
}

func newSummer(table string) *summer { return &summer{table: table, h: sha256.New()} }

func (s *summer) add(row []any) {
	b, _ := json.Marshal(row) // normalized values always marshal
	s.h.Write(b)
	s.h.Write([]byte{'\n'})
	s.n++
}

func (s *summer) sum() Sum {
	return Sum{Table: s.table, Rows: s.n, SHA256: hex.EncodeToString(s.h.Sum(nil))}
}

// normalize converts a driver's value for a column into the archive's
// form: int64, string, bool, []byte or nil.
func normalize(c Column, v any) (any, error) {
	if v == nil {
		if c.Kind == NullInt {
			return nil, nil
		}
		return nil, fmt.Errorf("column %s: NULL", c.Name)
	}
	switch c.Kind {
	case Int, NullInt:
		switch n := v.(type) {
		case int64:
			return n, nil
		case int32:
			return int64(n), nil
		case int:
			return int64(n), nil
		case json.Number:
			return n.Int64()
		case float64:
			if n == float64(int64(n)) {
				return int64(n), nil
			}
		}
	case Text:
		switch s := v.(type) {
		case string:
			return s, nil
		case []byte:
			return string(s), nil
		}
	case Bytes:
		switch b := v.(type) {
		case []byte:
			return bytes.Clone(b), nil
		case string:
			return base64.StdEncoding.DecodeString(b)
		}
	case Bool:
		switch b := v.(type) {
		case bool:
			return b, nil
		case int64:
			return b != 0, nil
		case json.Number:
			n, err := strconv.ParseInt(string(b), 10, 64)
			return n != 0, err
		}
	}
	return nil, fmt.Errorf("column %s: unexpected value %T", c.Name, v)
}

func normalizeRow(t Table, row []any) ([]any, error) {
	if len(row) != len(t.Columns) {
		return nil, fmt.Errorf("table %s: %d values for %d columns", t.Name, len(row), len(t.Columns))
	}
	out := make([]any, len(row))
	for i, c := range t.Columns {
		v, err := normalize(c, row[i])
		if err != nil {
			return nil, fmt.Errorf("table %s: %w", t.Name, err)
		}
		out[i] = v
	}
	return out, nil
}

// readTable reads every row of t, normalized, sums them and hands each to
// each (when not nil).
func readTable(ctx context.Context, r Reader, t Table, each func(row []any) error) (Sum, error) {
	s := newSummer(t.Name)
	err := r.Rows(ctx, t, func(row []any) error {
		n, err := normalizeRow(t, row)
		if err != nil {
			return err
		}
		s.add(n)
		if each != nil {
			return each(n)
		}
		return nil
	})
	if err != nil {
		return Sum{}, fmt.Errorf("read %s: %w", t.Name, err)
	}
	return s.sum(), nil
}

// Sums reads every table of src in one snapshot and sums it.
func Sums(ctx context.Context, src Source) ([]Sum, error) { return sumsIn(ctx, src, Format) }

// sumsIn sums the tables of src as an archive of format holds them: the
// tables and columns it has, the others empty.
func sumsIn(ctx context.Context, src Source, format int) ([]Sum, error) {
	var sums []Sum
	err := src.Snapshot(ctx, func(r Reader) error {
		for _, t := range tables {
			if t.Since > format {
				sums = append(sums, newSummer(t.Name).sum())
				continue
			}
			sum, err := readTable(ctx, r, t.in(format), nil)
			if err != nil {
				return err
			}
			sums = append(sums, sum)
		}
		return nil
	})
	return sums, err
}

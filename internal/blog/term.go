package blog

// TermKind tells tags from categories.
type TermKind string

// The kinds of term.
const (
	TermTag      TermKind = "tag"
	TermCategory TermKind = "category"
)

// Term is a tag or a category. Count is the number of published posts
// carrying it where the store computes it (listings of terms), else 0.
type Term struct {
	ID          int64
	Kind        TermKind
	Name        string
	Slug        string
	Description string
	ParentID    int64
	Count       int
}

// Path returns the public URL path of the term's archive.
func (t Term) Path() string { return "/" + string(t.Kind) + "/" + t.Slug + "/" }

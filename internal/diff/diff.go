// Package diff compares two versions of a text word by word, for people
// reading what a change took out and put in: the Myers difference of
// sergi/go-diff over words, spaces and punctuation rather than
// characters, tidied so that changes read as whole phrases.
package diff

import (
	"html"
	"html/template"
	"regexp"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Op says what a part of a comparison is.
type Op int

// The parts of a comparison.
const (
	Same Op = iota
	Deleted
	Inserted
)

// Part is a run of text the two versions share, or one took out or put
// in.
type Part struct {
	Op   Op
	Text string
}

// tokenRe splits text into words, runs of space and single other
// characters.
var tokenRe = regexp.MustCompile(`[\p{L}\p{N}\p{M}_'’-]+|\s+|.`)

// firstToken is the rune standing for the first distinct token; tokens
// are numbered from there, in a range no text needs.
const firstToken = 0x10000

// Words compares a with b and returns the parts that make both: Same
// and Deleted give a, Same and Inserted give b.
func Words(a, b string) []Part {
	ids := map[string]rune{}
	var tokens []string
	encode := func(s string) []rune {
		var out []rune
		for _, t := range tokenRe.FindAllString(s, -1) {
			id, ok := ids[t]
			if !ok {
				id = rune(firstToken + len(tokens))
				ids[t] = id
				tokens = append(tokens, t)
			}
			out = append(out, id)
		}
		return out
	}
	ra, rb := encode(a), encode(b)
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0
	diffs := dmp.DiffCleanupSemantic(dmp.DiffMainRunes(ra, rb, false))
	parts := make([]Part, 0, len(diffs))
	for _, d := range diffs {
		var text strings.Builder
		for _, r := range d.Text {
			text.WriteString(tokens[r-firstToken])
		}
		op := Same
		switch d.Type {
		case diffmatchpatch.DiffDelete:
			op = Deleted
		case diffmatchpatch.DiffInsert:
			op = Inserted
		}
		if n := len(parts); n > 0 && parts[n-1].Op == op {
			parts[n-1].Text += text.String()
			continue
		}
		parts = append(parts, Part{Op: op, Text: text.String()})
	}
	return parts
}

// Changed reports whether parts hold any change.
func Changed(parts []Part) bool {
	for _, p := range parts {
		if p.Op != Same {
			return true
		}
	}
	return false
}

// HTML writes parts as escaped text with what was taken out in <del> and
// what was put in in <ins>.
func HTML(parts []Part) template.HTML {
	var b strings.Builder
	for _, p := range parts {
		text := html.EscapeString(p.Text)
		switch p.Op {
		case Deleted:
			b.WriteString("<del>" + text + "</del>")
		case Inserted:
			b.WriteString("<ins>" + text + "</ins>")
		default:
			b.WriteString(text)
		}
	}
	return template.HTML(b.String())
}

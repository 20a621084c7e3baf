package blog

import "strings"

// clean is the one rule for text that comes in from anywhere (forms,
// commands, imports, searches): control characters are dropped, so
// every store and every export can hold what was typed. That is the C0
// controls but tab, newline and carriage return (NUL above all:
// PostgreSQL refuses it, and XML cannot carry any of them), DEL, and the
// C1 controls U+0080–U+009F, which HTML forbids; NEL (U+0085), a line
// end in some old encodings, becomes a space so words stay apart. No
// keyboard types any of them.
func clean(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return keep(r) != r }) {
		return s
	}
	return strings.Map(keep, s)
}

// keep is clean's rule for one character.
func keep(r rune) rune {
	switch {
	case r == 0x85:
		return ' '
	case (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || (r >= 0x7f && r <= 0x9f):
		return -1
	}
	return r
}

// cleanAll applies clean to every string of a list.
func cleanAll(list []string) []string {
	for i, s := range list {
		list[i] = clean(s)
	}
	return list
}

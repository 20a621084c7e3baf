package blog

import "strings"

// controls are the characters no text folio stores may hold: the C0
// control characters but tab, newline and carriage return. NUL (U+0000)
// above all: PostgreSQL refuses it, XML (exports, feeds) cannot carry any
// of them, and no keyboard types them.
var controls = strings.NewReplacer(
	"\x00", "", "\x01", "", "\x02", "", "\x03", "", "\x04", "", "\x05", "", "\x06", "", "\x07", "", "\x08", "",
	"\x0b", "", "\x0c", "", "\x0e", "", "\x0f", "", "\x10", "", "\x11", "", "\x12", "", "\x13", "", "\x14", "",
	"\x15", "", "\x16", "", "\x17", "", "\x18", "", "\x19", "", "\x1a", "", "\x1b", "", "\x1c", "", "\x1d", "",
	"\x1e", "", "\x1f", "")

// clean is the one rule for text that comes in from anywhere (forms,
// commands, imports, searches): control characters are dropped, so
// every store and every export can hold what was typed.
func clean(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return controls.Replace(s)
		}
	}
	return s
}

// cleanAll applies clean to every string of a list.
func cleanAll(list []string) []string {
	for i, s := range list {
		list[i] = clean(s)
	}
	return list
}

package blog

import (
	"strconv"
	"strings"
	"unicode"
)

// latinFold maps accented Latin letters to their plain ASCII spelling, as
// readers type them into a URL bar. Letters of other scripts are kept.
var latinFold = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'ā': "a", 'ă': "a", 'ą': "a",
	'æ': "ae", 'ç': "c", 'ć': "c", 'č': "c", 'ĉ': "c", 'ċ': "c", 'ď': "d", 'đ': "d", 'ð': "d",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ē': "e", 'ė': "e", 'ę': "e", 'ě': "e",
	'ğ': "g", 'ĝ': "g", 'ġ': "g", 'ģ': "g", 'ĥ': "h", 'ħ': "h",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ī': "i", 'į': "i", 'ı': "i", 'ĵ': "j", 'ķ': "k",
	'ĺ': "l", 'ļ': "l", 'ľ': "l", 'ł': "l", 'ñ': "n", 'ń': "n", 'ņ': "n", 'ň': "n",
	'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'ō': "o", 'ő': "o", 'œ': "oe",
	'ŕ': "r", 'ř': "r", 'ś': "s", 'ş': "s", 'š': "s", 'ŝ': "s", 'ș': "s", 'ß': "ss",
	'ţ': "t", 'ť': "t", 'ț': "t", 'þ': "th",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ū': "u", 'ů': "u", 'ű': "u", 'ų': "u",
	'ý': "y", 'ÿ': "y", 'ź': "z", 'ż': "z", 'ž': "z",
}

// maxSlugRunes bounds slug length so URLs stay readable.
const maxSlugRunes = 80

// Slugify turns a title into a URL segment: lower case, accented Latin
// letters folded to ASCII, letters and digits of every script kept, and
// every other run of characters replaced by a single hyphen. It returns ""
// when the title has no letters or digits.
func Slugify(title string) string {
	var b strings.Builder
	pendingHyphen := false
	for _, r := range strings.ToLower(title) {
		if s, ok := latinFold[r]; ok {
			if pendingHyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			pendingHyphen = false
			b.WriteString(s)
			continue
		}
		if r == '\'' || r == '’' || unicode.Is(unicode.Mn, r) {
			// Apostrophes join words ("don't" → "dont") and combining
			// marks belong to the letter before them.
			if unicode.Is(unicode.Mn, r) && b.Len() > 0 && !pendingHyphen {
				b.WriteRune(r)
			}
			continue
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if pendingHyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			pendingHyphen = false
			b.WriteRune(r)
			continue
		}
		pendingHyphen = true
	}
	slug := []rune(b.String())
	if len(slug) > maxSlugRunes {
		// Cut at a word boundary when there is one.
		slug = slug[:maxSlugRunes]
		if i := strings.LastIndex(string(slug), "-"); i > 0 {
			return string(slug)[:i]
		}
	}
	return strings.Trim(string(slug), "-")
}

// ValidSlug reports whether s could have come out of Slugify: non-empty,
// no leading or trailing hyphen, no doubled hyphen, and only lower-case
// letters, digits and hyphens.
func ValidSlug(s string) bool {
	if s == "" || strings.HasPrefix(s, "-") || strings.HasSuffix(s, "-") || strings.Contains(s, "--") {
		return false
	}
	for _, r := range s {
		switch {
		case r == '-':
		case unicode.IsDigit(r):
		case unicode.IsLetter(r) && !unicode.IsUpper(r):
		case unicode.Is(unicode.Mn, r):
		default:
			return false
		}
	}
	return true
}

// numberedSlug returns base with "-n" appended, the form used to make a
// derived slug unique.
func numberedSlug(base string, n int) string {
	return base + "-" + strconv.Itoa(n)
}

// uniqueSlug returns base, or base-2, base-3, … whichever is free first.
// fallback is used when base is empty.
func uniqueSlug(base, fallback string, taken func(string) (bool, error)) (string, error) {
	if base == "" {
		base = fallback
	}
	for n := 1; n < 1000; n++ {
		c := base
		if n > 1 {
			c = numberedSlug(base, n)
		}
		t, err := taken(c)
		if err != nil {
			return "", err
		}
		if !t {
			return c, nil
		}
	}
	return "", ErrConflict
}

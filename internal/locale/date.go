package locale

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-playground/locales"
	"github.com/go-playground/locales/ar"
	"github.com/go-playground/locales/de"
	"github.com/go-playground/locales/en"
	"github.com/go-playground/locales/es"
	"github.com/go-playground/locales/fr"
	"github.com/go-playground/locales/he"
	"github.com/go-playground/locales/it"
	"github.com/go-playground/locales/ja"
	"github.com/go-playground/locales/nl"
	"github.com/go-playground/locales/pl"
	"github.com/go-playground/locales/pt"
	"github.com/go-playground/locales/ru"
	"github.com/go-playground/locales/sv"
	"github.com/go-playground/locales/tr"
	"github.com/go-playground/locales/zh"
	"golang.org/x/text/language"
)

// names are the CLDR month and weekday names and ordinal rules of one
// language.
type names = locales.Translator

// cldr lists the languages whose CLDR names folio carries: those it
// ships catalogs for, and a few more a theme's catalog may add.
var cldr = map[string]func() locales.Translator{
	"ar": ar.New, "de": de.New, "en": en.New, "es": es.New, "fr": fr.New,
	"he": he.New, "it": it.New, "ja": ja.New, "nl": nl.New, "pl": pl.New,
	"pt": pt.New, "ru": ru.New, "sv": sv.New, "tr": tr.New, "zh": zh.New,
}

// namesFor returns the CLDR names of tag's language, or English's.
func namesFor(tag language.Tag) names {
	base, _ := tag.Base()
	if f, ok := cldr[base.String()]; ok {
		return f()
	}
	return en.New()
}

// DateLayout returns the language's date layout, in the PHP letters of
// FormatDate: "l, F jS, Y" in English.
func (l *Lang) DateLayout() string { return l.T("date_layout") }

// TimeLayout returns the language's time layout: "g:i a" in English.
func (l *Lang) TimeLayout() string { return l.T("time_layout") }

// FormatDate formats t with a layout written in the date format letters
// WordPress writers already know (PHP's date()): d j D l N S w z W F m M n
// t L o Y y a A g G h H i s u v e T P O Z c r U. Names of months and days
// and the ordinal suffix S are the language's. A backslash makes the
// next character literal; every other character is copied as is. The
// caller converts t to the site's time zone first.
func (l *Lang) FormatDate(t time.Time, layout string) string {
	var b strings.Builder
	for i := 0; i < len(layout); i++ {
		c := layout[i]
		if c == '\\' {
			if i+1 < len(layout) {
				i++
				b.WriteByte(layout[i])
			}
			continue
		}
		if s, ok := l.dateLetter(t, c); ok {
			b.WriteString(s)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// Ordinal returns the suffix the language puts after day number n in
// dates: "st", "nd", "rd" or "th" in English, "er" after 1 in French,
// nothing in most languages.
func (l *Lang) Ordinal(n int) string {
	m := l.book.ordinals[l.tag]
	if m == nil {
		return ""
	}
	switch l.names.OrdinalPluralRule(float64(n), 0) {
	case locales.PluralRuleZero:
		return cmp.Or(m.Zero, m.Other)
	case locales.PluralRuleOne:
		return cmp.Or(m.One, m.Other)
	case locales.PluralRuleTwo:
		return cmp.Or(m.Two, m.Other)
	case locales.PluralRuleFew:
		return cmp.Or(m.Few, m.Other)
	case locales.PluralRuleMany:
		return cmp.Or(m.Many, m.Other)
	}
	return m.Other
}

func (l *Lang) dateLetter(t time.Time, c byte) (string, bool) {
	hour12 := t.Hour() % 12
	if hour12 == 0 {
		hour12 = 12
	}
	switch c {
	case 'd':
		return t.Format("02"), true
	case 'j':
		return strconv.Itoa(t.Day()), true
	case 'D':
		return l.names.WeekdayAbbreviated(t.Weekday()), true
	case 'l':
		return l.names.WeekdayWide(t.Weekday()), true
	case 'N':
		wd := int(t.Weekday())
		if wd == 0 {
			wd = 7
		}
		return strconv.Itoa(wd), true
	case 'S':
		return l.Ordinal(t.Day()), true
	case 'w':
		return strconv.Itoa(int(t.Weekday())), true
	case 'z':
		return strconv.Itoa(t.YearDay() - 1), true
	case 'W':
		_, w := t.ISOWeek()
		return fmt.Sprintf("%02d", w), true
	case 'F':
		return l.names.MonthWide(t.Month()), true
	case 'm':
		return t.Format("01"), true
	case 'M':
		return l.names.MonthAbbreviated(t.Month()), true
	case 'n':
		return strconv.Itoa(int(t.Month())), true
	case 't':
		return strconv.Itoa(time.Date(t.Year(), t.Month()+1, 0, 0, 0, 0, 0, t.Location()).Day()), true
	case 'L':
		y := t.Year()
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return "1", true
		}
		return "0", true
	case 'o':
		y, _ := t.ISOWeek()
		return strconv.Itoa(y), true
	case 'Y':
		return strconv.Itoa(t.Year()), true
	case 'y':
		return t.Format("06"), true
	case 'a':
		return l.period(t), true
	case 'A':
		return strings.ToUpper(l.period(t)), true
	case 'g':
		return strconv.Itoa(hour12), true
	case 'G':
		return strconv.Itoa(t.Hour()), true
	case 'h':
		return fmt.Sprintf("%02d", hour12), true
	case 'H':
		return t.Format("15"), true
	case 'i':
		return t.Format("04"), true
	case 's':
		return t.Format("05"), true
	case 'u':
		return fmt.Sprintf("%06d", t.Nanosecond()/1e3), true
	case 'v':
		return fmt.Sprintf("%03d", t.Nanosecond()/1e6), true
	case 'e':
		return t.Location().String(), true
	case 'T':
		return t.Format("MST"), true
	case 'P':
		return t.Format("-07:00"), true
	case 'O':
		return t.Format("-0700"), true
	case 'Z':
		_, off := t.Zone()
		return strconv.Itoa(off), true
	case 'c':
		return t.Format(time.RFC3339), true
	case 'r':
		return t.Format(time.RFC1123Z), true
	case 'U':
		return strconv.FormatInt(t.Unix(), 10), true
	}
	return "", false
}

// period returns the language's word for before or after noon.
func (l *Lang) period(t time.Time) string {
	if t.Hour() < 12 {
		return l.T("am")
	}
	return l.T("pm")
}

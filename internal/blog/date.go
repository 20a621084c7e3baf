package blog

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DefaultDateLayout renders dates like "Saturday, November 28th, 2015".
const DefaultDateLayout = "l, F jS, Y"

// DefaultTimeLayout renders times like "3:04 pm".
const DefaultTimeLayout = "g:i a"

// Ordinal returns the English ordinal suffix for n: "st", "nd", "rd" or
// "th" (11, 12 and 13 take "th").
func Ordinal(n int) string {
	if n < 0 {
		n = -n
	}
	switch n % 100 {
	case 11, 12, 13:
		return "th"
	}
	switch n % 10 {
	case 1:
		return "st"
	case 2:
		return "nd"
	case 3:
		return "rd"
	}
	return "th"
}

// FormatDate formats t with a layout written in the date format letters
// WordPress writers already know (PHP's date()): d j D l N S w z W F m M n
// t L o Y y a A g G h H i s u v e T P O Z c r U. A backslash makes the next
// character literal; every other character is copied as is. The caller
// converts t to the site's time zone first.
func FormatDate(t time.Time, layout string) string {
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
		if s, ok := formatDateLetter(t, c); ok {
			b.WriteString(s)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func formatDateLetter(t time.Time, c byte) (string, bool) {
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
		return t.Format("Mon"), true
	case 'l':
		return t.Weekday().String(), true
	case 'N':
		wd := int(t.Weekday())
		if wd == 0 {
			wd = 7
		}
		return strconv.Itoa(wd), true
	case 'S':
		return Ordinal(t.Day()), true
	case 'w':
		return strconv.Itoa(int(t.Weekday())), true
	case 'z':
		return strconv.Itoa(t.YearDay() - 1), true
	case 'W':
		_, w := t.ISOWeek()
		return pad2(w), true
	case 'F':
		return t.Month().String(), true
	case 'm':
		return t.Format("01"), true
	case 'M':
		return t.Format("Jan"), true
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
		return t.Format("pm"), true
	case 'A':
		return t.Format("PM"), true
	case 'g':
		return strconv.Itoa(hour12), true
	case 'G':
		return strconv.Itoa(t.Hour()), true
	case 'h':
		return pad2(hour12), true
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

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

package locale

import (
	"testing"
	"time"
)

func TestOrdinalEnglish(t *testing.T) {
	en := MustLoad().For("en")
	tests := map[int]string{
		1: "st", 2: "nd", 3: "rd", 4: "th", 10: "th", 11: "th", 12: "th", 13: "th", 14: "th",
		21: "st", 22: "nd", 23: "rd", 24: "th", 30: "th", 31: "st", 101: "st", 111: "th", 112: "th", 113: "th", 122: "nd",
	}
	for n, want := range tests {
		if got := en.Ordinal(n); got != want {
			t.Errorf("Ordinal(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestFormatDateEnglish(t *testing.T) {
	en := MustLoad().For("en")
	const long = "l, F jS, Y"
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 5, 0, time.UTC) }
	tests := []struct {
		t      time.Time
		layout string
		want   string
	}{
		{at(2015, 11, 28, 9, 30), long, "Saturday, November 28th, 2015"},
		{at(2015, 11, 1, 9, 30), long, "Sunday, November 1st, 2015"},
		{at(2015, 11, 2, 9, 30), long, "Monday, November 2nd, 2015"},
		{at(2015, 11, 3, 9, 30), long, "Tuesday, November 3rd, 2015"},
		{at(2015, 11, 4, 9, 30), long, "Wednesday, November 4th, 2015"},
		{at(2015, 11, 11, 9, 30), long, "Wednesday, November 11th, 2015"},
		{at(2015, 11, 12, 9, 30), long, "Thursday, November 12th, 2015"},
		{at(2015, 11, 13, 9, 30), long, "Friday, November 13th, 2015"},
		{at(2015, 11, 21, 9, 30), long, "Saturday, November 21st, 2015"},
		{at(2015, 11, 22, 9, 30), long, "Sunday, November 22nd, 2015"},
		{at(2015, 11, 23, 9, 30), long, "Monday, November 23rd, 2015"},
		{at(2015, 12, 31, 9, 30), long, "Thursday, December 31st, 2015"},
		{at(2015, 11, 28, 9, 30), "Y-m-d H:i:s", "2015-11-28 09:30:05"},
		{at(2015, 11, 28, 21, 7), "g:i a", "9:07 pm"},
		{at(2015, 11, 28, 0, 7), "g:i A", "12:07 AM"},
		{at(2015, 3, 8, 9, 30), "D, j M y", "Sun, 8 Mar 15"},
		{at(2015, 3, 8, 9, 30), `\T\o\d\a\y \i\s l`, "Today is Sunday"},
		{at(2016, 2, 8, 9, 30), "t L N w z", "29 1 1 1 38"},
		{at(2015, 11, 28, 9, 30), "c", "2015-11-28T09:30:05Z"},
	}
	for _, tt := range tests {
		if got := en.FormatDate(tt.t, tt.layout); got != tt.want {
			t.Errorf("FormatDate(%v, %q) = %q, want %q", tt.t, tt.layout, got, tt.want)
		}
	}
}

package bot

import (
	"strings"
	"time"
)

// The dates and times people type: a due date (senast=), a meeting's time
// (tid=), a release-by time. Besides ISO dates they may write the day as a
// word, relative to now in the forum's zone, so that nobody under stress
// has to work out a date, and examples never go stale:
//
//	2026-12-04, idag/i dag/today, imorgon/i morgon/i-morgon/tomorrow,
//	a weekday (måndag…söndag, monday…sunday: the next such day, today
//	included), each optionally followed by HH:MM (or HH.MM).

// dayWords are the relative days, folded (Fold), with their offset.
var dayWords = map[string]int{
	"idag": 0, "i dag": 0, "i-dag": 0, "today": 0,
	"imorgon": 1, "i morgon": 1, "i-morgon": 1, "tomorrow": 1,
	"overmorgon": 2, "i overmorgon": 2, "i-overmorgon": 2,
}

// ParseDay reads a day people typed (see above) and returns its date in
// loc at midnight; ok is false when it is not a day.
func ParseDay(v string, now time.Time, loc *time.Location) (time.Time, bool) {
	w := strings.Join(strings.Fields(Fold(v)), " ")
	today := now.In(loc)
	midnight := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, loc)
	if n, ok := dayWords[w]; ok {
		return midnight.AddDate(0, 0, n), true
	}
	if wd, ok := weekdays[w]; ok {
		return midnight.AddDate(0, 0, (int(wd)-int(today.Weekday())+7)%7), true
	}
	if t, err := time.ParseInLocation("2006-01-02", w, loc); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// ParseWhen reads a time people typed: "HH:MM" (today), or a day (as
// ParseDay reads it) and "HH:MM". ok is false when it is neither; whether
// the time has passed is for the caller to judge.
func ParseWhen(v string, now time.Time, loc *time.Location) (time.Time, bool) {
	fields := strings.Fields(v)
	if len(fields) == 0 {
		return time.Time{}, false
	}
	h, m, ok := parseClock(fields[len(fields)-1])
	if !ok {
		return time.Time{}, false
	}
	day := now.In(loc)
	if len(fields) > 1 {
		var ok bool
		if day, ok = ParseDay(strings.Join(fields[:len(fields)-1], " "), now, loc); !ok {
			return time.Time{}, false
		}
	}
	return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, loc), true
}

// parseClock reads a 24-hour time of day, "9:05", "09:05" or "09.05".
func parseClock(s string) (int, int, bool) {
	hh, mm, ok := strings.Cut(strings.ReplaceAll(s, ".", ":"), ":")
	if !ok || len(hh) == 0 || len(hh) > 2 || len(mm) != 2 {
		return 0, 0, false
	}
	h, m := 0, 0
	for _, c := range hh {
		if c < '0' || c > '9' {
			return 0, 0, false
		}
		h = h*10 + int(c-'0')
	}
	for _, c := range mm {
		if c < '0' || c > '9' {
			return 0, 0, false
		}
		m = m*10 + int(c-'0')
	}
	if h > 23 || m > 59 {
		return 0, 0, false
	}
	return h, m, true
}

// DayExample is a due date to show in a hint: a week from now, so it is
// never in the past when someone copies it.
func DayExample(now time.Time, loc *time.Location) string {
	return now.In(loc).AddDate(0, 0, 7).Format("2006-01-02")
}

// WhenExample is a date and time to show in a hint: tomorrow at hhmm.
func WhenExample(now time.Time, loc *time.Location, hhmm string) string {
	return now.In(loc).AddDate(0, 0, 1).Format("2006-01-02") + " " + hhmm
}

package bot_test

import (
	"strings"
	"testing"
	"time"

	"samverkan/bot"
)

func TestParseDayAndWhen(t *testing.T) {
	loc := bot.Stockholm()
	// A Wednesday evening; the next day is Thursday.
	now := time.Date(2026, 12, 2, 22, 30, 0, 0, loc)
	days := []struct{ in, want string }{
		{"2026-12-04", "2026-12-04"},
		{"idag", "2026-12-02"}, {"i dag", "2026-12-02"}, {"I-DAG", "2026-12-02"}, {"today", "2026-12-02"},
		{"imorgon", "2026-12-03"}, {"i morgon", "2026-12-03"}, {"i-morgon", "2026-12-03"}, {"Tomorrow", "2026-12-03"},
		{"övermorgon", "2026-12-04"},
		{"onsdag", "2026-12-02"}, // today is a Wednesday: today
		{"torsdag", "2026-12-03"}, {"Fredag", "2026-12-04"}, {"måndag", "2026-12-07"}, {"mandag", "2026-12-07"},
		{"tuesday", "2026-12-08"},
	}
	for _, c := range days {
		got, ok := bot.ParseDay(c.in, now, loc)
		if !ok || got.Format("2006-01-02") != c.want {
			t.Errorf("ParseDay(%q) = %s %v, want %s", c.in, got.Format("2006-01-02"), ok, c.want)
		}
	}
	for _, bad := range []string{"", "igår", "2026-13-01", "2026-02-30", "fredag 09:00", "nästa vecka", "32"} {
		if got, ok := bot.ParseDay(bad, now, loc); ok {
			t.Errorf("ParseDay(%q) = %s, want refused", bad, got)
		}
	}
	whens := []struct{ in, want string }{
		{"16:30", "2026-12-02 16:30"}, {"9.05", "2026-12-02 09:05"},
		{"i morgon 09:00", "2026-12-03 09:00"}, {"imorgon 9:00", "2026-12-03 09:00"},
		{"torsdag 16:00", "2026-12-03 16:00"}, {"2026-12-24 15:00", "2026-12-24 15:00"},
	}
	for _, c := range whens {
		got, ok := bot.ParseWhen(c.in, now, loc)
		if !ok || got.Format("2006-01-02 15:04") != c.want || got.Location() != loc {
			t.Errorf("ParseWhen(%q) = %s %v, want %s", c.in, got.Format("2006-01-02 15:04"), ok, c.want)
		}
	}
	for _, bad := range []string{"", "24:00", "12:60", "9", "morgon 09:00", "2026-12-24", "2026-12-24 9", "i morgon", "09:00 i morgon", "1:2:3"} {
		if got, ok := bot.ParseWhen(bad, now, loc); ok {
			t.Errorf("ParseWhen(%q) = %s, want refused", bad, got)
		}
	}
}

// Across the night summer time begins, "i morgon 02:30" (a time that does
// not exist that night) still yields a time, after now, on the next day.
func TestParseWhenAcrossDaylightSaving(t *testing.T) {
	loc := bot.Stockholm()
	now := time.Date(2027, 3, 27, 23, 30, 0, 0, loc)
	got, ok := bot.ParseWhen("i morgon 09:00", now, loc)
	if !ok || got.Sub(now) != 8*time.Hour+30*time.Minute {
		t.Errorf("i morgon 09:00 across the change = %s (%s after now)", got, got.Sub(now))
	}
	if got, ok := bot.ParseWhen("i morgon 02:30", now, loc); !ok || !got.After(now) || got.Day() != 28 {
		t.Errorf("a time that does not exist = %s %v", got, ok)
	}
}

// The examples in hints are never in the past.
func TestExamplesAreAhead(t *testing.T) {
	loc := bot.Stockholm()
	now := time.Date(2026, 12, 31, 23, 30, 0, 0, loc)
	if ex := bot.DayExample(now, loc); ex != "2027-01-07" {
		t.Errorf("day example %s", ex)
	}
	if ex := bot.WhenExample(now, loc, "09:00"); ex != "2027-01-01 09:00" {
		t.Errorf("when example %s", ex)
	}
}

func FuzzParseWhen(f *testing.F) {
	for _, s := range []string{"16:30", "i morgon 09:00", "fredag 9.05", "2026-12-24 15:00", "idag", "  ", "i  morgon   07:00"} {
		f.Add(s)
	}
	loc := bot.Stockholm()
	now := time.Date(2026, 12, 2, 22, 30, 0, 0, loc)
	f.Fuzz(func(t *testing.T, s string) {
		if at, ok := bot.ParseWhen(s, now, loc); ok {
			if !strings.Contains(s, "-") && (at.Before(now.Add(-23*time.Hour)) || at.After(now.AddDate(0, 0, 8))) {
				t.Fatalf("%q: %s is not within the coming week", s, at)
			}
			if at.Second() != 0 || at.Location() != loc {
				t.Fatalf("%q: %s not a wall time in Stockholm", s, at)
			}
		}
		if d, ok := bot.ParseDay(s, now, loc); ok && (d.Hour() != 0 || d.Minute() != 0) {
			t.Fatalf("%q: day %s not at midnight", s, d)
		}
	})
}

package bot_test

import (
	"testing"
	"time"

	"samverkan/bot"
)

func TestScheduleNextKeepsLocalTimeAcrossDST(t *testing.T) {
	s := bot.DefaultSchedule()
	utc := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, time.UTC) }
	tests := []struct {
		after, want time.Time
	}{
		{utc(2026, 3, 23, 12), utc(2026, 3, 26, 15)},                     // before summer time: 16:00 CET = 15:00 UTC
		{utc(2026, 3, 26, 15), utc(2026, 4, 2, 14)},                      // after: 16:00 CEST = 14:00 UTC
		{utc(2026, 10, 20, 0), utc(2026, 10, 22, 14)},                    // before winter time
		{utc(2026, 10, 22, 14), utc(2026, 10, 29, 15)},                   // after
		{utc(2026, 11, 26, 14).Add(-time.Second), utc(2026, 11, 26, 15)}, // a second before: today
	}
	for _, tt := range tests {
		if got := s.Next(tt.after); !got.Equal(tt.want) {
			t.Errorf("Next(%s) = %s, want %s", tt.after, got.UTC(), tt.want)
		}
		if got := s.Next(tt.after).In(s.Location()); got.Hour() != 16 || got.Weekday() != time.Thursday {
			t.Errorf("not Thursday 16:00 local: %s", got)
		}
	}
}

func TestParseSchedule(t *testing.T) {
	s, err := bot.ParseSchedule("Måndag", "9.30", "Europe/Oslo")
	if err != nil || s.Weekday != time.Monday || s.Hour != 9 || s.Minute != 30 || s.Zone != "Europe/Oslo" {
		t.Errorf("ParseSchedule = %+v, %v", s, err)
	}
	for _, bad := range [][3]string{{"fikadag", "16:00", ""}, {"torsdag", "25:00", ""}, {"torsdag", "16", ""}, {"torsdag", "16:00", "Mars/Olympus"}} {
		if _, err := bot.ParseSchedule(bad[0], bad[1], bad[2]); err == nil {
			t.Errorf("ParseSchedule%v accepted", bad)
		}
	}
}

// Twice a day during a large event: the times are kept in order, each is
// an occurrence of its own, on one weekday or every day.
func TestSeveralTimesADay(t *testing.T) {
	s, err := bot.ParseSchedule("torsdag", "16:00,08:00", "")
	if err != nil || s.Describe("sv") != "torsdag 08:00, 16:00 (Europe/Stockholm)" {
		t.Fatalf("ParseSchedule = %+v, %v", s, err)
	}
	loc := s.Location()
	at := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, loc) }
	daily, err := bot.ParseSchedule("dagligen", "08:00,16:00", "")
	if err != nil || daily.Describe("en") != "daily 08:00, 16:00 (Europe/Stockholm)" {
		t.Fatalf("ParseSchedule daily = %+v, %v", daily, err)
	}
	for _, tt := range []struct {
		s           *bot.Schedule
		after, want time.Time
	}{
		{s, at(26, 7, 0), at(26, 8, 0)},    // Thursday morning
		{s, at(26, 9, 0), at(26, 16, 0)},   // then the afternoon
		{s, at(26, 16, 0), at(3+30, 8, 0)}, // then next Thursday (December 3)
		{daily, at(26, 17, 0), at(27, 8, 0)},
		{daily, at(27, 8, 0), at(27, 16, 0)},
	} {
		if got := tt.s.Next(tt.after); !got.Equal(tt.want) {
			t.Errorf("%s: Next(%s) = %s, want %s", tt.s.Describe("sv"), tt.after, got, tt.want)
		}
	}
	if s.OccurrenceID("ssr", at(26, 8, 0)) == s.OccurrenceID("ssr", at(26, 16, 0)) {
		t.Error("the two meetings of a day share an occurrence")
	}
	if _, err := bot.ParseSchedule("torsdag", "08:00,08:00", ""); err == nil {
		t.Error("the same time twice was accepted")
	}
}

// A clock set back never shows a negative duration.
func TestSinceIsNeverNegative(t *testing.T) {
	for d, want := range map[time.Duration]string{-73*time.Hour - 19*time.Minute: "0 min", 65 * time.Minute: "1 h 5 min", 12 * time.Minute: "12 min"} {
		if got := bot.Since(d); got != want {
			t.Errorf("Since(%s) = %q, want %q", d, got, want)
		}
	}
}

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

package bot

import (
	"fmt"
	"strings"
	"time"
)

// Schedule is a forum's weekly conference time in a time zone.
type Schedule struct {
	Weekday  time.Weekday  `json:"weekday"`
	Hour     int           `json:"hour"`
	Minute   int           `json:"minute"`
	Zone     string        `json:"zone"`
	Reminder time.Duration `json:"reminder"` // before the meeting
	Grace    time.Duration `json:"grace"`    // how late an agenda may still go out
}

// DefaultSchedule is the regional conference: Thursday 16:00 Stockholm.
func DefaultSchedule() *Schedule {
	return &Schedule{Weekday: time.Thursday, Hour: 16, Zone: "Europe/Stockholm", Reminder: time.Hour, Grace: 2 * time.Hour}
}

var weekdays = map[string]time.Weekday{
	"mandag": time.Monday, "tisdag": time.Tuesday, "onsdag": time.Wednesday, "torsdag": time.Thursday,
	"fredag": time.Friday, "lordag": time.Saturday, "sondag": time.Sunday,
	"monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday, "thursday": time.Thursday,
	"friday": time.Friday, "saturday": time.Saturday, "sunday": time.Sunday,
}

// ParseSchedule reads "torsdag 16:00 [Europe/Stockholm]" (Swedish or
// English day, 24-hour time, IANA zone).
func ParseSchedule(day, clock, zone string) (*Schedule, error) {
	s := DefaultSchedule()
	wd, ok := weekdays[Fold(day)]
	if !ok {
		return nil, Errorf(EINVALID, "err.bad_weekday", "Value", day)
	}
	var h, m int
	if n, err := fmt.Sscanf(strings.ReplaceAll(clock, ".", ":"), "%d:%d", &h, &m); n != 2 || err != nil || h < 0 || h > 23 || m < 0 || m > 59 {
		return nil, Errorf(EINVALID, "err.bad_clock", "Value", clock)
	}
	if zone != "" {
		if _, err := Zone(zone); err != nil {
			return nil, Errorf(EINVALID, "err.bad_zone", "Value", zone)
		}
		s.Zone = zone
	}
	s.Weekday, s.Hour, s.Minute = wd, h, m
	return s, nil
}

// Location is the schedule's time zone.
func (s Schedule) Location() *time.Location {
	loc, err := Zone(s.Zone)
	if err != nil {
		return Stockholm()
	}
	return loc
}

// Next is the first occurrence strictly after t. Occurrences keep their
// local wall time across daylight-saving changes.
func (s Schedule) Next(t time.Time) time.Time {
	loc := s.Location()
	lt := t.In(loc)
	for i := 0; i <= 7; i++ {
		d := lt.AddDate(0, 0, i)
		at := time.Date(d.Year(), d.Month(), d.Day(), s.Hour, s.Minute, 0, 0, loc)
		if at.Weekday() == s.Weekday && at.After(t) {
			return at
		}
	}
	return time.Date(lt.Year(), lt.Month(), lt.Day()+7, s.Hour, s.Minute, 0, 0, loc)
}

// OccurrenceID names one occurrence: forum and local date and time.
func (s Schedule) OccurrenceID(forum string, at time.Time) string {
	return forum + "|" + at.In(s.Location()).Format("2006-01-02T15:04")
}

// Describe shows the schedule for people, e.g. "torsdag 16:00 (Europe/Stockholm)".
func (s Schedule) Describe(lang string) string {
	days := map[time.Weekday]string{time.Monday: "måndag", time.Tuesday: "tisdag", time.Wednesday: "onsdag", time.Thursday: "torsdag", time.Friday: "fredag", time.Saturday: "lördag", time.Sunday: "söndag"}
	d := days[s.Weekday]
	if lang == "en" {
		d = s.Weekday.String()
	}
	return fmt.Sprintf("%s %02d:%02d (%s)", d, s.Hour, s.Minute, s.Zone)
}

package bot

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Schedule is when a forum's conferences are held: one weekday, or every
// day (Daily), at one or more times of day, in a time zone.
type Schedule struct {
	Weekday time.Weekday `json:"weekday"`
	Daily   bool         `json:"daily,omitempty"`
	Hour    int          `json:"hour"` // the first time of day
	Minute  int          `json:"minute"`
	More    []TimeOfDay  `json:"more,omitempty"` // later times the same day
	Zone    string       `json:"zone"`
	// Form and Join are how the scheduled meetings are held and how to
	// take part; the reminder before and the agenda carry them.
	Form     string        `json:"form,omitempty"`
	Join     string        `json:"join,omitempty"`
	Reminder time.Duration `json:"reminder"` // before the meeting
	Grace    time.Duration `json:"grace"`    // how late an agenda may still go out
}

// TimeOfDay is a wall-clock time.
type TimeOfDay struct {
	Hour   int `json:"hour"`
	Minute int `json:"minute"`
}

// Times are the schedule's times of day, earliest first.
func (s Schedule) Times() []TimeOfDay {
	return append([]TimeOfDay{{s.Hour, s.Minute}}, s.More...)
}

// Equal reports whether two schedules hold their meetings at the same
// times with the same reminder and grace.
func (s Schedule) Equal(o Schedule) bool {
	return s.Weekday == o.Weekday && s.Daily == o.Daily && s.Zone == o.Zone && s.Reminder == o.Reminder && s.Grace == o.Grace &&
		s.Form == o.Form && s.Join == o.Join &&
		slices.Equal(s.Times(), o.Times())
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

// ParseSchedule reads "torsdag 16:00 [Europe/Stockholm]": a Swedish or
// English weekday or "dagligen"/"daily", one or more 24-hour times
// separated by commas ("08:00,16:00", for the days of a large event when
// the forum meets twice a day), and an IANA zone.
func ParseSchedule(day, clock, zone string) (*Schedule, error) {
	s := DefaultSchedule()
	wd, ok := weekdays[Fold(day)]
	daily := Fold(day) == "dagligen" || Fold(day) == "daily"
	if !ok && !daily {
		return nil, Errorf(EINVALID, "err.bad_weekday", "Value", day)
	}
	var times []TimeOfDay
	for _, c := range strings.Split(clock, ",") {
		var h, m int
		if n, err := fmt.Sscanf(strings.ReplaceAll(strings.TrimSpace(c), ".", ":"), "%d:%d", &h, &m); n != 2 || err != nil || h < 0 || h > 23 || m < 0 || m > 59 {
			return nil, Errorf(EINVALID, "err.bad_clock", "Value", c)
		}
		t := TimeOfDay{h, m}
		if slices.Contains(times, t) {
			return nil, Errorf(EINVALID, "err.clock_twice", "Value", c)
		}
		times = append(times, t)
	}
	slices.SortFunc(times, func(a, b TimeOfDay) int { return (a.Hour*60 + a.Minute) - (b.Hour*60 + b.Minute) })
	if zone != "" {
		if _, err := Zone(zone); err != nil {
			return nil, Errorf(EINVALID, "err.bad_zone", "Value", zone)
		}
		s.Zone = zone
	}
	s.Weekday, s.Daily, s.Hour, s.Minute = wd, daily, times[0].Hour, times[0].Minute
	if len(times) > 1 {
		s.More = times[1:]
	}
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
		for _, tod := range s.Times() {
			at := time.Date(lt.Year(), lt.Month(), lt.Day()+i, tod.Hour, tod.Minute, 0, 0, loc)
			if (s.Daily || at.Weekday() == s.Weekday) && at.After(t) {
				return at
			}
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
	switch {
	case s.Daily && lang == "nb":
		d = "daglig"
	case lang == "nb":
		d = map[time.Weekday]string{time.Monday: "mandag", time.Tuesday: "tirsdag", time.Wednesday: "onsdag", time.Thursday: "torsdag", time.Friday: "fredag", time.Saturday: "lørdag", time.Sunday: "søndag"}[s.Weekday]
	case s.Daily && lang == "en":
		d = "daily"
	case s.Daily:
		d = "dagligen"
	case lang == "en":
		d = s.Weekday.String()
	}
	var times []string
	for _, t := range s.Times() {
		times = append(times, fmt.Sprintf("%02d:%02d", t.Hour, t.Minute))
	}
	return fmt.Sprintf("%s %s (%s)", d, strings.Join(times, ", "), s.Zone)
}

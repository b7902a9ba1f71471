package bot

import (
	"slices"
	"time"
)

// Level is the collaboration level a forum works at.
type Level string

// The three levels of the regional model.
const (
	LevelStrategic    Level = "strategic"    // inriktande
	LevelCoordinating Level = "coordinating" // samordnande
	LevelOperational  Level = "operational"  // verkställande
)

// ParseLevel accepts the Swedish or English word, diacritics optional.
func ParseLevel(s string) (Level, bool) {
	switch Fold(s) {
	case "inriktande", "strategic", "strategisk":
		return LevelStrategic, true
	case "samordnande", "coordinating", "koordinerende":
		return LevelCoordinating, true
	case "verkstallande", "operational", "operativ", "operativt", "utovende":
		return LevelOperational, true
	}
	return "", false
}

// Levels lists the levels in order from strategic to operational.
func Levels() []Level { return []Level{LevelStrategic, LevelCoordinating, LevelOperational} }

// Word returns the level's word in the given language.
func (l Level) Word(lang string) string {
	if lang == "en" {
		return string(l)
	}
	if lang == "nb" {
		return map[Level]string{LevelStrategic: "strategisk", LevelCoordinating: "koordinerende", LevelOperational: "operativ"}[l]
	}
	switch l {
	case LevelStrategic:
		return "inriktande"
	case LevelCoordinating:
		return "samordnande"
	case LevelOperational:
		return "verkställande"
	}
	return string(l)
}

// Mode is whether a forum is in its normal or activated state.
type Mode string

// Forum modes.
const (
	ModeNormal    Mode = "normal"
	ModeActivated Mode = "activated"
)

// Channel is a chat channel on one platform.
type Channel struct {
	Platform PlatformID `json:"platform"`
	ID       string     `json:"id"`
	Name     string     `json:"name,omitempty"`
}

// Key is the channel's unique key, "platform:id".
func (c Channel) Key() string { return string(c.Platform) + ":" + c.ID }

// Display is how the channel is named to people: its name, else its ID.
func (c Channel) Display() string {
	if c.Name != "" {
		return c.Name
	}
	return c.ID
}

// Forum is a standing collaboration group at one level, bound to channels on
// either platform.
type Forum struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Level     Level     `json:"level"`
	Mode      Mode      `json:"mode"`
	Host      string    `json:"host,omitempty"` // convening actor, e.g. the county board
	Actors    []string  `json:"actors"`
	Channels  []Channel `json:"channels"`
	Exercise  bool      `json:"exercise,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	// Activation is the running activation's ID while Mode is activated.
	Activation uint64 `json:"activation,omitempty"`
	// LastActivation is the latest activation's ID, running or ended (0
	// before the first, or for one activated before it was kept).
	LastActivation uint64 `json:"last_activation,omitempty"`
	// Schedule is the weekly conference, nil for none.
	Schedule *Schedule `json:"schedule,omitempty"`
	// Conference is the running conference's ID, 0 for none.
	Conference uint64 `json:"conference,omitempty"`
	// CommsChannels hold statement threads; the forum's channels when empty.
	CommsChannels []Channel `json:"comms_channels,omitempty"`
	// Parent is the forum this one reports to (its picture goes up into
	// the parent's), "" for none.
	Parent string `json:"parent,omitempty"`
	// Lang is the language the forum's messages, board and papers are in
	// ("nb"), "" for the bot's own.
	Lang string `json:"lang,omitempty"`
}

// HasActor reports whether actor a is a member of the forum.
func (f *Forum) HasActor(a string) bool { return slices.Contains(f.Actors, a) }

// HasChannel reports whether channel c is bound to the forum.
func (f *Forum) HasChannel(c Channel) bool {
	return slices.ContainsFunc(f.Channels, func(x Channel) bool { return x.Key() == c.Key() })
}

// boundChannel returns the forum's own channel c (one of its channels or
// its communicators' channels), or nil.
func (f *Forum) boundChannel(c Channel) *Channel {
	for _, list := range [][]Channel{f.Channels, f.CommsChannels} {
		for i := range list {
			if list[i].Key() == c.Key() {
				return &list[i]
			}
		}
	}
	return nil
}

// location is the time zone of the forum's meetings.
func (f *Forum) location() *time.Location {
	if f.Schedule != nil {
		return f.Schedule.Location()
	}
	return Stockholm()
}

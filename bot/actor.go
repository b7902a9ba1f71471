package bot

import (
	"regexp"
	"time"
)

// Actor is a member organisation: a county board, municipality, police
// region, rescue service or utility.
type Actor struct {
	ID        string    `json:"id"` // short handle people type, e.g. "lst"
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

var handleRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)

// ValidHandle reports whether s can be a forum or actor handle: lower-case
// letters, digits, - and _, at most 32 characters.
func ValidHandle(s string) bool { return handleRE.MatchString(s) }

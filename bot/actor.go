package bot

import (
	"regexp"
	"strings"
	"time"

	"samverkan/catalog"
)

// Actor is a member organisation: a county board, municipality, police
// region, rescue service or utility.
type Actor struct {
	ID        string    `json:"id"` // short handle people type, e.g. "lst"
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	// Contact is how its 24/7 contact function is reached without chat.
	Contact Contact `json:"contact,omitzero"`
}

// Contact is how an actor's 24/7 contact function (tjänsteman i
// beredskap) is reached when chat is not: by telephone or RAKEL, and by
// alternative means (FSPOS 002), since plans must survive the loss of
// ordinary ICT (004).
type Contact struct {
	Phone     string `json:"phone,omitempty"`
	Rakel     string `json:"rakel,omitempty"` // RAKEL talk group
	Email     string `json:"email,omitempty"`
	Alternate string `json:"alternate,omitempty"` // satellite phone, messenger, address…
}

// ContactFields are the parts of a contact, by the key the command takes.
var ContactFields = []string{"telefon", "rakel", "epost", "alternativ"}

// Field returns the part of the contact named by key (ContactFields).
func (c *Contact) Field(key string) *string {
	switch key {
	case "telefon":
		return &c.Phone
	case "rakel":
		return &c.Rakel
	case "epost":
		return &c.Email
	case "alternativ":
		return &c.Alternate
	}
	return nil
}

// Line shows the contact on one line in lang ("" when none is known).
func (c Contact) Line(lang string) string {
	var parts []string
	for _, k := range ContactFields {
		if v := *c.Field(k); v != "" {
			parts = append(parts, catalog.T(lang, "contact."+k, "Value", v))
		}
	}
	return strings.Join(parts, " · ")
}

var handleRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)

// ValidHandle reports whether s can be a forum or actor handle: lower-case
// letters, digits, - and _, at most 32 characters.
func ValidHandle(s string) bool { return handleRE.MatchString(s) }

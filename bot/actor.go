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

// checkContact refuses a contact part that could not work: a telephone
// number that is not one, an e-mail address without a domain, a part too
// long to be read out. An empty value clears the part.
func checkContact(key, v string) error {
	if v == "" {
		return nil
	}
	if len([]rune(v)) > MaxContactPart {
		return Errorf(EINVALID, "err.contact_too_long", "Field", key, "Max", MaxContactPart).OnField(key)
	}
	switch key {
	case "telefon":
		digits := 0
		for i, r := range v {
			switch {
			case r >= '0' && r <= '9':
				digits++
			case r == ' ' || r == '-' || r == '(' || r == ')' || r == '+' && i == 0:
			default:
				return Errorf(EINVALID, "err.bad_phone", "Value", v).OnField(key)
			}
		}
		if digits < 3 || digits > 20 {
			return Errorf(EINVALID, "err.bad_phone", "Value", v).OnField(key)
		}
	case "epost":
		local, domain, ok := strings.Cut(v, "@")
		if !ok || local == "" || strings.ContainsAny(v, " <>,;\"") || strings.Contains(domain, "@") ||
			!strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
			return Errorf(EINVALID, "err.bad_email", "Value", v).OnField(key)
		}
	}
	return nil
}

// MaxContactPart bounds each part of a contact, in characters.
const MaxContactPart = 200

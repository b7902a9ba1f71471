package bot

import (
	"slices"
	"time"
)

// Member is a person in the registry: one actor, one or more roles, and one
// or more platform identities (the same person on Slack and Mattermost).
// A removed member is kept, retired, so that its handle is never given to
// someone else: approvals, acknowledgements and authorship recorded under
// it keep meaning that person.
type Member struct {
	ID         string     `json:"id"` // handle, usually the first username
	Name       string     `json:"name"`
	Actor      string     `json:"actor"`
	Roles      []Role     `json:"roles"`
	Identities []Identity `json:"identities"`
	CreatedAt  time.Time  `json:"created_at"`
	Retired    bool       `json:"retired,omitempty"`
	RetiredAt  time.Time  `json:"retired_at,omitzero"`
}

// Has reports whether the member holds role r.
func (m *Member) Has(r Role) bool { return m != nil && slices.Contains(m.Roles, r) }

// Active reports whether the member exists and is not retired.
func (m *Member) Active() bool { return m != nil && !m.Retired }

package bot

import (
	"fmt"
	"strings"
)

// PlatformID names a chat system a member can act from.
type PlatformID string

// The platforms samverkan speaks to.
const (
	Mattermost PlatformID = "mattermost"
	Slack      PlatformID = "slack"
	Shell      PlatformID = "shell"
)

// ParsePlatform accepts a platform name.
func ParsePlatform(s string) (PlatformID, bool) {
	switch p := PlatformID(strings.ToLower(strings.TrimSpace(s))); p {
	case Mattermost, Slack, Shell:
		return p, true
	}
	return "", false
}

// Identity is one user account on one platform.
type Identity struct {
	Platform PlatformID `json:"platform"`
	UserID   string     `json:"user_id"`
	Username string     `json:"username,omitempty"`
}

// Key is the identity's unique key, "platform:userID".
func (i Identity) Key() string { return string(i.Platform) + ":" + i.UserID }

// String shows the identity for people.
func (i Identity) String() string {
	if i.Username != "" {
		return fmt.Sprintf("%s (%s)", i.Username, i.Platform)
	}
	return i.Key()
}

// ParseIdentity parses "platform:userID".
func ParseIdentity(s string) (Identity, error) {
	p, id, ok := strings.Cut(strings.TrimSpace(s), ":")
	plat, okp := ParsePlatform(p)
	if !ok || !okp || id == "" {
		return Identity{}, fmt.Errorf("%q: want platform:userID, e.g. mattermost:abc123 or slack:U123", s)
	}
	return Identity{Platform: plat, UserID: id}, nil
}

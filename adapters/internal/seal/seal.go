// Package seal protects data the bot hands to a platform and gets back in
// a callback (button values and contexts, dialog and modal state): a token
// sealed with an HMAC-SHA256 key derived per platform and per purpose,
// binding the platform, the purpose, the one person who may use it (for
// personal buttons and forms) and an expiry. A token made or changed by
// anyone else, or replayed on another platform, for another purpose or by
// another person, is refused.
package seal

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// The purposes a token can be sealed for.
const (
	Button = "button" // a button's action
	Form   = "form"   // a dialog's or modal's state
)

var (
	// ErrBroken means the sealed value is missing, malformed, forged, or
	// sealed for another platform or purpose.
	ErrBroken = errors.New("seal: missing or wrong MAC")
	// ErrExpired means the token was genuine but is too old; Open still
	// decodes its data, so the caller can say what to do instead.
	ErrExpired = errors.New("seal: expired")
)

// LegacyError is a value sealed by samverkan before tokens were bound to
// platform, purpose and person (a command line under the master key). It
// is never acted on; Command says what it asked for.
type LegacyError struct{ Command string }

func (e *LegacyError) Error() string { return "seal: outdated token" }

// Token is what a sealed value binds.
type Token struct {
	Platform string          `json:"p"`
	Purpose  string          `json:"u"`
	For      string          `json:"r,omitempty"` // the only user who may use it
	Expires  int64           `json:"x"`           // Unix seconds
	Data     json.RawMessage `json:"d"`
}

const version = "2"

var b64 = base64.RawURLEncoding

// key derives the key of one platform and purpose from the master key, so
// that a token of one can never verify as another.
func key(master []byte, platform, purpose string) []byte {
	h := hmac.New(sha256.New, master)
	h.Write([]byte("samverkan seal v2\x00" + platform + "\x00" + purpose))
	return h.Sum(nil)
}

func mac(k []byte, p string) []byte {
	h := hmac.New(sha256.New, k)
	h.Write([]byte(p))
	return h.Sum(nil)
}

// Seal binds data to platform, purpose and, when forUser is set, that one
// user, valid until expires.
func Seal(master []byte, platform, purpose, forUser string, expires time.Time, data any) (string, error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return "", err
	}
	tok, err := json.Marshal(Token{Platform: platform, Purpose: purpose, For: forUser, Expires: expires.Unix(), Data: raw})
	if err != nil {
		return "", err
	}
	p := b64.EncodeToString(tok)
	return version + "." + p + "." + b64.EncodeToString(mac(key(master, platform, purpose), p)), nil
}

// Open checks that s was sealed for platform and purpose, decodes its data
// into v and returns the token; the caller checks Token.For against who
// uses it. An expired token is decoded and returned with ErrExpired. A
// value from before tokens were bound returns a *LegacyError.
func Open(master []byte, platform, purpose string, now time.Time, s string, v any) (Token, error) {
	var tok Token
	rest, ok := strings.CutPrefix(s, version+".")
	if !ok {
		return tok, legacy(master, s)
	}
	p, m, ok := strings.Cut(rest, ".")
	if !ok || p == "" {
		return tok, ErrBroken
	}
	sum, err := b64.DecodeString(m)
	if err != nil || !hmac.Equal(sum, mac(key(master, platform, purpose), p)) {
		return tok, ErrBroken
	}
	raw, err := b64.DecodeString(p)
	if err != nil || json.Unmarshal(raw, &tok) != nil || tok.Platform != platform || tok.Purpose != purpose {
		return tok, ErrBroken
	}
	if err := json.Unmarshal(tok.Data, v); err != nil {
		return tok, ErrBroken
	}
	if now.Unix() > tok.Expires {
		return tok, ErrExpired
	}
	return tok, nil
}

// legacy recognises a value of the first format, "payload.mac" under the
// master key with a command line as payload.
func legacy(master []byte, s string) error {
	p, m, ok := strings.Cut(s, ".")
	if !ok || p == "" {
		return ErrBroken
	}
	sum, err := b64.DecodeString(m)
	if err != nil || !hmac.Equal(sum, mac(master, p)) {
		return ErrBroken
	}
	raw, err := b64.DecodeString(p)
	var old struct {
		Cmd string `json:"c"`
	}
	if err != nil || json.Unmarshal(raw, &old) != nil {
		return ErrBroken
	}
	return &LegacyError{Command: old.Cmd}
}

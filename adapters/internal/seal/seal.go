// Package seal protects data the bot hands to a platform and gets back in
// a callback (Mattermost button contexts and dialog state, Slack modal
// metadata): an HMAC-SHA256 under a key only the bot knows, so a callback
// whose data was made or changed by anyone else is refused.
package seal

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
)

// ErrBroken means the sealed value is missing, malformed or forged.
var ErrBroken = errors.New("seal: missing or wrong MAC")

var b64 = base64.RawURLEncoding

// Seal encodes v as JSON and appends its MAC: "payload.mac".
func Seal(key []byte, v any) (string, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	p := b64.EncodeToString(raw)
	return p + "." + b64.EncodeToString(sum(key, p)), nil
}

// Open checks the MAC of s and decodes its payload into v.
func Open(key []byte, s string, v any) error {
	p, m, ok := strings.Cut(s, ".")
	if !ok || p == "" {
		return ErrBroken
	}
	mac, err := b64.DecodeString(m)
	if err != nil || !hmac.Equal(mac, sum(key, p)) {
		return ErrBroken
	}
	raw, err := b64.DecodeString(p)
	if err != nil {
		return ErrBroken
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return ErrBroken
	}
	return nil
}

func sum(key []byte, p string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(p))
	return h.Sum(nil)
}

package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"time"
)

// MaxSkew is how far a request's timestamp may be from the bot's clock
// before it is refused as a replay (Slack's own advice: 5 minutes).
const MaxSkew = 5 * time.Minute

var errUnsigned = errors.New("missing, stale or wrong Slack signature")

// verify checks a request as Slack's "Verifying requests from Slack"
// describes: the X-Slack-Signature header is "v0=" and the hex
// HMAC-SHA256, keyed with the signing secret, of "v0:" + the
// X-Slack-Request-Timestamp header + ":" + the raw body, compared in
// constant time; and the timestamp is within MaxSkew of now. It is the
// same rule as slack-go's SecretsVerifier, whose clock cannot be set.
func (a *Adapter) verify(h http.Header, body []byte) error {
	ts := h.Get("X-Slack-Request-Timestamp")
	sig := h.Get("X-Slack-Signature")
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || a.SigningSecret == "" || len(sig) < 3 || sig[:3] != "v0=" {
		return errUnsigned
	}
	if skew := a.now().Sub(time.Unix(secs, 0)).Abs(); skew > MaxSkew {
		return errUnsigned
	}
	got, err := hex.DecodeString(sig[3:])
	if err != nil {
		return errUnsigned
	}
	m := hmac.New(sha256.New, []byte(a.SigningSecret))
	m.Write([]byte("v0:" + ts + ":"))
	m.Write(body)
	if !hmac.Equal(got, m.Sum(nil)) {
		return errUnsigned
	}
	return nil
}

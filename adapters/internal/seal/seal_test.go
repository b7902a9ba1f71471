package seal

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

type action struct {
	Kind   string `json:"k"`
	Number int    `json:"n"`
}

var (
	master = []byte("0123456789abcdef0123456789abcdef")
	now    = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
)

func TestRoundTripBindsPersonAndExpiry(t *testing.T) {
	s, err := Seal(master, "slack", Button, "U_KIM", now.Add(time.Hour), action{"approve", 3})
	if err != nil {
		t.Fatal(err)
	}
	var got action
	tok, err := Open(master, "slack", Button, now, s, &got)
	if err != nil || got != (action{"approve", 3}) || tok.For != "U_KIM" {
		t.Fatalf("Open = %v %+v %+v", err, tok, got)
	}
	if _, err := Open(master, "slack", Button, now.Add(2*time.Hour), s, &got); !errors.Is(err, ErrExpired) {
		t.Errorf("after expiry: %v, want ErrExpired", err)
	}
}

func TestReplayOnAnotherPlatformOrPurposeIsRefused(t *testing.T) {
	s, _ := Seal(master, "slack", Button, "", now.Add(time.Hour), action{"ack", 0})
	var got action
	for name, open := range map[string]func() error{
		"other platform": func() error { _, err := Open(master, "mattermost", Button, now, s, &got); return err },
		"other purpose":  func() error { _, err := Open(master, "slack", Form, now, s, &got); return err },
		"other key": func() error {
			_, err := Open([]byte("another master key, 32 bytes...."), "slack", Button, now, s, &got)
			return err
		},
	} {
		if err := open(); !errors.Is(err, ErrBroken) {
			t.Errorf("%s: %v, want ErrBroken", name, err)
		}
	}
	// Relabelling the payload as another platform's breaks the MAC.
	_, rest, _ := strings.Cut(s, ".")
	p, m, _ := strings.Cut(rest, ".")
	raw, _ := b64.DecodeString(p)
	relabelled := strings.Replace(string(raw), `"p":"slack"`, `"p":"mattermost"`, 1)
	forged := version + "." + b64.EncodeToString([]byte(relabelled)) + "." + m
	if _, err := Open(master, "mattermost", Button, now, forged, &got); !errors.Is(err, ErrBroken) {
		t.Errorf("relabelled: %v, want ErrBroken", err)
	}
	for _, bad := range []string{"", "2.", "2.x.y", p, s[:len(s)-2]} {
		if _, err := Open(master, "slack", Button, now, bad, &got); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestLegacyValueIsRecognisedNotActedOn(t *testing.T) {
	old, _ := json.Marshal(map[string]string{"c": "budskap godkänn 1 rev=1"})
	p := b64.EncodeToString(old)
	h := hmac.New(sha256.New, master)
	h.Write([]byte(p))
	value := p + "." + b64.EncodeToString(h.Sum(nil))
	var got action
	_, err := Open(master, "mattermost", Button, now, value, &got)
	var le *LegacyError
	if !errors.As(err, &le) || le.Command != "budskap godkänn 1 rev=1" {
		t.Fatalf("err = %v, want LegacyError with the old command", err)
	}
	// A forged old-format value is not even recognised.
	if _, err := Open(master, "mattermost", Button, now, p+".AAAA", &got); !errors.Is(err, ErrBroken) {
		t.Errorf("forged legacy: %v", err)
	}
}

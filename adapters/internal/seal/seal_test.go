package seal

import (
	"strings"
	"testing"
)

type payload struct {
	Cmd string `json:"c"`
}

func TestSealRoundTripAndTamper(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	s, err := Seal(key, payload{Cmd: "kvittera ssr"})
	if err != nil {
		t.Fatal(err)
	}
	var got payload
	if err := Open(key, s, &got); err != nil || got.Cmd != "kvittera ssr" {
		t.Fatalf("Open = %v, %+v", err, got)
	}
	forged, _ := Seal([]byte("another key"), payload{Cmd: "forum skapa evil"})
	p, m, _ := strings.Cut(s, ".")
	fp, _, _ := strings.Cut(forged, ".")
	for name, bad := range map[string]string{
		"empty": "", "no mac": p, "other key": forged, "payload swapped": fp + "." + m,
		"mac flipped": p + "." + strings.ToUpper(m[:1]) + m[1:] + "x",
	} {
		if err := Open(key, bad, &got); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

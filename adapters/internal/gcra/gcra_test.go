package gcra

import (
	"testing"
	"time"
)

func TestBurstThenRate(t *testing.T) {
	l := &Limiter{Rate: 10, Burst: 100}
	now := time.Unix(1000, 0)
	for i := range 101 { // the burst plus the one due now
		if ok, _ := l.Allow("tok", now); !ok {
			t.Fatalf("request %d refused", i+1)
		}
	}
	if ok, wait := l.Allow("tok", now); ok || wait != 100*time.Millisecond {
		t.Errorf("request 102: allowed %v, wait %s; want refused for 100 ms", ok, wait)
	}
	if ok, _ := l.Allow("other", now); !ok {
		t.Error("another key is limited on its own")
	}
	if ok, _ := l.Allow("tok", now.Add(100*time.Millisecond)); !ok {
		t.Error("one interval later a request is allowed")
	}
}

package limit

import (
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestBucketAllowsTheBurstThenTheRate(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	b := &Bucket{Rate: 10, Burst: 100, Now: c.now}
	for i := range 100 {
		if d := b.Take(0); d != 0 {
			t.Fatalf("call %d of the burst waits %s", i+1, d)
		}
	}
	if d := b.Take(0); d != 100*time.Millisecond {
		t.Errorf("past the burst a call waits %s, want 100 ms", d)
	}
	c.t = c.t.Add(100 * time.Millisecond)
	if d := b.Take(0); d != 0 {
		t.Errorf("one interval later: %s", d)
	}
	c.t = c.t.Add(time.Hour) // refills to the burst, no further
	for range 100 {
		b.Take(0)
	}
	if d := b.Take(0); d != 100*time.Millisecond {
		t.Errorf("after an hour the burst is still 100: %s", d)
	}
}

// Calls that can wait leave the floor for those that cannot, and use the
// whole rate while nobody else calls.
func TestAFloorIsLeftForOthers(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	b := &Bucket{Rate: 10, Burst: 100, Now: c.now}
	n := 0
	for b.Take(20) == 0 {
		n++
	}
	if n != 80 {
		t.Errorf("deliveries took %d of 100 at once, want 80", n)
	}
	for i := range 20 {
		if d := b.Take(0); d != 0 {
			t.Fatalf("the others' call %d waits %s", i+1, d)
		}
	}
	c.t = c.t.Add(time.Minute)
	for range 100 {
		b.Take(0)
	}
	c.t = c.t.Add(time.Second)
	got := 0
	for b.Take(0) == 0 {
		got++
	}
	if got != 10 {
		t.Errorf("%d calls in a second at the steady rate, want 10", got)
	}
}

func TestDrainEmptiesTheBucket(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	b := &Bucket{Rate: 10, Burst: 100, Now: c.now}
	b.Take(0)
	b.Drain()
	if d := b.Take(0); d != 100*time.Millisecond {
		t.Errorf("the first call after draining waits %s, want 100 ms", d)
	}
}

func TestKeyedBucketsAreIndependent(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	k := &Keyed{Rate: 1, Burst: 1, Now: c.now}
	if k.For("C1").Take(0) != 0 || k.For("C2").Take(0) != 0 {
		t.Fatal("first calls to two channels wait")
	}
	if d := k.For("C1").Take(0); d != time.Second {
		t.Errorf("second call to C1 waits %s, want 1 s", d)
	}
}

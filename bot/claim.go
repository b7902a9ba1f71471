package bot

import (
	"errors"
	"time"
)

// BucketOutboxClaims holds, per outbox item being delivered, which
// replica took it and until when (sequence -> claim).
const BucketOutboxClaims = "outbox_claims"

// Claims makes the outbox claim each item in the store before sending it,
// for a store that several replicas share: only the leader delivers, but
// a leader that froze may wake believing it still leads. A claim keeps
// every other replica off the item for Lease; one found on an item means
// it may have gone out already, so it is sent as a resend (the platform
// looks for the post first).
type Claims struct {
	// Holder names this replica.
	Holder string
	// Lease is how long a claim keeps other replicas off an item; longer
	// than an attempt may take (default: the outbox's Timeout + 5 s).
	Lease time.Duration
	// Leading reports whether this replica may deliver now; the outbox
	// asks just before each send.
	Leading func() bool
}

// claim is one replica's hold on an outbox item.
type claim struct {
	Holder string    `json:"holder"`
	Until  time.Time `json:"until"`
}

// claimItem takes it for this replica. It returns when to come back if
// another replica holds it, and whether anyone claimed it before (it may
// have gone out).
func (o *Outbox) claimItem(it OutboxItem) (wait time.Time, before bool, err error) {
	c := o.Claims
	lease := c.Lease
	if lease <= 0 {
		lease = o.timeout() + 5*time.Second
	}
	err = o.k.Store.Update(func(tx Tx) error {
		wait, before = time.Time{}, false
		now := o.k.Clock.Now()
		var held claim
		switch err := tx.Get(BucketOutboxClaims, SeqKey(it.Seq), &held); {
		case err == nil:
			if held.Holder != c.Holder && held.Until.After(now) {
				wait = held.Until
				return nil
			}
			before = true
		case !errors.Is(err, ErrNotFound):
			return err
		}
		if err := tx.Get(BucketOutbox, SeqKey(it.Seq), &OutboxItem{}); err != nil {
			return err // delivered by another replica meanwhile
		}
		return tx.Put(BucketOutboxClaims, SeqKey(it.Seq), claim{Holder: c.Holder, Until: now.Add(lease)})
	})
	return wait, before, err
}

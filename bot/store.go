package bot

import (
	"errors"
	"strings"
)

// Store keeps the bot's state. Every Update is one atomic, durable
// transaction: either all of its writes (state, audit event, outbox
// messages) happen or none do.
type Store interface {
	// Update runs fn in a read-write transaction; an error from fn rolls
	// everything back and is returned as is. Any other error means nothing
	// was written, unless it wraps ErrOutcomeUnknown: the store lost
	// touch with its database while committing and cannot tell.
	Update(fn func(Tx) error) error
	// View runs fn in a read-only transaction that sees one consistent
	// snapshot.
	View(fn func(Tx) error) error
}

// Tx is a transaction on named buckets of JSON values. Keys sort
// byte-wise; use SeqKey for buckets that must keep insertion order.
type Tx interface {
	// Get decodes the value at key into v, or returns ErrNotFound.
	Get(bucket, key string, v any) error
	// Put encodes v at key.
	Put(bucket, key string, v any) error
	// Delete removes key; deleting an absent key is not an error.
	Delete(bucket, key string) error
	// ForEach calls fn for every key at or after from, in key order, until
	// fn returns ErrStop (which ForEach does not return) or another error.
	ForEach(bucket, from string, fn func(key string, decode func(v any) error) error) error
	// Last decodes the value with the greatest key into v and returns the
	// key, or returns ErrNotFound for an empty bucket.
	Last(bucket string, v any) (string, error)
	// NextSeq returns the bucket's next sequence number, starting at 1.
	NextSeq(bucket string) (uint64, error)
}

// ErrOutcomeUnknown is wrapped by a store's error when a commit may or
// may not have taken effect (the connection was lost while committing and
// the outcome could not be asked afterwards).
var ErrOutcomeUnknown = errors.New("the database did not confirm the change, and whether it was made could not be found out")

// ErrStop ends a ForEach early without error.
var ErrStop = errors.New("stop")

// Bucket names used by the bot.
const (
	BucketMeta       = "meta"
	BucketActors     = "actors"
	BucketMembers    = "members"
	BucketIdentities = "identities" // identity key -> member ID
	BucketForums     = "forums"
	BucketChannels   = "channels" // channel key -> forum IDs
	BucketAudit      = "audit"
	BucketOutbox     = "outbox"      // pending, by sequence
	BucketOutboxDest = "outbox_dest" // destination|sequence -> sequence, for ordered delivery
	BucketOutboxKeys = "outbox_keys" // idempotency key -> sequence
	BucketOutboxDead = "outbox_dead" // permanently failed, by sequence
	BucketRefs       = "refs"        // post reference -> delivered post
	// BucketUndelivered records, per forum, what could not be delivered.
	BucketUndelivered = "undelivered" // forum|sequence -> Undelivered
)

// SeqKey formats a sequence number so that byte order is numeric order.
func SeqKey(n uint64) string {
	const digits = "0123456789"
	var b [20]byte
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = digits[n%10]
		n /= 10
	}
	return string(b[:])
}

// indexed lists the numbers an index bucket holds under prefix
// ("forum|"), in key order: the open items of one forum.
func indexed(tx Tx, bucket, prefix string) ([]uint64, error) {
	var out []uint64
	err := tx.ForEach(bucket, prefix, func(k string, decode func(any) error) error {
		if !strings.HasPrefix(k, prefix) {
			return ErrStop
		}
		var n uint64
		if err := decode(&n); err != nil {
			return err
		}
		out = append(out, n)
		return nil
	})
	return out, err
}

// indexOnce builds an index for data written before the index was kept:
// the first time only, marked done under mark in BucketMeta with value
// done (each index keeps the value it was first marked with).
func indexOnce(tx Tx, mark string, done any, build func() error) error {
	var have any
	if err := tx.Get(BucketMeta, mark, &have); err == nil {
		return nil
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	if err := build(); err != nil {
		return err
	}
	return tx.Put(BucketMeta, mark, done)
}

// getRecord reads the record at key in bucket, or returns what missing
// makes (an ENOTFOUND error naming it) when there is none.
func getRecord[T any](tx Tx, bucket, key string, missing func() error) (*T, error) {
	var v T
	if err := tx.Get(bucket, key, &v); errors.Is(err, ErrNotFound) {
		return nil, missing()
	} else if err != nil {
		return nil, err
	}
	return &v, nil
}

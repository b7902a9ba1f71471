package bolt

import (
	bbolt "go.etcd.io/bbolt"
)

// Dump hands every record (bucket, key and the exact bytes stored) to
// record, and every bucket's sequence to seq, from one snapshot: for
// copying a database to another store (samverkan migrate).
func (s *Store) Dump(record func(bucket string, key, value []byte) error, seq func(bucket string, n uint64) error) error {
	return s.db.View(func(tx *bbolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bbolt.Bucket) error {
			if err := seq(string(name), b.Sequence()); err != nil {
				return err
			}
			return b.ForEach(func(k, v []byte) error { return record(string(name), k, v) })
		})
	})
}

// Load writes records and sequences that fill hands it into the store,
// all in one transaction: for a copy of another store (backup).
func (s *Store) Load(fill func(record func(bucket string, key, value []byte) error, seq func(bucket string, n uint64) error) error) error {
	return s.db.Update(func(tx *bbolt.Tx) error {
		return fill(func(bucket string, key, value []byte) error {
			b, err := tx.CreateBucketIfNotExists([]byte(bucket))
			if err != nil {
				return err
			}
			return b.Put(key, value)
		}, func(bucket string, n uint64) error {
			b, err := tx.CreateBucketIfNotExists([]byte(bucket))
			if err != nil {
				return err
			}
			return b.SetSequence(n)
		})
	})
}

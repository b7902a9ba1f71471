// Package bolt is the embedded store of samverkan: bot.Store on
// go.etcd.io/bbolt, one file, fsync on every commit.
package bolt

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	bbolt "go.etcd.io/bbolt"

	"samverkan/bot"
)

// SchemaVersion is the layout version this code reads and writes.
const SchemaVersion = 1

const metaSchema = "schema_version"

// ErrLocked means another process has the database open.
var ErrLocked = errors.New("database is in use by another process")

// Store is a bot.Store backed by one bbolt file.
type Store struct {
	db *bbolt.DB
}

var _ bot.Store = (*Store)(nil)

// Open opens or creates the database at path. When another process holds
// it, Open gives up after lockTimeout (default 3 s) with ErrLocked.
func Open(path string, lockTimeout time.Duration) (*Store, error) {
	if lockTimeout <= 0 {
		lockTimeout = 3 * time.Second
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: lockTimeout})
	if errors.Is(err, bbolt.ErrTimeout) {
		return nil, fmt.Errorf("%s: %w (is samverkan already running on this file? stop it or use another --data file)", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s := &Store{db: db}
	if err := s.migrate(); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) migrate() error {
	return s.db.Update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte(bot.BucketMeta))
		if err != nil {
			return err
		}
		v := b.Get([]byte(metaSchema))
		if v == nil {
			return b.Put([]byte(metaSchema), []byte(fmt.Sprint(SchemaVersion)))
		}
		var have int
		if err := json.Unmarshal(v, &have); err != nil {
			return fmt.Errorf("unreadable schema version %q", v)
		}
		if have > SchemaVersion {
			return fmt.Errorf("database schema %d is newer than this samverkan understands (%d): upgrade samverkan", have, SchemaVersion)
		}
		return nil
	})
}

// Close closes the database file.
func (s *Store) Close() error { return s.db.Close() }

// Update runs fn in a read-write transaction, committed with fsync.
func (s *Store) Update(fn func(bot.Tx) error) error {
	return s.db.Update(func(tx *bbolt.Tx) error { return fn(&txn{tx: tx}) })
}

// View runs fn on a read-only snapshot.
func (s *Store) View(fn func(bot.Tx) error) error {
	return s.db.View(func(tx *bbolt.Tx) error { return fn(&txn{tx: tx}) })
}

// Backup writes a consistent copy of the database to w while it stays in use.
func (s *Store) Backup(w io.Writer) (int64, error) {
	var n int64
	err := s.db.View(func(tx *bbolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// BackupFile writes a consistent copy to path, via a temporary file so
// that a failed backup never leaves a half-written file under that name.
func (s *Store) BackupFile(path string) (int64, error) {
	tmp, err := os.CreateTemp(dirOf(path), ".samverkan-backup-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	n, err := s.Backup(tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, err
	}
	return n, os.Rename(tmp.Name(), path)
}

func dirOf(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == '/' {
			return path[:i+1]
		}
	}
	return "."
}

// Raw gives tests and tools direct access to the underlying database.
func (s *Store) Raw() *bbolt.DB { return s.db }

type txn struct{ tx *bbolt.Tx }

func (t *txn) bucket(name string, create bool) (*bbolt.Bucket, error) {
	b := t.tx.Bucket([]byte(name))
	if b == nil && create && t.tx.Writable() {
		return t.tx.CreateBucket([]byte(name))
	}
	return b, nil
}

func (t *txn) Get(bucket, key string, v any) error {
	b, _ := t.bucket(bucket, false)
	if b == nil {
		return bot.ErrNotFound
	}
	raw := b.Get([]byte(key))
	if raw == nil {
		return bot.ErrNotFound
	}
	return json.Unmarshal(raw, v)
}

func (t *txn) Put(bucket, key string, v any) error {
	b, err := t.bucket(bucket, true)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put([]byte(key), raw)
}

func (t *txn) Delete(bucket, key string) error {
	b, _ := t.bucket(bucket, false)
	if b == nil {
		return nil
	}
	return b.Delete([]byte(key))
}

func (t *txn) ForEach(bucket, from string, fn func(string, func(any) error) error) error {
	b, _ := t.bucket(bucket, false)
	if b == nil {
		return nil
	}
	c := b.Cursor()
	var k, v []byte
	if from == "" {
		k, v = c.First()
	} else {
		k, v = c.Seek([]byte(from))
	}
	for ; k != nil; k, v = c.Next() {
		raw := v
		err := fn(string(k), func(x any) error { return json.Unmarshal(raw, x) })
		if errors.Is(err, bot.ErrStop) {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (t *txn) Last(bucket string, v any) (string, error) {
	b, _ := t.bucket(bucket, false)
	if b == nil {
		return "", bot.ErrNotFound
	}
	k, raw := b.Cursor().Last()
	if k == nil {
		return "", bot.ErrNotFound
	}
	return string(k), json.Unmarshal(raw, v)
}

func (t *txn) NextSeq(bucket string) (uint64, error) {
	b, err := t.bucket(bucket, true)
	if err != nil {
		return 0, err
	}
	if b == nil {
		return 0, errors.New("NextSeq in a read-only transaction")
	}
	return b.NextSequence()
}

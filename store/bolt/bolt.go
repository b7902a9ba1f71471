// Package bolt is the embedded store of samverkan: bot.Store on
// go.etcd.io/bbolt, one file, fsync on every commit, and concurrent
// updates sharing commits (group commit, commit.go).
package bolt

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
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
	db     *bbolt.DB
	path   string
	commit committer
	// Rehearse, for tests, runs every update's function once more first,
	// in a transaction that is rolled back: an update that is not safe to
	// run twice (see Update) then shows up in any test.
	Rehearse bool
}

var _ bot.Store = (*Store)(nil)

// initialMmap is how much of the file is mapped from the start (address
// space, not memory): bbolt maps the file again each time it doubles,
// and every transaction waits meanwhile — a stall of 100 ms or more under
// load at 16, 32 and 64 MB. With 1 GiB mapped, the first such stall comes
// at 1 GiB. On 32-bit machines, where address space is short, bbolt's own
// growth applies.
const initialMmap = (1 << 30) * (strconv.IntSize / 64)

// Open opens or creates the database at path. When another process holds
// it, Open gives up after lockTimeout (default 3 s) with ErrLocked. An
// existing file is checked first (Inspect, then bbolt's own check), so a
// damaged one is refused with an error that names it (ErrDamaged) instead
// of crashing the process later.
func Open(path string, lockTimeout time.Duration) (*Store, error) {
	if lockTimeout <= 0 {
		lockTimeout = 3 * time.Second
	}
	if err := inspect(path, lockTimeout); errors.Is(err, ErrLocked) {
		return nil, fmt.Errorf("%s: %w (is samverkan already running on this file? stop it or use another --data file)", path, ErrLocked)
	} else if err != nil {
		return nil, err
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: lockTimeout, InitialMmapSize: initialMmap, FreelistType: bbolt.FreelistMapType})
	if errors.Is(err, bbolt.ErrTimeout) {
		return nil, fmt.Errorf("%s: %w (is samverkan already running on this file? stop it or use another --data file)", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s := &Store{db: db, path: path}
	if err := s.Check(); err != nil {
		db.Close()
		return nil, err
	}
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

// OpenExisting opens, for reading, a database that must already exist and
// be a samverkan database (tools: backup, audit). It never creates a file;
// a missing, foreign or damaged file gets an error that names it.
func OpenExisting(path string, lockTimeout time.Duration) (st *Store, err error) {
	if lockTimeout <= 0 {
		lockTimeout = 3 * time.Second
	}
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("%s: no such database (name the file with --data or SAMVERKAN_DATA)", path)
	case err != nil:
		return nil, err
	case fi.IsDir():
		return nil, fmt.Errorf("%s is a directory, not a database", path)
	}
	if err := inspect(path, lockTimeout); errors.Is(err, ErrLocked) {
		return nil, fmt.Errorf("%s: %w (stop samverkan first, or use the running bot)", path, ErrLocked)
	} else if err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			st, err = nil, fmt.Errorf("%s is damaged: %v", path, r)
		}
	}()
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: lockTimeout, ReadOnly: true})
	if errors.Is(err, bbolt.ErrTimeout) {
		return nil, fmt.Errorf("%s: %w (stop samverkan first, or use the running bot)", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("%s is not a samverkan database, or it is damaged: %v", path, err)
	}
	err = db.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bot.BucketMeta))
		if b == nil || b.Get([]byte(metaSchema)) == nil {
			return fmt.Errorf("%s is not a samverkan database (it has no schema version)", path)
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	return &Store{db: db, path: path}, nil
}

// Check reads every page of the file with bbolt's own check and reports
// the first damage found, naming the file (ErrDamaged). Writes wait while
// it runs.
func (s *Store) Check() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &DamageError{Path: s.path, Reason: fmt.Sprint(r)}
		}
	}()
	check := func(tx *bbolt.Tx) error {
		// Read to the end: the check runs on this transaction until then.
		var first error
		for e := range tx.Check() {
			if first == nil {
				first = &DamageError{Path: s.path, Reason: e.Error()}
			}
		}
		return first
	}
	if s.db.IsReadOnly() {
		return s.db.View(check) // nobody writes a file opened read-only
	}
	// bbolt's check is sound only when no write commits meanwhile (it
	// reads the freelist): it runs in a write transaction, rolled back.
	err = s.db.Update(func(tx *bbolt.Tx) error {
		if err := check(tx); err != nil {
			return err
		}
		return errAbort
	})
	if errors.Is(err, errAbort) {
		return nil
	}
	return err
}

// Close closes the database file.
func (s *Store) Close() error { return s.db.Close() }

// Update runs fn in a read-write transaction and returns once it is
// durable. Updates from concurrent callers share one transaction and one
// fsync; each fails alone (see committer). fn may run more than once.
func (s *Store) Update(fn func(bot.Tx) error) error {
	if s.Rehearse {
		_ = s.db.Update(func(tx *bbolt.Tx) error { _ = fn(&txn{tx: tx}); return errAbort })
	}
	return s.update(fn)
}

// View runs fn on a read-only snapshot. Damage found while reading (which
// bbolt reports by panicking) is returned as an error naming the file.
func (s *Store) View(fn func(bot.Tx) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s is damaged: %v", s.path, r)
		}
	}()
	return s.db.View(func(tx *bbolt.Tx) error { return fn(&txn{tx: tx}) })
}

// Used is how many bytes of the file the data reaches (bbolt's high-water
// mark, free pages within it included): the file itself grows in large
// steps ahead of it.
func (s *Store) Used() (int64, error) {
	var n int64
	err := s.db.View(func(tx *bbolt.Tx) error { n = tx.Size(); return nil })
	return n, err
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

// txn is bot.Tx on a bbolt transaction; dirty records that it wrote.
type txn struct {
	tx    *bbolt.Tx
	dirty bool
}

func (t *txn) bucket(name string, create bool) (*bbolt.Bucket, error) {
	b := t.tx.Bucket([]byte(name))
	if b == nil && create && t.tx.Writable() {
		t.dirty = true
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
	t.dirty = true
	return b.Put([]byte(key), raw)
}

func (t *txn) Delete(bucket, key string) error {
	b, _ := t.bucket(bucket, false)
	if b == nil {
		return nil
	}
	t.dirty = true
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
	t.dirty = true
	return b.NextSequence()
}

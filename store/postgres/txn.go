package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"samverkan/bot"
)

// txn is bot.Tx on one connection. BEGIN goes out with the first
// statement, and writes wait in memory until something must see them (a
// scan, a sequence, the commit), then go in one round trip: an update
// that reads a few records and writes a few costs a few round trips.
//
// A write transaction serves a batch of updates (commit.go): each runs
// under a savepoint, so one that fails is rolled back alone and the
// transaction goes on. Since writes hold the store's write lock, what a
// write transaction has read stays true until it commits: reads are kept
// (cache) and asked of the database once.
type txn struct {
	ctx   context.Context
	conn  *pgx.Conn
	write bool
	begun bool
	// pending holds writes not yet sent: a nil value deletes.
	pending map[pkey][]byte
	gone    map[pkey]bool
	// queued are statements to go out, in order, with the next round trip
	// (savepoints and the writes of updates done).
	queued []*pgx.QueuedQuery
	// spAt is where the current savepoint stands in queued while it has
	// not been sent (-1: sent, or none).
	spAt int
	// cache holds what this transaction has read or written, by key.
	cache map[pkey]cached
	wake  bool // wrote to the outbox or the timers
	// xid is the write transaction's ID, asked with BEGIN, so that a
	// commit whose answer was lost can be looked up (interrupt.go);
	// commitSent is set once COMMIT may have reached the server.
	xid        int64
	commitSent bool
	hook       func(stage string, c *pgx.Conn) error
	// waited is how long BEGIN took, the write lock included.
	waited time.Duration
	// trips counts the round trips to the database.
	trips *atomic.Int64
	// shared is the replica's cache (cache.go); version is the database's
	// version this transaction reads, and useShared whether the cache is
	// at it. dirty and dirtyBuckets are what this transaction has written
	// (rolled back or not): listed as changed at the commit, and never
	// taken from or kept in the shared cache.
	shared       *shared
	version      int64
	useShared    bool
	dirty        map[pkey]bool
	dirtyBuckets map[string]bool
	// prune deletes the change log's oldest rows with this commit.
	prune bool
}

type pkey struct{ bucket, key string }

// cached is a record as this transaction knows it: its value, or absent.
type cached struct {
	raw   []byte
	found bool
}

const (
	beginWrite = "BEGIN ISOLATION LEVEL READ COMMITTED"
	beginRead  = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"

	sqlGet    = "SELECT value FROM kv WHERE bucket = $1 AND key = $2"
	sqlScan   = "SELECT key, value FROM kv WHERE bucket = $1 AND key >= $2 ORDER BY key LIMIT $3"
	sqlAfter  = "SELECT key, value FROM kv WHERE bucket = $1 AND key > $2 ORDER BY key LIMIT $3"
	sqlLast   = "SELECT key, value FROM kv WHERE bucket = $1 ORDER BY key DESC LIMIT 1"
	sqlPut    = "INSERT INTO kv (bucket, key, value) VALUES ($1, $2, $3) ON CONFLICT (bucket, key) DO UPDATE SET value = excluded.value"
	sqlDelete = "DELETE FROM kv WHERE bucket = $1 AND key = $2"
	sqlTxid   = "SELECT txid_current()"
	sqlSeq    = "INSERT INTO seqs (bucket, n) VALUES ($1, 1) ON CONFLICT (bucket) DO UPDATE SET n = seqs.n + 1 RETURNING n"
	// sqlWriteLock serialises write transactions across every replica
	// (commit.go): taken first, held to the commit.
	sqlWriteLock = "SELECT pg_advisory_xact_lock($1)"

	// The batch's savepoints (commit.go) and the end of a transaction.
	sqlSavepoint = "SAVEPOINT u"
	sqlRelease   = "RELEASE SAVEPOINT u"
	sqlUndo      = "ROLLBACK TO SAVEPOINT u"
	sqlWake      = "SELECT pg_notify('" + WakeChannel + "', '')"
	sqlCommit    = "COMMIT"
)

// writeLock keys the transaction advisory lock every write takes.
const writeLock = 0x73616d76_00000003

// send runs the batch, preceded by BEGIN (and, for a write, the
// transaction's ID and the write lock) when the transaction has not
// begun; the results start after theirs.
func (t *txn) send(b *pgx.Batch) (pgx.BatchResults, error) {
	if t.trips != nil {
		t.trips.Add(1)
	}
	if t.begun {
		return t.conn.SendBatch(t.ctx, b), nil
	}
	first := []*pgx.QueuedQuery{{SQL: beginRead}}
	if t.write {
		first = []*pgx.QueuedQuery{{SQL: beginWrite}, {SQL: sqlTxid}, {SQL: sqlWriteLock, Arguments: []any{int64(writeLock)}}}
	}
	from := int64(0)
	if t.shared != nil {
		from = t.shared.from()
		first = append(first, &pgx.QueuedQuery{SQL: sqlVersion}, &pgx.QueuedQuery{SQL: sqlChanges, Arguments: []any{from, catchUpRows}})
	}
	b.QueuedQueries = append(first, b.QueuedQueries...)
	if err := t.at("begin"); err != nil {
		return nil, err
	}
	start := time.Now()
	br := t.conn.SendBatch(t.ctx, b)
	_, err := br.Exec()
	if err == nil && t.write {
		if err = br.QueryRow().Scan(&t.xid); err == nil {
			_, err = br.Exec()
		}
	}
	if err == nil && t.shared != nil {
		err = t.catchUp(br, from)
	}
	if err != nil {
		br.Close()
		return nil, fmt.Errorf("database: %w", err)
	}
	t.waited = time.Since(start)
	t.begun = true
	return br, nil
}

// catchUp reads the database's version and the keys changed since the
// shared cache's (from), and brings the cache to this transaction's
// version.
func (t *txn) catchUp(br pgx.BatchResults, from int64) error {
	if err := br.QueryRow().Scan(&t.version); err != nil {
		return err
	}
	rows, err := br.Query()
	if err != nil {
		return err
	}
	var changes []change
	for rows.Next() {
		var ch change
		var key []byte
		if err := rows.Scan(&ch.version, &ch.bucket, &key); err != nil {
			rows.Close()
			return err
		}
		ch.key = string(key)
		changes = append(changes, ch)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	t.useShared = t.shared.catchUp(t.version, from, changes, len(changes) < catchUpRows)
	return nil
}

// prepare puts what waits to go out at the front of b — the queued
// statements, then the pending writes — and says how many results of b
// are theirs.
func (t *txn) prepare(b *pgx.Batch) int {
	t.flushWrites()
	n := len(t.queued)
	b.QueuedQueries = append(t.queued, b.QueuedQueries...)
	t.queued, t.spAt = nil, -1
	return n
}

// query runs one statement that returns rows and hands each to scan;
// what waits to go out goes in the same round trip, before it.
func (t *txn) query(scan func(pgx.Rows) error, sql string, args ...any) error {
	b := &pgx.Batch{}
	n := t.prepare(b)
	b.Queue(sql, args...)
	br, err := t.send(b)
	if err != nil {
		return err
	}
	err = skip(br, n)
	if err == nil {
		var rows pgx.Rows
		if rows, err = br.Query(); err == nil {
			for rows.Next() {
				if err = scan(rows); err != nil {
					break
				}
			}
			rows.Close()
			if err == nil {
				err = rows.Err()
			}
		}
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return dbErr(err)
	}
	return nil
}

// skip reads the next n results of a batch, those of statements whose
// answers are not needed, stopping at the first error.
func skip(br pgx.BatchResults, n int) error {
	for range n {
		if _, err := br.Exec(); err != nil {
			return err
		}
	}
	return nil
}

// errRolledBack is a COMMIT the server answered with ROLLBACK: a
// statement of the transaction had failed and aborted it, unnoticed.
var errRolledBack = &pgconn.PgError{Code: "25P02", Message: "the transaction was aborted by a failed statement and rolled back at COMMIT"}

// dbErr marks an error as the database's, keeping PostgreSQL's code for
// the retry decision.
func dbErr(err error) error {
	if strings.HasPrefix(err.Error(), "database: ") {
		return err
	}
	return fmt.Errorf("database: %w", err)
}

// flushWrites moves the pending writes to the queue, in key order, and
// into what the transaction knows.
func (t *txn) flushWrites() {
	if len(t.pending) == 0 && len(t.gone) == 0 {
		return
	}
	keys := make([]pkey, 0, len(t.pending)+len(t.gone))
	for k := range t.pending {
		keys = append(keys, k)
	}
	for k := range t.gone {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, cmpKeys)
	if t.cache == nil {
		t.cache = map[pkey]cached{}
	}
	for _, k := range keys {
		if v, ok := t.pending[k]; ok {
			t.queued = append(t.queued, &pgx.QueuedQuery{SQL: sqlPut, Arguments: []any{k.bucket, []byte(k.key), v}})
			t.cache[k] = cached{raw: v, found: true}
		} else {
			t.queued = append(t.queued, &pgx.QueuedQuery{SQL: sqlDelete, Arguments: []any{k.bucket, []byte(k.key)}})
			t.cache[k] = cached{}
		}
	}
	t.pending, t.gone = nil, nil
}

// savepoint starts the part of the transaction that one update of a
// batch writes; it goes out with the next round trip.
func (t *txn) savepoint() {
	t.flushWrites()
	t.spAt = len(t.queued)
	t.queued = append(t.queued, &pgx.QueuedQuery{SQL: sqlSavepoint})
}

// release keeps what the update since savepoint wrote.
func (t *txn) release() {
	t.flushWrites()
	if t.spAt >= 0 {
		// Never sent: the savepoint is simply left out.
		t.queued = slices.Delete(t.queued, t.spAt, t.spAt+1)
		t.spAt = -1
		return
	}
	t.queued = append(t.queued, &pgx.QueuedQuery{SQL: sqlRelease})
}

// rollback undoes what the update since savepoint wrote, the
// transaction's aborted state too (a statement that failed). When the
// savepoint has gone out this is a round trip of its own, at once, and
// sends nothing but the two statements an aborted transaction takes,
// both prepared on the connection beforehand (postgres.go): the server
// refuses even to describe RELEASE until the rollback is done.
func (t *txn) rollback() error {
	t.pending, t.gone, t.cache = nil, nil, nil // what was read may have been its own writes
	if t.spAt >= 0 {
		t.queued = t.queued[:t.spAt]
		t.spAt = -1
		return nil
	}
	t.queued = nil // written since the savepoint went out: its own
	b := &pgx.Batch{}
	b.Queue(sqlUndo)
	b.Queue(sqlRelease)
	br, err := t.send(b)
	if err != nil {
		return err
	}
	err = skip(br, 2)
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return dbErr(err)
	}
	return nil
}

func cmpKeys(a, b pkey) int {
	if c := strings.Compare(a.bucket, b.bucket); c != 0 {
		return c
	}
	return strings.Compare(a.key, b.key)
}

// exec sends a batch whose results are not needed.
func (t *txn) exec(b *pgx.Batch) error {
	br, err := t.send(b)
	if err != nil {
		return err
	}
	if err := br.Close(); err != nil {
		return dbErr(err)
	}
	return nil
}

// commit sends what is pending, the wake-up when the outbox or timers
// changed, and COMMIT, in one round trip.
func (t *txn) commit() error {
	if !t.begun && len(t.pending) == 0 && len(t.gone) == 0 && len(t.queued) == 0 {
		return nil // nothing was read or written
	}
	b := &pgx.Batch{}
	n := t.prepare(b)
	if t.write && t.wake {
		b.Queue(sqlWake)
		n++
	}
	if t.write && len(t.dirty) > 0 {
		buckets, keys := make([]string, 0, len(t.dirty)), make([][]byte, 0, len(t.dirty))
		for k := range t.dirty {
			buckets, keys = append(buckets, k.bucket), append(keys, []byte(k.key))
		}
		b.Queue(sqlChanged, buckets, keys)
		n++
		if t.prune {
			b.Queue(sqlPrune, keepVersions)
			n++
		}
	}
	b.Queue(sqlCommit)
	if err := t.at("commit"); err != nil {
		return err
	}
	t.commitSent = t.write
	br, err := t.send(b)
	if err != nil {
		return err
	}
	err = skip(br, n)
	var tag pgconn.CommandTag
	if err == nil {
		tag, err = br.Exec()
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return dbErr(err)
	}
	// An aborted transaction "commits" by rolling back, without an error:
	// the tag tells.
	if tag.String() != "COMMIT" {
		t.commitSent = false
		return errRolledBack
	}
	return t.at("committed")
}

// at runs the test hook at a stage of the transaction: "begin" before the
// first statement, "commit" before COMMIT is sent, "committed" after its
// answer (an error there stands for an answer lost on the way).
func (t *txn) at(stage string) error {
	if t.hook == nil {
		return nil
	}
	if err := t.hook(stage, t.conn); err != nil {
		return dbErr(err)
	}
	return nil
}

// end rolls back whatever is still open (after an error or a panic).
func (t *txn) end() {
	if t.conn.PgConn().TxStatus() != 'I' && !t.conn.IsClosed() {
		_, _ = t.conn.Exec(context.Background(), "ROLLBACK")
	}
}

func (t *txn) Get(bucket, key string, v any) error {
	k := pkey{bucket, key}
	if raw, ok := t.pending[k]; ok {
		return json.Unmarshal(raw, v)
	}
	if t.gone[k] {
		return bot.ErrNotFound
	}
	c, ok := t.cache[k]
	if !ok && t.useShared && !t.dirty[k] {
		if c, ok = t.shared.get(t.version, k); ok {
			t.shared.hits.Add(1)
		}
	}
	if !ok {
		t.shared.misses.Add(1)
		err := t.query(func(r pgx.Rows) error { c.found = true; return r.Scan(&c.raw) }, sqlGet, bucket, []byte(key))
		if err != nil {
			return err
		}
		if t.useShared && !t.dirty[k] {
			t.shared.keep(t.version, k, c)
		}
		if t.write {
			if t.cache == nil {
				t.cache = map[pkey]cached{}
			}
			t.cache[k] = c
		}
	}
	raw, found := c.raw, c.found
	if !found {
		return bot.ErrNotFound
	}
	return json.Unmarshal(raw, v)
}

func (t *txn) Put(bucket, key string, v any) error {
	if !t.write {
		return errors.New("Put in a read-only transaction")
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	k := pkey{bucket, key}
	if t.pending == nil {
		t.pending = map[pkey][]byte{}
	}
	t.pending[k] = raw
	delete(t.gone, k)
	t.touch(k)
	return nil
}

func (t *txn) Delete(bucket, key string) error {
	if !t.write {
		return errors.New("Delete in a read-only transaction")
	}
	k := pkey{bucket, key}
	if t.gone == nil {
		t.gone = map[pkey]bool{}
	}
	t.gone[k] = true
	delete(t.pending, k)
	t.touch(k)
	return nil
}

// touch notes a write: a change to list at the commit, and one the
// leading replica must hear about (the outbox, the timers).
func (t *txn) touch(k pkey) {
	if k.bucket == bot.BucketOutbox || k.bucket == bot.BucketTimers {
		t.wake = true
	}
	if t.dirty == nil {
		t.dirty, t.dirtyBuckets = map[pkey]bool{}, map[string]bool{}
	}
	t.dirty[k] = true
	t.dirtyBuckets[k.bucket] = true
}

// ForEach reads the bucket in pages, small first (most callers stop after
// a record or two) and larger as it goes on; fn may write meanwhile.
func (t *txn) ForEach(bucket, from string, fn func(string, func(any) error) error) error {
	sql, at, page := sqlScan, []byte(from), 8
	for {
		recs, err := t.scan(bucket, sql, at, page)
		if err != nil {
			return err
		}
		for _, x := range recs {
			err := fn(string(x.key), func(v any) error { return json.Unmarshal(x.value, v) })
			if errors.Is(err, bot.ErrStop) {
				return nil
			}
			if err != nil {
				return err
			}
		}
		if len(recs) < page {
			return nil
		}
		sql, at, page = sqlAfter, recs[len(recs)-1].key, min(page*8, 4096)
	}
}

func (t *txn) Last(bucket string, v any) (string, error) {
	recs, err := t.scan(bucket, sqlLast, nil, 1)
	if err != nil {
		return "", err
	}
	if len(recs) == 0 {
		return "", bot.ErrNotFound
	}
	return string(recs[0].key), json.Unmarshal(recs[0].value, v)
}

// scan reads up to page records of bucket with one of the scan
// statements (sqlScan, sqlAfter from at; sqlLast), from the shared
// cache when it holds them and this transaction has not written to the
// bucket.
func (t *txn) scan(bucket, sql string, at []byte, page int) ([]rec, error) {
	id := scanID{sql: sql, from: string(at), page: page}
	if t.useShared && !t.dirtyBuckets[bucket] {
		if recs, ok := t.shared.scan(t.version, bucket, id); ok {
			t.shared.hits.Add(1)
			return recs, nil
		}
	}
	t.shared.misses.Add(1)
	args := []any{bucket, at, page}
	if sql == sqlLast {
		args = []any{bucket}
	}
	var recs []rec
	err := t.query(func(r pgx.Rows) error {
		var x rec
		err := r.Scan(&x.key, &x.value)
		recs = append(recs, x)
		return err
	}, sql, args...)
	if err != nil {
		return nil, err
	}
	if t.useShared && !t.dirtyBuckets[bucket] {
		t.shared.keepScan(t.version, bucket, id, recs)
	}
	return recs, nil
}

func (t *txn) NextSeq(bucket string) (uint64, error) {
	if !t.write {
		return 0, errors.New("NextSeq in a read-only transaction")
	}
	var n int64
	err := t.query(func(r pgx.Rows) error { return r.Scan(&n) }, sqlSeq, bucket)
	return uint64(n), err
}

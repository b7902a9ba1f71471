package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"samverkan/bot"
)

// txn is bot.Tx on one connection. BEGIN goes out with the first
// statement, and writes wait in memory until something must see them (a
// scan, a sequence, the commit), then go in one round trip: an update
// that reads a few records and writes a few costs a few round trips.
type txn struct {
	ctx   context.Context
	conn  *pgx.Conn
	write bool
	begun bool
	// pending holds writes not yet sent: a nil value deletes.
	pending map[pkey][]byte
	gone    map[pkey]bool
	wake    bool // wrote to the outbox or the timers
	// xid is the write transaction's ID, asked with BEGIN, so that a
	// commit whose answer was lost can be looked up (interrupt.go);
	// commitSent is set once COMMIT may have reached the server.
	xid        int64
	commitSent bool
	hook       func(stage string, c *pgx.Conn) error
}

type pkey struct{ bucket, key string }

const (
	beginWrite = "BEGIN ISOLATION LEVEL SERIALIZABLE"
	beginRead  = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"

	sqlGet    = "SELECT value FROM kv WHERE bucket = $1 AND key = $2"
	sqlScan   = "SELECT key, value FROM kv WHERE bucket = $1 AND key >= $2 ORDER BY key LIMIT $3"
	sqlAfter  = "SELECT key, value FROM kv WHERE bucket = $1 AND key > $2 ORDER BY key LIMIT $3"
	sqlLast   = "SELECT key, value FROM kv WHERE bucket = $1 ORDER BY key DESC LIMIT 1"
	sqlPut    = "INSERT INTO kv (bucket, key, value) VALUES ($1, $2, $3) ON CONFLICT (bucket, key) DO UPDATE SET value = excluded.value"
	sqlDelete = "DELETE FROM kv WHERE bucket = $1 AND key = $2"
	sqlSeq    = "INSERT INTO seqs (bucket, n) VALUES ($1, 1) ON CONFLICT (bucket) DO UPDATE SET n = seqs.n + 1 RETURNING n"
)

// send runs the batch, preceded by BEGIN when the transaction has not
// begun; the results start after BEGIN's.
func (t *txn) send(b *pgx.Batch) (pgx.BatchResults, error) {
	if !t.begun {
		begin := beginRead
		if t.write {
			begin = beginWrite
		}
		first := []*pgx.QueuedQuery{{SQL: begin}}
		if t.write {
			first = append(first, &pgx.QueuedQuery{SQL: "SELECT txid_current()"})
		}
		b.QueuedQueries = append(first, b.QueuedQueries...)
		if err := t.at("begin"); err != nil {
			return nil, err
		}
		br := t.conn.SendBatch(t.ctx, b)
		_, err := br.Exec()
		if err == nil && t.write {
			err = br.QueryRow().Scan(&t.xid)
		}
		if err != nil {
			br.Close()
			return nil, fmt.Errorf("database: %w", err)
		}
		t.begun = true
		return br, nil
	}
	return t.conn.SendBatch(t.ctx, b), nil
}

// query runs one statement that returns rows and hands each to scan;
// the pending writes go in the same round trip, before it.
func (t *txn) query(scan func(pgx.Rows) error, sql string, args ...any) error {
	b := &pgx.Batch{}
	n := t.writes(b)
	b.Queue(sql, args...)
	br, err := t.send(b)
	if err != nil {
		return err
	}
	for range n {
		if _, err = br.Exec(); err != nil {
			break
		}
	}
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

// dbErr marks an error as the database's, keeping PostgreSQL's code for
// the retry decision.
func dbErr(err error) error {
	if strings.HasPrefix(err.Error(), "database: ") {
		return err
	}
	return fmt.Errorf("database: %w", err)
}

// writes queues the pending writes, in key order (so two replicas take
// row locks in the same order), forgets them and says how many it queued.
func (t *txn) writes(b *pgx.Batch) int {
	keys := make([]pkey, 0, len(t.pending)+len(t.gone))
	for k := range t.pending {
		keys = append(keys, k)
	}
	for k := range t.gone {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, cmpKeys)
	for _, k := range keys {
		if v, ok := t.pending[k]; ok {
			b.Queue(sqlPut, k.bucket, []byte(k.key), v)
		} else {
			b.Queue(sqlDelete, k.bucket, []byte(k.key))
		}
	}
	t.pending, t.gone = nil, nil
	return len(keys)
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
	if !t.begun && len(t.pending) == 0 && len(t.gone) == 0 {
		return nil // nothing was read or written
	}
	b := &pgx.Batch{}
	if t.write {
		t.writes(b)
		if t.wake {
			b.Queue("SELECT pg_notify('" + WakeChannel + "', '')")
		}
	}
	b.Queue("COMMIT")
	if err := t.at("commit"); err != nil {
		return err
	}
	t.commitSent = t.write
	if err := t.exec(b); err != nil {
		return err
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
	var raw []byte
	found := false
	err := t.query(func(r pgx.Rows) error { found = true; return r.Scan(&raw) }, sqlGet, bucket, []byte(key))
	if err != nil {
		return err
	}
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
	t.touch(bucket)
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
	t.touch(bucket)
	return nil
}

// touch notes a write that the leading replica must hear about.
func (t *txn) touch(bucket string) {
	if bucket == bot.BucketOutbox || bucket == bot.BucketTimers {
		t.wake = true
	}
}

// ForEach reads the bucket in pages, small first (most callers stop after
// a record or two) and larger as it goes on; fn may write meanwhile.
func (t *txn) ForEach(bucket, from string, fn func(string, func(any) error) error) error {
	type rec struct {
		key   []byte
		value []byte
	}
	sql, at, page := sqlScan, []byte(from), 8
	for {
		var recs []rec
		err := t.query(func(r pgx.Rows) error {
			var x rec
			err := r.Scan(&x.key, &x.value)
			recs = append(recs, x)
			return err
		}, sql, bucket, at, page)
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
	var key, raw []byte
	found := false
	err := t.query(func(r pgx.Rows) error { found = true; return r.Scan(&key, &raw) }, sqlLast, bucket)
	if err != nil {
		return "", err
	}
	if !found {
		return "", bot.ErrNotFound
	}
	return string(key), json.Unmarshal(raw, v)
}

func (t *txn) NextSeq(bucket string) (uint64, error) {
	if !t.write {
		return 0, errors.New("NextSeq in a read-only transaction")
	}
	var n int64
	err := t.query(func(r pgx.Rows) error { return r.Scan(&n) }, sqlSeq, bucket)
	return uint64(n), err
}

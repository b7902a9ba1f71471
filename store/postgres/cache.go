package postgres

import (
	"sync"
	"sync/atomic"
)

// What a replica has read stays in its memory, valid as of a version of
// the database, so that most reads cost no round trip:
//
//   - Every write transaction that changes something numbers itself — the
//     version, one more than the last — and lists the keys it changed in
//     the table changes, in the same commit. Writes hold the write lock
//     (commit.go), so versions commit in order, without gaps.
//   - A transaction's first round trip (with BEGIN, or after the write
//     lock) also reads the database's version and the keys changed since
//     the version the cache holds. The cache forgets those keys (and the
//     scans of their buckets) and moves to the new version; from then on,
//     what the cache holds is what the database holds, for every
//     transaction at that version.
//   - A transaction older than the cache (another moved it on meanwhile)
//     reads the database; a read is kept only if the cache is still at
//     the version the transaction reads, and a write transaction keeps
//     nothing it has written itself (its reads see its own writes).
//   - A write outside this path (Tamper, a restore) lists "everything";
//     a cache too far behind the log (pruned, or more than catchUpRows
//     changes) starts again empty.
//
// So a view after a write on another replica sees that write, as before:
// the version is read in the view's own snapshot.

// catchUpRows bounds the changed keys one transaction reads to catch the
// cache up; a cache further behind starts again empty.
const catchUpRows = 2000

// keepVersions is how many versions of the change log stay in the
// database (older rows are deleted now and then by a write).
const keepVersions = 4096

// maxCacheBytes bounds the memory the cache holds; past it, it starts
// again empty.
const maxCacheBytes = 64 << 20

const (
	sqlVersion = "SELECT coalesce(max(version), 0) FROM changes"
	sqlChanges = "SELECT version, bucket, key FROM changes WHERE version > $1 ORDER BY version LIMIT $2"
	// sqlChanged lists a write transaction's keys under the next version
	// (the write lock is held: no one else numbers meanwhile).
	sqlChanged = "INSERT INTO changes (version, bucket, key) SELECT v.n, c.b, c.k FROM (SELECT coalesce(max(version), 0) + 1 AS n FROM changes) v, unnest($1::text[], $2::bytea[]) AS c(b, k)"
	// sqlChangedAll is a change of every key (a write outside the path).
	sqlChangedAll = "INSERT INTO changes (version, bucket, key) SELECT coalesce(max(version), 0) + 1, '', ''::bytea FROM changes"
	sqlPrune      = "DELETE FROM changes WHERE version < (SELECT max(version) FROM changes) - $1"
	// everything is the bucket of a change that stands for every key.
	everything = ""
	// pruneEvery is how often (in this process's commits) a commit
	// deletes the change log's old rows.
	pruneEvery = 256
)

// rec is one stored record as a scan returns it.
type rec struct{ key, value []byte }

// scanID names one scan of a bucket: the statement and where it starts.
type scanID struct {
	sql  string
	from string
	page int
}

// shared is a replica's cache of what its transactions have read.
type shared struct {
	mu    sync.Mutex
	at    int64 // the version the entries hold
	gets  map[pkey]cached
	scans map[string]map[scanID][]rec // bucket -> scans of it
	bytes int
	// hits and misses count reads answered from memory and from the
	// database, for /metrics.
	hits, misses atomic.Int64
}

// change is one key a write transaction changed.
type change struct {
	version     int64
	bucket, key string
}

// from is the version the cache holds, for the catch-up query.
func (c *shared) from() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.at
}

// catchUp brings the cache to version v, given the changes read after
// version from (complete: every one of them). It reports whether a
// transaction at v may use the cache.
func (c *shared) catchUp(v, from int64, changes []change, complete bool) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.at == v:
		return true
	case c.at > v:
		return false // this transaction is older than the cache
	}
	// The log holds a row for every version: one missing at the start was
	// pruned before this cache read it.
	gap := len(changes) == 0 || changes[0].version != from+1
	if !complete || gap {
		c.reset()
		c.at = v
		return true
	}
	for _, ch := range changes {
		if ch.version <= c.at || ch.version > v {
			continue
		}
		if ch.bucket == everything {
			c.reset()
			break
		}
		if e, ok := c.gets[pkey{ch.bucket, ch.key}]; ok {
			c.bytes -= len(e.raw)
			delete(c.gets, pkey{ch.bucket, ch.key})
		}
		c.dropScans(ch.bucket)
	}
	c.at = v
	return true
}

func (c *shared) dropScans(bucket string) {
	for _, rs := range c.scans[bucket] {
		for _, r := range rs {
			c.bytes -= len(r.key) + len(r.value)
		}
	}
	delete(c.scans, bucket)
}

func (c *shared) reset() {
	c.gets, c.scans, c.bytes = nil, nil, 0
}

// get is the record at version v, if the cache holds it.
func (c *shared) get(v int64, k pkey) (cached, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at != v {
		return cached{}, false
	}
	e, ok := c.gets[k]
	return e, ok
}

// keep remembers a record read at version v.
func (c *shared) keep(v int64, k pkey, e cached) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at != v {
		return
	}
	if c.gets == nil {
		c.gets = map[pkey]cached{}
	}
	c.gets[k] = e
	c.grow(len(e.raw))
}

// scan is a scan's records at version v, if the cache holds them.
func (c *shared) scan(v int64, bucket string, id scanID) ([]rec, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at != v {
		return nil, false
	}
	rs, ok := c.scans[bucket][id]
	return rs, ok
}

// keepScan remembers a scan read at version v.
func (c *shared) keepScan(v int64, bucket string, id scanID, rs []rec) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at != v {
		return
	}
	if c.scans == nil {
		c.scans = map[string]map[scanID][]rec{}
	}
	if c.scans[bucket] == nil {
		c.scans[bucket] = map[scanID][]rec{}
	}
	c.scans[bucket][id] = rs
	n := 0
	for _, r := range rs {
		n += len(r.key) + len(r.value)
	}
	c.grow(n)
}

func (c *shared) grow(n int) {
	c.bytes += n
	if c.bytes > maxCacheBytes {
		c.reset()
	}
}

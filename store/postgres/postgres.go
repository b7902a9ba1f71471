// Package postgres is the shared store of samverkan: bot.Store on
// PostgreSQL through pgx, for two or more replicas on one database.
//
// Writes from every replica go one transaction at a time under a shared
// advisory lock, each transaction carrying the updates that waited in its
// process (group commit, commit.go), so no two updates conflict; how a
// failed transaction is run again is retry.go, a lost connection
// interrupt.go. Views are REPEATABLE READ, READ ONLY: one snapshot each,
// taking no lock.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"samverkan/bot"
)

// Store is a bot.Store on a PostgreSQL database.
type Store struct {
	pool *pgxpool.Pool
	cfg  *pgxpool.Config
	// Rehearse, for tests, runs every update's function once more first,
	// in a transaction that is rolled back (as store/bolt does).
	Rehearse bool
	// Timeout bounds one transaction, including waiting for a connection
	// (default 10 s).
	Timeout time.Duration

	commit committer // the write path: group commit under the write lock
	cache  shared    // what this replica has read (cache.go)
	// migrated is set once the schema is in place: connections made from
	// then on prepare the statements.
	migrated atomic.Bool
	// views and readTrips count read transactions and their round trips.
	views, readTrips atomic.Int64
	retries          atomic.Int64
	// interruptions counts updates run again after a lost connection,
	// settled the lost commits whose outcome was found out (interrupt.go).
	interruptions, settled atomic.Int64
	// hook, for tests, runs at the stages of each transaction (txn.at).
	hook func(stage string, c *pgx.Conn) error
}

var _ bot.Store = (*Store)(nil)

// WakeChannel is the LISTEN/NOTIFY channel on which a commit that queued
// an outbox item or changed a timer tells the leading replica.
const WakeChannel = "samverkan_wake"

// Open connects to the database at url (postgres://…), applies the schema
// migrations it lacks and returns the store. The database must exist.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("database URL: %w (write it as postgres://user@host:5432/dbname)", err)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = 3 * time.Second
	}
	// A replica frozen in the middle of a transaction (SIGSTOP, a VM
	// paused) would hold its row locks, and so stop every other replica,
	// for as long as it stands still: PostgreSQL ends such a transaction
	// after a few seconds. Transactions here never wait between
	// statements for anything but this process's own code.
	if _, ok := cfg.ConnConfig.RuntimeParams["idle_in_transaction_session_timeout"]; !ok {
		cfg.ConnConfig.RuntimeParams["idle_in_transaction_session_timeout"] = "3s"
	}
	// Statements are described once and cached, but not kept prepared
	// under a name: an update rolled back to its savepoint mid-batch would
	// otherwise leave pgx's cache and the server's prepared statements
	// disagreeing (42P05 on the next batch).
	if !strings.Contains(url, "default_query_exec_mode=") {
		cfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeCacheDescribe
	}
	if cfg.ConnConfig.RuntimeParams["application_name"] == "" {
		cfg.ConnConfig.RuntimeParams["application_name"] = "samverkan"
	}
	if !strings.Contains(url, "pool_max_conns=") {
		cfg.MaxConns = 16 // as many as the bot runs commands at once
	}
	s := &Store{cfg: cfg}
	cfg.AfterConnect = s.prepare
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", Redact(url), err)
	}
	s.pool = pool
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("database %s: %w", Redact(url), err)
	}
	// Connections made from now on prepare the statements (the schema is
	// there); the one that migrated goes.
	s.migrated.Store(true)
	pool.Reset()
	return s, nil
}

// Warm opens the pool's connections now, for a replica about to serve:
// the first commands after a start then do not wait for connections to
// be made and prepared (measured: without it, a replica started under
// 500 commands/s turned a few away in its first second). One-off tools
// do not need it.
func (s *Store) Warm(ctx context.Context) {
	var conns []*pgxpool.Conn
	for range s.cfg.MaxConns {
		c, err := s.pool.Acquire(ctx)
		if err != nil {
			break // the commands will make them, or say what is wrong
		}
		conns = append(conns, c)
	}
	for _, c := range conns {
		c.Release()
	}
}

// statements are the store's own, prepared by name on every connection
// once the schema is in place: each use then skips the server's parsing
// and planning. Prepared outside any transaction, they outlive savepoints
// rolled back (which statements pgx would prepare in a transaction
// would not), and none needs describing in a transaction that a failed
// statement aborted: there the server would refuse it, even RELEASE
// after the ROLLBACK TO that ends the aborted state, when both go in one
// round trip.
var statements = []string{beginWrite, beginRead, sqlGet, sqlScan, sqlAfter, sqlLast, sqlPut, sqlDelete, sqlSeq, sqlWriteLock, sqlTxid,
	sqlVersion, sqlChanges, sqlChanged, sqlPrune, sqlSavepoint, sqlRelease, sqlUndo, sqlWake, sqlCommit}

// prepare prepares the statements on a new connection.
func (s *Store) prepare(ctx context.Context, c *pgx.Conn) error {
	if !s.migrated.Load() {
		return nil
	}
	for _, sql := range statements {
		if _, err := c.Prepare(ctx, sql, sql); err != nil {
			return fmt.Errorf("preparing %q: %w", sql, err)
		}
	}
	return nil
}

// Close closes every connection.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Ping reports whether the database answers now.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// Retries is how many updates have run again after a conflict with
// another transaction since the store was opened.
func (s *Store) Retries() int64 { return s.retries.Load() }

func (s *Store) timeout() time.Duration {
	if s.Timeout > 0 {
		return s.Timeout
	}
	return 10 * time.Second
}

// View runs fn on one snapshot, without the write lock.
func (s *Store) View(fn func(bot.Tx) error) error { return s.run(false, fn, true) }

// run runs fn in one read transaction.
func (s *Store) run(write bool, fn func(bot.Tx) error, commit bool) (err error) {
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout())
	defer cancel()
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("database: %w", err)
	}
	t := &txn{ctx: ctx, conn: conn.Conn(), write: write, hook: s.hook, spAt: -1, trips: &s.readTrips, shared: &s.cache}
	s.views.Add(1)
	defer func() {
		t.end() // rolls back what an error or a panic left open
		conn.Release()
	}()
	if err := fn(t); err != nil {
		return err
	}
	if !commit {
		return nil
	}
	err = t.commit()
	if err != nil && t.commitSent && interrupted(err) {
		return s.settle(t.xid, err)
	}
	return err
}

// Interruptions is how many updates ran once more after a lost
// connection, and how many lost commits were looked up, since the store
// was opened.
func (s *Store) Interruptions() (rerun, settled int64) {
	return s.interruptions.Load(), s.settled.Load()
}

// Tamper rewrites one record's stored bytes outside any update, for tests
// that play an attacker with the database (fn returning nil deletes).
func (s *Store) Tamper(bucket, key string, fn func([]byte) []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout())
	defer cancel()
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, sqlWriteLock, int64(writeLock)); err != nil {
			return err
		}
		var raw []byte
		err := tx.QueryRow(ctx, sqlGet, bucket, []byte(key)).Scan(&raw)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if raw = fn(raw); raw == nil {
			_, err = tx.Exec(ctx, sqlDelete, bucket, []byte(key))
		} else {
			_, err = tx.Exec(ctx, sqlPut, bucket, []byte(key), raw)
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, sqlChangedAll) // the caches forget everything
		return err
	})
}

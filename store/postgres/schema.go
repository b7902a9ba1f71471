package postgres

import (
	"context"
	"fmt"
	"net/url"

	"github.com/jackc/pgx/v5"
)

// migrations are the schema's versions, in order: migration i brings the
// schema to version i+1. Released migrations never change; a change to
// the schema is a new one at the end.
var migrations = []string{
	// 1: buckets of records (byte-ordered keys, the exact bytes the bot
	// wrote, so the audit chain's hashes hold) and one sequence per bucket.
	`CREATE TABLE kv (
		bucket text NOT NULL,
		key bytea NOT NULL,
		value bytea NOT NULL,
		PRIMARY KEY (bucket, key)
	);
	CREATE TABLE seqs (
		bucket text PRIMARY KEY,
		n bigint NOT NULL
	);`,
	// 2: the change log: which keys each write transaction changed, under
	// its version, so that each replica's cache of reads forgets them
	// (cache.go). The bucket '' stands for every key.
	`CREATE TABLE changes (
		version bigint NOT NULL,
		bucket text NOT NULL,
		key bytea NOT NULL,
		PRIMARY KEY (version, bucket, key)
	);`,
}

// SchemaVersion is the schema version this code reads and writes.
var SchemaVersion = len(migrations)

// migrationLock keys the advisory lock that keeps two replicas starting
// at once from migrating at once.
const migrationLock = 0x73616d76_00000001

// migrate applies the migrations the database lacks, each in its own
// transaction with its version, under a lock that replicas share.
func (s *Store) migrate(ctx context.Context) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", int64(migrationLock)); err != nil {
		return err
	}
	defer conn.Exec(context.Background(), "SELECT pg_advisory_unlock($1)", int64(migrationLock))
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version int NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return err
	}
	var have int
	if err := conn.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_version").Scan(&have); err != nil {
		return err
	}
	if have > SchemaVersion {
		return fmt.Errorf("database schema %d is newer than this samverkan understands (%d): upgrade samverkan", have, SchemaVersion)
	}
	for v := have + 1; v <= SchemaVersion; v++ {
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, migrations[v-1]); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "INSERT INTO schema_version (version) VALUES ($1)", v)
			return err
		})
		if err != nil {
			return fmt.Errorf("schema migration %d: %w", v, err)
		}
	}
	return nil
}

// Redact returns a database URL without its password, for messages.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(a database URL that does not parse)"
	}
	return u.Redacted()
}

// IsURL reports whether a store setting names a PostgreSQL database.
func IsURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql")
}

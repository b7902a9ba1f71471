package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Dump hands every record (bucket, key and the exact bytes stored) to
// record, and every bucket's sequence to seq, from one snapshot: for a
// backup in the embedded store's format.
func (s *Store) Dump(ctx context.Context, record func(bucket string, key, value []byte) error, seq func(bucket string, n uint64) error) error {
	return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, "SELECT bucket, n FROM seqs ORDER BY bucket")
		if err != nil {
			return err
		}
		var bucket string
		var n int64
		_, err = pgx.ForEachRow(rows, []any{&bucket, &n}, func() error { return seq(bucket, uint64(n)) })
		if err != nil {
			return err
		}
		rows, err = tx.Query(ctx, "SELECT bucket, key, value FROM kv ORDER BY bucket, key")
		if err != nil {
			return err
		}
		var key, value []byte
		_, err = pgx.ForEachRow(rows, []any{&bucket, &key, &value}, func() error { return record(bucket, key, value) })
		return err
	})
}

// Load copies records and sequences that fill hands it into an empty
// database, all in one transaction: the target of samverkan migrate. It
// refuses a database that already holds records.
func (s *Store) Load(ctx context.Context, fill func(record func(bucket string, key, value []byte) error, seq func(bucket string, n uint64) error) error) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var have int64
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM kv").Scan(&have); err != nil {
			return err
		}
		if have > 0 {
			return fmt.Errorf("the database already holds %d samverkan records: migrate into an empty database (CREATE DATABASE …)", have)
		}
		var rows [][]any
		flush := func() error {
			if len(rows) == 0 {
				return nil
			}
			_, err := tx.CopyFrom(ctx, pgx.Identifier{"kv"}, []string{"bucket", "key", "value"}, pgx.CopyFromRows(rows))
			rows = rows[:0]
			return err
		}
		err := fill(func(bucket string, key, value []byte) error {
			rows = append(rows, []any{bucket, append([]byte(nil), key...), append([]byte(nil), value...)})
			if len(rows) == 1000 {
				return flush()
			}
			return nil
		}, func(bucket string, n uint64) error {
			if n == 0 {
				return nil
			}
			_, err := tx.Exec(ctx, "INSERT INTO seqs (bucket, n) VALUES ($1, $2) ON CONFLICT (bucket) DO UPDATE SET n = excluded.n", bucket, int64(n))
			return err
		})
		if err != nil {
			return err
		}
		if err := flush(); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, sqlChangedAll) // replicas' caches start again
		return err
	})
}

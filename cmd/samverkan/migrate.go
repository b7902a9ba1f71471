package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"samverkan/bot"
	"samverkan/config"
	"samverkan/store/bolt"
	"samverkan/store/postgres"
)

const migrateUsage = "usage: samverkan migrate --from FILE.db --to postgres://user@host:5432/dbname"

// runMigrate copies an embedded database into an empty PostgreSQL
// database, byte for byte (so the audit chain holds), then verifies the
// copy: the same records in every bucket and an intact audit chain.
func runMigrate(args []string, out, errw io.Writer) int {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(errw)
	from := fs.String("from", "", "the embedded database file to copy (stop samverkan on it first)")
	to := fs.String("to", "", "the PostgreSQL database to copy it into, empty (postgres://…)")
	if err := fs.Parse(args); err != nil {
		fmt.Fprintln(errw, migrateUsage)
		return 2
	}
	if *from == "" || !postgres.IsURL(*to) || fs.NArg() > 0 {
		fmt.Fprintln(errw, migrateUsage)
		return 2
	}
	if err := migrate(*from, *to, out); err != nil {
		fmt.Fprintf(errw, "samverkan: migrate: %v\n", err)
		return 1
	}
	return 0
}

func migrate(from, to string, out io.Writer) error {
	ctx := context.Background()
	src, err := openUnlessServed(from)
	if errors.Is(err, bolt.ErrLocked) {
		return fmt.Errorf("%s is in use by a running samverkan: stop it first, so that nothing changes during the copy", from)
	}
	if err != nil {
		return err
	}
	defer src.Close()
	if err := src.Check(); err != nil {
		return err
	}
	dst, err := postgres.Open(ctx, to)
	if err != nil {
		return err
	}
	defer dst.Close()
	start := time.Now()
	counts := map[string]int{}
	err = dst.Load(ctx, func(record func(string, []byte, []byte) error, seq func(string, uint64) error) error {
		return src.Dump(func(bucket string, key, value []byte) error {
			counts[bucket]++
			return record(bucket, key, value)
		}, seq)
	})
	if err != nil {
		return fmt.Errorf("copying into %s: %w (nothing was written)", postgres.Redact(to), err)
	}
	total := 0
	for bucket, n := range counts {
		total += n
		got := 0
		if err := dst.View(func(tx bot.Tx) error {
			return tx.ForEach(bucket, "", func(string, func(any) error) error { got++; return nil })
		}); err != nil {
			return err
		}
		if got != n {
			return fmt.Errorf("bucket %s: %d records copied, %d found in the copy", bucket, n, got)
		}
	}
	var n int
	var brk *bot.AuditBreak
	if err := dst.View(func(tx bot.Tx) error { n, brk = bot.VerifyAudit(tx); return nil }); err != nil {
		return err
	}
	if brk != nil {
		return fmt.Errorf("the copy's audit log breaks at record %d: %s", brk.Seq, brk.Reason)
	}
	fmt.Fprintf(out, "copied %s into %s: %d records in %d buckets in %s; audit log OK: %d records, chain intact\n",
		from, postgres.Redact(to), total, len(counts), time.Since(start).Round(time.Millisecond), n)
	fmt.Fprintf(out, "now set store: %s (or SAMVERKAN_DATABASE_URL) and start samverkan serve\n", postgres.Redact(to))
	return nil
}

// backupShared writes a consistent copy of the PostgreSQL store as an
// embedded database file: readable by every samverkan tool (audit verify
// --data FILE), restorable with samverkan migrate. It is the bot's data;
// pg_dump is for the whole database server's own backups.
func backupShared(cfg *config.Config, dest string, out io.Writer) error {
	ctx := context.Background()
	src, err := postgres.Open(ctx, cfg.Store)
	if err != nil {
		return err
	}
	defer src.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dest), ".samverkan-backup-*")
	if err != nil {
		return fmt.Errorf("backup to %s: %w", dest, err)
	}
	tmp.Close()
	os.Remove(tmp.Name()) // bbolt makes the file itself
	defer os.Remove(tmp.Name())
	dst, err := bolt.Open(tmp.Name(), 0)
	if err != nil {
		return err
	}
	records := 0
	err = dst.Load(func(record func(string, []byte, []byte) error, seq func(string, uint64) error) error {
		return src.Dump(ctx, func(bucket string, key, value []byte) error {
			records++
			return record(bucket, key, value)
		}, seq)
	})
	if err == nil {
		_, err = dst.BackupFile(dest) // compact, written whole before it takes the name
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("backup of %s to %s: %w", postgres.Redact(cfg.Store), dest, err)
	}
	fi, _ := os.Stat(dest)
	fmt.Fprintf(out, "backup of %s written to %s (%d records, %d bytes), one snapshot, as an embedded database file\n", postgres.Redact(cfg.Store), dest, records, fi.Size())
	fmt.Fprintf(out, "check it with: samverkan audit verify --data %s; restore it with: samverkan migrate --from %s --to postgres://…\n", dest, dest)
	return nil
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"samverkan/bot"
	"samverkan/config"
	"samverkan/store/bolt"
	"samverkan/store/postgres"
)

func runBackup(cfg *config.Config, dest string, out io.Writer) error {
	if cfg.Shared() {
		return backupShared(cfg, dest, out)
	}
	st, err := openUnlessServed(cfg.Data)
	if errors.Is(err, bolt.ErrLocked) {
		// The bot runs: it writes the copy from its own open store.
		f, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return fmt.Errorf("backup to %s: %w", dest, err)
		}
		n, code, err := askRunning(cfg.Data, "/backup", f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil && code != 0 {
			err = fmt.Errorf("the running bot refused (exit %d)", code)
		}
		if err == nil {
			err = verifyCopy(dest, cfg.Data)
		}
		if err != nil {
			os.Remove(dest)
			return fmt.Errorf("backup from the running bot: %w", err)
		}
		fmt.Fprintf(out, "backup of %s written to %s (%d bytes, checked) by the running bot\n", cfg.Data, dest, n)
		return nil
	}
	if err != nil {
		return err
	}
	defer st.Close()
	// The source is checked whole before anything is written: a damaged
	// file is not copied as if it were a backup.
	if err := checkWhole(st, cfg.Data); err != nil {
		return fmt.Errorf("%w; no backup written", err)
	}
	n, err := st.BackupFile(dest)
	if err == nil {
		err = verifyCopy(dest, cfg.Data)
	}
	if err != nil {
		os.Remove(dest)
		return fmt.Errorf("backup to %s: %w", dest, err)
	}
	fmt.Fprintf(out, "backup of %s written to %s (%d bytes, checked)\n", cfg.Data, dest, n)
	return nil
}

// checkWhole checks an open embedded database whole: every page (bbolt's
// own check) and the audit log's chain. It is what serve and the terminal
// run on start and backup on what it copies.
func checkWhole(st *bolt.Store, data string) error {
	if err := st.Check(); err != nil {
		return err
	}
	var brk *bot.AuditBreak
	if err := st.View(func(tx bot.Tx) error { _, brk = bot.VerifyAudit(tx); return nil }); err != nil {
		return err
	}
	if brk != nil {
		return &bolt.DamageError{Path: data, Reason: fmt.Sprintf("its audit log breaks at record %d (%s)", brk.Seq, brk.Reason)}
	}
	return nil
}

// verifyCopy checks a backup just written to dest as a database of its
// own: its pages, its values and its audit log.
func verifyCopy(dest, source string) error {
	st, err := bolt.OpenExisting(dest, time.Second)
	if err != nil {
		return fmt.Errorf("the copy does not check out, so %s may be damaged: %w", source, err)
	}
	defer st.Close()
	if err := checkWhole(st, dest); err != nil {
		return fmt.Errorf("the copy does not check out, so %s may be damaged: %w", source, err)
	}
	return nil
}

func runAudit(cfg *config.Config, args []string, out, errw io.Writer) int {
	if len(args) == 0 || (args[0] != "verify" && args[0] != "list") || (args[0] == "verify" && len(args) > 1) {
		fmt.Fprintln(errw, "usage: samverkan audit verify | samverkan audit list [N]")
		return 2
	}
	if cfg.Shared() {
		pg, err := postgres.Open(context.Background(), cfg.Store)
		if err != nil {
			fmt.Fprintf(errw, "samverkan: %v\n", err)
			return 1
		}
		defer pg.Close()
		return auditReport(pg, func() error { return nil }, postgres.Redact(cfg.Store), args, out, errw)
	}
	st, err := openUnlessServed(cfg.Data)
	if errors.Is(err, bolt.ErrLocked) {
		// The bot runs: it answers from its own open store.
		_, code, err := askRunning(cfg.Data, "/audit?"+url.Values{"args": args}.Encode(), out)
		if err != nil {
			fmt.Fprintf(errw, "samverkan: %v\n", err)
			return 1
		}
		return code
	}
	if err != nil {
		fmt.Fprintf(errw, "samverkan: %v\n", err)
		return 1
	}
	defer st.Close()
	return auditReport(st, st.Check, cfg.Data, args, out, errw)
}

// openUnlessServed opens the database for a tool, or reports ErrLocked
// at once when a running bot answers on its operator socket (instead of
// waiting for the file lock to time out).
func openUnlessServed(data string) (*bolt.Store, error) {
	c, err := net.DialTimeout("unix", opsockPath(data), time.Second)
	switch {
	case err == nil:
		c.Close()
		return nil, bolt.ErrLocked
	case errors.Is(err, fs.ErrPermission):
		return nil, fmt.Errorf("%s is held by a running samverkan whose operator socket %s is not yours to use: run this as the user that owns %s", data, opsockPath(data), data)
	}
	st, err := bolt.OpenExisting(data, 0)
	if errors.Is(err, fs.ErrPermission) {
		return nil, fmt.Errorf("%s may not be read by this user (%v): run this as the user that owns it", data, err)
	}
	return st, err
}

// auditReport lists or verifies the audit log of an open store (check
// first looks for damage the store itself can find); the exit code says
// how it went.
func auditReport(st bot.Store, check func() error, data string, args []string, out, errw io.Writer) int {
	var err error
	if args[0] == "list" {
		n := 20
		if len(args) > 1 {
			if n, err = strconv.Atoi(args[1]); err != nil || n <= 0 {
				fmt.Fprintln(errw, "usage: samverkan audit list [N], N a positive number")
				return 2
			}
		}
		var evs []bot.AuditEvent
		err := st.View(func(tx bot.Tx) error {
			var last bot.AuditEvent
			if _, err := tx.Last(bot.BucketAudit, &last); err != nil {
				return nil
			}
			from := uint64(1)
			if last.Seq > uint64(n) {
				from = last.Seq - uint64(n) + 1
			}
			evs, err = bot.AuditEvents(tx, from, n)
			return err
		})
		if err != nil {
			fmt.Fprintf(errw, "samverkan: %v\n", err)
			return 1
		}
		for _, ev := range evs {
			fmt.Fprintf(out, "%6d %s %-18s %-16s %-12s %s\n", ev.Seq, ev.Time.Format("2006-01-02 15:04:05Z"), ev.Action, ev.Subject, ev.WhoName, details(ev.Details))
		}
		// The list is for looking into things, a broken chain too; but it
		// never lets one pass unremarked.
		var brk *bot.AuditBreak
		if err := st.View(func(tx bot.Tx) error { _, brk = bot.VerifyAudit(tx); return nil }); err == nil && brk != nil {
			fmt.Fprintf(errw, "samverkan: warning: the audit log of %s breaks at record %d (%s); see samverkan audit verify\n", data, brk.Seq, brk.Reason)
		}
		return 0
	}
	if err := check(); err != nil {
		fmt.Fprintf(errw, "samverkan: %v\n", err)
		return 1
	}
	var n int
	var brk *bot.AuditBreak
	if err := st.View(func(tx bot.Tx) error {
		n, brk = bot.VerifyAudit(tx)
		return nil
	}); err != nil {
		fmt.Fprintf(errw, "samverkan: %v\n", err)
		return 1
	}
	if brk != nil {
		fmt.Fprintf(out, "audit log BROKEN at record %d: %s (%d records before it verify)\n", brk.Seq, brk.Reason, n)
		return 1
	}
	fmt.Fprintf(out, "audit log of %s OK: %d records, chain intact\n", data, n)
	return 0
}

// details shows an event's details as key=value, in key order.
func details(d map[string]string) string {
	keys := slices.Sorted(maps.Keys(d))
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		if d[k] != "" {
			parts = append(parts, k+"="+strconv.Quote(d[k]))
		}
	}
	return strings.Join(parts, " ")
}

// runSchedules prints, for check-config, the conference schedules the bot
// will run: each forum's, as the database holds them (the configuration's
// conferences are applied to it at start), and its next meeting. It reads
// the database without changing it, through the running bot when one
// holds the file.
func runSchedules(ctx context.Context, cfg *config.Config, out io.Writer) {
	fmt.Fprintln(out, "\nconference schedules as the database holds them (the conferences above are applied to it at start; `konferens schema F …` changes one):")
	var st bot.Store
	switch {
	case cfg.Shared():
		pg, err := postgres.Open(ctx, cfg.Store)
		if err != nil {
			fmt.Fprintf(out, "  (the database cannot be read: %v)\n", err)
			return
		}
		defer pg.Close()
		st = pg
	default:
		if _, err := os.Stat(cfg.Data); errors.Is(err, os.ErrNotExist) {
			fmt.Fprintf(out, "  no database at %s yet: a coordinating forum meets %s when it is made\n", cfg.Data, bot.DefaultSchedule().Describe("en"))
			return
		}
		b, err := openUnlessServed(cfg.Data)
		if errors.Is(err, bolt.ErrLocked) {
			if _, _, err := askRunning(cfg.Data, "/schedules", out); err != nil {
				fmt.Fprintf(out, "  (%v)\n", err)
			}
			return
		}
		if err != nil {
			fmt.Fprintf(out, "  (%v)\n", err)
			return
		}
		defer b.Close()
		st = b
	}
	printSchedules(st, cfg, time.Now(), out)
}

// printSchedules lists each forum's schedule and next meeting.
func printSchedules(st bot.Store, cfg *config.Config, now time.Time, out io.Writer) {
	err := st.View(func(tx bot.Tx) error {
		forums, err := bot.ListForums(tx)
		if err != nil {
			return err
		}
		known := map[string]bool{}
		for _, f := range forums {
			known[f.ID] = true
			sched := "off"
			if f.Schedule != nil {
				sched = f.Schedule.Describe("en")
			}
			next := ""
			if m, err := bot.NextMeeting(tx, &f, now); err == nil && m != nil {
				next = "next " + m.At.In(bot.Stockholm()).Format("2006-01-02 15:04")
				if m.Booked != nil {
					next += " (booked)"
				}
			}
			fmt.Fprintf(out, "  %-10s %-44s %s\n", f.ID, sched, next)
		}
		if len(forums) == 0 {
			fmt.Fprintln(out, "  no forums yet")
		}
		for f := range cfg.Conferences {
			if !known[f] {
				fmt.Fprintf(out, "  conferences.%s: no forum %s in the database; it is ignored until one is made\n", f, f)
			}
		}
		return nil
	})
	if err != nil {
		fmt.Fprintf(out, "  (%v)\n", err)
	}
}

package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"samverkan/bot"
)

// When the database restarts, fails over or the network drops, an update
// loses its connection. What that means for the person who typed the
// command depends on when it happened:
//
//   - before COMMIT was sent, nothing was written (PostgreSQL rolls back a
//     transaction whose connection ends): the update runs once more, after
//     a pause, on a new connection (Update);
//   - after COMMIT was sent, the change may or may not have been made: the
//     transaction's ID, asked with BEGIN, is looked up on a new connection
//     (txid_status). Committed, the update succeeded; aborted, it runs once
//     more as above; if the database cannot be asked, the error wraps
//     bot.ErrOutcomeUnknown, and the answer says so instead of "nothing
//     was changed".

// reconnectPause is how long an interrupted update waits before it runs
// once more: long enough for a restarting server to take connections.
const reconnectPause = time.Second

// settleFor bounds how long the outcome of a lost commit is asked after.
const settleFor = 3 * time.Second

// interrupted reports whether err means the connection was lost or the
// server is going away, as opposed to the database refusing the work.
func interrupted(err error) bool {
	if err == nil || errors.Is(err, bot.ErrOutcomeUnknown) {
		return false
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		// connection_exception, admin_shutdown, crash_shutdown,
		// cannot_connect_now
		return pg.Code[:2] == "08" || pg.Code == "57P01" || pg.Code == "57P02" || pg.Code == "57P03"
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.ECONNREFUSED)
}

// settle finds out what became of a write transaction whose COMMIT was
// sent but whose answer was lost (cause): nil when it committed, an
// interrupted error when it did not, else one wrapping
// bot.ErrOutcomeUnknown.
func (s *Store) settle(xid int64, cause error) error {
	ctx, cancel := context.WithTimeout(context.Background(), settleFor)
	defer cancel()
	for {
		status, err := s.xactStatus(ctx, xid)
		switch {
		case err == nil && status == "committed":
			s.settled.Add(1)
			return nil
		case err == nil && status == "aborted":
			s.settled.Add(1)
			return fmt.Errorf("database: the connection was lost before the commit took: %w", cause)
		}
		select {
		case <-ctx.Done():
			if err == nil {
				err = fmt.Errorf("transaction %d is %q", xid, status)
			}
			return fmt.Errorf("database: %w (%v): %w", bot.ErrOutcomeUnknown, err, cause)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// xactStatus asks on a new connection what became of transaction xid.
func (s *Store) xactStatus(ctx context.Context, xid int64) (string, error) {
	if s.hook != nil {
		if err := s.hook("settle", nil); err != nil {
			return "", err
		}
	}
	var status *string
	if err := s.pool.QueryRow(ctx, "SELECT txid_status($1)", xid).Scan(&status); err != nil {
		return "", err
	}
	if status == nil {
		return "unknown", nil // too old to say
	}
	return *status, nil
}

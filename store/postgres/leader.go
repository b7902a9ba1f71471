package postgres

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// leaderLock keys the session advisory lock whose holder leads.
const leaderLock = 0x73616d76_00000002

// Leader elects one replica among those on a database to do the work
// that must happen once (outbox delivery, timers, conference
// occurrences). The leader holds a session advisory lock on a connection
// of its own whose session PostgreSQL ends after Hold without a query
// (idle_session_timeout): a leader that dies loses the lock at once, one
// that freezes loses it after Hold, and the others, asking every Every,
// take over.
//
// A leader pings every Every. Leading reports true only until Hold less
// a margin after the last ping was sent, the earliest moment PostgreSQL
// could end that session; a replica that froze therefore knows, when it
// wakes, that it no longer leads, before it finds its connection gone.
type Leader struct {
	// ID names this replica in logs and in the outbox's claims.
	ID string
	// Hold is the session's idle timeout (default 3 s); Every is how often
	// the leader pings and the others ask for the lock (default 500 ms).
	Hold, Every time.Duration
	// Wake, when set, is called when another replica commits outbox items
	// or timers (LISTEN/NOTIFY), while this one leads.
	Wake func()
	Log  *slog.Logger

	cfg *pgx.ConnConfig

	mu        sync.Mutex
	until     time.Time // leading until (monotonic)
	since     time.Time // leading since
	terms     int       // how often this replica was elected
	lastError string
}

// Leader returns the election of the replicas on this store's database,
// with id naming this one.
func (s *Store) Leader(id string) *Leader {
	return &Leader{ID: id, cfg: s.cfg.ConnConfig.Copy()}
}

func (l *Leader) hold() time.Duration  { return cmp.Or(l.Hold, 3*time.Second) }
func (l *Leader) every() time.Duration { return cmp.Or(l.Every, 500*time.Millisecond) }

// margin is kept between when Leading stops saying yes and the earliest
// moment another replica could be elected.
func (l *Leader) margin() time.Duration { return l.hold() / 3 }

// Leading reports whether this replica leads now.
func (l *Leader) Leading() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return time.Now().Before(l.until)
}

// Status says whether this replica leads, since when, how often it was
// elected, and the last error the election met ("" if none since).
func (l *Leader) Status() (leading bool, since time.Time, terms int, lastError string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return time.Now().Before(l.until), l.since, l.terms, l.lastError
}

func (l *Leader) log() *slog.Logger {
	if l.Log == nil {
		return slog.Default()
	}
	return l.Log
}

// Run takes part in the election until ctx ends. Whenever this replica is
// elected it runs work with a context that ends when it stops leading;
// Run waits for work to return before it campaigns again.
func (l *Leader) Run(ctx context.Context, work func(context.Context)) {
	for ctx.Err() == nil {
		conn, err := l.connect(ctx)
		if err == nil {
			err = l.campaign(ctx, conn, work)
			conn.Close(context.Background())
		}
		if ctx.Err() != nil {
			return
		}
		l.failed(err)
		select {
		case <-ctx.Done():
		case <-time.After(l.every()):
		}
	}
}

func (l *Leader) failed(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	msg := fmt.Sprint(err)
	if msg != l.lastError {
		l.log().Warn("leader election: no connection to the database; trying again", "replica", l.ID, "err", err)
	}
	l.lastError = msg
}

// connect opens the election's own connection, whose session ends after
// Hold without a query; a wait on it that times out only interrupts the
// read (pgconn's default), so the connection stays usable.
func (l *Leader) connect(ctx context.Context) (*pgx.Conn, error) {
	cfg := l.cfg.Copy() // pgconn's default: a cancelled wait sets a deadline
	cfg.RuntimeParams["idle_session_timeout"] = fmt.Sprintf("%dms", l.hold().Milliseconds())
	cfg.RuntimeParams["application_name"] = "samverkan leader election " + l.ID
	return pgx.ConnectConfig(ctx, cfg)
}

// campaign asks for the lock every Every until it is granted, then leads
// until the connection fails or a ping comes too late.
func (l *Leader) campaign(ctx context.Context, conn *pgx.Conn, work func(context.Context)) error {
	var sent time.Time
	for {
		sent = time.Now()
		var got bool
		qctx, cancel := context.WithTimeout(ctx, l.hold())
		err := conn.QueryRow(qctx, "SELECT pg_try_advisory_lock($1)", int64(leaderLock)).Scan(&got)
		cancel()
		if err != nil {
			return err
		}
		l.mu.Lock()
		l.lastError = ""
		l.mu.Unlock()
		if got {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(l.every()):
		}
	}
	if _, err := conn.Exec(ctx, "LISTEN "+WakeChannel); err != nil {
		return err
	}
	l.mu.Lock()
	l.until, l.since = sent.Add(l.hold()-l.margin()), time.Now()
	l.terms++
	l.mu.Unlock()
	l.log().Info("leader election: this replica leads", "replica", l.ID)

	lctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		work(lctx)
	}()
	defer func() {
		l.mu.Lock()
		l.until = time.Time{}
		l.mu.Unlock()
		stop()
		<-done
	}()
	if l.Wake != nil {
		l.Wake() // what was committed before this replica listened
	}
	nextPing := time.Now().Add(l.every())
	for {
		wctx, cancel := context.WithDeadline(ctx, nextPing)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err == nil && n != nil && l.Wake != nil {
			l.Wake()
		}
		if err != nil && conn.IsClosed() {
			l.log().Warn("leader election: lost the database connection; no longer leading", "replica", l.ID, "err", err)
			return err
		}
		if time.Now().Before(nextPing) {
			continue
		}
		if !l.Leading() {
			// This process stood still (frozen, or starved) past its
			// lease: another replica may lead by now.
			l.log().Warn("leader election: stood still too long; no longer leading", "replica", l.ID)
			return fmt.Errorf("leader stalled")
		}
		sent := time.Now()
		pctx, cancel := context.WithTimeout(ctx, l.hold()-l.margin())
		_, err = conn.Exec(pctx, "SELECT 1")
		cancel()
		if err != nil {
			l.log().Warn("leader election: ping failed; no longer leading", "replica", l.ID, "err", err)
			return err
		}
		l.mu.Lock()
		l.until = sent.Add(l.hold() - l.margin())
		l.mu.Unlock()
		nextPing = sent.Add(l.every())
	}
}

package postgres

import (
	"errors"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// The retry policy of a write transaction, in one place. A transaction
// that fails as a whole (not an update refusing: that fails alone) is
// run again, all its updates with it, when running it again is safe and
// may succeed:
//
//   - a conflict — serialization_failure (40001), deadlock_detected
//     (40P01), lock_not_available (55P03), or in_failed_sql_transaction
//     (25P02) should a statement's failure have aborted it — up to
//     maxRetries times, after a random pause of up to 2 ms times the
//     attempt (jitter, so that replicas that collided do not collide
//     again). With the write lock (commit.go) conflicts should not occur;
//     the policy stands should something else take row locks.
//   - a lost connection before COMMIT was sent (nothing was written):
//     once, after reconnectPause (interrupt.go).
//   - a lost COMMIT answer is looked up, not retried blindly (settle).
//
// Anything else is returned to the updates: their answers say nothing
// changed, or, wrapping bot.ErrOutcomeUnknown, that it is unknown.

// maxRetries bounds how often a transaction runs again after conflicts.
const maxRetries = 20

// retryable reports whether a transaction failed only because of what
// ran at the same time, so that running it again is safe and right.
func retryable(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "40001", "40P01", "55P03", "25P02":
			return true
		}
	}
	return false
}

// retry says whether a transaction that ended with err on its attempt-th
// run should run again, and after how long; it counts what it decides.
func (s *Store) retry(err error, attempt int) (time.Duration, bool) {
	switch {
	case err == nil:
		return 0, false
	case interrupted(err):
		if attempt > 1 {
			return 0, false // once only
		}
		s.commit.reruns.Add(1)
		s.interruptions.Add(1)
		return reconnectPause, true
	case retryable(err) && attempt < maxRetries:
		s.commit.conflicts.Add(1)
		s.retries.Add(1)
		return time.Duration(rand.Int64N(int64(attempt)*int64(2*time.Millisecond)) + 1), true
	}
	return 0, false
}

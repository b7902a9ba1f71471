package postgres

import "github.com/jackc/pgx/v5"

// SetHook lets tests act at the stages of every transaction: "begin"
// before the first statement, "commit" before COMMIT is sent,
// "committed" after its answer, "settle" before a lost commit is looked
// up (c is nil there).
func SetHook(s *Store, h func(stage string, c *pgx.Conn) error) { s.hook = h }

// Queued is how many updates wait in the store's queue, the one running
// included.
func Queued(s *Store) int {
	return s.commit.queue.Len()
}

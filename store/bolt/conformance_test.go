package bolt_test

import (
	"path/filepath"
	"testing"
	"time"

	"samverkan/bot"
	"samverkan/bottest/storetest"
	"samverkan/store/bolt"
)

// The bbolt store passes the conformance suite every store must pass.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) bot.Store {
		s, err := bolt.Open(filepath.Join(t.TempDir(), "c.db"), time.Second)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

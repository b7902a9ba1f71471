//go:build unix

package bolt

import (
	"errors"
	"os"
	"syscall"
)

// tryLockShared takes a shared lock on f as bbolt's own lock is taken
// (flock), or reports false when another process holds it exclusively.
func tryLockShared(f *os.File) (bool, error) {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return false, nil
	}
	return err == nil, err
}

func unlock(f *os.File) { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }

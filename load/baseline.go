package load

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	bbolt "go.etcd.io/bbolt"

	"samverkan/bot"
	"samverkan/store/bolt"
)

// BareHandler is the floor for a request: a handler that reads the body
// and answers a fixed JSON, on the same loopback. It returns its URL and
// how to stop it.
func BareHandler() (string, func()) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"response_type":"ephemeral","text":"ok"}`))
	})}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }
}

// Commits is the floor for a change: durable bbolt commits of one small
// value a second, one at a time and from 64 goroutines at once through
// the store's group commit, each measured for d.
type Commits struct {
	OneAtATime float64
	Grouped    float64
}

// BareCommits measures Commits on a fresh file in dir.
func BareCommits(dir string, d time.Duration) (Commits, error) {
	st, err := bolt.Open(filepath.Join(dir, "bare.db"), time.Second)
	if err != nil {
		return Commits{}, err
	}
	defer st.Close()
	var c Commits
	n := 0
	start := time.Now()
	for time.Since(start) < d {
		if err := st.Raw().Update(func(tx *bbolt.Tx) error { return putRaw(tx, n) }); err != nil {
			return c, err
		}
		n++
	}
	c.OneAtATime = float64(n) / time.Since(start).Seconds()
	var done atomic.Int64
	var wg sync.WaitGroup
	start = time.Now()
	for g := range 64 {
		wg.Go(func() {
			for i := 0; time.Since(start) < d; i++ {
				if st.Update(func(tx bot.Tx) error { return tx.Put("bare", fmt.Sprint(g, "-", i), i) }) == nil {
					done.Add(1)
				}
			}
		})
	}
	wg.Wait()
	c.Grouped = float64(done.Load()) / time.Since(start).Seconds()
	return c, nil
}

// RSS is the process's resident memory in bytes (Linux; 0 elsewhere).
func RSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// Stored counts, in a stopped target's database, what the answered
// writes should have stored: decisions in the meeting, and report
// versions per actor.
func (t *Target) Stored() (map[string]int, error) {
	var st store
	var err error
	if t.pg != nil {
		st, err = t.open()
	} else {
		st, err = bolt.OpenExisting(t.Path, time.Second)
	}
	if err != nil {
		return nil, err
	}
	defer st.Close()
	out := map[string]int{}
	err = st.View(func(tx bot.Tx) error {
		f, err := bot.GetForum(tx, Forum)
		if err != nil {
			return err
		}
		conf, err := bot.RunningConference(tx, f)
		if err != nil || conf == nil {
			return fmt.Errorf("the meeting is gone: %v", err)
		}
		out["decision"] = conf.DecisionCount()
		for _, a := range []string{"lst", "sthlm"} {
			rs, err := bot.ReportVersions(tx, Forum, a)
			if err != nil {
				return err
			}
			out["report:"+a] = len(rs)
		}
		return nil
	})
	return out, err
}

// putRaw writes one small value with bbolt itself: the bare commit.
func putRaw(tx *bbolt.Tx, n int) error {
	b, err := tx.CreateBucketIfNotExists([]byte("bare"))
	if err != nil {
		return err
	}
	return b.Put([]byte(strconv.Itoa(n)), []byte(`{"v":1}`))
}

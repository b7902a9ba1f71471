package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"samverkan/config"
	"samverkan/store/bolt"
)

// The operator socket lets `samverkan backup` and `samverkan audit` work
// while `serve` runs and holds the database: a Unix socket beside the
// database file (FILE.sock), readable and writable by its owner only, so
// that it trusts exactly whoever may read the file itself. It answers
// GET /backup with a consistent copy, GET /audit?args=… with what the
// audit command prints and GET /schedules with what check-config lists,
// the exit code in X-Exit-Code.

func opsockPath(data string) string { return data + ".sock" }

// serveOps listens on the operator socket for the store; the returned
// function stops it.
func serveOps(st *bolt.Store, cfg *config.Config) (func(), error) {
	data := cfg.Data
	path := opsockPath(data)
	_ = os.Remove(path) // left by a process that was killed
	ln, err := listenPrivate(path)
	if err != nil {
		return nil, fmt.Errorf("operator socket %s: %w", path, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /backup", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Exit-Code", "0")
		_, _ = st.Backup(w)
	})
	mux.HandleFunc("GET /audit", func(w http.ResponseWriter, r *http.Request) {
		var out, errw bytes.Buffer
		args := r.URL.Query()["args"]
		code := 2
		if len(args) > 0 {
			code = auditReport(st, st.Check, data, args, &out, &errw)
		}
		w.Header().Set("X-Exit-Code", strconv.Itoa(code))
		_, _ = io.Copy(w, io.MultiReader(&out, &errw))
	})
	mux.HandleFunc("GET /schedules", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Exit-Code", "0")
		printSchedules(st, cfg, time.Now(), w)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		_ = os.Remove(path)
	}, nil
}

// listenPrivate listens on a Unix socket at path that nobody but this
// user could ever connect to: it is made in a folder only this user may
// enter, given mode 0600 there, and only then moved to path, so there is
// no moment when it exists at path with a wider mode.
func listenPrivate(path string) (net.Listener, error) {
	dir, err := os.MkdirTemp(filepath.Dir(path), ".samverkan-sock-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, "s")
	ln, err := net.Listen("unix", tmp)
	if err != nil {
		return nil, err
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false) // path is removed by its owner
	if err := os.Chmod(tmp, 0o600); err != nil {
		ln.Close()
		return nil, err
	}
	if err := os.Rename(tmp, path); err != nil {
		ln.Close()
		return nil, err
	}
	return ln, nil
}

// askRunning asks the running bot on data's operator socket for path and
// copies the answer to w; it returns the bytes copied and the exit code.
func askRunning(data, path string, w io.Writer) (int64, int, error) {
	sock := opsockPath(data)
	c := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", sock)
	}}}
	resp, err := c.Get("http://samverkan" + path)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return 0, 0, fmt.Errorf("%s is held by a running samverkan whose operator socket %s is not yours to use: run this as the user that owns %s (the socket, like the file, is for its owner only)", data, sock, data)
		}
		if _, serr := os.Stat(sock); serr != nil {
			return 0, 0, fmt.Errorf("%s is in use by another process that has no operator socket (%s): another program, or samverkan of an older version; stop it and try again", data, sock)
		}
		return 0, 0, fmt.Errorf("%s is in use, and the samverkan that holds it does not answer on %s (it may be stopping or stuck): %w", data, sock, err)
	}
	defer resp.Body.Close()
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		return n, 0, err
	}
	code, err := strconv.Atoi(resp.Header.Get("X-Exit-Code"))
	if err != nil {
		return n, 0, fmt.Errorf("the bot on %s gave no answer", sock)
	}
	return n, code, nil
}

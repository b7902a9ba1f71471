package main

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"samverkan/adapters/mattermost/mmtest"
	"samverkan/bot"
	"samverkan/store/bolt"
)

// While `serve` holds the database, `backup` and `audit verify/list`
// still work: the running bot answers them on its operator socket.
func TestBackupAndAuditWhileServing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	mm := mmtest.New()
	defer mm.Close()
	mm.AddChannel("ch_forum")
	mm.AddUser("u_admin", "admin")
	dir := t.TempDir()
	data := filepath.Join(dir, "live.db")
	p := startServe(t, data, mm.URL)
	c := &mmtest.Client{BotURL: "http://" + p.addr, Token: "tok"}
	c.Command("u_admin", "admin", "ch_forum", `aktör lägg-till lst "Länsstyrelsen"`, nil)
	c.Command("u_admin", "admin", "ch_forum", `forum skapa big "Stor" nivå=inriktande värd=lst`, nil)

	dest := filepath.Join(dir, "copy.db")
	var out, errb bytes.Buffer
	if code := run([]string{"--data", data, "backup", dest}, nil, &out, &errb, env(nil)); code != 0 || !strings.Contains(out.String(), "by the running bot") {
		t.Fatalf("backup while serving: exit %d\n%s%s", code, out.String(), errb.String())
	}
	copy, err := bolt.Open(dest, time.Second)
	if err != nil {
		t.Fatalf("the copy does not open: %v", err)
	}
	var f *bot.Forum
	_ = copy.View(func(tx bot.Tx) (err error) { f, err = bot.GetForum(tx, "big"); return })
	copy.Close()
	if f == nil || f.Name != "Stor" {
		t.Errorf("the copy lacks the forum made while serving: %+v", f)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"audit", "verify"}, "chain intact"},
		{[]string{"audit", "list", "5"}, "forum.create"},
	} {
		out.Reset()
		errb.Reset()
		if code := run(append([]string{"--data", data}, c.args...), nil, &out, &errb, env(nil)); code != 0 || !strings.Contains(out.String(), c.want) {
			t.Errorf("%v while serving: exit %d\n%s%s", c.args, code, out.String(), errb.String())
		}
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("SIGTERM exit: %v\n%s", err, p.log)
	}
	// Stopped, the tools open the file themselves again.
	out.Reset()
	if code := run([]string{"--data", data, "audit", "verify"}, nil, &out, &errb, env(nil)); code != 0 || !strings.Contains(out.String(), "chain intact") {
		t.Errorf("audit verify after stop: exit %d %s", code, out.String())
	}
}

// The operator socket is its owner's only, from the moment it exists:
// another user who tries backup gets an answer that says so, not one
// that calls the database damaged. (Runs as root, which can act as
// another user; skipped otherwise.)
func TestTheOperatorSocketIsForItsOwnerOnly(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to run a command as another user")
	}
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} { // another user must reach the socket to be refused by it
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	data := filepath.Join(dir, "o.db")
	term := exec.Command(os.Args[0])
	term.Env = append(os.Environ(), "SAMVERKAN_TEST_RUN=--data "+data)
	stdin, err := term.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := term.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); _ = term.Wait() }()
	sock := data + ".sock"
	for i := 0; ; i++ {
		if c, err := net.Dial("unix", sock); err == nil {
			c.Close()
			break
		}
		if i == 500 {
			t.Fatal("the terminal did not open its operator socket")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if st, err := os.Stat(sock); err != nil || st.Mode().Perm() != 0o600 || st.Mode()&os.ModeSocket == 0 {
		t.Fatalf("the socket: %v %v", st.Mode(), err)
	}
	// The test binary, where another user may run it.
	bin := filepath.Join(dir, "samverkan.test")
	raw, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, raw, 0o755); err != nil {
		t.Fatal(err)
	}
	other := exec.Command(bin)
	other.Env = append(os.Environ(), "SAMVERKAN_TEST_RUN=backup "+filepath.Join(os.TempDir(), "stolen.db")+" --data "+data)
	other.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := other.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "is not yours to use") || strings.Contains(string(out), "damaged") {
		t.Errorf("another user's backup: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(os.TempDir(), "stolen.db")); err == nil {
		os.Remove(filepath.Join(os.TempDir(), "stolen.db"))
		t.Error("another user got a copy")
	}
}

package main

import (
	"bytes"
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

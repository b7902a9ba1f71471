package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"samverkan/bottest/pgtest"
)

// The demo database copied into PostgreSQL: audit verify passes on the
// copy, the terminal's forum is there, a second copy into the same
// database is refused, and backup brings it back to a file that
// verifies too.
func TestMigrateTheDemoDatabaseIntoPostgreSQL(t *testing.T) {
	url := pgtest.Database(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "demo.db")
	session(t, data, "lägesbild sammanställ ssr\n") // the demo forum, its reports and audit log
	cli := func(vars map[string]string, args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(args, nil, &out, &errb, env(vars))
		return code, out.String(), errb.String()
	}
	code, out, errs := cli(nil, "migrate", "--from", data, "--to", url)
	if code != 0 || !strings.Contains(out, "audit log OK") || !strings.Contains(out, "chain intact") {
		t.Fatalf("migrate: exit %d\n%s%s", code, out, errs)
	}
	shared := map[string]string{"SAMVERKAN_DATABASE_URL": url}
	code, out, errs = cli(shared, "audit", "verify")
	if code != 0 || !strings.Contains(out, "chain intact") {
		t.Fatalf("audit verify on the copy: exit %d\n%s%s", code, out, errs)
	}
	_, orig, _ := cli(nil, "--data", data, "audit", "list", "100")
	_, copied, _ := cli(shared, "audit", "list", "100")
	if orig == "" || orig != copied {
		t.Errorf("the audit lists differ:\n%s\nvs the copy:\n%s", orig, copied)
	}
	code, _, errs = cli(nil, "migrate", "--from", data, "--to", url)
	if code != 1 || !strings.Contains(errs, "already holds") || !strings.Contains(errs, "nothing was written") {
		t.Errorf("a second migrate into the same database: exit %d, %s", code, errs)
	}
	back := filepath.Join(dir, "back.db")
	code, out, errs = cli(shared, "backup", back)
	if code != 0 || !strings.Contains(out, "as an embedded database file") {
		t.Fatalf("backup of PostgreSQL: exit %d\n%s%s", code, out, errs)
	}
	code, out, _ = cli(nil, "--data", back, "audit", "verify")
	if code != 0 || !strings.Contains(out, "chain intact") {
		t.Errorf("audit verify on the backup: exit %d %s", code, out)
	}
	if got := session(t, back, "forum visa ssr\n", "--no-demo"); !strings.Contains(got, "(ssr)") {
		t.Errorf("the backup lacks the demo forum:\n%s", got)
	}
	for _, bad := range [][]string{{"migrate"}, {"migrate", "--from", data}, {"migrate", "--from", data, "--to", "mysql://x"}} {
		if code, _, errs := cli(nil, bad...); code != 2 || !strings.Contains(errs, "usage: samverkan migrate --from FILE.db --to postgres://") {
			t.Errorf("%q: exit %d, %s", bad, code, errs)
		}
	}
}

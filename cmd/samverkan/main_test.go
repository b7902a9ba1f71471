package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unsafe"

	bbolt "go.etcd.io/bbolt"

	"samverkan/adapters/mattermost/mmtest"
	"samverkan/bot"
	"samverkan/bottest"
	"samverkan/store/bolt"
)

// TestMain lets a test start this binary as a second process.
func TestMain(m *testing.M) {
	if args := os.Getenv("SAMVERKAN_TEST_RUN"); args != "" {
		os.Exit(run(strings.Fields(args), os.Stdin, os.Stdout, os.Stderr, os.Getenv))
	}
	os.Exit(m.Run())
}

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// today is when the terminal's clock starts in these tests (--now):
// bottest.Start(), in Stockholm. Dates a test types derive from it.
func today() time.Time { return bottest.Start().In(bot.Stockholm()) }

// session runs the shell with script on standard input, its clock
// starting at today().
func session(t *testing.T, data, script string, extra ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	args := append([]string{"--data", data, "--now", today().Format(time.RFC3339)}, extra...)
	if code := run(args, strings.NewReader(script), &out, &errb, env(nil)); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	return out.String()
}

func TestScriptedSessionAndRestart(t *testing.T) {
	data := filepath.Join(t.TempDir(), "s.db")
	out := session(t, data, `
aktör lägg-till lst "Länsstyrelsen Stockholm"
aktör lägg-till sos "SOS Alarm"
forum skapa ssr "Regional samverkanskonferens" nivå=samordnande värd=lst
forum kanal ssr
forum anslut ssr sos
medlem lägg-till @tove aktör=lst roll=tib
medlem lägg-till @sam aktör=sos roll=kommunikatör,medlem
forum visa ssr
medlem lista
:som sam
forum skapa hack "Hack" nivå=samordnande
`, "--no-demo", "--user", "admin")
	for _, want := range []string{
		"Forum ssr (Regional samverkanskonferens, samordnande) är skapat",
		"Den här kanalen är nu kopplad till forum ssr",
		"== Kanalen hör nu till forum Regional samverkanskonferens (ssr) ==",
		"[Visa forum] → /samverkan forum visa ssr",
		"SOS Alarm är nu med i forum Regional samverkanskonferens", // announced in the bound channel
		"Länsstyrelsen Stockholm (lst) — värd",
		"shell: #samverkan",
		"`sam` sam · sos · kommunikatör, medlem",
		"Du är nu sam.",
		"! Du saknar behörighet: bara en admin får göra det.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("session output lacks %q\n%s", want, out)
		}
	}
	// A new process on the same file sees everything, and no hack forum.
	out = session(t, data, "forum lista\nforum visa ssr\nmedlem lista\n", "--no-demo", "--user", "tove")
	for _, want := range []string{"`ssr` Regional samverkanskonferens", "SOS Alarm (sos)", "`tove` tove · lst · tib"} {
		if !strings.Contains(out, want) {
			t.Errorf("after restart output lacks %q\n%s", want, out)
		}
	}
	if strings.Contains(out, "hack") {
		t.Error("refused forum exists after restart")
	}
}

func TestDemoStartsWithForum(t *testing.T) {
	data := filepath.Join(t.TempDir(), "demo.db")
	out := session(t, data, "forum visa\n:som sven\nhjälp\n")
	for _, want := range []string{"Demo i", "Regional samverkanskonferens (ssr)", "Ellevio (ellevio)", "Du är nu sven.", "forum lista"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q\n%s", want, out)
		}
	}
	if strings.Contains(out[strings.Index(out, "Du är nu sven."):], "forum skapa") {
		t.Error("sven's help lists admin commands")
	}
	// The demo is created once.
	if out := session(t, data, "forum lista\n"); strings.Contains(out, "Demo i") {
		t.Error("demo seeded twice")
	}
}

func TestShellFormAsGuidedPrompts(t *testing.T) {
	data := filepath.Join(t.TempDir(), "f.db")
	out := session(t, data, "aktör lägg-till\nell\nEllevio AB\nforum skapa\nkris\nKrisforum\nhögsta\nsamordnande\n\nforum visa kris\n", "--no-demo")
	for _, want := range []string{"Aktör ell (Ellevio AB) är tillagd", "Okänd nivå", "Forum kris (Krisforum, samordnande) är skapat", "Nivå: samordnande"} {
		if !strings.Contains(out, want) {
			t.Errorf("form output lacks %q\n%s", want, out)
		}
	}
}

func TestAuditVerify(t *testing.T) {
	data := filepath.Join(t.TempDir(), "a.db")
	session(t, data, "forum visa\n") // the demo writes audit events
	var out, errb bytes.Buffer
	if code := run([]string{"--data", data, "audit", "verify"}, nil, &out, &errb, env(nil)); code != 0 || !strings.Contains(out.String(), "OK: 45 records") {
		t.Fatalf("untouched log: exit %d %s %s", code, out.String(), errb.String())
	}
	// Edit record 4 in the file.
	db, err := bbolt.Open(data, 0o600, &bbolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	_ = db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bot.BucketAudit))
		var ev map[string]any
		_ = json.Unmarshal(b.Get([]byte(bot.SeqKey(4))), &ev)
		ev["who_name"] = "someone else"
		raw, _ := json.Marshal(ev)
		return b.Put([]byte(bot.SeqKey(4)), raw)
	})
	db.Close()
	out.Reset()
	code := run([]string{"--data", data, "audit", "verify"}, nil, &out, &errb, env(nil))
	if code == 0 || !strings.Contains(out.String(), "BROKEN at record 4") {
		t.Fatalf("edited log: exit %d, %q; want non-zero naming record 4", code, out.String())
	}
}

func TestSecondProcessGetsClearErrorFast(t *testing.T) {
	data := filepath.Join(t.TempDir(), "l.db")
	st, err := bolt.Open(data, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "SAMVERKAN_TEST_RUN=--data "+data+" --no-demo shell")
	cmd.Stdin = strings.NewReader("forum lista\n")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	took := time.Since(start)
	if err == nil {
		t.Fatalf("second process succeeded: %s", out)
	}
	if took > 5*time.Second {
		t.Errorf("second process took %s, want < 5 s", took)
	}
	if !strings.Contains(string(out), "in use by another process") {
		t.Errorf("error %q does not say the file is in use", out)
	}
}

func TestBackupIsConsistentCopy(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "b.db")
	session(t, data, "forum lista\n")
	var out, errb bytes.Buffer
	copyPath := filepath.Join(dir, "copy.db")
	if code := run([]string{"--data", data, "backup", copyPath}, nil, &out, &errb, env(nil)); code != 0 {
		t.Fatalf("backup: %s", errb.String())
	}
	got := session(t, copyPath, "forum visa ssr\n", "--no-demo")
	if !strings.Contains(got, "Regional samverkanskonferens (ssr)") {
		t.Errorf("backup lacks the forum:\n%s", got)
	}
}

func TestCheckConfigMasksSecrets(t *testing.T) {
	var out, errb bytes.Buffer
	vars := map[string]string{
		"SAMVERKAN_MATTERMOST_URL": "https://chat.example.org", "SAMVERKAN_MATTERMOST_TOKEN": "supersecret-mm-token",
		"SAMVERKAN_MATTERMOST_COMMAND_TOKENS": "tok1secret,tok2secret", "SAMVERKAN_PUBLIC_URL": "https://bot.example.org",
		"SAMVERKAN_SLACK_BOT_TOKEN": "xoxb-secret", "SAMVERKAN_SLACK_SIGNING_SECRET": "signsecret",
	}
	if code := run([]string{"check-config"}, nil, &out, &errb, env(vars)); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	s := out.String()
	for _, secret := range []string{"supersecret", "tok1secret", "xoxb-secret", "signsecret"} {
		if strings.Contains(s, secret) {
			t.Errorf("check-config printed secret %q:\n%s", secret, s)
		}
	}
	for _, want := range []string{"https://chat.example.org", "SAMVERKAN_MATTERMOST_TOKEN", "******** (2 set)", "configuration OK", "autocomplete hint:        [hjälp|forum|aktör|medlem|begär-aktivering|aktivera|kvittera|status|avaktivera|lägesbild|konferens|sammanfattning|beslut-i-stort|närvarande|beslut|åtgärd|nästa-möte|budskap|begäran|aktivering|övning|tavla] …"} {
		if !strings.Contains(s, want) {
			t.Errorf("check-config lacks %q:\n%s", want, s)
		}
	}
}

func TestConfiguredConferenceScheduleApplies(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "c.db")
	session(t, data, "forum lista\n") // the demo forum, Thursday 16:00 by default
	cfgPath := filepath.Join(dir, "samverkan.yaml")
	if err := os.WriteFile(cfgPath, []byte("conferences:\n  ssr: onsdag 10:30 Europe/Stockholm\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := session(t, data, "forum visa ssr\n", "--config", cfgPath)
	if !strings.Contains(out, "Konferens: onsdag 10:30 (Europe/Stockholm)") {
		t.Errorf("configured schedule not applied:\n%s", out)
	}
}

// TestShellWholeFlow tries every capability alone in the terminal on the
// demo data: activation with :spola to the deadline, a report through the
// guided form, the compiled picture, a conference with minutes, and a
// coordinated statement from draft to release.
func TestShellWholeFlow(t *testing.T) {
	dir := t.TempDir()
	due := today().AddDate(0, 0, 8).Format("2006-01-02")
	script := `
:som sven
begär-aktivering ssr Elavbrott i Norrort
:som tove
aktivera ssr lägesbild övning
:som sam
kvittera
:spola 16m
:som stina
lägesbild ny
Skolor stängda i Kista.

Ingen prognos ännu.
intern




Samordna information till föräldrar.



GREEN
lägesbild samlad
:som rasmus
konferens starta ssr
:som sam
närvarande
:som rasmus
beslut Länsstyrelsen samordnar informationen
åtgärd Informationsblad till föräldrar ansvarig=sthlm senast=DUE
konferens avsluta
:som klara
budskap utkast ssr text="Undvik onödiga resor i Norrort i kväll."
`
	for _, u := range []string{"klara", "kim", "petra", "stina", "elin"} {
		script += ":som " + u + "\nbudskap godkänn 2 rev=1\n"
	}
	script += ":som klara\nbudskap publicera 2\n:som tove\navaktivera ssr\navaktivera ssr bekräfta\n"
	script = strings.Replace(script, "DUE", due, 1)
	out := session(t, filepath.Join(dir, "flow.db"), script)
	for _, want := range []string{
		"[DM → tove", "Begäran om aktivering",
		"Du får besked när forumet aktiveras, och av vem.",
		// Sven, who asked, is told as the answer promised.
		"[DM → sven ", "== Aktiverat: Regional samverkanskonferens ==", "Regional samverkanskonferens är aktiverat av Tove Tjänsteman (Länsstyrelsen Stockholm) kl ",
		"*** ÖVNING ***", "== AKTIVERAT: Regional samverkanskonferens ==",
		"Kvitterat för SOS Alarm",
		"== Påminnelse: Regional samverkanskonferens ==", "== Ej kvitterat: Regional samverkanskonferens ==",
		"Lägesbild #3 (version 2) för sthlm är sparad: 2 avsnitt delas, 2 interna.", // the form starts from version 1: its direction is kept,
		"[TLP:GREEN]", "Skolor stängda i Kista.",
		"== Samverkanskonferens: Regional samverkanskonferens",
		"[Närvarande – SOS Alarm] → /samverkan närvarande ssr sos",
		"== Protokoll: Regional samverkanskonferens",
		"#1 Informationsblad till föräldrar – ansvarig Stockholms stad, senast " + due,
		"Budskap #2 är skapat. Godkännare (5)",
		"[Godkänn] → /samverkan budskap godkänn 2 rev=1",
		"== Samordnat budskap till Allmänheten ==", "Undvik onödiga resor i Norrort i kväll.",
		"Märkning: TLP:CLEAR",
		"Avaktivera Regional samverkanskonferens?", "[Avaktivera] → /samverkan avaktivera ssr bekräfta",
		"Aktiveringen avslutad",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the terminal flow lacks %q", want)
		}
	}
	for _, wrong := range []string{"TLP: TLP:", "Väntar på 0 till", " 1 kanaler", " 1 personer", "1 aktörer"} {
		if strings.Contains(out, wrong) {
			t.Errorf("the terminal flow says %q", wrong)
		}
	}
	if t.Failed() {
		t.Log(out)
	}
	if i := strings.Index(out, "== Samlad lägesbild"); i < 0 {
		t.Error("no compiled picture")
	} else if compiled, _, _ := strings.Cut(out[i:], "Du är nu"); strings.Contains(compiled, "Ingen prognos ännu.") || !strings.Contains(compiled, "Skolor stängda i Kista.") {
		t.Errorf("compiled picture wrong:\n%s", compiled)
	}
}

// TestToolFlagsAfterTheCommand: flags work wherever they stand, unknown
// ones and ones for another command are refused, and the file verified
// is the one named.
func TestToolFlagsAfterTheCommand(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "a.db")
	session(t, data, "forum visa\n")
	var out, errb bytes.Buffer
	if code := run([]string{"audit", "verify", "--data", data}, nil, &out, &errb, env(nil)); code != 0 || !strings.Contains(out.String(), data+" OK") {
		t.Fatalf("audit verify --data after the command: exit %d, %q %q", code, out.String(), errb.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "samverkan.db")); err == nil {
		t.Error("a default database was created")
	}
	for _, args := range [][]string{
		{"audit", "verify", "--dta", data},
		{"audit", "verify", "--data", data, "--user", "x"},
		{"audit", "verify", "extra", "--data", data},
		{"backup", "--data", data},
		{"serve", "--no-demo"},
	} {
		out.Reset()
		errb.Reset()
		if code := run(args, nil, &out, &errb, env(nil)); code != 2 || errb.Len() == 0 {
			t.Errorf("%q: exit %d, stderr %q; want 2 with a reason", args, code, errb.String())
		}
	}
}

// damagedFiles are a good database and the ways a file gets damaged in
// the field, with what each command must say about it: cut short
// (truncated to 8 KiB and to 5000 bytes), garbled page headers, a byte
// flipped in a stored value, an audit record changed in a way the pages
// cannot show, empty, and a file that is no database at all.
func damagedFiles(t *testing.T, dir string) (string, []struct{ name, path, want string }) {
	t.Helper()
	good := filepath.Join(dir, "good.db")
	session(t, good, "forum visa\n")
	raw, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// flip changes one byte of a live value (bucket, key) in a copy of
	// the file: at the first occurrence of marker in the value, plus at.
	flip := func(bucket, key, marker string, at int, to byte) []byte {
		off := liveValueOffset(t, good, bucket, key, marker)
		b := append([]byte(nil), raw...)
		b[off+at] = to
		return b
	}
	garbled := append([]byte(nil), raw...)
	for off := 2 * 4096; off+64 < len(garbled); off += 4096 {
		copy(garbled[off:], strings.Repeat("\xff", 64))
	}
	return good, []struct{ name, path, want string }{
		{"empty", write("empty.db", nil), "is empty, so it is not a samverkan database"},
		{"text", write("text.db", []byte("hej\n")), "is not a samverkan database"},
		{"cut to 8 KiB", write("cut8k.db", raw[:8192]), "is damaged: the file is cut short: it is 8192 bytes"},
		{"cut to 5000 bytes", write("cut5000.db", raw[:5000]), "is damaged: the file is cut short: it is 5000 bytes"},
		{"garbled pages", write("garbled.db", garbled), "is damaged: "},
		{"a value's byte flipped", write("value.db", flip(bot.BucketAudit, bot.SeqKey(5), `{`, 0, 0)), "is damaged: page "},
		{"an audit record changed", write("audit.db", flip(bot.BucketAudit, bot.SeqKey(3), `"action":"`, len(`"action":"`), 'X')), "is damaged: its audit log breaks at record 3"},
	}
}

// A damaged file gets one clear line naming it from every command that
// opens it — serve, the terminal, backup, audit verify and list — and a
// non-zero exit; nothing crashes, no backup is written, nothing says OK.
// Each runs as a process of its own, as an operator would run it.
func TestDamagedFilesAreRefusedByEveryCommand(t *testing.T) {
	dir := t.TempDir()
	_, cases := damagedFiles(t, dir)
	cases = append(cases, struct{ name, path, want string }{"missing", filepath.Join(dir, "nope.db"), "no such database"})
	for _, c := range cases {
		commands := [][]string{{"audit", "verify"}, {"audit", "list"}, {"backup", filepath.Join(dir, "copy.db")}}
		if c.name != "missing" {
			commands = append(commands, []string{"serve"}, []string{"shell", "--no-demo"})
		}
		for _, args := range commands {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0])
			cmd.Env = append(os.Environ(), "SAMVERKAN_TEST_RUN="+strings.Join(append(args, "--data", c.path), " "), "SAMVERKAN_LISTEN=127.0.0.1:0")
			cmd.Stdin = strings.NewReader("forum lista\n")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			if ctx.Err() != nil {
				t.Errorf("%s %v did not exit: it took the file as good\n%s", c.name, args, stderr.String())
				continue
			}
			var exit *exec.ExitError
			lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
			if c.name == "an audit record changed" && args[0] == "audit" {
				// The pages hold: audit verify says where the chain breaks,
				// audit list shows the records to look into, with a warning.
				want := map[string]string{"verify": "audit log BROKEN at record 3: content does not match its hash (edited)", "list": "statement.release"}[args[1]]
				if !strings.Contains(stdout.String(), want) || (args[1] == "verify") != (err != nil) || (args[1] == "list" && !strings.Contains(stderr.String(), "breaks at record 3")) {
					t.Errorf("%s %v: %v\n%s%s", c.name, args, err, stdout.String(), stderr.String())
				}
				continue
			}
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Errorf("%s %v: %v, want exit 1\n%s", c.name, args, err, stderr.String())
				continue
			}
			if len(lines) != 1 || !strings.Contains(lines[0], c.want) || !strings.Contains(lines[0], filepath.Base(c.path)) {
				t.Errorf("%s %v: stderr %q, want one line naming the file: %q", c.name, args, stderr.String(), c.want)
			}
			if strings.Contains(stdout.String(), " OK") || strings.Contains(stdout.String(), "written") {
				t.Errorf("%s %v said it went well: %s", c.name, args, stdout.String())
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "copy.db")); err == nil {
			t.Errorf("%s: a backup was written", c.name)
			os.Remove(filepath.Join(dir, "copy.db"))
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "nope.db")); err == nil {
		t.Error("a missing database was created")
	}
}

// TestAuditVerifyDetectsChangedBytes: a key written twice or added to a
// stored record is found, though decoding would hide it.
func TestAuditVerifyDetectsChangedBytes(t *testing.T) {
	for name, edit := range map[string]func([]byte) []byte{
		"duplicated key": func(b []byte) []byte { return append([]byte(`{"who_name":"någon annan",`), b[1:]...) },
		"injected key":   func(b []byte) []byte { return append(b[:len(b)-1], []byte(`,"approved":true}`)...) },
	} {
		data := filepath.Join(t.TempDir(), "a.db")
		session(t, data, "forum visa\n")
		db, err := bbolt.Open(data, 0o600, &bbolt.Options{Timeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		_ = db.Update(func(tx *bbolt.Tx) error {
			b := tx.Bucket([]byte(bot.BucketAudit))
			return b.Put([]byte(bot.SeqKey(3)), edit(append([]byte(nil), b.Get([]byte(bot.SeqKey(3)))...)))
		})
		db.Close()
		var out, errb bytes.Buffer
		if code := run([]string{"audit", "verify", "--data", data}, nil, &out, &errb, env(nil)); code != 1 || !strings.Contains(out.String(), "BROKEN at record 3") {
			t.Errorf("%s: exit %d, %q", name, code, out.String())
		}
	}
}

// TestCheckConfigProbe: --probe tries the bot's way to each platform
// with the configured token, says why the other way cannot be checked,
// and fails when what it tried failed.
func TestCheckConfigProbe(t *testing.T) {
	mm := mmtest.New()
	defer mm.Close()
	vars := map[string]string{"SAMVERKAN_MATTERMOST_URL": mm.URL, "SAMVERKAN_MATTERMOST_TOKEN": "bot-token",
		"SAMVERKAN_MATTERMOST_COMMAND_TOKENS": "tok", "SAMVERKAN_PUBLIC_URL": "http://127.0.0.1:8787"}
	var out, errb bytes.Buffer
	if code := run([]string{"check-config", "--probe"}, nil, &out, &errb, env(vars)); code != 0 {
		t.Fatalf("probe against a good server: exit %d\n%s%s", code, out.String(), errb.String())
	}
	for _, want := range []string{"bot → Mattermost", "ok, the bot is @samverkan", "Mattermost → bot http://127.0.0.1:8787/mattermost/command", "cannot be checked from here", "AllowedUntrustedInternalConnections"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("probe lacks %q:\n%s", want, out.String())
		}
	}
	mm.Close()
	out.Reset()
	if code := run([]string{"check-config", "--probe"}, nil, &out, &errb, env(vars)); code != 1 || !strings.Contains(out.String(), "failed:") {
		t.Errorf("probe against a server that is gone: exit %d\n%s", code, out.String())
	}
}

// A report lives: a new version starts from the previous one, a section
// typed replaces that section only (`-` clears it), the label stays
// unless given and a change of it is spelled out; the form starts from
// the previous version and can be cancelled with nothing saved.
func TestAReportIsUpdatedSectionBySection(t *testing.T) {
	data := filepath.Join(t.TempDir(), "r.db")
	session(t, data, `
aktör lägg-till lst "Länsstyrelsen"
aktör lägg-till sos "SOS Alarm"
forum skapa ssr "Regional" nivå=samordnande värd=lst
forum kanal ssr
forum anslut ssr sos
medlem lägg-till @tove aktör=lst roll=tib
medlem lägg-till @sam aktör=sos roll=medlem
`, "--no-demo", "--user", "admin")
	out := session(t, data, `
lägesbild ny ssr fakta="Strömavbrott i Solna" prognos="Åter i kväll" inriktning="Prioritera sjukhus"
lägesbild ny ssr fakta="Strömavbrott i Solna och Sundbyberg"
lägesbild visa ssr
lägesbild ny ssr prognos=-
lägesbild ny ssr tlp=GREEN
`, "--no-demo", "--user", "sam")
	for _, want := range []string{
		"(version 1) för sos är sparad: 2 avsnitt delas, 1 internt", // direction is the actor's own by default
		"(version 2) för sos är sparad: 2 avsnitt delas, 1 internt",
		"Oförändrat från version 1: Prognos, Inriktning och åtgärder.",
		"Strömavbrott i Solna och Sundbyberg",
		"Åter i kväll", // kept in version 2
		"(version 3) för sos är sparad: 1 avsnitt delas, 1 internt",
		"Oförändrat från version 2: Fakta, Inriktning och åtgärder.",
		"(version 4) för sos är sparad",
		"Etiketten gäller hela lägesbilden: nu TLP:GREEN för alla 2 avsnitt (förut TLP:AMBER).",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("session output lacks %q\n%s", want, out)
		}
	}
	// The form starts from version 4; cancelled at the third field, it
	// saves nothing.
	out = session(t, data, "lägesbild ny ssr\n\n\navbryt\nlägesbild visa ssr\n", "--no-demo", "--user", "sam")
	if !strings.Contains(out, "nu: Strömavbrott i Solna och Sundbyberg") || !strings.Contains(out, "Formuläret avbröts; inget sparades.") ||
		!strings.Contains(out, "v4 ") || strings.Contains(out, "v5 ") || strings.Contains(out, "version 5") {
		t.Errorf("the cancelled form:\n%s", out)
	}
	// Filled in: Enter keeps a field, a new text replaces it.
	out = session(t, data, "lägesbild ny ssr\n\n\nNy prognos\n"+strings.Repeat("\n", 10)+"lägesbild visa ssr\n", "--no-demo", "--user", "sam")
	for _, want := range []string{"(version 5) för sos är sparad: 2 avsnitt delas, 1 internt", "Strömavbrott i Solna och Sundbyberg", "Ny prognos", "Prioritera sjukhus"} {
		if !strings.Contains(out, want) {
			t.Errorf("the filled-in form lacks %q\n%s", want, out)
		}
	}
	// In English too.
	out = session(t, data, "report new ssr prognosis=-\n", "--no-demo", "--user", "sam")
	if !strings.Contains(out, "Unchanged from version 5: Facts, Direction") {
		t.Errorf("in English:\n%s", out)
	}
}

// Slips of the keyboard get a "did you mean" naming what to type, in
// both languages: commands, subcommands, forums, actors and members.
func TestDidYouMean(t *testing.T) {
	data := filepath.Join(t.TempDir(), "d.db")
	out := session(t, data, "lägesbld samlad ssr\nlägesbild samlda ssr\nforum visa srr\nforum anslut ssr elevio\nreprot compiled ssr\nxyzzy\nmedlem ta-bort svenne\n:som sam\nkvitera\n")
	for _, want := range []string{
		"Okänt kommando: ”lägesbld”. Menade du `lägesbild samlad ssr`?",
		"”lägesbild samlda” finns inte. Menade du `lägesbild samlad`?",
		"Okänt forum: srr. Menade du `ssr`?",
		"Okänd aktör: elevio. Menade du `ellevio`?",
		"Unknown command: “reprot”. Did you mean `report compiled ssr`?",
		"Okänt kommando: ”xyzzy”. Skriv `/samverkan hjälp`",
		"Okänt kommando: ”kvitera”. Menade du `kvittera`?",
		"Okänd medlem: svenne. Menade du `sven`?",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n%s", want, out)
		}
	}
}

// A due date or release time that has passed is refused with what to
// type instead; today is fine.
func TestActionDueInThePastIsRefused(t *testing.T) {
	data := filepath.Join(t.TempDir(), "a.db")
	today := today()
	yesterday := today.AddDate(0, 0, -1).Format("2006-01-02")
	out := session(t, data, ":som rasmus\nkonferens starta ssr\nåtgärd Info ansvarig=sthlm senast="+yesterday+"\nåtgärd Info i dag ansvarig=sthlm senast="+today.Format("2006-01-02")+"\n"+
		"åtgärd Info i morgon ansvarig=sthlm senast=i-morgon\nåtgärd Info fredag ansvarig=sthlm senast=fredag\nåtgärd Fel ansvarig=sthlm senast=snart\n"+
		":som klara\nbudskap utkast ssr text=\"x\" målgrupp=allmänhet tlp=CLEAR senast=00:00\n")
	friday := today.AddDate(0, 0, (int(time.Friday)-int(today.Weekday())+7)%7)
	for _, want := range []string{
		"00:00 har redan varit (klockan är ",
		yesterday + " har redan varit (i dag är det " + today.Format("2006-01-02") + "). Ange i dag eller ett senare datum",
		"#1 Info i dag",
		"#2 Info i morgon", "senast " + today.AddDate(0, 0, 1).Format("2006-01-02"),
		"#3 Info fredag", "senast " + friday.Format("2006-01-02"),
		// The hint's example is a week ahead, never a date that has passed.
		"Okänt datum: ”snart”. Skriv ÅÅÅÅ-MM-DD (t.ex. " + today.AddDate(0, 0, 7).Format("2006-01-02") + ")",
		"t.ex. \"i morgon 09:00\" eller \"" + today.AddDate(0, 0, 1).Format("2006-01-02") + " 09:00\"",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n%s", want, out)
		}
	}
}

// Each actor's 24/7 contact is in the registry; the contact list, status
// during an activation, the deadline escalation and the export name it
// for those who have not answered, and say where none is known.
func TestContactFallBack(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir) // the terminal writes files it is sent to the working directory
	out := session(t, filepath.Join(dir, "c.db"), `
forum kontakter ssr
:som elin
aktör kontakt ellevio telefon="020-000 00 05" rakel="AB ELLEVIO Drift"
aktör kontakt sos telefon=1
:som tove
aktivera ssr lägesbild
status
:spola 16m
:som sam
kvittera
lägesbild export ssr
:som admin
actor contact ellevio rakel=-
`)
	for _, want := range []string{
		"Kontaktlista: Regional samverkanskonferens",
		"Polisen Region Stockholm: tel 010-000 00 03 · Rakel AB POL RLC · annat: satellittelefon 00870 000 000",
		"Ellevio: ingen kontakt registrerad (`aktör kontakt ellevio telefon=…`)",
		"Kontakt för Ellevio (ellevio): tel 020-000 00 05 · Rakel AB ELLEVIO Drift",
		"Bara en admin eller en medlem av sos får ändra dess kontaktuppgifter.",
		"Nå dem som inte svarat (4):\n  SOS Alarm: tel 010-000 00 02",
		"Dessa aktörer har inte svarat; kontakta dem på annat sätt:\n• SOS Alarm: tel 010-000 00 02",
		"• Ellevio: tel 020-000 00 05 · Rakel AB ELLEVIO Drift",
		"Contact for Ellevio (ellevio): phone 020-000 00 05",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n%s", want, out)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "lagesbild-ssr-*.md"))
	if len(files) != 1 {
		t.Fatalf("export files: %v", files)
	}
	doc, _ := os.ReadFile(files[0])
	if !strings.Contains(string(doc), "## Kontaktlista (24/7)") || !strings.Contains(string(doc), "- Länsstyrelsen Stockholm: tel 010-000 00 01 · Rakel AB LST TiB · e-post tib@lst.example") {
		t.Errorf("the export lacks the contact list:\n%s", doc)
	}
}

// Twice a day: the schedule takes several times; two meetings held the
// same day keep their own minutes, listed by date and shown by number.
func TestTwoMeetingsInOneDayKeepTheirMinutes(t *testing.T) {
	data := filepath.Join(t.TempDir(), "m.db")
	today := today().Format("2006-01-02")
	out := session(t, data, `:som rasmus
konferens schema ssr dagligen 08:00,16:00
konferens starta ssr
beslut Förmiddagens beslut
konferens avsluta
konferens starta ssr
beslut Eftermiddagens beslut
konferens avsluta
konferens protokoll ssr `+today+`
konferens protokoll ssr #2
konferens protokoll ssr #9
`)
	for _, want := range []string{
		"dagligen 08:00, 16:00 (Europe/Stockholm)",
		"Regional samverkanskonferens " + today + ": 2 möten",
		"#1 kl ", "#2 kl ",
		"Visa ett med `konferens protokoll ssr #1`.",
		"Protokoll: Regional samverkanskonferens",
		"1. Eftermiddagens beslut",
		"Inget avslutat möte #9 i forum ssr.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n%s", want, out)
		}
	}
	if i := strings.Index(out, "konferens protokoll ssr #1`."); i < 0 || strings.Contains(out[i:], "Förmiddagens beslut") {
		t.Errorf("#2 showed the morning's minutes:\n%s", out)
	}
}

// An English command gets an English form: its prompts, options typed
// as shown (Internal), and the confirmation.
func TestEnglishFormIsEnglish(t *testing.T) {
	data := filepath.Join(t.TempDir(), "e.db")
	out := session(t, data, ":as sam\nreport new ssr\nPower cut in Kista\nInternal\n"+strings.Repeat("\n", 11))
	for _, want := range []string{"fill in the fields", "(optional)", "Report #3 (version 2) for sos is saved: 1 section shared, 2 internal."} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n%s", want, out)
		}
	}
	for _, swedish := range []string{"fyll i fälten", "(valfritt)", "är sparad"} {
		if strings.Contains(out, swedish) {
			t.Errorf("the English form says %q\n%s", swedish, out)
		}
	}
}

// Help for a command explains each of its parameters, with the values it
// takes.
func TestHelpForACommandListsItsValues(t *testing.T) {
	out := session(t, filepath.Join(t.TempDir(), "h.db"), ":som tove\nhjälp aktivera\nhelp report\n")
	for _, want := range []string{
		"    syfte: information, lägesbild, åtgärder, budskap (kommaseparerat)",
		"    tlp: ", "(CLEAR | GREEN | AMBER | AMBER+STRICT | RED)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("help lacks %q\n%s", want, out)
		}
	}
}

// A duty officer of another actor is told which rule applies and what to
// do instead.
func TestActivationRefusalSaysTheRuleAndTheWayOut(t *testing.T) {
	out := session(t, filepath.Join(t.TempDir(), "r.db"), ":som sam\naktivera ssr\n")
	want := "Forum ssr aktiveras av värdaktörens (lst) tjänsteman i beredskap, en samordnare (rsib), ordföranden eller en admin. Be om aktivering med `begär-aktivering ssr skäl…`"
	if !strings.Contains(out, want) {
		t.Errorf("output lacks %q\n%s", want, out)
	}
}

// Time in the terminal passes as it would: a week's jump holds Thursday's
// meeting on its minute (not FÖRSENAD, since the bot was not down),
// reminders come before their deadline, days are accepted, and an action
// item whose date has passed is marked.
func TestTimePassesInOrder(t *testing.T) {
	today := today().Format("2006-01-02")
	out := session(t, filepath.Join(t.TempDir(), "t.db"), `:som rasmus
konferens starta ssr
åtgärd Informationsblad ansvarig=sthlm senast=`+today+`
:spola 1d
konferens avsluta
:som tove
aktivera ssr
:spola 1h
avaktivera ssr bekräfta
:spola 7d
`)
	reminder, escalation := strings.Index(out, "Påminnelse: Regional"), strings.Index(out, "Ej kvitterat: Regional")
	if reminder < 0 || escalation < 0 || reminder > escalation {
		t.Errorf("reminder at %d, escalation at %d: want the reminder first\n%s", reminder, escalation, out)
	}
	if !strings.Contains(out, "Samverkanskonferens: Regional samverkanskonferens") || strings.Contains(out, "(FÖRSENAD)") {
		t.Errorf("the week's meeting was not held on time:\n%s", out)
	}
	if !strings.Contains(out, "senast "+today+" – **FÖRSENAD**") {
		t.Errorf("the overdue action item is not marked:\n%s", out)
	}
	if strings.Contains(out, "Skriv `:spola 10m`") {
		t.Errorf(":spola 7d was refused:\n%s", out)
	}
}

// The minutes keep the common picture the meeting worked from: each
// actor's version as it stood at the end, unchanged by later versions.
func TestMinutesKeepThePictureAsItStood(t *testing.T) {
	out := session(t, filepath.Join(t.TempDir(), "p.db"), `:som stina
lägesbild ny ssr fakta="Skolor stängda"
:som rasmus
konferens starta ssr
konferens avsluta
:som stina
lägesbild ny ssr fakta="Skolor öppna igen"
:som rasmus
konferens protokoll ssr #1
`)
	minutes := out[strings.LastIndex(out, "== Protokoll: "):]
	for _, want := range []string{
		"Lägesbilden mötet utgick från",
		"SOS Alarm: #1 version 1, TLP:GREEN",
		"Stockholms stad: #3 version 2, TLP:AMBER",
		"`lägesbild visa ssr sthlm version=2`",
		"Ingen lägesbild: Länsstyrelsen Stockholm, Polisen Region Stockholm, Ellevio",
	} {
		if !strings.Contains(minutes, want) {
			t.Errorf("the minutes lack %q\n%s", want, minutes)
		}
	}
	if strings.Contains(minutes, "version 3") {
		t.Errorf("the minutes follow a later version:\n%s", minutes)
	}
}

// check-config shows everything it reads: the call-in deadline of every
// level and each conference schedule, with where each came from.
func TestCheckConfigShowsDeadlinesAndConferences(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "samverkan.yaml")
	if err := os.WriteFile(cfgPath, []byte("call_in_deadlines:\n  samordnande: 20\nconferences:\n  ssr: dagligen 08:00,16:00\n  tfn: av\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := run([]string{"check-config", "--config", cfgPath}, nil, &out, &errb, env(nil)); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{
		"call_in_deadlines.samordnande   20 min", cfgPath + ":2",
		"call_in_deadlines.inriktande    60 min", "# default",
		"conferences.ssr                 daily 08:00, 16:00 (Europe/Stockholm)",
		"conferences.tfn                 off",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("check-config lacks %q:\n%s", want, out.String())
		}
	}
}

// --help is an answer: it goes to standard output and exits 0; a wrong
// flag is an error: usage to standard error, exit 2.
func TestHelpGoesToStandardOutput(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"--help"}, nil, &out, &errb, env(nil)); code != 0 || !strings.Contains(out.String(), "Usage:") || errb.Len() != 0 {
		t.Errorf("--help: exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}
	out.Reset()
	errb.Reset()
	if code := run([]string{"--nonsense"}, nil, &out, &errb, env(nil)); code != 2 || !strings.Contains(errb.String(), "Usage:") || out.Len() != 0 {
		t.Errorf("--nonsense: exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}
}

// A meeting is convened: the convening actor appoints chair and secretary
// (by default its own), says how it is held and how to join; they keep the
// minutes, with the summary against the purpose and the common direction,
// and someone else is told who does.
func TestAConvenedMeeting(t *testing.T) {
	out := session(t, filepath.Join(t.TempDir(), "c.db"), `:som tove
konferens starta ssr ordförande=@klara sekreterare=@stina form=video anslut="https://möte.example/ssr kod 4711"
:som stina
beslut Skolorna i Kista håller stängt i morgon
:som sven
beslut Något annat
:som tove
sammanfattning Läget är under kontroll; elen åter i kväll
:som klara
beslut-i-stort Samordnad information via krisinformation.se
:som stina
konferens avsluta
:som rasmus
konferens starta ssr
`)
	for _, want := range []string{
		"Ordförande: Klara Kommunikatör · sekreterare: Stina Stad.",
		"Sammankallad av Länsstyrelsen Stockholm. Ordförande: Klara Kommunikatör · sekreterare: Stina Stad. Form: video.",
		"Anslut: https://möte.example/ssr kod 4711",
		"! Protokollet för möte #1 förs av ordföranden (Klara Kommunikatör), sekreteraren (Stina Stad) eller den som sammankallade mötet.",
		"Mot syftet (", "): Läget är under kontroll; elen åter i kväll",
		"**Beslut i stort:** Samordnad information via krisinformation.se",
		"-- Beslut i stort --", "-- Sammanfattning mot syftet --",
		"1. Skolorna i Kista håller stängt i morgon",
		"Konferens #2 i ssr är öppnad; dagordningen är postad i forumets kanaler. Ordförande: Rasmus Samordnare · sekreterare: Selma Sekreterare.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n%s", want, out)
		}
	}
	if strings.Contains(out, "Något annat") && !strings.Contains(out, "förs av ordföranden") {
		t.Error("a member without a part in the meeting minuted a decision")
	}
}

// The README's crisis day runs as written: nothing refused, and each part
// shows what the README says it shows.
func TestTheREADMECrisisDayRuns(t *testing.T) {
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	start := strings.Index(doc, "### A crisis day in the terminal")
	if start < 0 {
		t.Fatal("the README has no crisis day")
	}
	block := doc[start:]
	block = block[strings.Index(block, "```\n")+4:]
	block = block[:strings.Index(block, "```")]
	dir := t.TempDir()
	t.Chdir(dir) // the report file lands here
	out := session(t, filepath.Join(dir, "day.db"), block)
	if doc, err := os.ReadFile("efterhandsrapport-ssr-1.pdf"); err != nil || !strings.HasPrefix(string(doc), "%PDF-") {
		t.Errorf("the after-action report file: %v", err)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "! ") {
			t.Errorf("refused: %s", line)
		}
	}
	for _, want := range []string{
		"Dessa aktörer har inte svarat; kontakta dem på annat sätt:\n• Polisen Region Stockholm: tel 010-000 00 03",
		"Kontaktlista: Regional samverkanskonferens",
		"Oförändrat från version 1:",
		"Ordförande: Klara Kommunikatör · sekreterare: Stina Stad.",
		"== Protokoll: Regional samverkanskonferens", "(#1) ==", "(#2) ==",
		"Efterhandsrapporten efterhandsrapport-ssr-1.pdf är skickad",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the crisis day lacks %q\n%s", want, out)
		}
	}
}

// The purpose chooses the agenda's points: the actor round asks for what
// the purpose needs, and coordinating messages brings the statements in.
func TestTheAgendaFollowsThePurpose(t *testing.T) {
	out := session(t, filepath.Join(t.TempDir(), "s.db"), `:som rasmus
konferens starta ssr
konferens avsluta
konferens starta ssr syfte=åtgärder,budskap
`)
	for _, want := range []string{
		"-- 4. Aktörsrunda: fakta, prognos --",
		"-- 4. Aktörsrunda: behov av samordning av åtgärder, behov av samordning av budskap --",
		"Budskap att samordna: `budskap lista ssr`",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n%s", want, out)
		}
	}
	second := strings.Index(out, "Konferens #2 i ssr är öppnad")
	if second < 0 || strings.Contains(out[:second], "Budskap att samordna") {
		t.Errorf("a meeting without messages as its purpose lists statements (second meeting at %d)", second)
	}
}

// `:som` a slip of a registered name asks what was meant instead of
// silently becoming someone unknown; a new name is allowed, with a note.
func TestSwitchingToAnUnknownPerson(t *testing.T) {
	out := session(t, filepath.Join(t.TempDir(), "u.db"), ":som svenne\n:vem\n:som nyfiken\n")
	for _, want := range []string{"Ingen svenne i registret. Menade du `:som sven`?", "Obs: nyfiken finns inte i registret", "Du är nu nyfiken."} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n%s", want, out)
		}
	}
	if strings.Contains(out, "Du är nu svenne.") {
		t.Errorf("became svenne:\n%s", out)
	}
}

// An unbalanced quote is named, with the command's usage line; a quoted
// value without its name gets the name to write.
func TestUnbalancedQuoteShowsTheUsage(t *testing.T) {
	out := session(t, filepath.Join(t.TempDir(), "q.db"), ":som klara\nbudskap utkast ssr text=\"Undvik området\nbudskap utkast ssr \"x\"\n")
	for _, want := range []string{
		"! Ett citattecken saknar sin avslutning.\nSå här: `/samverkan budskap utkast F",
		"! ”x” står utan namn. Skriv text=\"x\".\nSå här: `/samverkan budskap utkast F",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n%s", want, out)
		}
	}
}

// An acknowledgement after the deadline is marked late, and more people
// of an actor that already answered are shown as taking part too.
func TestLateAndExtraAcknowledgements(t *testing.T) {
	out := session(t, filepath.Join(t.TempDir(), "a.db"), ":som tove\naktivera ssr\n:som sam\nkvittera\n:spola 20m\n:som per\nkvittera\n:som kim\nkvittera\n:som tove\nstatus\n")
	status := out[strings.LastIndex(out, "== Status: "):]
	for _, want := range []string{
		"Polisen Region Stockholm – kl ", "(+20 min), Per Polis – efter tidsgränsen",
		"  + Kim Kommunikatör (SOS Alarm, kl ",
		"Kvitterat (3 av 5)", // Länsstyrelsen through tove, who activated
	} {
		if !strings.Contains(status, want) {
			t.Errorf("status lacks %q\n%s", want, status)
		}
	}
	if strings.Contains(status, "Sam SOS – efter tidsgränsen") {
		t.Errorf("an answer in time is marked late:\n%s", status)
	}
}

// "Beslut om nästa samling": a next meeting with a time is booked and
// opens on its own then, with the form, the way to join and the purpose
// decided, even on a day with regular meetings: the regular one within
// two hours is replaced (the booking says so), and the booked meeting,
// left open, is ended with its minutes when the next regular one falls
// due. A time that has passed is refused.
func TestTheNextMeetingIsBooked(t *testing.T) {
	tomorrow := today().AddDate(0, 0, 1).Format("2006-01-02")
	out := session(t, filepath.Join(t.TempDir(), "n.db"), `:som rasmus
konferens schema ssr dagligen 08:00,16:00
konferens starta ssr
nästa-möte Uppföljning tid="2020-01-01 09:00"
nästa-möte Uppföljning av elavbrottet tid="i morgon 09:00" form=video anslut="https://möte.example/ssr" syfte=åtgärder
konferens avsluta
:spola 2d
konferens protokoll ssr #1
`)
	for _, want := range []string{
		"2020-01-01 09:00 har redan varit",
		"Nästa möte är protokollfört och bokat: det öppnas " + tomorrow + " 09:00 med dagordningen. Det ersätter det ordinarie mötet " + tomorrow + " 08:00",
		"Samverkanskonferens: Regional samverkanskonferens " + tomorrow + " 09:00",
		"Form: video.", "Anslut: https://möte.example/ssr",
		"-- 4. Aktörsrunda: behov av samordning av åtgärder --",
		// The minutes of the meeting that booked it say when, how and why.
		"Bokat: " + tomorrow + " 09:00. Det ersätter det ordinarie mötet " + tomorrow + " 08:00.\nForm: video. Anslut: https://möte.example/ssr\nSyfte: samordnade åtgärder.\nUppföljning av elavbrottet",
		// 16:00 ends the booked meeting, with its minutes, and says so.
		"Avslutat av samverkan när nästa möte skulle börja, " + tomorrow + " 16:00.",
		"var fortfarande öppet när nästa möte skulle börja " + tomorrow + " 16:00",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n%s", want, out)
		}
	}
	if strings.Contains(out, "Samverkanskonferens: Regional samverkanskonferens "+tomorrow+" 08:00") {
		t.Errorf("the replaced regular meeting opened:\n%s", out)
	}
}

// In the terminal as on the platforms: with a guest in the channel the
// Thursday meeting opens with its frame there, the members get the agenda
// directly, and the chair is told.
func TestTheMeetingOpensWithAGuestInTheTerminal(t *testing.T) {
	out := session(t, filepath.Join(t.TempDir(), "g.db"), `:gäst gunnar
:spola 7d
`)
	for _, want := range []string{
		"@gunnar sitter nu i kanalerna utan att vara medlem",
		"[#samverkan t", "[TLP:GREEN]", "Den här kanalen har deltagare som inte är medlemmar",
		"#samverkan: @gunnar är inte aktiva medlemmar hos forumets aktörer",
		"[DM → sam ", "[DM → rasmus ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n%s", want, out)
		}
	}
	// Meetings are numbered across forums: the demo's other forum may
	// have met first.
	if !regexp.MustCompile(`Möte #\d+ är öppet, men i #samverkan finns @gunnar`).MatchString(out) {
		t.Errorf("the chair is not told of the guest:\n%s", out)
	}
}

// The scheduled meetings' invitation carries how they are held and how to
// join: the reminder before and the agenda say it.
func TestScheduledMeetingsSayHowToJoin(t *testing.T) {
	out := session(t, filepath.Join(t.TempDir(), "j.db"), `:som rasmus
konferens schema ssr torsdag 16:00 form=telefon anslut="Ring 08-000 00 00, kod 4711#"
:spola 7d
`)
	for _, want := range []string{"Form: telefon. Anslut: Ring 08-000 00 00, kod 4711#", "Sammankallad av Länsstyrelsen Stockholm."} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n%s", want, out)
		}
	}
	if strings.Count(out, "Anslut: Ring 08-000 00 00, kod 4711#") < 2 {
		t.Errorf("the reminder and the agenda should both say how to join:\n%s", out)
	}
}

// liveValueOffset is where in the file the value at bucket/key begins,
// plus the offset of marker in it: a byte the database uses now, not a
// stale copy on a free page.
func liveValueOffset(t *testing.T, path, bucket, key, marker string) int {
	t.Helper()
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	off := -1
	_ = db.View(func(tx *bbolt.Tx) error {
		// A value of a bucket on pages of its own points into the mapped
		// file (an inline bucket's may be a copy: use a larger bucket).
		v := tx.Bucket([]byte(bucket)).Get([]byte(key))
		if i := bytes.Index(v, []byte(marker)); i >= 0 {
			if p, base := uintptr(unsafe.Pointer(&v[0])), db.Info().Data; p >= base {
				off = int(p-base) + i
			}
		}
		return nil
	})
	if off < 0 {
		t.Fatalf("no %q in %s/%s in the mapped file", marker, bucket, key)
	}
	return off
}

// check-config lists the schedules the bot will run, as the database
// holds them (read without changing it, through the running terminal
// when it holds the file), and refuses an address that cannot be used.
func TestCheckConfigListsSchedulesAndChecksAddresses(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "c.db")
	var out, errb bytes.Buffer
	if code := run([]string{"check-config", "--data", data}, nil, &out, &errb, env(nil)); code != 0 || !strings.Contains(out.String(), "no database at "+data+" yet: a coordinating forum meets Thursday 16:00 (Europe/Stockholm)") {
		t.Errorf("without a database: exit %d\n%s%s", code, out.String(), errb.String())
	}
	if _, err := os.Stat(data); err == nil {
		t.Error("check-config made a database")
	}
	session(t, data, "forum lista\n")
	out.Reset()
	cfgPath := filepath.Join(dir, "samverkan.yaml")
	if err := os.WriteFile(cfgPath, []byte("conferences:\n  nej: dagligen 09:00\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code := run([]string{"check-config", "--data", data, "--config", cfgPath}, nil, &out, &errb, env(nil)); code != 0 ||
		!regexp.MustCompile(`ssr +Thursday 08:00, 16:00 \(Europe/Stockholm\) +next \d{4}-\d\d-\d\d (08|16):00`).MatchString(out.String()) ||
		!strings.Contains(out.String(), "conferences.nej: no forum nej in the database") {
		t.Errorf("with the demo: exit %d\n%s%s", code, out.String(), errb.String())
	}
	out.Reset()
	errb.Reset()
	if code := run([]string{"check-config"}, nil, &out, &errb, env(map[string]string{"SAMVERKAN_LISTEN": "127.0.0.1:99999"})); code != 2 || !strings.Contains(errb.String(), `the port "99999" is not a number from 0 to 65535`) || strings.Contains(out.String(), "configuration OK") {
		t.Errorf("a bad listen address: exit %d\n%s%s", code, out.String(), errb.String())
	}
}

// While the terminal bot holds the file, backup and audit work through
// it, as they do while serve runs.
func TestBackupAndAuditWhileTheTerminalHoldsTheFile(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "t.db")
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "SAMVERKAN_TEST_RUN=--data "+data)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); _ = cmd.Wait() }()
	for i := 0; ; i++ {
		if c, err := net.Dial("unix", data+".sock"); err == nil {
			c.Close()
			break
		}
		if i == 500 {
			t.Fatalf("the terminal did not open its operator socket:\n%s", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	var o, e bytes.Buffer
	if code := run([]string{"backup", filepath.Join(dir, "copy.db"), "--data", data}, nil, &o, &e, env(nil)); code != 0 || !strings.Contains(o.String(), "checked) by the running bot") {
		t.Errorf("backup: exit %d\n%s%s", code, o.String(), e.String())
	}
	o.Reset()
	if code := run([]string{"audit", "verify", "--data", data}, nil, &o, &e, env(nil)); code != 0 || !strings.Contains(o.String(), "chain intact") {
		t.Errorf("audit verify: exit %d\nout %q\nerr %q", code, o.String(), e.String())
	}
}

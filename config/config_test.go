package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"samverkan/config"
)

func noenv(string) string { return "" }

func write(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "samverkan.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefaults(t *testing.T) {
	c, err := config.Load("", noenv)
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:8787" || c.Locale != "sv" || c.Data != "samverkan.db" {
		t.Errorf("defaults = %+v", c)
	}
}

func TestErrorsNameKeyAndLine(t *testing.T) {
	p := write(t, "listen: 127.0.0.1:8787\nlocale: fr\nmattermost:\n  url: not-a-url\n  token: x\n")
	_, err := config.Load(p, noenv)
	if err == nil {
		t.Fatal("bad config accepted")
	}
	msg := err.Error()
	for _, want := range []string{"locale (" + p + ":2): want sv, en or nb", "mattermost.url (" + p + ":4)", "mattermost.command_tokens", "public_url"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
}

func TestUnknownKeyIsNamed(t *testing.T) {
	p := write(t, "listen: 127.0.0.1:1\nslakc:\n  bot_token: x\n")
	_, err := config.Load(p, noenv)
	if err == nil || !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), "slakc") {
		t.Fatalf("err = %v, want it to name slakc on line 2", err)
	}
}

func TestEnvironmentOverridesFile(t *testing.T) {
	p := write(t, "listen: 127.0.0.1:1\nadmins: [\"mattermost:u1\"]\n")
	c, err := config.Load(p, func(k string) string {
		return map[string]string{"SAMVERKAN_LISTEN": "127.0.0.1:2", "SAMVERKAN_ADMINS": "slack:U1, mattermost:u2"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:2" || len(c.AdminIdentities()) != 2 || c.AdminIdentities()[0].UserID != "U1" {
		t.Errorf("got %+v", c)
	}
	_, err = config.Load("", func(k string) string {
		if k == "SAMVERKAN_ADMINS" {
			return "teams:x"
		}
		return ""
	})
	if err == nil || !strings.Contains(err.Error(), "admins (SAMVERKAN_ADMINS)") {
		t.Errorf("bad admin err = %v", err)
	}
}

func TestConferenceSchedules(t *testing.T) {
	p := write(t, "conferences:\n  ssr: torsdag 16:00 Europe/Stockholm\n  krisforum: av\n  bad: fikadag 16:00\n")
	_, err := config.Load(p, noenv)
	if err == nil || !strings.Contains(err.Error(), "conferences") || !strings.Contains(err.Error(), "bad") {
		t.Fatalf("err = %v, want the bad schedule named", err)
	}
	s, err := config.ParseConference("Onsdag 09:30")
	if err != nil || s.Hour != 9 || s.Minute != 30 || s.Zone != "Europe/Stockholm" {
		t.Errorf("ParseConference = %+v, %v", s, err)
	}
	if s, err := config.ParseConference("av"); s != nil || err != nil {
		t.Errorf("av = %v, %v", s, err)
	}
}

// Every address is checked as it would be dialled or listened on: a port
// out of range, a host that is no host name or address, are named before
// serve starts (and before it makes a database).
func TestAddressesAreValidated(t *testing.T) {
	env := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }
	for _, c := range []struct {
		key, value, want string
	}{
		{"SAMVERKAN_LISTEN", "127.0.0.1:99999", `listen (SAMVERKAN_LISTEN): want host:port such as 127.0.0.1:8787 or 0.0.0.0:8787, got "127.0.0.1:99999": the port "99999" is not a number from 0 to 65535`},
		{"SAMVERKAN_LISTEN", "127.0.0.1", "it is not host:port"},
		{"SAMVERKAN_LISTEN", "bad host:8787", `"bad host" is neither an IP address nor a host name`},
		{"SAMVERKAN_LISTEN", ":http", `the port "http" is not a number`},
		{"SAMVERKAN_PUBLIC_URL", "https://bot.example.org:70000", "public_url (SAMVERKAN_PUBLIC_URL): want an absolute http(s) URL"},
		{"SAMVERKAN_PUBLIC_URL", "https://bot_example org", "public_url"},
		{"SAMVERKAN_SLACK_API_URL", "http://127.0.0.1:0x50/api/", "slack.api_url"},
	} {
		if _, err := config.Load("", env(map[string]string{c.key: c.value})); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s=%s: %v, want %q", c.key, c.value, err, c.want)
		}
	}
	for _, ok := range []string{"127.0.0.1:8787", "0.0.0.0:8787", ":8787", "[::1]:8787", "samverkan.internal:443", "127.0.0.1:0"} {
		if _, err := config.Load("", env(map[string]string{"SAMVERKAN_LISTEN": ok})); err != nil {
			t.Errorf("listen %s refused: %v", ok, err)
		}
	}
}

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
	for _, want := range []string{"locale (" + p + ":2): want sv or en", "mattermost.url (" + p + ":4)", "mattermost.command_tokens", "public_url"} {
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

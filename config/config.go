// Package config loads samverkan's configuration from a YAML file and the
// SAMVERKAN_* environment variables, validates it with errors that name
// the key and where it came from, and prints it with secrets masked.
package config

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"samverkan/bot"
	"samverkan/catalog"
	"samverkan/commands"
)

// Config is the effective configuration.
type Config struct {
	Listen string `yaml:"listen"`
	Data   string `yaml:"data"`
	// Store, when set, is a PostgreSQL database (postgres://…) that the
	// bot keeps its state in instead of the embedded file in Data; two
	// or more replicas may share it.
	Store     string   `yaml:"store"`
	PublicURL string   `yaml:"public_url"`
	Locale    string   `yaml:"locale"`
	Admins    []string `yaml:"admins"`
	// CallInDeadlines are minutes per level for acknowledging a call-in,
	// e.g. {inriktande: 60, samordnande: 15}.
	CallInDeadlines map[string]int `yaml:"call_in_deadlines"`
	// Conferences sets forums' weekly conferences at start, e.g.
	// {ssr: "torsdag 16:00 Europe/Stockholm"} or {ssr: "av"}.
	Conferences map[string]string `yaml:"conferences"`
	// MaxInFlight bounds the commands running at once; beyond it a
	// command is answered "busy" at once (default 16).
	MaxInFlight int `yaml:"max_in_flight"`
	// CAPFeeds are the forums whose released TLP:CLEAR statements are
	// published as a public Atom feed of CAP alerts (/cap/{forum}.atom);
	// none by default.
	CAPFeeds []string `yaml:"cap_feeds"`
	// CAPSender is who CAP alerts say they come from (default
	// samverkan@ and the public URL's host).
	CAPSender  string     `yaml:"cap_sender"`
	Mattermost Mattermost `yaml:"mattermost"`
	Slack      Slack      `yaml:"slack"`

	// sources tells where each key's value came from: "file.yaml:12" or
	// the environment variable's name.
	sources map[string]string
}

// Mattermost holds the Mattermost connection.
type Mattermost struct {
	URL           string   `yaml:"url"`
	Token         string   `yaml:"token"`
	CommandTokens []string `yaml:"command_tokens"`
	// RequestsPerSecond and Burst are the server's rate limit for the
	// bot's token (RateLimitSettings.PerSec and MaxBurst; defaults 10 and
	// 100): the bot keeps under it.
	RequestsPerSecond int `yaml:"requests_per_second"`
	Burst             int `yaml:"burst"`
}

// Slack holds the Slack app's credentials.
type Slack struct {
	BotToken      string `yaml:"bot_token"`
	SigningSecret string `yaml:"signing_secret"`
	AppToken      string `yaml:"app_token"`
	APIURL        string `yaml:"api_url"`
}

// Defaults.
const (
	DefaultListen      = "127.0.0.1:8787"
	DefaultData        = "samverkan.db"
	DefaultMaxInFlight = commands.DefaultMaxInFlight
	// Mattermost's default rate limit: 10 requests a second, bursts of 100.
	DefaultMattermostRate  = 10
	DefaultMattermostBurst = 100
)

// envVars maps each environment variable to its key and setter.
var envVars = []struct {
	name, key string
	set       func(c *Config, v string)
}{
	{"SAMVERKAN_LISTEN", "listen", func(c *Config, v string) { c.Listen = v }},
	{"SAMVERKAN_DATA", "data", func(c *Config, v string) { c.Data = v }},
	{"SAMVERKAN_DATABASE_URL", "store", func(c *Config, v string) { c.Store = v }},
	{"SAMVERKAN_PUBLIC_URL", "public_url", func(c *Config, v string) { c.PublicURL = v }},
	{"SAMVERKAN_LOCALE", "locale", func(c *Config, v string) { c.Locale = v }},
	{"SAMVERKAN_ADMINS", "admins", func(c *Config, v string) { c.Admins = splitList(v) }},
	{"SAMVERKAN_MATTERMOST_URL", "mattermost.url", func(c *Config, v string) { c.Mattermost.URL = v }},
	{"SAMVERKAN_MATTERMOST_TOKEN", "mattermost.token", func(c *Config, v string) { c.Mattermost.Token = v }},
	{"SAMVERKAN_MATTERMOST_COMMAND_TOKENS", "mattermost.command_tokens", func(c *Config, v string) { c.Mattermost.CommandTokens = splitList(v) }},
	{"SAMVERKAN_MATTERMOST_REQUESTS_PER_SECOND", "mattermost.requests_per_second", func(c *Config, v string) { c.Mattermost.RequestsPerSecond = atoi(v) }},
	{"SAMVERKAN_MATTERMOST_BURST", "mattermost.burst", func(c *Config, v string) { c.Mattermost.Burst = atoi(v) }},
	{"SAMVERKAN_MAX_IN_FLIGHT", "max_in_flight", func(c *Config, v string) { c.MaxInFlight = atoi(v) }},
	{"SAMVERKAN_CAP_FEEDS", "cap_feeds", func(c *Config, v string) { c.CAPFeeds = splitList(v) }},
	{"SAMVERKAN_CAP_SENDER", "cap_sender", func(c *Config, v string) { c.CAPSender = v }},
	{"SAMVERKAN_SLACK_BOT_TOKEN", "slack.bot_token", func(c *Config, v string) { c.Slack.BotToken = v }},
	{"SAMVERKAN_SLACK_SIGNING_SECRET", "slack.signing_secret", func(c *Config, v string) { c.Slack.SigningSecret = v }},
	{"SAMVERKAN_SLACK_APP_TOKEN", "slack.app_token", func(c *Config, v string) { c.Slack.AppToken = v }},
	{"SAMVERKAN_SLACK_API_URL", "slack.api_url", func(c *Config, v string) { c.Slack.APIURL = v }},
}

var secrets = map[string]bool{
	"mattermost.token": true, "mattermost.command_tokens": true,
	"slack.bot_token": true, "slack.signing_secret": true, "slack.app_token": true,
}

// atoi reads a whole number; anything else is -1, which Validate names.
func atoi(v string) int {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return -1
	}
	return n
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Error is a configuration problem tied to one key.
type Error struct {
	Key, Source, Problem string
}

func (e *Error) Error() string {
	if e.Source != "" {
		return fmt.Sprintf("%s (%s): %s", e.Key, e.Source, e.Problem)
	}
	return fmt.Sprintf("%s: %s", e.Key, e.Problem)
}

// Load reads the YAML file at path (none when path is empty), then applies
// the environment through getenv, fills defaults and validates.
func Load(path string, getenv func(string) string) (*Config, error) {
	c := &Config{sources: map[string]string{}}
	if path != "" {
		raw, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
		if err := c.parse(path, raw); err != nil {
			return nil, err
		}
	}
	for _, ev := range envVars {
		if v, ok := lookup(getenv, ev.name); ok {
			ev.set(c, v)
			c.sources[ev.key] = ev.name
		}
	}
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	if c.Data == "" {
		c.Data = DefaultData
	}
	if c.Locale == "" {
		c.Locale = catalog.Default
	}
	if c.MaxInFlight == 0 {
		c.MaxInFlight = DefaultMaxInFlight
	}
	if c.Mattermost.RequestsPerSecond == 0 {
		c.Mattermost.RequestsPerSecond = DefaultMattermostRate
	}
	if c.Mattermost.Burst == 0 {
		c.Mattermost.Burst = DefaultMattermostBurst
	}
	return c, c.Validate()
}

func lookup(getenv func(string) string, name string) (string, bool) {
	v := getenv(name)
	return v, v != ""
}

func (c *Config) parse(path string, raw []byte) error {
	var root yaml.Node
	if err := yaml.Unmarshal(raw, &root); err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("config %s: %w (see docs/configuration.md for the keys)", path, err)
	}
	if len(root.Content) > 0 {
		walk(root.Content[0], "", func(key string, line int) {
			c.sources[key] = fmt.Sprintf("%s:%d", path, line)
		})
	}
	return nil
}

func walk(n *yaml.Node, prefix string, fn func(string, int)) {
	if n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := prefix + n.Content[i].Value
		fn(k, n.Content[i].Line)
		walk(n.Content[i+1], k+".", fn)
	}
}

func (c *Config) errf(key, format string, a ...any) *Error {
	return &Error{Key: key, Source: c.sources[key], Problem: fmt.Sprintf(format, a...)}
}

// Validate checks every key and returns all problems found.
func (c *Config) Validate() error {
	var errs []error
	if why := checkHostPort(c.Listen); why != "" {
		errs = append(errs, c.errf("listen", "want host:port such as 127.0.0.1:8787 or 0.0.0.0:8787, got %q: %s", c.Listen, why))
	}
	if c.Locale != catalog.Normalize(c.Locale) {
		errs = append(errs, c.errf("locale", "want sv, en or nb, got %q", c.Locale))
	}
	for _, a := range c.Admins {
		if _, err := bot.ParseIdentity(a); err != nil {
			errs = append(errs, c.errf("admins", "%v", err))
		}
	}
	if c.Store != "" && !c.Shared() {
		errs = append(errs, c.errf("store", "want a PostgreSQL URL such as postgres://samverkan@db.example.org:5432/samverkan, or nothing for the embedded database in data; got %q", redactURL(c.Store)))
	}
	if c.PublicURL != "" && !httpURL(c.PublicURL) {
		errs = append(errs, c.errf("public_url", "want an absolute http(s) URL such as https://samverkan.example.org, got %q", c.PublicURL))
	}
	mm := c.Mattermost
	if mm.URL != "" || mm.Token != "" || len(mm.CommandTokens) > 0 {
		if !httpURL(mm.URL) {
			errs = append(errs, c.errf("mattermost.url", "want the Mattermost server's URL such as https://chat.example.org, got %q", mm.URL))
		}
		if mm.Token == "" {
			errs = append(errs, c.errf("mattermost.token", "the bot account's access token is required (SAMVERKAN_MATTERMOST_TOKEN)"))
		}
		if len(mm.CommandTokens) == 0 {
			errs = append(errs, c.errf("mattermost.command_tokens", "at least one slash command token is required (SAMVERKAN_MATTERMOST_COMMAND_TOKENS)"))
		}
		if c.PublicURL == "" {
			errs = append(errs, c.errf("public_url", "required with Mattermost: buttons and dialogs call back to it"))
		}
	}
	for lvl, min := range c.CallInDeadlines {
		if _, ok := bot.ParseLevel(lvl); !ok {
			errs = append(errs, c.errf("call_in_deadlines", "unknown level %q: use inriktande, samordnande or verkställande", lvl))
		} else if min <= 0 || min > 24*60 {
			errs = append(errs, c.errf("call_in_deadlines", "%s: want minutes between 1 and 1440, got %d", lvl, min))
		}
	}
	for forum, spec := range c.Conferences {
		if _, err := ParseConference(spec); err != nil {
			errs = append(errs, c.errf("conferences", "%s: %v", forum, err))
		}
	}
	if c.MaxInFlight < 1 || c.MaxInFlight > 10000 {
		errs = append(errs, c.errf("max_in_flight", "want a whole number of commands between 1 and 10000, got %d", c.MaxInFlight))
	}
	if c.Mattermost.RequestsPerSecond < 1 || c.Mattermost.RequestsPerSecond > 10000 {
		errs = append(errs, c.errf("mattermost.requests_per_second", "want the server's RateLimitSettings.PerSec, a whole number from 1 (default 10)"))
	}
	if c.Mattermost.Burst < 1 || c.Mattermost.Burst > 100000 {
		errs = append(errs, c.errf("mattermost.burst", "want the server's RateLimitSettings.MaxBurst, a whole number from 1 (default 100)"))
	}
	sl := c.Slack
	if sl.BotToken != "" || sl.SigningSecret != "" || sl.AppToken != "" {
		if sl.BotToken == "" {
			errs = append(errs, c.errf("slack.bot_token", "the bot token (xoxb-…) is required (SAMVERKAN_SLACK_BOT_TOKEN)"))
		}
		if sl.SigningSecret == "" && sl.AppToken == "" {
			errs = append(errs, c.errf("slack.signing_secret", "required for HTTP mode (SAMVERKAN_SLACK_SIGNING_SECRET); or set slack.app_token for Socket Mode"))
		}
		if sl.AppToken != "" && !strings.HasPrefix(sl.AppToken, "xapp-") {
			errs = append(errs, c.errf("slack.app_token", "an app-level token starts with xapp-"))
		}
	}
	if sl.APIURL != "" && !httpURL(sl.APIURL) {
		errs = append(errs, c.errf("slack.api_url", "want an absolute http(s) URL ending in /api/, got %q", sl.APIURL))
	}
	return errors.Join(errs...)
}

// httpURL reports whether s is an absolute http(s) URL whose host and
// port could be dialled.
func httpURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return false
	}
	if u.Port() != "" {
		return checkHostPort(u.Host) == ""
	}
	return validHost(u.Hostname())
}

// checkHostPort says what is wrong with a host:port address, or "".
func checkHostPort(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "it is not host:port"
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Sprintf("the port %q is not a number from 0 to 65535", port)
	}
	if host != "" && !validHost(host) {
		return fmt.Sprintf("%q is neither an IP address nor a host name", host)
	}
	return ""
}

// validHost reports whether h is an IP address or a DNS host name.
func validHost(h string) bool {
	if net.ParseIP(h) != nil {
		return true
	}
	if h == "" || len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r == '-' || r == '_' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')) {
				return false
			}
		}
	}
	return true
}

// AdminIdentities returns the bootstrap admins (validated by Load).
func (c *Config) AdminIdentities() []bot.Identity {
	var out []bot.Identity
	for _, a := range c.Admins {
		if id, err := bot.ParseIdentity(a); err == nil {
			out = append(out, id)
		}
	}
	return out
}

// ParseConference reads "torsdag 16:00 [zone]" or "av"/"off" (nil).
func ParseConference(spec string) (*bot.Schedule, error) {
	f := strings.Fields(spec)
	if len(f) == 1 && (bot.Fold(f[0]) == "av" || bot.Fold(f[0]) == "off") {
		return nil, nil
	}
	if len(f) < 2 || len(f) > 3 {
		return nil, fmt.Errorf("want \"torsdag 16:00 [Europe/Stockholm]\" or \"av\", got %q", spec)
	}
	zone := ""
	if len(f) == 3 {
		zone = f[2]
	}
	s, err := bot.ParseSchedule(f[0], f[1], zone)
	if err != nil {
		return nil, fmt.Errorf("want \"torsdag 16:00 [Europe/Stockholm]\", got %q", spec)
	}
	return s, nil
}

// Deadlines returns the configured call-in deadlines per level.
func (c *Config) Deadlines() map[bot.Level]time.Duration {
	out := map[bot.Level]time.Duration{}
	for lvl, min := range c.CallInDeadlines {
		if l, ok := bot.ParseLevel(lvl); ok {
			out[l] = time.Duration(min) * time.Minute
		}
	}
	return out
}

// Shared reports whether the store is a PostgreSQL database that replicas
// may share (store: postgres://…), rather than the embedded file.
func (c *Config) Shared() bool {
	u, err := url.Parse(c.Store)
	return err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql")
}

// redactURL hides a URL's password, for messages and Print.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(a URL that does not parse)"
	}
	return u.Redacted()
}

// MattermostEnabled reports whether Mattermost is configured.
func (c *Config) MattermostEnabled() bool { return c.Mattermost.URL != "" }

// SlackEnabled reports whether Slack is configured.
func (c *Config) SlackEnabled() bool { return c.Slack.BotToken != "" }

// Print writes the effective configuration with every secret masked:
// each key with its value and where the value came from.
func (c *Config) Print(w io.Writer) {
	type row struct{ key, value, source string }
	var rows []row
	add := func(key, value string) { rows = append(rows, row{key, value, c.sources[key]}) }
	for _, r := range [][2]string{
		{"listen", c.Listen}, {"data", c.Data}, {"store", redactURL(c.Store)}, {"public_url", c.PublicURL}, {"locale", c.Locale},
		{"admins", strings.Join(c.Admins, ",")},
		{"mattermost.url", c.Mattermost.URL}, {"mattermost.token", c.Mattermost.Token},
		{"mattermost.command_tokens", strings.Join(c.Mattermost.CommandTokens, ",")},
		{"slack.bot_token", c.Slack.BotToken}, {"slack.signing_secret", c.Slack.SigningSecret},
		{"slack.app_token", c.Slack.AppToken}, {"slack.api_url", c.Slack.APIURL},
		{"max_in_flight", strconv.Itoa(c.MaxInFlight)},
		{"mattermost.requests_per_second", strconv.Itoa(c.Mattermost.RequestsPerSecond)},
		{"mattermost.burst", strconv.Itoa(c.Mattermost.Burst)},
	} {
		add(r[0], r[1])
	}
	// The call-in deadline of every level, configured or not, and each
	// configured conference schedule as the bot reads it.
	deadlines := c.Deadlines()
	for _, l := range bot.Levels() {
		key := "call_in_deadlines." + l.Word("sv") // as the configuration names it
		d, src := bot.DefaultDeadlines[l], ""
		if v, ok := deadlines[l]; ok {
			d, src = v, cmp.Or(c.sources[key], c.sources["call_in_deadlines"])
		}
		rows = append(rows, row{key, fmt.Sprintf("%d min", int(d.Minutes())), src})
	}
	forums := make([]string, 0, len(c.Conferences))
	for f := range c.Conferences {
		forums = append(forums, f)
	}
	sort.Strings(forums)
	for _, f := range forums {
		key, v := "conferences."+f, c.Conferences[f]
		if s, err := ParseConference(v); err == nil {
			v = "off"
			if s != nil {
				v = s.Describe("en")
			}
		}
		rows = append(rows, row{key, v, cmp.Or(c.sources[key], c.sources["conferences"])})
	}
	for _, r := range rows {
		v := r.value
		if secrets[r.key] {
			v = mask(v)
		}
		if v == "" {
			v = "(unset)"
		}
		fmt.Fprintf(w, "%-31s %-40s # %s\n", r.key, v, cmp.Or(r.source, "default"))
	}
}

// mask hides a secret but says that it is set and how long it is.
func mask(v string) string {
	if v == "" {
		return ""
	}
	n := len(v)
	if strings.Contains(v, ",") {
		n = len(splitList(v))
		return fmt.Sprintf("******** (%d set)", n)
	}
	return fmt.Sprintf("******** (%d chars)", n)
}

// Sender is who CAP alerts come from: cap_sender, or samverkan@ and the
// public URL's host.
func (c *Config) Sender() string {
	if c.CAPSender != "" {
		return c.CAPSender
	}
	if u, err := url.Parse(c.PublicURL); err == nil && u.Hostname() != "" {
		return "samverkan@" + u.Hostname()
	}
	return "samverkan@localhost"
}

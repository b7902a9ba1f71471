package app

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"time"

	"samverkan/adapters/mattermost"
	"samverkan/adapters/slack"
	"samverkan/config"
)

// Check is one thing `check-config --probe` looked at: a platform, a
// direction ("bot → platform" can be tried from here; "platform → bot"
// can only be explained), and what it found.
type Check struct {
	Platform  string
	Direction string
	Result    string
	// Failed is set when the check was tried and did not pass.
	Failed bool
}

// Probe tries, with the configured credentials, what the bot can reach
// from here, and says what it cannot check: whether the platforms can
// reach the bot's public URL.
func Probe(ctx context.Context, cfg *config.Config) []Check {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var out []Check
	if cfg.MattermostEnabled() {
		m := mattermost.New(nil, cfg.Mattermost.URL, cfg.Mattermost.Token, cfg.Mattermost.CommandTokens, cfg.PublicURL, nil, nil)
		c := Check{Platform: "mattermost", Direction: "bot → Mattermost " + cfg.Mattermost.URL}
		if name, err := m.Whoami(ctx); err != nil {
			c.Result, c.Failed = "failed: "+err.Error(), true
		} else {
			c.Result = "ok, the bot is @" + name
		}
		out = append(out, c, Check{Platform: "mattermost", Direction: "Mattermost → bot " + cfg.PublicURL + mattermost.PathCommand,
			Result: "cannot be checked from here. " + private(cfg.PublicURL, "Mattermost refuses to call it unless its host is in AllowedUntrustedInternalConnections") +
				"After start, /healthz says when Mattermost last reached the bot (docs/mattermost.md#troubleshooting)."})
	}
	if cfg.SlackEnabled() {
		s := slack.New(nil, cfg.Slack.BotToken, cfg.Slack.SigningSecret, cfg.Slack.AppToken, cfg.Slack.APIURL, nil, nil)
		c := Check{Platform: "slack", Direction: "bot → Slack Web API"}
		if name, err := s.Whoami(ctx); err != nil {
			c.Result, c.Failed = "failed: "+err.Error(), true
		} else {
			c.Result = "ok, the bot is @" + name
		}
		out = append(out, c)
		if cfg.Slack.AppToken != "" {
			c := Check{Platform: "slack", Direction: "bot → Slack Socket Mode (app token)", Result: "ok, a connection may be opened"}
			if err := s.CanConnect(ctx); err != nil {
				c.Result, c.Failed = "failed: "+err.Error(), true
			}
			out = append(out, c)
		}
		if cfg.Slack.SigningSecret != "" {
			out = append(out, Check{Platform: "slack", Direction: "Slack → bot " + cfg.PublicURL + slack.PathCommands + ", " + slack.PathInteractions,
				Result: "cannot be checked from here: set these as the app's slash command and interactivity Request URLs. " + private(cfg.PublicURL, "Slack cannot reach it; use Socket Mode instead") +
					"After start, /healthz says when Slack last reached the bot."})
		}
	}
	return out
}

// private says so when the public URL's host is a loopback or private
// address, which a platform on another network cannot reach.
func private(public, consequence string) string {
	u, err := url.Parse(public)
	if err != nil || u.Hostname() == "" {
		return "The public URL is not set or not a URL (SAMVERKAN_PUBLIC_URL). "
	}
	ips, err := net.LookupIP(u.Hostname())
	if err != nil {
		return fmt.Sprintf("%s does not resolve from here. ", u.Hostname())
	}
	for _, ip := range ips {
		if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() {
			return fmt.Sprintf("%s is a private address (%s): %s. ", u.Hostname(), ip, consequence)
		}
	}
	return ""
}

// Package e2e holds tests that run the bot's real HTTP routes against fake
// Mattermost and Slack servers at once: one forum, both platforms.
package e2e

package slack

import (
	"bytes"
	"context"
	"strings"

	"github.com/slack-go/slack"

	"samverkan/bot"
)

var (
	_ bot.Directory  = (*Adapter)(nil)
	_ bot.FileSender = (*Adapter)(nil)
)

// botUserID is the bot's own user ID, from auth.test, asked once.
func (a *Adapter) botUserID(ctx context.Context) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.botID != "" {
		return a.botID, nil
	}
	r, err := a.API.AuthTestContext(ctx)
	if err != nil {
		return "", classify(err)
	}
	a.botID = r.UserID
	return a.botID, nil
}

// ChannelMembers lists a conversation's members without the bot itself.
func (a *Adapter) ChannelMembers(ctx context.Context, channel string) ([]string, error) {
	me, err := a.botUserID(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	cursor := ""
	for {
		ids, next, err := a.API.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: channel, Cursor: cursor, Limit: 200})
		if err != nil {
			return nil, classify(err)
		}
		for _, id := range ids {
			if id != me {
				out = append(out, id)
			}
		}
		if next == "" {
			return out, nil
		}
		cursor = next
	}
}

// CanPost checks that the bot is a member of the channel: Slack refuses
// a post from a non-member with not_in_channel.
func (a *Adapter) CanPost(ctx context.Context, channel string) error {
	me, err := a.botUserID(ctx)
	if err != nil {
		return err
	}
	info, err := a.API.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: channel})
	switch {
	case err == nil && (info.IsMember || info.IsIM):
		return nil
	case err == nil || strings.Contains(err.Error(), "channel_not_found"):
		return &bot.NotInChannelError{Invite: "/invite " + a.UserName(ctx, me)}
	}
	return classify(err)
}

// UserName returns the user's name, or the ID.
func (a *Adapter) UserName(ctx context.Context, id string) string {
	u, err := a.API.GetUserInfoContext(ctx, id)
	if err != nil || u == nil {
		return id
	}
	return "@" + u.Name
}

// SendFile uploads f to the destination (a user's direct conversation or a
// channel) with m as the initial comment.
func (a *Adapter) SendFile(ctx context.Context, _ string, to bot.Destination, f bot.File, m bot.Message) (string, string, error) {
	channel := to.Channel
	if to.User != "" {
		ch, err := a.openDM(ctx, to.User)
		if err != nil {
			return "", "", err
		}
		channel = ch
	}
	sum, err := a.API.UploadFileContext(ctx, slack.UploadFileParameters{
		Reader: bytes.NewReader(f.Content), FileSize: len(f.Content), Filename: f.Name, Title: f.Name,
		Channel: channel, InitialComment: a.render(m, to.User)[0].Text,
	})
	if err != nil {
		return "", "", classify(err)
	}
	return channel, sum.ID, nil
}

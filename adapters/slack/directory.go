package slack

import (
	"bytes"
	"context"

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
		ch, _, _, err := a.API.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{to.User}})
		if err != nil {
			return "", "", classify(err)
		}
		channel = ch.ID
	}
	sum, err := a.API.UploadFileContext(ctx, slack.UploadFileParameters{
		Reader: bytes.NewReader(f.Content), FileSize: len(f.Content), Filename: f.Name, Title: f.Name,
		Channel: channel, InitialComment: a.render(m)[0].Text,
	})
	if err != nil {
		return "", "", classify(err)
	}
	return channel, sum.ID, nil
}

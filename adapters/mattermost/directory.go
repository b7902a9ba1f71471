package mattermost

import (
	"context"
	"net/http"

	"github.com/mattermost/mattermost/server/public/model"

	"samverkan/bot"
)

var (
	_ bot.Directory  = (*Adapter)(nil)
	_ bot.FileSender = (*Adapter)(nil)
)

// ChannelMembers lists the user IDs in a channel, page by page, without
// the bot itself.
func (a *Adapter) ChannelMembers(ctx context.Context, channel string) ([]string, error) {
	me, err := a.botUserID(ctx)
	if err != nil {
		return nil, err
	}
	const per = 200
	var out []string
	for page := 0; ; page++ {
		ms, resp, err := a.Client.GetChannelMembers(ctx, channel, page, per, "")
		if err != nil {
			return nil, classify(resp, err)
		}
		for _, m := range ms {
			if m.UserId != me {
				out = append(out, m.UserId)
			}
		}
		if len(ms) < per {
			return out, nil
		}
	}
}

// CanPost checks that the bot is a member of the channel: Mattermost
// refuses a post from a non-member with 403. It reads the channel's
// member list (the call the runtime contract names); a channel the bot
// may not even list is one it cannot post in.
func (a *Adapter) CanPost(ctx context.Context, channel string) error {
	me, err := a.botUserID(ctx)
	if err != nil {
		return err
	}
	const per = 200
	for page := 0; ; page++ {
		ms, resp, err := a.Client.GetChannelMembers(ctx, channel, page, per, "")
		if err != nil {
			if resp != nil && (resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusForbidden) {
				break
			}
			return classify(resp, err)
		}
		for _, m := range ms {
			if m.UserId == me {
				return nil
			}
		}
		if len(ms) < per {
			break
		}
	}
	return &bot.NotInChannelError{Invite: "/invite " + a.UserName(ctx, me)}
}

// UserName returns @username, or the ID when the user cannot be looked up.
func (a *Adapter) UserName(ctx context.Context, id string) string {
	u, _, err := a.Client.GetUser(ctx, id, "")
	if err != nil || u == nil {
		return id
	}
	return "@" + u.Username
}

// SendFile uploads f to the destination's channel (the direct channel for
// a user) and posts it with m as the comment.
func (a *Adapter) SendFile(ctx context.Context, key string, to bot.Destination, f bot.File, m bot.Message) (string, string, error) {
	channel := to.Channel
	if to.User != "" {
		ch, err := a.directChannel(ctx, to.User)
		if err != nil {
			return "", "", err
		}
		channel = ch
	}
	up, resp, err := a.Client.UploadFile(ctx, f.Content, channel, f.Name)
	if err != nil {
		return "", "", classify(resp, err)
	}
	var ids model.StringArray
	for _, fi := range up.FileInfos {
		ids = append(ids, fi.Id)
	}
	p := a.render(m, to.User)[0]
	post := &model.Post{ChannelId: channel, Message: p.Text, FileIds: ids, PendingPostId: pendingID(key, 0)}
	if len(p.Attachments) > 0 {
		post.AddProp(model.PostPropsAttachments, p.Attachments)
	}
	created, resp, err := a.Client.CreatePost(ctx, post)
	if err != nil {
		return "", "", classify(resp, err)
	}
	return channel, created.Id, nil
}

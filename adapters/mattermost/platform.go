package mattermost

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"samverkan/bot"
)

var _ bot.Platform = (*Adapter)(nil)

// Post creates the message's posts in a channel (as thread replies when
// thread is set) and returns the first post's ID. Each part carries a
// pending_post_id derived from key, which Mattermost uses to drop a
// repeated creation, e.g. after a timed-out attempt that did arrive.
func (a *Adapter) Post(ctx context.Context, key, channel, thread string, m bot.Message) (string, error) {
	first := ""
	for i, p := range a.render(m) {
		post := &model.Post{ChannelId: channel, RootId: thread, Message: p.Text, PendingPostId: pendingID(key, i)}
		if len(p.Attachments) > 0 {
			post.AddProp(model.PostPropsAttachments, p.Attachments)
		}
		created, resp, err := a.Client.CreatePost(ctx, post)
		if err != nil {
			return first, classify(resp, err)
		}
		if first == "" {
			first = created.Id
		}
	}
	return first, nil
}

// DirectMessage opens (or finds) the direct channel between the bot and
// user and posts there.
func (a *Adapter) DirectMessage(ctx context.Context, key, user string, m bot.Message) (string, string, error) {
	me, err := a.botUserID(ctx)
	if err != nil {
		return "", "", err
	}
	ch, resp, err := a.Client.CreateDirectChannel(ctx, me, user)
	if err != nil {
		return "", "", classify(resp, err)
	}
	id, err := a.Post(ctx, key, ch.Id, "", m)
	return ch.Id, id, err
}

// Update replaces an earlier post's text and attachments. A message that
// has grown past one post keeps its first part in place.
func (a *Adapter) Update(ctx context.Context, _ string, id string, m bot.Message) error {
	p := a.render(m)[0]
	props := model.StringInterface{}
	if len(p.Attachments) > 0 {
		props[model.PostPropsAttachments] = p.Attachments
	}
	_, resp, err := a.Client.PatchPost(ctx, id, &model.PostPatch{Message: &p.Text, Props: &props})
	return classify(resp, err)
}

// pendingID is a stable pending_post_id for part i of the outbox item key.
func pendingID(key string, i int) string {
	if key == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(key + "#" + strconv.Itoa(i)))
	return "samverkan:" + hex.EncodeToString(sum[:12])
}

// classify tells the outbox whether and when to retry: 429 after its
// Retry-After (or X-Ratelimit-Reset), other 4xx never (the request itself
// is wrong), 5xx and network errors with backoff.
func classify(resp *model.Response, err error) error {
	if err == nil {
		return nil
	}
	if resp == nil || resp.StatusCode == 0 {
		return err
	}
	switch code := resp.StatusCode; {
	case code == http.StatusTooManyRequests:
		wait := time.Second
		for _, h := range []string{"Retry-After", "X-Ratelimit-Reset"} {
			if s, perr := strconv.Atoi(resp.Header.Get(h)); perr == nil && s > 0 {
				wait = time.Duration(s) * time.Second
				break
			}
		}
		return &bot.RetryAfterError{After: wait, Err: err}
	case code == http.StatusUnauthorized:
		return fmt.Errorf("mattermost refused the bot token (check SAMVERKAN_MATTERMOST_TOKEN): %w", err)
	case code >= 400 && code < 500:
		return &bot.PermanentError{Err: err}
	}
	var appErr *model.AppError
	if errors.As(err, &appErr) {
		return fmt.Errorf("mattermost %d: %s", resp.StatusCode, appErr.Id)
	}
	return err
}

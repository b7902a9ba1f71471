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
// thread is set) and returns their IDs. Each part carries a
// pending_post_id derived from key, which Mattermost uses to drop a
// repeated creation, e.g. after a timed-out attempt that did arrive.
func (a *Adapter) Post(ctx context.Context, key, channel, thread string, m bot.Message) ([]string, error) {
	return a.post(ctx, key, channel, thread, "", m)
}

// post creates the posts of m for recipient (see render). Each carries a
// pending_post_id from its outbox key, which the server uses to drop a
// repeat for a while (seconds), and the same key as the post property
// samverkan_key, which it stores: for longer — the bot died after
// posting and came back later — a resend (bot.IsResend) first looks for
// the key among the channel's latest posts.
func (a *Adapter) post(ctx context.Context, key, channel, thread, recipient string, m bot.Message) ([]string, error) {
	var sent map[string]string
	if key != "" && bot.IsResend(ctx) {
		sent = a.sentBefore(ctx, channel)
	}
	var ids []string
	for i, p := range a.render(m, recipient) {
		if id, ok := sent[pendingID(key, i)]; ok {
			ids = append(ids, id)
			continue
		}
		created, err := a.create(ctx, channel, thread, pendingID(key, i), p)
		if err != nil {
			return ids, err
		}
		ids = append(ids, created.Id)
	}
	return ids, nil
}

// keyProp is the post property holding the outbox key of a part.
const keyProp = "samverkan_key"

// sentBefore maps the outbox keys on the channel's latest posts to their
// IDs (nothing when they cannot be read).
func (a *Adapter) sentBefore(ctx context.Context, channel string) map[string]string {
	list, _, err := a.Client.GetPostsForChannel(ctx, channel, 0, 50, "", false, false)
	if err != nil {
		return nil
	}
	out := map[string]string{}
	for _, p := range list.Posts {
		if k, ok := p.GetProp(keyProp).(string); ok && k != "" {
			out[k] = p.Id
		}
	}
	return out
}

// create makes one post of a rendered part.
func (a *Adapter) create(ctx context.Context, channel, thread, pending string, p part) (*model.Post, error) {
	post := &model.Post{ChannelId: channel, RootId: thread, Message: p.Text, PendingPostId: pending}
	if pending != "" {
		post.AddProp(keyProp, pending)
	}
	if len(p.Attachments) > 0 {
		post.AddProp(model.PostPropsAttachments, p.Attachments)
	}
	created, resp, err := a.Client.CreatePost(ctx, post)
	return created, classify(resp, err)
}

// DirectMessage opens (or finds) the direct channel between the bot and
// user and posts there. Mattermost may refuse the first post into a
// direct channel it has only just created (403 while the new membership
// settles): that refusal is a bot.SettlingError, which the outbox tries
// again a few times before it gives up.
func (a *Adapter) DirectMessage(ctx context.Context, key, user string, m bot.Message) (string, []string, error) {
	ch, err := a.directChannel(ctx, user)
	if err != nil {
		return "", nil, err
	}
	ids, err := a.post(ctx, key, ch, "", user, m)
	if forbidden(err) {
		err = &bot.SettlingError{Err: err}
	}
	return ch, ids, err
}

// directChannel is the direct channel between the bot and user, whose
// account must be active. Channels once made are remembered: a direct
// channel is forever, and the call counts against the rate limit.
func (a *Adapter) directChannel(ctx context.Context, user string) (string, error) {
	me, err := a.botUserID(ctx)
	if err != nil {
		return "", err
	}
	if err := a.checkAccount(ctx, user); err != nil {
		return "", err
	}
	a.mu.Lock()
	id, ok := a.dms[user]
	a.mu.Unlock()
	if ok {
		return id, nil
	}
	ch, resp, err := a.Client.CreateDirectChannel(ctx, me, user)
	if err != nil {
		return "", classify(resp, err)
	}
	a.mu.Lock()
	if a.dms == nil {
		a.dms = map[string]string{}
	}
	a.dms[user] = ch.Id
	a.mu.Unlock()
	return ch.Id, nil
}

// Update replaces an earlier message, posted as ids, with m: each part is
// patched in place; parts m needs beyond the old ones are posted after
// them; parts it no longer needs are deleted. Buttons are on the last
// part.
func (a *Adapter) Update(ctx context.Context, key, channel string, ids []string, m bot.Message) ([]string, error) {
	parts := a.render(m, "")
	var out []string
	for i, p := range parts {
		if i >= len(ids) {
			created, err := a.create(ctx, channel, "", pendingID(key, i), p)
			if err != nil {
				return append(out, ids...), err
			}
			out = append(out, created.Id)
			continue
		}
		props := model.StringInterface{}
		if len(p.Attachments) > 0 {
			props[model.PostPropsAttachments] = p.Attachments
		}
		text := p.Text
		if _, resp, err := a.Client.PatchPost(ctx, ids[i], &model.PostPatch{Message: &text, Props: &props}); err != nil {
			err = classify(resp, err)
			if resp != nil && resp.StatusCode == http.StatusNotFound {
				err = &bot.SettlingError{Err: err} // a post made a moment ago may not be found yet
			}
			return ids, err
		}
		out = append(out, ids[i])
	}
	for _, id := range ids[min(len(parts), len(ids)):] {
		if resp, err := a.Client.DeletePost(ctx, id); err != nil && (resp == nil || resp.StatusCode != http.StatusNotFound) {
			return append(out, id), classify(resp, err)
		}
	}
	return out, nil
}

// pendingID is a stable pending_post_id for part i of the outbox item key.
func pendingID(key string, i int) string {
	if key == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(key + "#" + strconv.Itoa(i)))
	return "samverkan:" + hex.EncodeToString(sum[:12])
}

// forbidden reports whether err is Mattermost's 403.
func forbidden(err error) bool {
	var appErr *model.AppError
	return errors.As(err, &appErr) && appErr.StatusCode == http.StatusForbidden
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

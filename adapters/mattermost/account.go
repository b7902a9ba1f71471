package mattermost

import (
	"context"
	"net/http"
	"time"

	"samverkan/bot"
)

// AccountTTL is how long an account seen active is trusted to stay so
// before the next direct message asks again.
const AccountTTL = time.Minute

// checkAccount refuses a direct message to a deactivated or deleted
// account. Mattermost accepts posts into a deactivated user's direct
// channel (checked against a real 9.9 server), but nobody reads them: a
// call-in sent there is an organisation never called in. Accounts seen
// active are remembered for AccountTTL, so a burst of call-ins costs one
// lookup per person, not one per message.
func (a *Adapter) checkAccount(ctx context.Context, user string) error {
	now := a.now()
	a.mu.Lock()
	seen, ok := a.active[user]
	closed, gone := a.closed[user]
	a.mu.Unlock()
	if ok && now.Sub(seen) < AccountTTL {
		return nil
	}
	if gone && now.Sub(closed) < AccountTTL {
		return &bot.ClosedAccountError{User: user}
	}
	u, resp, err := a.Client.GetUser(ctx, user, "")
	if err != nil {
		if resp != nil && resp.StatusCode == http.StatusNotFound {
			return &bot.ClosedAccountError{User: user}
		}
		return classify(resp, err)
	}
	if u.DeleteAt != 0 {
		return &bot.ClosedAccountError{User: "@" + u.Username}
	}
	a.mu.Lock()
	if a.active == nil {
		a.active, a.closed = map[string]time.Time{}, map[string]time.Time{}
	}
	a.active[user] = now
	a.mu.Unlock()
	return nil
}

// Prepare looks up the accounts of people about to get direct messages,
// a hundred in one call, so that a fan-out of call-ins does not spend the
// rate limit on one lookup each.
func (a *Adapter) Prepare(ctx context.Context, users []string) {
	now := a.now()
	var ask []string
	a.mu.Lock()
	for _, u := range users {
		if seen, ok := a.active[u]; !ok || now.Sub(seen) >= AccountTTL {
			ask = append(ask, u)
		}
	}
	a.mu.Unlock()
	for len(ask) > 0 {
		n := min(len(ask), 100)
		found, _, err := a.Client.GetUsersByIds(ctx, ask[:n])
		ask = ask[n:]
		if err != nil {
			return // each message looks its account up instead
		}
		a.mu.Lock()
		if a.active == nil {
			a.active, a.closed = map[string]time.Time{}, map[string]time.Time{}
		}
		for _, u := range found {
			if u.DeleteAt != 0 {
				a.closed[u.Id] = now
			} else {
				a.active[u.Id] = now
			}
		}
		a.mu.Unlock()
	}
}

package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// giveUp sets aside a message that cannot be delivered. The forum keeps a
// record of it (status shows it), and the member whose action made it is
// told, in a direct message, who could not be reached and how else to
// reach them. Nothing is ever dropped without a word.
func (o *Outbox) giveUp(it OutboxItem, why error) {
	o.log().Error("outbox: giving up on message", "seq", it.Seq, "key", it.Key, "to", it.To.key(), "err", why)
	err := o.k.Update(context.Background(), SystemCaller(), func(ch *Change) error {
		if err := ch.Put(BucketOutboxDead, SeqKey(it.Seq), it); err != nil {
			return err
		}
		if err := removeItem(ch, it); err != nil {
			return err
		}
		f, err := GetForum(ch, it.Class.Forum)
		if err != nil {
			return nil // not a forum's message: kept aside and logged
		}
		u := Undelivered{Seq: it.Seq, Forum: f.ID, Kind: it.Class.Kind, Platform: it.To.Platform, At: ch.Now, Reason: why.Error(), To: it.To.Channel}
		if it.To.User != "" {
			u.To = it.To.User
			if m, _ := MemberByIdentity(ch, Identity{Platform: it.To.Platform, UserID: it.To.User}); m != nil {
				u.Member, u.To, u.Actor = m.ID, m.Name, m.Actor
			}
		} else if c := f.boundChannel(Channel{Platform: it.To.Platform, ID: it.To.Channel}); c != nil {
			u.To = c.Display()
		}
		if err := ch.Put(BucketUndelivered, f.ID+"|"+SeqKey(it.Seq), u); err != nil {
			return err
		}
		if err := ch.Audit("outbox.undelivered", f.ID, map[string]string{"to": it.To.key(), "kind": string(it.Class.Kind), "cause": it.Cause}, ""); err != nil {
			return err
		}
		if it.Cause == "" || it.Class.Kind == KindUndelivered {
			return nil
		}
		cause, err := GetMember(ch, it.Cause)
		if err != nil || !cause.Active() {
			return nil
		}
		who := u.To
		if u.Actor != "" {
			who += " (" + actorNames(ch, []string{u.Actor})[u.Actor] + ")"
		}
		k := ch.k.in(f)
		msg := Message{
			Title:   k.T("outbox.undelivered_title", "Forum", f.Name),
			Text:    k.T(undeliveredText(why), "Who", who, "Platform", string(it.To.Platform), "What", k.T("kind."+strings.TrimPrefix(string(it.Class.Kind), "msg/"))),
			Colour:  "#D0021B",
			Buttons: []Button{{Label: k.T("button.status"), Action: Action{Kind: ActStatus, Forum: f.ID}}},
		}
		cl := Class{Kind: KindUndelivered, Forum: f.ID, TLP: TLPGreen}
		return ch.toMember(fmt.Sprintf("undelivered:%d", it.Seq), *cause, cl, msg)
	})
	if err != nil {
		o.log().Error("outbox: recording an undelivered message", "seq", it.Seq, "err", err)
		return
	}
	o.forget(it.Seq)
}

// undeliveredText is the catalog entry that says why a message was given
// up: a closed account, or refusals that did not pass.
func undeliveredText(why error) string {
	var closed *ClosedAccountError
	if errors.As(why, &closed) {
		return "outbox.undelivered_closed"
	}
	return "outbox.undelivered_text"
}

// Undelivered is a message that could not be delivered, kept so that the
// forum's status shows who was not reached.
type Undelivered struct {
	Seq      uint64     `json:"seq"`
	Forum    string     `json:"forum"`
	Kind     Kind       `json:"kind"`
	Platform PlatformID `json:"platform"`
	To       string     `json:"to"` // a person's name, or a channel's
	Member   string     `json:"member,omitempty"`
	Actor    string     `json:"actor,omitempty"`
	At       time.Time  `json:"at"`
	Reason   string     `json:"reason"`
}

// UndeliveredSince returns a forum's undelivered messages since t,
// oldest first.
func UndeliveredSince(tx Tx, forum string, t time.Time) ([]Undelivered, error) {
	prefix := forum + "|"
	var out []Undelivered
	err := tx.ForEach(BucketUndelivered, prefix, func(k string, decode func(any) error) error {
		if !strings.HasPrefix(k, prefix) {
			return ErrStop
		}
		var u Undelivered
		if err := decode(&u); err != nil {
			return err
		}
		if !u.At.Before(t) {
			out = append(out, u)
		}
		return nil
	})
	return out, err
}

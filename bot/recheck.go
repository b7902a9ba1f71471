package bot

import (
	"context"
	"fmt"
)

// recheck applies the gate once more just before TLP:AMBER content
// reaches a channel, with the channel's readers as the platform says now
// (asked afresh: this is the last word). It returns the refusal and the
// readers, or an error when the readers could not be asked (the item then
// waits and tries again).
func (o *Outbox) recheck(ctx context.Context, it OutboxItem) (*Error, []string, error) {
	chn := Channel{Platform: it.To.Platform, ID: it.To.Channel}
	users, err := o.k.readers.get(ctx, o.k, chn, true)
	if err != nil {
		return nil, nil, fmt.Errorf("asking who is in %s before delivering TLP content: %w", chn.Key(), err)
	}
	var refused *Error
	err = o.k.View(func(tx Tx) error {
		f, err := GetForum(tx, it.Class.Forum)
		if err != nil {
			return err
		}
		if b := f.boundChannel(chn); b != nil {
			chn = *b
		}
		p := place{Channel: &chn, Bound: f.boundChannel(chn) != nil, Known: true}
		for _, u := range users {
			id := Identity{Platform: chn.Platform, UserID: u}
			m, err := activeMember(tx, id)
			if err != nil {
				return err
			}
			p.Readers = append(p.Readers, reader{Identity: id, Member: m})
		}
		refused = permit(it.Class.TLP, f, it.Class.Named, p)
		return nil
	})
	if refused != nil {
		o.k.nameOutsiders(ctx, refused)
	}
	return refused, users, err
}

// withhold sets aside an item the gate refused just before delivery and
// posts in its place a notice that says what was withheld and why.
// A meeting's agenda or minutes is not simply withheld: the channel gets
// its frame and the members the rest (withheldMeeting).
func (o *Outbox) withhold(ctx context.Context, it OutboxItem, readers []string, why *Error) {
	o.log().Warn("gate: withheld before delivery", "seq", it.Seq, "to", it.To.key(), "tlp", it.Class.TLP, "reason", why.ID)
	err := o.k.Update(ctx, SystemCaller(), func(ch *Change) error {
		it.LastError = "withheld: " + why.Error()
		if err := ch.Put(BucketOutboxDead, SeqKey(it.Seq), it); err != nil {
			return err
		}
		if err := removeItem(ch, it); err != nil {
			return err
		}
		if o.meetings != nil {
			if done, err := o.meetings(ch, it, readers, why); done || err != nil {
				return err
			}
		}
		k := ch.k
		if f, err := GetForum(ch, it.Class.Forum); err == nil {
			k = k.in(f)
		}
		msg := Message{Text: k.T("gate.withheld", "Label", it.Class.TLP.Label(), "Reason", k.T(why.ID, why.kv()...))}
		if err := ch.Send(OutboxItem{Key: it.Key + ":withheld", To: it.To, Class: Class{Kind: KindWithheld, Forum: it.Class.Forum, TLP: TLPClear}, Message: msg}); err != nil {
			return err
		}
		return ch.Audit("gate.withheld", it.Class.Forum, map[string]string{"to": it.To.key(), "kind": string(it.Class.Kind), "tlp": string(it.Class.TLP), "reason": why.ID}, "")
	})
	if err != nil {
		o.log().Error("gate: recording a withheld message", "seq", it.Seq, "err", err)
		return
	}
	o.forget(it.Seq)
}

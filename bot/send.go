package bot

import (
	"context"
	"fmt"
)

// Helpers that address outgoing messages; every one goes through Send and
// so through the gate.

// toChannels posts msg to each channel under cl; key + channel makes each
// post idempotent.
func (c *Change) toChannels(channels []Channel, key string, cl Class, msg Message) error {
	for _, chn := range channels {
		if err := c.Send(OutboxItem{Key: key + "@" + chn.Key(), To: chn.Destination(), Class: cl, Message: msg}); err != nil {
			return err
		}
	}
	return nil
}

// toMember sends msg to every platform account of member m.
func (c *Change) toMember(key string, m Member, cl Class, msg Message) error {
	for _, id := range m.Identities {
		if err := c.Send(OutboxItem{Key: key + "@" + id.Key(), To: Destination{Platform: id.Platform, User: id.UserID}, Class: cl, Message: msg}); err != nil {
			return err
		}
	}
	return nil
}

// Destination is where posts to the channel go.
func (c Channel) Destination() Destination { return Destination{Platform: c.Platform, Channel: c.ID} }

// notice is the class of forum housekeeping that anyone may see.
func notice(forum string) Class { return Class{Kind: KindNotice, Forum: forum, TLP: TLPClear} }

// Reply sends m to c in their direct messages, through the outbox: for
// an answer a platform cannot show any other way (after a Mattermost
// dialog closes, a bot account may not post ephemeral messages).
func (k *core) Reply(ctx context.Context, c Caller, m Message) error {
	return k.Update(ctx, c, func(ch *Change) error {
		id := ch.Caller.Identity
		return ch.Send(OutboxItem{
			Key:     fmt.Sprintf("reply:%s:%d", id.Key(), ch.Now.UnixNano()),
			To:      Destination{Platform: id.Platform, User: id.UserID},
			Class:   Class{Kind: KindReply, TLP: Strictest(append(m.Labels(), TLPClear)...)},
			Message: m,
		})
	})
}

// toCaller sends the caller a file in their direct messages, with
// comment, classed cl (the caller named in it, so a TLP:RED file reaches
// them), and returns where it went.
func (c *Change) toCaller(name string, doc []byte, cl Class, comment Message) (Destination, error) {
	if c.Caller.Member != nil {
		cl.Named = append(cl.Named, c.Caller.Member.ID)
	}
	to := Destination{Platform: c.Caller.Identity.Platform, User: c.Caller.Identity.UserID}
	err := c.Send(OutboxItem{Key: fmt.Sprintf("file:%s:%d", to.key(), c.Now.UnixNano()), To: to, Class: cl, File: &File{Name: name, Content: doc}, Message: comment})
	return to, err
}

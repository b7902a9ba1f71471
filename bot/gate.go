package bot

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
)

// reader is one person who would read a message where it goes: the
// platform identity and the active member it maps to (nil for anyone who
// is not a registered, active member).
type reader struct {
	Identity Identity
	Member   *Member
}

// place is a destination as the gate sees it.
type place struct {
	Channel *Channel // nil for a person's direct messages
	// Bound is true for the forum's own channels (its channels and its
	// communicators' channels).
	Bound   bool
	Readers []reader
	// Known is false when a channel's readers could not be asked.
	Known bool
	Why   string // why they could not
}

// permit is the one rule of the trust boundary (TLP 2.0 as DESIGN.md
// states it): the gate where outbound messages are written, the re-check
// before delivery and every read of forum content use it.
//
//   - TLP:CLEAR goes anywhere.
//   - TLP:GREEN goes to the forum's own channels and to active members of
//     the forum's actors.
//   - TLP:AMBER and TLP:AMBER+STRICT go to the forum's own channels whose
//     readers are all active members of the forum's actors, and to such
//     members directly.
//   - TLP:RED never goes to a channel; only to active members of the
//     forum's actors who are named for it.
func permit(t TLP, f *Forum, named []string, p place) *Error {
	label := t.Label()
	if t == TLPClear {
		return nil
	}
	if p.Channel != nil {
		name := p.Channel.Display()
		switch {
		case t == TLPRed:
			return Errorf(EFORBIDDEN, "err.gate_red_channel", "Channel", name)
		case !p.Bound:
			return Errorf(EFORBIDDEN, "err.gate_foreign_channel", "Label", label, "Channel", name, "Forum", f.ID)
		case t == TLPGreen:
			return nil
		case !p.Known:
			return Errorf(EFORBIDDEN, "err.gate_cannot_check", "Label", label, "Channel", name, "Reason", p.Why)
		}
		var out []Identity
		for _, r := range p.Readers {
			if r.Member == nil || !f.HasActor(r.Member.Actor) {
				out = append(out, r.Identity)
			}
		}
		if len(out) > 0 {
			return &Error{Code: EFORBIDDEN, ID: "err.gate_outsiders", Data: map[string]any{"Label": label, "Channel": name, "Users": names(out)}, outsiders: out}
		}
		return nil
	}
	if len(p.Readers) != 1 {
		return Errorf(EINTERNAL, "err.internal")
	}
	r := p.Readers[0]
	if r.Member == nil || !f.HasActor(r.Member.Actor) {
		return Errorf(EFORBIDDEN, "err.gate_person_outsider", "Label", label, "User", r.Identity.String(), "Forum", f.ID)
	}
	if t == TLPRed && !slices.Contains(named, r.Member.ID) {
		return Errorf(EFORBIDDEN, "err.gate_red_not_named", "User", r.Member.Name)
	}
	return nil
}

func names(ids []Identity) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}

// errNeedReaders rolls a change back so that the channels' readers can be
// asked outside the transaction; the change then runs again.
var errNeedReaders = errors.New("channel readers needed")

// readersFact is what a platform said about a channel's readers.
type readersFact struct {
	Users []string
	Why   string // set when they could not be asked
}

// gate classifies and checks one outgoing item in the change: it raises
// the label to the strictest the content carries, puts the exercise
// marker and the label's obligation on the message, and refuses a
// destination the label does not allow. Channel items under an AMBER
// label are marked for a re-check just before delivery.
func (c *Change) gate(item *OutboxItem) error {
	cl := &item.Class
	if cl.Kind == "" || (cl.Forum == "" && cl.Kind != KindReply) || cl.TLP == TLPNone {
		c.k.log().Error("gate: unclassified message refused", "key", item.Key, "class", *cl)
		return Errorf(EINTERNAL, "err.internal")
	}
	cl.TLP = Strictest(append(item.Message.Labels(), cl.TLP)...)
	if cl.Kind == KindReply {
		// An answer goes to the one who asked, and only them: what it
		// holds was read under their own rights.
		me := c.Caller.Identity
		if item.To.User == "" || item.To.User != me.UserID || item.To.Platform != me.Platform {
			c.k.log().Error("gate: an answer addressed to someone else refused", "key", item.Key)
			return Errorf(EINTERNAL, "err.internal")
		}
		item.Message = c.k.labelled(item.Message)
		return nil
	}
	f, err := GetForum(c, cl.Forum)
	if err != nil {
		return err
	}
	if item.Message.Exercise != "" {
		cl.Exercise = true
	}
	k := c.k.in(f)
	if cl.Exercise {
		item.Message.Exercise = k.T("exercise.marker")
	}
	item.Message = k.labelled(item.Message)
	if item.UpdateRef != "" && item.To.User == "" && f.boundChannel(Channel{Platform: item.To.Platform, ID: item.To.Channel}) != nil &&
		(cl.TLP == TLPAmber || cl.TLP == TLPAmberStrict) {
		// An edit of a post the gate let into this channel: checked again,
		// against the channel's readers as they are then, just before it is
		// delivered, instead of asking the platform on every change.
		item.Recheck = true
		return nil
	}
	p, err := c.place(f, item.To, cl.TLP)
	if err != nil {
		return err
	}
	if p == nil { // readers asked for; the change runs again
		return nil
	}
	if !p.Known && c.Caller.System() && p.Bound && cl.TLP != TLPRed {
		// A timer's message is not lost because a platform did not
		// answer: the re-check before delivery decides.
		item.Recheck = true
		return nil
	}
	if perr := permit(cl.TLP, f, cl.Named, *p); perr != nil {
		return perr
	}
	item.Recheck = p.Channel != nil && (cl.TLP == TLPAmber || cl.TLP == TLPAmberStrict)
	return nil
}

// place describes a destination for the gate. For a channel under an
// AMBER label it needs the channel's readers; when the change has not
// asked for them yet, it notes them and returns nil.
func (c *Change) place(f *Forum, d Destination, t TLP) (*place, error) {
	if d.User != "" {
		id := Identity{Platform: d.Platform, UserID: d.User}
		m, err := activeMember(c, id)
		if err != nil {
			return nil, err
		}
		return &place{Readers: []reader{{Identity: id, Member: m}}, Known: true}, nil
	}
	chn := Channel{Platform: d.Platform, ID: d.Channel}
	if bound := f.boundChannel(chn); bound != nil {
		chn = *bound
	}
	p := &place{Channel: &chn, Bound: f.boundChannel(chn) != nil}
	if !p.Bound || t == TLPClear || t == TLPGreen || t == TLPRed {
		p.Known = true
		return p, nil
	}
	fact, ok := c.facts[chn.Key()]
	if !ok {
		c.need = append(c.need, chn)
		return nil, nil
	}
	if fact.Why != "" {
		p.Why = fact.Why
		return p, nil
	}
	p.Known = true
	for _, u := range fact.Users {
		id := Identity{Platform: chn.Platform, UserID: u}
		m, err := activeMember(c, id)
		if err != nil {
			return nil, err
		}
		p.Readers = append(p.Readers, reader{Identity: id, Member: m})
	}
	return p, nil
}

// activeMember returns the active member an identity maps to, or nil.
func activeMember(tx Tx, id Identity) (*Member, error) {
	m, err := MemberByIdentity(tx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && m.Retired) {
		return nil, nil
	}
	return m, err
}

// askReaders asks the platforms who is in each channel, outside any
// transaction; fresh answers for changes people make, a short-lived cache
// for the bot's own (timers) and the re-check before delivery.
func (k *core) askReaders(ctx context.Context, channels []Channel, fresh bool, into map[string]readersFact) {
	for _, chn := range channels {
		if _, done := into[chn.Key()]; done {
			continue
		}
		users, err := k.readers.get(ctx, k, chn, fresh)
		if err != nil {
			into[chn.Key()] = readersFact{Why: err.Error()}
			continue
		}
		into[chn.Key()] = readersFact{Users: users}
	}
}

// permitCaller applies the gate's rule to a read: may content classified
// cl be shown to caller c? It is the rule for a direct message to them.
// An admin who is no member may see everything but TLP:RED.
func permitCaller(tx Tx, c Caller, f *Forum, cl Class) error {
	if c.Member == nil {
		if c.Admin && cl.TLP != TLPRed {
			return nil
		}
		return Errorf(EFORBIDDEN, "err.not_member")
	}
	if perr := permit(cl.TLP, f, cl.Named, place{Readers: []reader{{Identity: c.Identity, Member: c.Member}}, Known: true}); perr != nil {
		// The gate speaks of sending; here someone asked to read.
		if ErrorCode(perr) == EFORBIDDEN && cl.TLP == TLPRed {
			owners := strings.Join(slices.Sorted(maps.Values(actorNames(tx, cl.Owners))), ", ")
			if owners == "" {
				owners = "?"
			}
			return Errorf(EFORBIDDEN, "err.read_red", "Owners", owners)
		}
		return perr
	}
	return nil
}

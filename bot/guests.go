package bot

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Meetings when a channel has guests (DESIGN.md). A forum channel may
// hold people who are not members of the forum's actors — the platform
// admin who bound it, a guest — so the gate refuses the meeting's
// TLP:AMBER agenda and minutes there. The meeting still happens:
//
//   - the channel gets the frame (agendaView, minutesView with frame): the
//     items, the roll call by organisation and its buttons, counts, the
//     next meeting, at TLP:GREEN, which the gate lets into the forum's own
//     channels;
//   - the channel gets one notice naming who is in the way and how to fix
//     it;
//   - the members among the channel's readers get the whole agenda or
//     minutes directly, and every member sees them on the board;
//   - the meeting's chair, secretary and convener are told at once.
//
// The gate decides, as everywhere: nothing here lets content past it. The
// same happens when the re-check just before delivery finds someone new
// in a channel (withheldMeeting).

// gateRefusal returns the gate's refusal of a channel in err, or nil when
// err is not one the meeting can go on without.
func gateRefusal(err error) *Error {
	var e *Error
	if errors.As(err, &e) && (e.ID == "err.gate_outsiders" || e.ID == "err.gate_cannot_check") {
		return e
	}
	return nil
}

// readersOf are the users the platform said are in the channel, as asked
// for the gate in this change.
func (c *Change) readersOf(chn Channel) []string { return c.facts[chn.Key()].Users }

// postAgenda posts a new meeting's agenda to each of the forum's
// channels, or its frame where the gate refuses the agenda.
func (cs *Conferences) postAgenda(ch *Change, f *Forum, conf *Conference) error {
	cs = &Conferences{cs.in(f)}
	msg, err := cs.agenda(ch, f, conf)
	if err != nil {
		return err
	}
	for _, c := range f.Channels {
		item := OutboxItem{Key: fmt.Sprintf("conference:%d:agenda@%s", conf.ID, c.Key()), Ref: agendaRef(conf.ID), To: c.Destination(), Class: conf.class(KindAgenda), Message: msg}
		if err := cs.sendMeeting(ch, f, conf, c, item, ch.readersOf); err != nil {
			return err
		}
	}
	return nil
}

// postMinutes posts a meeting's minutes to each of the forum's channels,
// or their frame where the channel has the meeting's frame or the gate
// refuses the minutes.
func (cs *Conferences) postMinutes(ch *Change, f *Forum, conf *Conference, msg Message) error {
	cs = &Conferences{cs.in(f)}
	for _, c := range f.Channels {
		item := OutboxItem{Key: fmt.Sprintf("conference:%d:minutes@%s", conf.ID, c.Key()), To: c.Destination(), Class: conf.class(KindMinutes), Message: msg}
		if err := cs.sendMeeting(ch, f, conf, c, item, ch.readersOf); err != nil {
			return err
		}
	}
	return nil
}

// sendMeeting sends one of a meeting's posts to channel c: whole, or its
// frame where the gate refuses it there. A new post is always offered
// whole first (the guest may have left); an edit where the frame was
// posted is the frame's edit.
func (cs *Conferences) sendMeeting(ch *Change, f *Forum, conf *Conference, c Channel, item OutboxItem, readers func(Channel) []string) error {
	cs = &Conferences{cs.in(f)}
	if item.UpdateRef != "" && slices.Contains(conf.Framed, c.Key()) {
		// An edit where the frame was posted: the frame, without asking
		// the platform again.
		frame, err := cs.frameOf(ch, f, conf, item)
		if err != nil {
			return err
		}
		return ch.Send(frame)
	}
	err := ch.Send(item)
	why := gateRefusal(err)
	if why == nil {
		return err
	}
	return cs.frameChannel(ch, f, conf, c, item, why, readers(c))
}

// frameOf is item with the meeting's frame in place of its content.
func (cs *Conferences) frameOf(tx Tx, f *Forum, conf *Conference, item OutboxItem) (OutboxItem, error) {
	cs = &Conferences{cs.in(f)}
	frame := item
	frame.Class.TLP = TLPGreen
	frame.Recheck = false
	if item.Class.Kind == KindAgenda {
		frame.Message = Message{}
		frame.Render = &Render{Kind: renderAgenda, ID: conf.ID, Frame: true}
		return frame, nil
	}
	m, err := cs.minutesView(tx, f, conf, true)
	frame.Message = m
	return frame, err
}

// frameChannel gives channel c the meeting's frame in place of item, which
// the gate refused there (why), and sees that nobody is left without
// the meeting: a notice in the channel naming who is in the way, the
// whole post to the members among readers, and word to the meeting's
// officers. From then on the channel gets the frame of each of the
// meeting's posts and edits.
func (cs *Conferences) frameChannel(ch *Change, f *Forum, conf *Conference, c Channel, item OutboxItem, why *Error, readers []string) error {
	cs = &Conferences{cs.in(f)}
	first := !slices.Contains(conf.Framed, c.Key())
	if first {
		conf.Framed = append(conf.Framed, c.Key())
		if err := ch.Put(BucketConferences, SeqKey(conf.ID), conf); err != nil {
			return err
		}
	}
	frame, err := cs.frameOf(ch, f, conf, item)
	if err != nil {
		return err
	}
	if err := ch.Send(frame); err != nil {
		return err
	}
	// The whole post, to each member among the channel's readers.
	outsiders := map[string]bool{}
	for _, id := range why.outsiders {
		outsiders[id.Key()] = true
	}
	whole := item
	whole.Recheck, whole.UpdateRef, whole.Ref, whole.Latest = false, "", "", ""
	if whole.Render != nil {
		m, err := cs.agenda(ch, f, conf)
		if err != nil {
			return err
		}
		whole.Render, whole.Message = nil, m
	}
	kind := strings.TrimPrefix(string(item.Class.Kind), "msg/")
	for _, u := range readers {
		id := Identity{Platform: c.Platform, UserID: u}
		if outsiders[id.Key()] {
			continue
		}
		m, err := activeMember(ch, id)
		if err != nil {
			return err
		}
		if m == nil || !f.HasActor(m.Actor) {
			continue
		}
		whole.Key = fmt.Sprintf("conference:%d:%s-direct@%s", conf.ID, kind, id.Key())
		whole.To = Destination{Platform: id.Platform, User: id.UserID}
		if err := ch.Send(whole); err != nil && gateRefusal(err) == nil {
			return err
		}
	}
	if !first {
		return nil
	}
	k := ch.k.in(f)
	who := ch.namesOf(why.outsiders)
	if why.ID == "err.gate_cannot_check" {
		who = k.T("conference.frame_unknown", "Reason", fmt.Sprint(why.Data["Reason"]))
	}
	label := conf.Label().Label()
	notice := Message{Text: k.T("conference.frame_notice", "Channel", c.Display(), "Users", who, "Label", label, "Forum", f.ID)}
	if err := ch.Send(OutboxItem{Key: fmt.Sprintf("conference:%d:frame-notice@%s", conf.ID, c.Key()), To: c.Destination(), Class: Class{Kind: KindWithheld, Forum: f.ID, TLP: TLPClear}, Message: notice}); err != nil {
		return err
	}
	told := Message{
		Title: k.T("conference.frame_officer_title", "N", conf.ID, "Forum", f.Name),
		Text:  k.T("conference.frame_officer_text", "N", conf.ID, "Channel", c.Display(), "Users", who, "Label", label, "Forum", f.ID),
	}
	cl := Class{Kind: KindConferenceReminder, Forum: f.ID, TLP: TLPGreen, Exercise: conf.Exercise}
	officers := meetingOfficers(conf)
	if len(officers) == 0 {
		for _, m := range chairs(ch, f) {
			officers = append(officers, m.ID)
		}
	}
	for _, id := range officers {
		m, err := GetMember(ch, id)
		if err != nil || !m.Active() || !f.HasActor(m.Actor) {
			continue
		}
		if err := ch.toMember(fmt.Sprintf("conference:%d:frame-officer@%s:%s", conf.ID, c.Key(), m.ID), *m, cl, told); err != nil {
			return err
		}
	}
	return ch.Audit("conference.framed", f.ID, map[string]string{"conference": itoa(conf.ID), "channel": c.Key(), "reason": why.ID}, who)
}

// withheldMeeting handles a meeting's post that the re-check just before
// delivery refused (someone joined the channel meanwhile): the channel
// gets the frame instead — an edit of the post it has, or a new post —
// and the rest happens as when the gate refused it at once. It reports
// false for an item that is not a meeting's.
func (cs *Conferences) withheldMeeting(ch *Change, it OutboxItem, readers []string, why *Error) (bool, error) {
	n, ok := meetingOf(it)
	if !ok || (it.Class.Kind != KindAgenda && it.Class.Kind != KindMinutes) {
		return false, nil
	}
	conf, err := GetConference(ch, n)
	if err != nil {
		return false, nil
	}
	f, err := GetForum(ch, conf.Forum)
	if err != nil {
		return false, nil
	}
	c := f.boundChannel(Channel{Platform: it.To.Platform, ID: it.To.Channel})
	if c == nil {
		return false, nil
	}
	item := it
	item.Key = it.Key + ":frame"
	return true, cs.frameChannel(ch, f, conf, *c, item, why, readers)
}

// meetingOf is the meeting an outbox item of a meeting belongs to, from
// its key ("conference:N:…").
func meetingOf(it OutboxItem) (uint64, bool) {
	rest, ok := strings.CutPrefix(it.Key, "conference:")
	if !ok {
		return 0, false
	}
	num, _, _ := strings.Cut(rest, ":")
	n, err := strconv.ParseUint(num, 10, 64)
	return n, err == nil
}

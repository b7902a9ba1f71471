package bot

import (
	"context"
	"fmt"
	"strings"
)

// answerRequests tells everyone who asked for forum f's activation that
// it is activated, and by whom, as the request's answer promised; the
// one who activates knows.
func (s *Activations) answerRequests(ch *Change, f *Forum, a *Activation) error {
	s = &Activations{s.in(f)}
	prefix := f.ID + "|"
	seqs, err := indexed(ch, BucketOpenRequests, prefix)
	if err != nil {
		return err
	}
	for _, n := range seqs {
		if err := ch.Delete(BucketOpenRequests, prefix+SeqKey(n)); err != nil {
			return err
		}
		var r ActivationRequest
		if err := ch.Get(BucketRequests, SeqKey(n), &r); err != nil {
			return err
		}
		r.Activation = a.ID
		if err := ch.Put(BucketRequests, SeqKey(n), r); err != nil {
			return err
		}
		m, err := GetMember(ch, r.By)
		if err != nil || !m.Active() || m.ID == a.By {
			continue
		}
		by := a.ByName
		if me := ch.Caller.Member; me != nil {
			by += " (" + actorNames(ch, []string{me.Actor})[me.Actor] + ")"
		}
		msg := Message{
			Title:   s.T("activation.request_answered_title", "Forum", f.Name),
			Text:    s.T("activation.request_answered_text", "Forum", f.Name, "By", by, "Time", s.clock(a.At), "Asked", s.clock(r.At), "Reason", r.Reason),
			Colour:  "#D0021B",
			Buttons: []Button{{Label: s.T("button.status"), Action: Action{Kind: ActStatus, Forum: f.ID}}},
		}
		if err := ch.toMember(fmt.Sprintf("request:%d:answered", n), *m, activationClass(KindActivation, f, a.Exercise), msg); err != nil {
			return err
		}
	}
	return nil
}

// Request alerts those who may activate forum f that the caller's actor
// asks for activation. It returns how many were alerted.
func (s *Activations) Request(ctx context.Context, c Caller, forumID, reason string) (int, error) {
	reason = CleanText(strings.TrimSpace(reason))
	if reason == "" {
		return 0, Errorf(EINVALID, "err.reason_required").OnField("skal")
	}
	n := 0
	err := s.Update(ctx, c, func(ch *Change) error {
		f, me, err := ch.acting(forumID, PermMember)
		if err != nil {
			return err
		}
		k := s.in(f)
		if f.Mode == ModeActivated {
			return Errorf(ECONFLICT, "err.already_activated", "Forum", f.ID)
		}
		who, err := activators(ch, f)
		if err != nil {
			return err
		}
		if len(who) == 0 {
			return Errorf(ECONFLICT, "err.no_activators", "Forum", f.ID)
		}
		seq, err := ch.NextSeq(BucketRequests)
		if err != nil {
			return err
		}
		actorName := actorNames(ch, []string{me.Actor})[me.Actor]
		if err := ch.Put(BucketRequests, SeqKey(seq), ActivationRequest{Forum: f.ID, By: me.ID, Reason: reason, At: ch.Now}); err != nil {
			return err
		}
		// Waiting for the activation, whose requester is then told.
		if err := ch.Put(BucketOpenRequests, f.ID+"|"+SeqKey(seq), seq); err != nil {
			return err
		}
		msg := Message{
			Title:   k.T("activation.request_title", "Forum", f.Name),
			Text:    k.T("activation.request_text", "Name", ch.Caller.Name(), "Actor", actorName, "Forum", f.Name, "Reason", reason, "Time", k.clock(ch.Now)),
			Colour:  "#E8A33D",
			Buttons: []Button{{Label: k.T("button.activate"), Action: Action{Kind: ActActivate, Forum: f.ID}, Style: "danger"}, {Label: k.T("button.status"), Action: Action{Kind: ActStatus, Forum: f.ID}}},
		}
		for _, m := range who {
			if err := ch.toMember(fmt.Sprintf("request:%d:%s", seq, m.ID), m, activationClass(KindActivation, f, false), msg); err != nil {
				return err
			}
		}
		n = len(who)
		return ch.Audit("activation.request", f.ID, map[string]string{"reason": reason, "notified": itoa(uint64(n))}, reason)
	})
	return n, err
}

package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Purpose is why a forum is activated (FSPOS: the purposes of a meeting).
type Purpose string

// The purposes of an activation.
const (
	PurposeInformation Purpose = "information_sharing"
	PurposePicture     Purpose = "common_picture"
	PurposeActions     Purpose = "coordinated_actions"
	PurposeMessages    Purpose = "coordinated_messages"
)

var purposeWords = []struct {
	p     Purpose
	words []string
}{
	{PurposeInformation, []string{"information", "informationsdelning", "info", "information_sharing", "informasjon", "informasjonsdeling"}},
	{PurposePicture, []string{"lägesbild", "samlad-lägesbild", "picture", "common_picture", "situasjonsbilde"}},
	{PurposeActions, []string{"åtgärder", "samordnade-åtgärder", "actions", "coordinated_actions", "tiltak"}},
	{PurposeMessages, []string{"budskap", "samordnade-budskap", "messages", "coordinated_messages"}},
}

// ParsePurposes parses a comma-separated list of purpose words and returns
// the first word it does not know.
func ParsePurposes(s string) ([]Purpose, string) {
	var out []Purpose
	for _, w := range strings.Split(s, ",") {
		if strings.TrimSpace(w) == "" {
			continue
		}
		found := false
		for _, pw := range purposeWords {
			if slices.ContainsFunc(pw.words, func(x string) bool { return Fold(x) == Fold(w) }) {
				found = true
				if !slices.Contains(out, pw.p) {
					out = append(out, pw.p)
				}
			}
		}
		if !found {
			return nil, strings.TrimSpace(w)
		}
	}
	return out, ""
}

// Ack is one acknowledgement of a call-in.
type Ack struct {
	Actor    string    `json:"actor"`
	Member   string    `json:"member"`
	Name     string    `json:"name"`
	Platform string    `json:"platform"`
	At       time.Time `json:"at"`
}

// Activation is one period of a forum in activated mode: who activated it,
// why, which actors were called in, and their acknowledgements.
type Activation struct {
	ID        uint64    `json:"id"`
	Forum     string    `json:"forum"`
	By        string    `json:"by"`
	ByName    string    `json:"by_name"`
	At        time.Time `json:"at"`
	Purposes  []Purpose `json:"purposes"`
	Exercise  bool      `json:"exercise,omitempty"`
	Actors    []string  `json:"actors"`
	Deadline  time.Time `json:"deadline"`
	Acks      []Ack     `json:"acks"`            // the first per actor
	Extra     []Ack     `json:"extra,omitempty"` // later ones: more attendees
	Version   int       `json:"version"`         // banner edits so far
	EndedAt   time.Time `json:"ended_at,omitempty"`
	EndedBy   string    `json:"ended_by,omitempty"`
	Reminded  bool      `json:"reminded,omitempty"`
	Escalated bool      `json:"escalated,omitempty"`
	// Notes are the exercise leader's observations (`övning notering`).
	Notes []Note `json:"notes,omitempty"`
}

// AckOf returns the counting acknowledgement of actor, or nil.
func (a *Activation) AckOf(actor string) *Ack {
	for i := range a.Acks {
		if a.Acks[i].Actor == actor {
			return &a.Acks[i]
		}
	}
	return nil
}

// Outstanding lists the called-in actors that have not acknowledged.
func (a *Activation) Outstanding() []string {
	var out []string
	for _, act := range a.Actors {
		if a.AckOf(act) == nil {
			out = append(out, act)
		}
	}
	return out
}

// Bucket names of activations.
const (
	BucketActivations = "activations"
	BucketRequests    = "activation_requests"
)

const (
	timerActivationReminder = "activation-reminder"
	timerActivationDeadline = "activation-deadline"
)

// DefaultDeadlines are the call-in deadlines per level.
var DefaultDeadlines = map[Level]time.Duration{
	LevelStrategic:    60 * time.Minute,
	LevelCoordinating: 15 * time.Minute,
	LevelOperational:  15 * time.Minute,
}

// Activations is the service for activation and call-in.
type Activations struct{ *core }

func (k *core) deadline(l Level) time.Duration {
	if d, ok := k.Deadlines[l]; ok && d > 0 {
		return d
	}
	return DefaultDeadlines[l]
}

// GetActivation returns activation id.
func GetActivation(tx Tx, id uint64) (*Activation, error) {
	return getRecord[Activation](tx, BucketActivations, SeqKey(id), func() error { return Errorf(ENOTFOUND, "err.unknown_activation", "ID", id) })
}

// CurrentActivation returns the forum's running activation, or nil.
func CurrentActivation(tx Tx, f *Forum) (*Activation, error) {
	if f.Mode != ModeActivated || f.Activation == 0 {
		return nil, nil
	}
	return GetActivation(tx, f.Activation)
}

// runningActivation is the forum's activation, or an error saying there is
// none.
func runningActivation(tx Tx, f *Forum) (*Activation, error) {
	a, err := CurrentActivation(tx, f)
	if err == nil && a == nil {
		err = Errorf(ECONFLICT, "err.not_activated", "Forum", f.ID)
	}
	return a, err
}

// contacts maps each actor to the people it is called in through: its
// duty officers, or all its members when it has none.
func contacts(tx Tx) (map[string][]Member, error) {
	ms, err := ListMembers(tx)
	if err != nil {
		return nil, err
	}
	all, tib := map[string][]Member{}, map[string][]Member{}
	for _, m := range ms {
		all[m.Actor] = append(all[m.Actor], m)
		if m.Has(RoleDutyOfficer) {
			tib[m.Actor] = append(tib[m.Actor], m)
		}
	}
	for a, t := range tib {
		all[a] = t
	}
	return all, nil
}

// activators are the members who may activate forum f (admins aside).
func activators(tx Tx, f *Forum) ([]Member, error) {
	ms, err := ListMembers(tx)
	if err != nil {
		return nil, err
	}
	var out []Member
	for _, m := range ms {
		c := Caller{Member: &m}
		if Allowed(c, Permission{Roles: PermActivate.Roles, HostDutyOfficer: true}, f) {
			out = append(out, m)
		}
	}
	return out, nil
}

// activationClass is the class of an activation's messages: forum
// operations, TLP:GREEN, exercise when the activation is one.
func activationClass(kind Kind, f *Forum, exercise bool) Class {
	return Class{Kind: kind, Forum: f.ID, TLP: TLPGreen, Exercise: exercise || f.Exercise}
}

// ActivationRequest is a member's request that a forum be activated
// (begär-aktivering); Activation is set once it is.
type ActivationRequest struct {
	Forum      string    `json:"forum"`
	By         string    `json:"by"` // member
	Reason     string    `json:"reason"`
	At         time.Time `json:"at"`
	Activation uint64    `json:"activation,omitempty"`
}

// BucketOpenRequests indexes the requests waiting for their forum's
// activation (forum|request -> request).
const BucketOpenRequests = "activation_requests_open"

// Activate switches forum f to activated mode, posts the banner in its
// channels and calls in every actor. Deadlines are stored as timers.
func (s *Activations) Activate(ctx context.Context, c Caller, forumID string, purposes []Purpose, exercise bool) (*Activation, error) {
	if len(purposes) == 0 {
		purposes = []Purpose{PurposeInformation}
	}
	var out *Activation
	err := s.Update(ctx, c, func(ch *Change) error {
		f, err := ch.forum(forumID, PermActivate)
		if err != nil {
			return err
		}
		if cur, err := CurrentActivation(ch, f); err != nil {
			return err
		} else if cur != nil {
			return Errorf(ECONFLICT, "err.already_activated_by", "Forum", f.ID, "By", cur.ByName, "Time", s.clock(cur.At))
		}
		id, err := ch.NextSeq(BucketActivations)
		if err != nil {
			return err
		}
		by := ch.Caller.Identity.Key()
		if ch.Caller.Member != nil {
			by = ch.Caller.Member.ID
		}
		a := &Activation{
			ID: id, Forum: f.ID, By: by, ByName: ch.Caller.Name(), At: ch.Now, Purposes: purposes,
			Exercise: exercise || f.Exercise, Actors: slices.Clone(f.Actors), Deadline: ch.Now.Add(s.deadline(f.Level)),
		}
		// The one who activates answers for their own actor at once.
		if m := ch.Caller.Member; m != nil && slices.Contains(a.Actors, m.Actor) {
			a.Acks = append(a.Acks, Ack{Actor: m.Actor, Member: m.ID, Name: ch.Caller.Name(), Platform: string(ch.Caller.Identity.Platform), At: ch.Now})
		}
		f.Mode, f.Activation, f.LastActivation = ModeActivated, id, id
		if err := ch.Put(BucketForums, f.ID, f); err != nil {
			return err
		}
		if err := ch.Put(BucketActivations, SeqKey(id), a); err != nil {
			return err
		}
		names := actorNames(ch, a.Actors)
		for _, chn := range f.Channels {
			item := OutboxItem{Key: fmt.Sprintf("activation:%d:banner@%s", id, chn.Key()), Ref: bannerRef(id), To: chn.Destination(), Class: activationClass(KindActivation, f, a.Exercise), Message: s.banner(f, a, names, ch.Now)}
			if err := ch.Send(item); err != nil {
				return err
			}
		}
		people, err := contacts(ch)
		if err != nil {
			return err
		}
		for _, act := range a.Actors {
			msg := s.callIn(f, a, names[act])
			for _, m := range people[act] {
				if me := ch.Caller.Member; me != nil && me.ID == m.ID {
					continue // the one who activates has answered already
				}
				if err := ch.toMember(fmt.Sprintf("activation:%d:callin:%s", id, m.ID), m, activationClass(KindCallIn, f, a.Exercise), msg); err != nil {
					return err
				}
			}
		}
		if err := s.answerRequests(ch, f, a); err != nil {
			return err
		}
		half := a.At.Add(a.Deadline.Sub(a.At) / 2)
		if err := ch.SetTimer(Timer{Due: half, Kind: timerActivationReminder, Ref: itoa(id), Forum: f.ID}); err != nil {
			return err
		}
		if err := ch.SetTimer(Timer{Due: a.Deadline, Kind: timerActivationDeadline, Ref: itoa(id), Forum: f.ID}); err != nil {
			return err
		}
		out = a
		return ch.Audit("activation.activate", f.ID, map[string]string{"activation": itoa(id), "purposes": joinPurposes(purposes), "exercise": fmt.Sprint(a.Exercise), "deadline": a.Deadline.UTC().Format(time.RFC3339)}, "")
	})
	return out, err
}

// AckResult tells how an acknowledgement counted.
type AckResult struct {
	Activation *Activation
	Forum      *Forum
	// Actor is the name of the actor the caller acknowledged for.
	Actor string
	// Ack is the caller's acknowledgement as recorded.
	Ack Ack
	// First is true when this acknowledgement counts for the actor; false
	// when the actor had answered and the caller is an extra attendee.
	First bool
	Prior *Ack
}

// Acknowledge records the caller's answer to the call-in of the forum's
// running activation for the caller's actor, and updates the banner.
func (s *Activations) Acknowledge(ctx context.Context, c Caller, forumID string) (*AckResult, error) {
	var res *AckResult
	err := s.Update(ctx, c, func(ch *Change) error {
		f, me, err := ch.acting(forumID, PermMember)
		if err != nil {
			return err
		}
		a, err := runningActivation(ch, f)
		if err != nil {
			return err
		}
		if !slices.Contains(a.Actors, me.Actor) {
			return Errorf(EFORBIDDEN, "err.not_called_in", "Forum", f.ID)
		}
		ack := Ack{Actor: me.Actor, Member: me.ID, Name: ch.Caller.Name(), Platform: string(ch.Caller.Identity.Platform), At: ch.Now}
		res = &AckResult{Activation: a, Forum: f, Actor: actorNames(ch, []string{me.Actor})[me.Actor], Ack: ack}
		if prior := a.AckOf(ack.Actor); prior != nil {
			p := *prior
			res.Prior = &p
			if prior.Member != ack.Member && !slices.ContainsFunc(a.Extra, func(x Ack) bool { return x.Member == ack.Member }) {
				a.Extra = append(a.Extra, ack)
			}
		} else {
			res.First = true
			a.Acks = append(a.Acks, ack)
		}
		if err := ch.Put(BucketActivations, SeqKey(a.ID), a); err != nil {
			return err
		}
		if err := s.refreshBanner(ch, f, a); err != nil {
			return err
		}
		return ch.Audit("activation.ack", f.ID, map[string]string{"activation": itoa(a.ID), "actor": ack.Actor, "counts": fmt.Sprint(res.First)}, "")
	})
	return res, err
}

// refreshBanner edits the banner in every channel to the current state.
func (s *Activations) refreshBanner(ch *Change, f *Forum, a *Activation) error {
	a.Version++
	if err := ch.Put(BucketActivations, SeqKey(a.ID), a); err != nil {
		return err
	}
	for _, chn := range f.Channels {
		// Drawn when delivered; acknowledgements made while it waits ride
		// on it (one edit for many).
		item := OutboxItem{Key: fmt.Sprintf("activation:%d:banner:%d@%s", a.ID, a.Version, chn.Key()), UpdateRef: bannerRef(a.ID), To: chn.Destination(),
			Class: activationClass(KindActivation, f, a.Exercise), Render: &Render{Kind: renderBanner, ID: a.ID}, Latest: fmt.Sprintf("banner:%d@%s", a.ID, chn.Key())}
		if err := ch.Send(item); err != nil {
			return err
		}
	}
	return nil
}

// drawBanner draws an activation's banner as it is at now.
func (s *Activations) drawBanner(tx Tx, r Render, now time.Time) (Message, *Render, error) {
	a, err := GetActivation(tx, r.ID)
	if err != nil {
		return Message{}, nil, err
	}
	f, err := GetForum(tx, a.Forum)
	if err != nil {
		return Message{}, nil, err
	}
	return s.banner(f, a, actorNames(tx, a.Actors), now), nil, nil
}

// Deactivate returns the forum to normal mode and posts a closing summary.
// Running returns the forum's running activation for one who may end it
// (to ask them first what ends), with the forum and its actors' names.
func (s *Activations) Running(c Caller, forumID string) (*Activation, *Forum, map[string]string, error) {
	var a *Activation
	var f *Forum
	var names map[string]string
	err := s.View(func(tx Tx) error {
		c, err := s.resolve(tx, c)
		if err != nil {
			return err
		}
		if f, err = GetForum(tx, forumID); err != nil {
			return err
		}
		if err := Require(c, PermActivate, f); err != nil {
			return err
		}
		if a, err = runningActivation(tx, f); err != nil {
			return err
		}
		names = actorNames(tx, a.Actors)
		return nil
	})
	return a, f, names, err
}

func (s *Activations) Deactivate(ctx context.Context, c Caller, forumID string) (*Activation, error) {
	var out *Activation
	err := s.Update(ctx, c, func(ch *Change) error {
		f, err := ch.forum(forumID, PermActivate)
		if err != nil {
			return err
		}
		a, err := runningActivation(ch, f)
		if err != nil {
			return err
		}
		a.EndedAt, a.EndedBy = ch.Now, ch.Caller.Name()
		f.Mode, f.Activation = ModeNormal, 0
		if err := ch.Put(BucketForums, f.ID, f); err != nil {
			return err
		}
		if err := s.refreshBanner(ch, f, a); err != nil {
			return err
		}
		names := actorNames(ch, a.Actors)
		if err := ch.toChannels(f.Channels, fmt.Sprintf("activation:%d:summary", a.ID), activationClass(KindActivation, f, a.Exercise), s.summary(f, a, names)); err != nil {
			return err
		}
		out = a
		return ch.Audit("activation.deactivate", f.ID, map[string]string{"activation": itoa(a.ID), "acks": itoa(uint64(len(a.Acks))), "outstanding": strings.Join(a.Outstanding(), ",")}, "")
	})
	return out, err
}

func bannerRef(id uint64) string { return "activation:" + itoa(id) + ":banner" }

func joinPurposes(ps []Purpose) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = string(p)
	}
	return strings.Join(s, ",")
}

// Status shows a forum's mode and, when activated, the call-in state, to
// a member of the forum.
func (s *Activations) Status(c Caller, forumID string) (Message, error) {
	var m Message
	err := s.View(func(tx Tx) error {
		_, f, err := s.readForum(tx, c, forumID)
		if err != nil {
			return err
		}
		m, err = s.status(tx, f, s.Clock.Now())
		return err
	})
	return m, err
}

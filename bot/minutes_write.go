package bot

import (
	"context"
	"errors"
	"strings"
)

// Summarize records the chair's summary against the meeting's purpose
// (agenda item 5), replacing an earlier one.
func (cs *Conferences) Summarize(ctx context.Context, c Caller, forumID, text string) (*Conference, error) {
	return cs.minute(ctx, c, forumID, text, "summed_up", func(_ *Change, conf *Conference, e Entry) error {
		conf.Summary = &e
		return nil
	})
}

// Direct records the common direction the meeting agreed ("beslut i
// stort"), replacing an earlier one.
func (cs *Conferences) Direct(ctx context.Context, c Caller, forumID, text string) (*Conference, error) {
	return cs.minute(ctx, c, forumID, text, "direction_set", func(_ *Change, conf *Conference, e Entry) error {
		conf.Direction = &e
		return nil
	})
}

// Decide adds a decision to the minutes.
func (cs *Conferences) Decide(ctx context.Context, c Caller, forumID, text string) (*Conference, error) {
	return cs.minute(ctx, c, forumID, text, "decided", func(ch *Change, conf *Conference, e Entry) error {
		_, err := addDecision(ch, conf, e)
		return err
	})
}

// minute records one free-text entry of the minutes (a decision, the next
// meeting) in the forum's running conference.
func (cs *Conferences) minute(ctx context.Context, c Caller, forumID, text, action string, apply func(*Change, *Conference, Entry) error) (*Conference, error) {
	text = strings.TrimSpace(CleanText(text))
	if text == "" {
		return nil, Errorf(EINVALID, "err.text_required").OnField("text")
	}
	var out *Conference
	err := cs.Update(ctx, c, func(ch *Change) error {
		f, conf, err := running(ch, forumID)
		if err != nil {
			return err
		}
		if err := apply(ch, conf, Entry{Text: text, By: ch.Caller.Name(), At: ch.Now}); err != nil {
			return err
		}
		out = conf
		if err := cs.saveConference(ch, f, conf); err != nil {
			return err
		}
		return ch.Audit("conference."+action, f.ID, map[string]string{"conference": itoa(conf.ID)}, text)
	})
	return out, err
}

// AddAction adds an action item with an owner actor and a due date.
func (cs *Conferences) AddAction(ctx context.Context, c Caller, forumID, text, owner, due string) (*ActionItem, error) {
	text = strings.TrimSpace(CleanText(text))
	if text == "" {
		return nil, Errorf(EINVALID, "err.text_required").OnField("text")
	}
	var out *ActionItem
	err := cs.Update(ctx, c, func(ch *Change) error {
		f, conf, err := running(ch, forumID)
		if err != nil {
			return err
		}
		if !f.HasActor(owner) {
			return Errorf(EINVALID, "err.actor_not_in_forum", "Actor", owner, "Forum", f.ID).OnField("ansvarig")
		}
		loc := f.location()
		day, ok := ParseDay(due, ch.Now, loc)
		if !ok {
			return Errorf(EINVALID, "err.bad_date", "Value", due, "Example", DayExample(ch.Now, loc)).OnField("senast")
		}
		today := ch.Now.In(loc).Format("2006-01-02")
		if due = day.Format("2006-01-02"); due < today {
			return Errorf(EINVALID, "err.date_past", "Value", due, "Today", today).OnField("senast")
		}
		n, err := ch.NextSeq(BucketActions)
		if err != nil {
			return err
		}
		item := &ActionItem{Number: n, Forum: f.ID, Conference: conf.ID, Text: text, Owner: owner, Due: due, By: ch.Caller.Name(), At: ch.Now}
		if err := addAction(ch, conf, item); err != nil {
			return err
		}
		out = item
		if err := cs.saveConference(ch, f, conf); err != nil {
			return err
		}
		return ch.Audit("conference.action", f.ID, map[string]string{"conference": itoa(conf.ID), "action_item": itoa(n), "owner": owner, "due": due}, text)
	})
	return out, err
}

// CloseAction marks action item n done.
func (cs *Conferences) CloseAction(ctx context.Context, c Caller, n uint64) (*ActionItem, error) {
	var out *ActionItem
	err := cs.Update(ctx, c, func(ch *Change) error {
		var a ActionItem
		if err := ch.Get(BucketActions, SeqKey(n), &a); errors.Is(err, ErrNotFound) {
			return Errorf(ENOTFOUND, "err.unknown_action", "N", n)
		} else if err != nil {
			return err
		}
		f, err := ch.forum(a.Forum, PermMinutes)
		if err != nil {
			return err
		}
		a.Done, a.DoneAt = true, ch.Now
		out = &a
		if err := closeAction(ch, &a); err != nil {
			return err
		}
		return ch.Audit("conference.action_done", f.ID, map[string]string{"action_item": itoa(n)}, "")
	})
	return out, err
}

// End closes the forum's running conference, stores the minutes and
// posts them.
func (cs *Conferences) End(ctx context.Context, c Caller, forumID string) (*Conference, error) {
	var out *Conference
	err := cs.Update(ctx, c, func(ch *Change) error {
		f, conf, err := running(ch, forumID)
		if err != nil {
			return err
		}
		out = conf
		return cs.end(ch, f, conf, ch.Caller.Name())
	})
	return out, err
}

// end closes conf, ended by by: the common picture it worked from is
// noted, the minutes stored and posted to the forum's channels.
func (cs *Conferences) end(ch *Change, f *Forum, conf *Conference, by string) error {
	cs = &Conferences{cs.in(f)}
	conf.EndedAt, conf.EndedBy = ch.Now, by
	conf.Picture = nil
	for _, a := range f.Actors {
		r, err := LatestReport(ch, f.ID, a)
		if err != nil {
			return err
		}
		if r != nil {
			conf.Picture = append(conf.Picture, PictureRef{Actor: a, Number: r.Number, Version: r.Version, TLP: r.TLP, At: r.At})
		}
	}
	if f.Conference == conf.ID {
		f.Conference = 0
		if err := ch.Put(BucketForums, f.ID, f); err != nil {
			return err
		}
	}
	if err := cs.saveConference(ch, f, conf); err != nil {
		return err
	}
	msg, err := cs.minutes(ch, f, conf)
	if err != nil {
		return err
	}
	if err := cs.postMinutes(ch, f, conf, msg); err != nil {
		return err
	}
	return ch.Audit("conference.end", f.ID, map[string]string{"conference": itoa(conf.ID), "attending": itoa(uint64(len(conf.Attendance))), "decisions": itoa(uint64(conf.DecisionCount())), "actions": itoa(uint64(conf.ActionCount()))}, PlainText(msg))
}

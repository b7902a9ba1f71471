package bot

import (
	"context"
	"fmt"
	"samverkan/catalog"
	"strconv"
	"strings"
	"time"
)

// PlainText flattens a message, e.g. to hash minutes into the audit log.
func PlainText(m Message) string {
	parts := []string{m.Title, m.Text}
	for _, f := range m.Fields {
		parts = append(parts, f.Title+": "+f.Value)
	}
	for _, s := range m.Sections {
		parts = append(parts, s.Title, s.Text)
	}
	return strings.Join(parts, "\n")
}

// MinutesLine is one ended conference in a forum's list.
type MinutesLine struct {
	Number    uint64
	When      time.Time
	Decisions int
	Actions   int
}

// ListMinutes returns the ended conferences of a forum, for its members.
func (cs *Conferences) ListMinutes(c Caller, forumID string) ([]MinutesLine, *time.Location, error) {
	var out []MinutesLine
	var loc *time.Location
	err := cs.View(func(tx Tx) error {
		c, f, err := cs.readForum(tx, c, forumID)
		if err != nil {
			return err
		}
		loc = f.location()
		confs, err := ListConferences(tx, f.ID)
		for _, conf := range confs {
			if !conf.EndedAt.IsZero() && permitCaller(tx, c, f, conf.class(KindMinutes)) == nil {
				out = append(out, MinutesLine{Number: conf.ID, When: conf.Scheduled, Decisions: conf.DecisionCount(), Actions: conf.ActionCount()})
			}
		}
		return err
	})
	return out, loc, err
}

// Minutes returns the minutes of one ended conference, for its members:
// which is its number ("#5" or "5") or a date (YYYY-MM-DD, the forum's
// local time). A date with several meetings — twice a day during a large
// event, or an extra one — lists them by number to choose from.
func (cs *Conferences) Minutes(c Caller, forumID, which string) (Message, error) {
	var m Message
	err := cs.View(func(tx Tx) error {
		c, f, err := cs.readForum(tx, c, forumID)
		if err != nil {
			return err
		}
		conf, list, err := cs.pickMinutes(tx, c, f, which)
		if err != nil || conf == nil {
			m = list
			return err
		}
		m, err = cs.minutes(tx, f, conf)
		return err
	})
	return m, err
}

// MinutesPDF sends the caller the minutes of one ended conference as a
// PDF file, by direct message, and returns its name; a date with several
// meetings returns the list to choose from instead.
func (cs *Conferences) MinutesPDF(ctx context.Context, c Caller, forumID, which string) (string, *Message, error) {
	if cs.Print == nil {
		return "", nil, Errorf(ECONFLICT, "err.no_pdf")
	}
	var name string
	var list *Message
	err := cs.Update(ctx, c, func(ch *Change) error {
		name, list = "", nil
		f, err := ch.forum(forumID, PermMember)
		if err != nil {
			return err
		}
		k := cs.in(f)
		conf, l, err := cs.pickMinutes(ch, ch.Caller, f, which)
		if err != nil {
			return err
		}
		if conf == nil {
			list = &l
			return nil
		}
		paper, err := cs.minutesPaper(ch, f, conf)
		if err != nil {
			return err
		}
		doc, err := k.print(f, paper, ch.Now)
		if err != nil {
			return err
		}
		name = fmt.Sprintf("%s-%s-%d.pdf", k.T("file.minutes"), f.ID, conf.ID)
		cl := conf.class(KindMinutes)
		if ch.Caller.Member != nil {
			cl.Named = append(cl.Named, ch.Caller.Member.ID)
		}
		to := Destination{Platform: ch.Caller.Identity.Platform, User: ch.Caller.Identity.UserID}
		comment := Message{TLP: paper.TLP, Text: k.T("conference.minutes_pdf_comment", "Forum", f.Name, "N", conf.ID)}
		if err := ch.Send(OutboxItem{Key: fmt.Sprintf("file:%s:%d", to.key(), ch.Now.UnixNano()), To: to, Class: cl, File: &File{Name: name, Content: doc}, Message: comment}); err != nil {
			return err
		}
		return ch.Audit("conference.minutes_export", f.ID, map[string]string{"file": name, "to": to.key()}, string(doc))
	})
	return name, list, err
}

// pickMinutes finds the ended conference which names (a number, "#N", or
// a date) and checks c may read its minutes; a date with several returns
// no conference and the list to choose from.
func (cs *Conferences) pickMinutes(tx Tx, c Caller, f *Forum, which string) (*Conference, Message, error) {
	cs = &Conferences{cs.in(f)}
	number, byNumber := uint64(0), false
	if n, err := strconv.ParseUint(strings.TrimPrefix(which, "#"), 10, 64); err == nil {
		number, byNumber = n, true
	} else if _, err := time.Parse("2006-01-02", which); err != nil {
		return nil, Message{}, Errorf(EINVALID, "err.bad_minutes_ref", "Value", which).OnField("datum")
	}
	confs, err := ListConferences(tx, f.ID)
	if err != nil {
		return nil, Message{}, err
	}
	var found []Conference
	for _, conf := range confs {
		if conf.EndedAt.IsZero() {
			continue
		}
		if (byNumber && conf.ID == number) || (!byNumber && conf.Scheduled.In(f.location()).Format("2006-01-02") == which) {
			found = append(found, conf)
		}
	}
	switch len(found) {
	case 0:
		if byNumber {
			return nil, Message{}, Errorf(ENOTFOUND, "err.no_minutes_number", "N", number, "Forum", f.ID)
		}
		return nil, Message{}, Errorf(ENOTFOUND, "err.no_minutes", "Date", which, "Forum", f.ID)
	case 1:
		if err := permitCaller(tx, c, f, found[0].class(KindMinutes)); err != nil {
			return nil, Message{}, err
		}
		return &found[0], Message{}, nil
	}
	var lines []string
	for _, conf := range found {
		lines = append(lines, cs.T("conference.day_line", "N", conf.ID, "Time", conf.Scheduled.In(f.location()).Format("15:04"), "Decisions", catalog.Count(cs.Lang, "decisions", conf.DecisionCount())))
	}
	return nil, Message{Title: cs.T("conference.day_title", "Forum", f.Name, "Date", which, "Count", len(found)),
		Text: strings.Join(lines, "\n") + "\n" + cs.T("conference.day_pick", "Forum", f.ID, "N", found[0].ID)}, nil
}

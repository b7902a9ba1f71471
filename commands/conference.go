package commands

import (
	"context"
	"strconv"
	"strings"
	"time"

	"samverkan/bot"
	"samverkan/catalog"
)

var (
	wConf       = Word{"konferens", "conference"}
	pForumKeyed = Param{Name: Word{"forum", "forum"}, Meta: Word{"F", "F"}, Kind: KindForum, Optional: true, Help: "param.forum"}
	pText       = Param{Name: Word{"text", "text"}, Meta: Word{"text", "text"}, Kind: KindText, Positional: true, Variadic: true, Help: "param.text"}
)

func (e *Engine) registerConference() {
	e.Register(&Command{
		Path: []Word{wConf, {"schema", "schedule"}},
		Params: []Param{pForum,
			{Name: Word{"dag", "day"}, Meta: Word{"torsdag", "thursday"}, Kind: KindText, Positional: true, Help: "param.day"},
			{Name: Word{"tid", "time"}, Meta: Word{"16:00", "16:00"}, Kind: KindText, Positional: true, Optional: true, Help: "param.clock"},
			{Name: Word{"zon", "zone"}, Meta: Word{"Europe/Stockholm", "Europe/Stockholm"}, Kind: KindText, Positional: true, Optional: true, Help: "param.zone"}},
		Perm: bot.PermConference, Help: "help.conference_schedule", Run: e.confSchedule,
	})
	for i, w := range []Word{{"starta", "start"}, {"agenda", "agenda"}} {
		e.Register(&Command{Path: []Word{wConf, w}, Params: []Param{pForum}, Perm: bot.PermConference, Help: "help.conference_start", Run: e.confStart, Alias: i > 0})
	}
	e.Register(&Command{Path: []Word{wConf, {"avsluta", "end"}}, Params: []Param{pForumOptional}, Perm: bot.Permission{Name: "conference end", Roles: []bot.Role{bot.RoleChair, bot.RoleSecretary}}, Help: "help.conference_end", Run: e.confEnd})
	e.Register(&Command{
		Path:   []Word{wConf, {"protokoll", "minutes"}},
		Params: []Param{pForum, {Name: Word{"datum", "date"}, Meta: Word{"ÅÅÅÅ-MM-DD", "YYYY-MM-DD"}, Kind: KindText, Positional: true, Optional: true, Help: "param.date"}},
		Perm:   bot.PermMember, Help: "help.conference_minutes", Run: e.confMinutes,
	})
	e.Register(&Command{Path: []Word{{"närvarande", "present"}}, Params: []Param{pForumOptional, {Name: Word{"aktör", "actor"}, Meta: Word{"A", "A"}, Kind: KindActor, Positional: true, Optional: true, Help: "param.actor"}}, Perm: bot.PermMember, Help: "help.present", Run: e.confPresent})
	e.Register(&Command{Path: []Word{{"beslut", "decision"}}, Params: []Param{pText, pForumKeyed}, Perm: bot.PermMinutes, Help: "help.decision", Run: e.confDecision})
	e.Register(&Command{
		Path: []Word{{"åtgärd", "action"}},
		Params: []Param{pText,
			{Name: Word{"ansvarig", "owner"}, Meta: Word{"A", "A"}, Kind: KindActor, Help: "param.owner"},
			{Name: Word{"senast", "due"}, Meta: Word{"ÅÅÅÅ-MM-DD", "YYYY-MM-DD"}, Kind: KindText, Help: "param.due"},
			pForumKeyed},
		Perm: bot.PermMinutes, Help: "help.action", Run: e.confAction,
	})
	e.Register(&Command{Path: []Word{{"åtgärd", "action"}, {"klar", "done"}}, Params: []Param{{Name: Word{"nummer", "number"}, Meta: Word{"N", "N"}, Kind: KindText, Positional: true, Help: "param.number"}}, Perm: bot.PermMinutes, Help: "help.action_done", Run: e.confActionDone})
	e.Register(&Command{Path: []Word{{"nästa-möte", "next"}}, Params: []Param{pText, pForumKeyed}, Perm: bot.PermMinutes, Help: "help.next", Run: e.confNext})
}

func (e *Engine) confSchedule(_ context.Context, r *Request, a Args) (Reply, error) {
	var s *bot.Schedule
	if day := bot.Fold(a.Get("dag")); day != "av" && day != "off" {
		if a.Get("tid") == "" {
			return Reply{}, bot.Errorf(bot.EINVALID, "err.missing_arg", "Name", "tid").OnField("tid")
		}
		var err error
		if s, err = bot.ParseSchedule(a.Get("dag"), a.Get("tid"), a.Get("zon")); err != nil {
			return Reply{}, err
		}
	}
	if err := e.Bot.SetSchedule(r.Caller, a.Get("forum"), s); err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	if s == nil {
		return Reply{Message: bot.Message{Text: p.T("conference.schedule_off", "Forum", a.Get("forum"))}}, nil
	}
	next := s.Next(e.Bot.Clock.Now()).In(s.Location()).Format("2006-01-02 15:04")
	return Reply{Message: bot.Message{Text: p.T("conference.schedule_set", "Forum", a.Get("forum"), "Schedule", s.Describe(r.Lang), "Next", next)}}, nil
}

func (e *Engine) confStart(_ context.Context, r *Request, a Args) (Reply, error) {
	c, err := e.Bot.StartConference(r.Caller, a.Get("forum"))
	if err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	return Reply{Message: bot.Message{Text: p.T("conference.started", "Forum", c.Forum, "N", c.ID)}}, nil
}

func (e *Engine) confEnd(_ context.Context, r *Request, a Args) (Reply, error) {
	forum, err := e.forumFor(r, a, "konferens avsluta")
	if err != nil {
		return Reply{}, err
	}
	c, err := e.Bot.EndConference(r.Caller, forum)
	if err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	return Reply{Message: bot.Message{Text: p.T("conference.ended", "Forum", c.Forum, "N", c.ID, "Decisions", len(c.Decisions), "Actions", len(c.Actions))}}, nil
}

// confMinutes lists earlier conferences, or shows the minutes of the one
// held on a date.
func (e *Engine) confMinutes(_ context.Context, r *Request, a Args) (Reply, error) {
	p := catalog.Printer{Lang: r.Lang}
	var msg bot.Message
	err := e.Bot.View(func(tx bot.Tx) error {
		f, err := bot.GetForum(tx, a.Get("forum"))
		if err != nil {
			return err
		}
		if err := bot.Require(r.Caller, bot.PermMember, f); err != nil {
			return err
		}
		confs, err := bot.Conferences(tx, f.ID)
		if err != nil {
			return err
		}
		loc := bot.Stockholm()
		if f.Schedule != nil {
			loc = f.Schedule.Location()
		}
		date := a.Get("datum")
		if date == "" {
			var lines []string
			for _, c := range confs {
				if !c.EndedAt.IsZero() {
					lines = append(lines, p.T("conference.list_line", "Date", c.Scheduled.In(loc).Format("2006-01-02 15:04"), "N", c.ID, "Decisions", len(c.Decisions), "Actions", len(c.Actions)))
				}
			}
			msg = bot.Message{Title: p.T("conference.list_title", "Forum", f.Name), Text: orNone(strings.Join(lines, "\n"), p.T("conference.none"))}
			return nil
		}
		if _, err := time.Parse("2006-01-02", date); err != nil {
			return bot.Errorf(bot.EINVALID, "err.bad_date", "Value", date).OnField("datum")
		}
		for i := len(confs) - 1; i >= 0; i-- {
			if c := confs[i]; !c.EndedAt.IsZero() && c.Scheduled.In(loc).Format("2006-01-02") == date {
				msg, err = e.Bot.Minutes(tx, f, &c)
				return err
			}
		}
		return bot.Errorf(bot.ENOTFOUND, "err.no_minutes", "Date", date, "Forum", f.ID)
	})
	return Reply{Message: msg}, err
}

func (e *Engine) confPresent(_ context.Context, r *Request, a Args) (Reply, error) {
	forum, err := e.forumFor(r, a, "närvarande")
	if err != nil {
		return Reply{}, err
	}
	c, first, err := e.Bot.Present(r.Caller, forum, a.Get("aktor"))
	if err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	id := "conference.present_noted"
	if !first {
		id = "conference.present_already"
	}
	return Reply{Message: bot.Message{Text: p.T(id, "Actor", r.Caller.Member.Actor, "N", len(c.Attendance))}}, nil
}

func (e *Engine) minutesForum(r *Request, a Args) (string, error) {
	return e.forumFor(r, a, "beslut")
}

func (e *Engine) confDecision(_ context.Context, r *Request, a Args) (Reply, error) {
	forum, err := e.minutesForum(r, a)
	if err != nil {
		return Reply{}, err
	}
	c, err := e.Bot.Decide(r.Caller, forum, strings.Join(a["text"], " "))
	if err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	return Reply{Message: bot.Message{Text: p.T("conference.decision_noted", "N", len(c.Decisions))}}, nil
}

func (e *Engine) confAction(_ context.Context, r *Request, a Args) (Reply, error) {
	forum, err := e.minutesForum(r, a)
	if err != nil {
		return Reply{}, err
	}
	item, err := e.Bot.AddAction(r.Caller, forum, strings.Join(a["text"], " "), a.Get("ansvarig"), a.Get("senast"))
	if err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	return Reply{Message: bot.Message{Text: p.T("conference.action_noted", "N", item.Number, "Owner", item.Owner, "Due", item.Due)}}, nil
}

func (e *Engine) confActionDone(_ context.Context, r *Request, a Args) (Reply, error) {
	n, err := strconv.ParseUint(strings.TrimPrefix(a.Get("nummer"), "#"), 10, 64)
	if err != nil {
		return Reply{}, bot.Errorf(bot.EINVALID, "err.bad_number", "Value", a.Get("nummer")).OnField("nummer")
	}
	item, err := e.Bot.CloseAction(r.Caller, n)
	if err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	return Reply{Message: bot.Message{Text: p.T("conference.action_closed", "N", item.Number, "Text", item.Text)}}, nil
}

func (e *Engine) confNext(_ context.Context, r *Request, a Args) (Reply, error) {
	forum, err := e.minutesForum(r, a)
	if err != nil {
		return Reply{}, err
	}
	if _, err := e.Bot.SetNext(r.Caller, forum, strings.Join(a["text"], " ")); err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	return Reply{Message: bot.Message{Text: p.T("conference.next_noted")}}, nil
}

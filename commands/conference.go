package commands

import (
	"context"
	"strconv"
	"strings"

	"samverkan/bot"
	"samverkan/catalog"
)

var (
	wConf       = Word{"konferens", "conference"}
	pForumKeyed = Param{Name: Word{"forum", "forum"}, Meta: Word{"F", "F"}, Kind: KindForum, Optional: true, Help: "param.forum"}
	pText       = Param{Name: Word{"text", "text"}, Meta: Word{"text", "text"}, Kind: KindText, Positional: true, Variadic: true, Help: "param.text"}
)

// conferenceCommands runs the conference: its schedule, meetings, minutes,
// decisions and actions.
type conferenceCommands struct{ *Engine }

func (e *Engine) registerConference() {
	c := conferenceCommands{e}
	var formChoices []bot.Option
	for _, f := range bot.Forms {
		formChoices = append(formChoices, bot.Option{Label: "form." + f, Value: f})
	}
	e.Register(&Command{
		Path: []Word{wConf, {"schema", "schedule"}},
		Params: []Param{pForum,
			{Name: Word{"dag", "day"}, Meta: Word{"torsdag", "thursday"}, Kind: KindText, Positional: true, Help: "param.day"},
			{Name: Word{"tid", "time"}, Meta: Word{"16:00", "16:00"}, Kind: KindText, Positional: true, Optional: true, Help: "param.clock"},
			{Name: Word{"zon", "zone"}, Meta: Word{"Europe/Stockholm", "Europe/Stockholm"}, Kind: KindText, Positional: true, Optional: true, Help: "param.zone"},
			{Name: Word{"form", "form"}, Meta: Word{"video", "video"}, Kind: KindChoice, Choices: formChoices, Optional: true, Help: "param.form"},
			{Name: Word{"anslut", "join"}, Meta: Word{`"länk, kod"`, `"link, code"`}, Kind: KindText, Optional: true, Help: "param.join"}},
		Perm: bot.PermConference, Help: "help.conference_schedule", Run: c.confSchedule,
	})
	convene := []Param{pForum,
		{Name: Word{"ordförande", "chair"}, Meta: Word{"@person", "@person"}, Kind: KindUser, Optional: true, Help: "param.chair"},
		{Name: Word{"sekreterare", "secretary"}, Meta: Word{"@person", "@person"}, Kind: KindUser, Optional: true, Help: "param.secretary"},
		{Name: Word{"form", "form"}, Meta: Word{"video", "video"}, Kind: KindChoice, Choices: formChoices, Optional: true, Help: "param.form"},
		{Name: Word{"anslut", "join"}, Meta: Word{`"länk, kod"`, `"link, code"`}, Kind: KindText, Optional: true, Help: "param.join"},
		{Name: Word{"syfte", "purpose"}, Meta: Word{"åtgärder,budskap", "actions,messages"}, Kind: KindText, Optional: true, Help: "param.purpose"},
	}
	for i, w := range []Word{{"starta", "start"}, {"agenda", "agenda"}} {
		e.Register(&Command{Path: []Word{wConf, w}, Params: convene, Perm: bot.PermConference, Help: "help.conference_start", Run: c.confStart, Alias: i > 0})
	}
	// The minutes are kept by the meeting's chair and secretary, whom the
	// convening actor appoints: the bot checks that, per meeting.
	e.Register(&Command{Path: []Word{wConf, {"avsluta", "end"}}, Params: []Param{pForumOptional}, Perm: bot.PermMember, Help: "help.conference_end", Run: c.confEnd})
	e.Register(&Command{Path: []Word{{"sammanfattning", "summary"}}, Params: []Param{pText, pForumKeyed}, Perm: bot.PermMember, Help: "help.summary", Run: c.confSummary})
	e.Register(&Command{Path: []Word{{"beslut-i-stort", "direction"}}, Params: []Param{pText, pForumKeyed}, Perm: bot.PermMember, Help: "help.direction", Run: c.confDirection})
	e.Register(&Command{
		Path:   []Word{wConf, {"protokoll", "minutes"}},
		Params: []Param{pForum, {Name: Word{"datum", "date"}, Meta: Word{"ÅÅÅÅ-MM-DD|#N", "YYYY-MM-DD|#N"}, Kind: KindText, Positional: true, Optional: true, Help: "param.date"}, pFormat},
		Perm:   bot.PermMember, Help: "help.conference_minutes", Run: c.confMinutes,
	})
	e.Register(&Command{Path: []Word{{"närvarande", "present"}}, Params: []Param{pForumOptional, {Name: Word{"aktör", "actor"}, Meta: Word{"A", "A"}, Kind: KindActor, Positional: true, Optional: true, Help: "param.actor"}}, Perm: bot.PermMember, Help: "help.present", Run: c.confPresent, Action: bot.ActPresent})
	e.Register(&Command{Path: []Word{{"beslut", "decision"}}, Params: []Param{pText, pForumKeyed}, Perm: bot.PermMember, Help: "help.decision", Run: c.confDecision})
	e.Register(&Command{
		Path: []Word{{"åtgärd", "action"}},
		Params: []Param{pText,
			{Name: Word{"ansvarig", "owner"}, Meta: Word{"A", "A"}, Kind: KindActor, Help: "param.owner"},
			{Name: Word{"senast", "due"}, Meta: Word{"ÅÅÅÅ-MM-DD", "YYYY-MM-DD"}, Kind: KindText, Help: "param.due"},
			pForumKeyed},
		Perm: bot.PermMember, Help: "help.action", Run: c.confAction,
	})
	e.Register(&Command{Path: []Word{{"åtgärd", "action"}, {"klar", "done"}}, Params: []Param{{Name: Word{"nummer", "number"}, Meta: Word{"N", "N"}, Kind: KindText, Positional: true, Help: "param.number"}}, Perm: bot.PermMinutes, Help: "help.action_done", Run: c.confActionDone})
	e.Register(&Command{Path: []Word{{"nästa-möte", "next"}}, Params: []Param{pText,
		{Name: Word{"tid", "time"}, Meta: Word{`"ÅÅÅÅ-MM-DD HH:MM"`, `"YYYY-MM-DD HH:MM"`}, Kind: KindText, Optional: true, Help: "param.next_time"},
		{Name: Word{"form", "form"}, Meta: Word{"video", "video"}, Kind: KindChoice, Choices: formChoices, Optional: true, Help: "param.form"},
		{Name: Word{"anslut", "join"}, Meta: Word{`"länk, kod"`, `"link, code"`}, Kind: KindText, Optional: true, Help: "param.join"},
		{Name: Word{"syfte", "purpose"}, Meta: Word{"lägesbild", "picture"}, Kind: KindText, Optional: true, Help: "param.purpose"},
		pForumKeyed}, Perm: bot.PermMember, Help: "help.next", Run: c.confNext})
}

func (e conferenceCommands) confSchedule(ctx context.Context, r *Request, a Args) (Reply, error) {
	var s *bot.Schedule
	if day := bot.Fold(a.Get("dag")); day != "av" && day != "off" {
		if a.Get("tid") == "" {
			return Reply{}, bot.Errorf(bot.EINVALID, "err.missing_arg", "Name", "tid").OnField("tid")
		}
		var err error
		if s, err = bot.ParseSchedule(a.Get("dag"), a.Get("tid"), a.Get("zon")); err != nil {
			return Reply{}, err
		}
		s.Form, s.Join = a.Get("form"), bot.CleanLine(a.Get("anslut"))
	}
	if err := e.Bot.Conferences.SetSchedule(ctx, r.Caller, a.Get("forum"), s); err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	if s == nil {
		return Reply{Message: bot.Message{Text: p.T("conference.schedule_off", "Forum", a.Get("forum"))}}, nil
	}
	next := s.Next(e.Bot.Clock.Now()).In(s.Location()).Format("2006-01-02 15:04")
	return Reply{Message: bot.Message{Text: p.T("conference.schedule_set", "Forum", a.Get("forum"), "Schedule", s.Describe(r.Lang), "Next", next)}}, nil
}

func (e conferenceCommands) confStart(ctx context.Context, r *Request, a Args) (Reply, error) {
	cv := bot.Convening{Form: a.Get("form"), Join: a.Get("anslut")}
	if a.Has("syfte") {
		purposes, bad := bot.ParsePurposes(a.Get("syfte"))
		if bad != "" {
			return Reply{}, bot.Errorf(bot.EINVALID, "err.bad_purpose", "Value", bad).OnField("syfte")
		}
		cv.Purposes = purposes
	}
	for _, role := range []struct {
		key string
		to  **bot.Identity
	}{{"ordforande", &cv.Chair}, {"sekreterare", &cv.Secretary}} {
		if a.Has(role.key) { // bound as identity|username, as for `medlem lägg-till`
			key, username, _ := strings.Cut(a.Get(role.key), "|")
			id, err := bot.ParseIdentity(key)
			if err != nil {
				return Reply{}, fieldOf(err, role.key)
			}
			id.Username = username
			*role.to = &id
		}
	}
	c, err := e.Bot.Conferences.Convene(ctx, r.Caller, a.Get("forum"), cv)
	if err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	roles := p.T("conference.roles", "Chair", orNone(c.ChairName, "–"), "Secretary", orNone(c.SecretaryName, "–"))
	return Reply{Message: bot.Message{Text: p.T("conference.started", "Forum", c.Forum, "N", c.ID, "Roles", roles)}}, nil
}

func (e conferenceCommands) confSummary(ctx context.Context, r *Request, a Args) (Reply, error) {
	forum, err := e.minutesForum(r, a)
	if err != nil {
		return Reply{}, err
	}
	c, err := e.Bot.Conferences.Summarize(ctx, r.Caller, forum, strings.Join(a["text"], " "))
	if err != nil {
		return Reply{}, err
	}
	return Reply{Message: bot.Message{Text: catalog.Printer{Lang: r.Lang}.T("conference.summarized", "N", c.ID)}}, nil
}

func (e conferenceCommands) confDirection(ctx context.Context, r *Request, a Args) (Reply, error) {
	forum, err := e.minutesForum(r, a)
	if err != nil {
		return Reply{}, err
	}
	c, err := e.Bot.Conferences.Direct(ctx, r.Caller, forum, strings.Join(a["text"], " "))
	if err != nil {
		return Reply{}, err
	}
	return Reply{Message: bot.Message{Text: catalog.Printer{Lang: r.Lang}.T("conference.directed", "N", c.ID)}}, nil
}

func (e conferenceCommands) confEnd(ctx context.Context, r *Request, a Args) (Reply, error) {
	forum, err := e.forumFor(r, a, "konferens avsluta")
	if err != nil {
		return Reply{}, err
	}
	c, err := e.Bot.Conferences.End(ctx, r.Caller, forum)
	if err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	return Reply{Message: bot.Message{Text: p.T("conference.ended", "Forum", c.Forum, "N", c.ID, "Decisions", p.Count("decisions", c.DecisionCount()), "Actions", p.Count("actions", c.ActionCount()))}}, nil
}

// confMinutes lists earlier conferences, or shows the minutes of the one
// held on a date.
func (e conferenceCommands) confMinutes(ctx context.Context, r *Request, a Args) (Reply, error) {
	p := catalog.Printer{Lang: r.Lang}
	if date := a.Get("datum"); date != "" && a.Get("format") == "pdf" {
		name, list, err := e.Bot.Conferences.MinutesPDF(ctx, r.Caller, a.Get("forum"), date)
		if err != nil || list != nil {
			return Reply{Message: deref(list)}, err
		}
		return Reply{Message: bot.Message{Text: p.T("conference.minutes_sent", "File", name)}}, nil
	}
	if date := a.Get("datum"); date != "" {
		m, err := e.Bot.Conferences.Minutes(r.Caller, a.Get("forum"), date)
		return Reply{Message: m}, err
	}
	list, loc, err := e.Bot.Conferences.ListMinutes(r.Caller, a.Get("forum"))
	if err != nil {
		return Reply{}, err
	}
	f, _, err := e.Bot.Registry.Forum(a.Get("forum"))
	if err != nil {
		return Reply{}, err
	}
	var lines []string
	for _, c := range list {
		lines = append(lines, p.T("conference.list_line", "Date", c.When.In(loc).Format("2006-01-02 15:04"), "N", c.Number, "Decisions", p.Count("decisions", c.Decisions), "Actions", p.Count("actions", c.Actions)))
	}
	return Reply{Message: bot.Message{Title: p.T("conference.list_title", "Forum", f.Name), Text: orNone(strings.Join(lines, "\n"), p.T("conference.none"))}}, nil
}

func (e conferenceCommands) confPresent(ctx context.Context, r *Request, a Args) (Reply, error) {
	forum, err := e.forumFor(r, a, "närvarande")
	if err != nil {
		return Reply{}, err
	}
	c, first, err := e.Bot.Conferences.Present(ctx, r.Caller, forum, a.Get("aktor"))
	if err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	id := "conference.present_noted"
	if !first {
		id = "conference.present_already"
	}
	actor := ""
	if r.Caller.Member != nil {
		actor = r.Caller.Member.Actor
	}
	return Reply{Message: bot.Message{Text: p.T(id, "Actor", actor, "N", len(c.Attendance), "Count", len(c.Attendance))}}, nil
}

func (e conferenceCommands) minutesForum(r *Request, a Args) (string, error) {
	return e.forumFor(r, a, "beslut")
}

func (e conferenceCommands) confDecision(ctx context.Context, r *Request, a Args) (Reply, error) {
	forum, err := e.minutesForum(r, a)
	if err != nil {
		return Reply{}, err
	}
	c, err := e.Bot.Conferences.Decide(ctx, r.Caller, forum, strings.Join(a["text"], " "))
	if err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	return Reply{Message: bot.Message{Text: p.T("conference.decision_noted", "N", c.DecisionCount())}}, nil
}

func (e conferenceCommands) confAction(ctx context.Context, r *Request, a Args) (Reply, error) {
	forum, err := e.minutesForum(r, a)
	if err != nil {
		return Reply{}, err
	}
	item, err := e.Bot.Conferences.AddAction(ctx, r.Caller, forum, strings.Join(a["text"], " "), a.Get("ansvarig"), a.Get("senast"))
	if err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	return Reply{Message: bot.Message{Text: p.T("conference.action_noted", "N", item.Number, "Owner", item.Owner, "Due", item.Due)}}, nil
}

func (e conferenceCommands) confActionDone(ctx context.Context, r *Request, a Args) (Reply, error) {
	n, err := strconv.ParseUint(strings.TrimPrefix(a.Get("nummer"), "#"), 10, 64)
	if err != nil {
		return Reply{}, bot.Errorf(bot.EINVALID, "err.bad_number", "Value", a.Get("nummer")).OnField("nummer")
	}
	item, err := e.Bot.Conferences.CloseAction(ctx, r.Caller, n)
	if err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	return Reply{Message: bot.Message{Text: p.T("conference.action_closed", "N", item.Number, "Text", item.Text)}}, nil
}

func (e conferenceCommands) confNext(ctx context.Context, r *Request, a Args) (Reply, error) {
	forum, err := e.minutesForum(r, a)
	if err != nil {
		return Reply{}, err
	}
	var plan *bot.PlannedMeeting
	if a.Has("tid") {
		now, loc := e.Bot.Clock.Now(), bot.Stockholm()
		at, ok := bot.ParseWhen(a.Get("tid"), now, loc)
		if !ok {
			return Reply{}, bot.Errorf(bot.EINVALID, "err.bad_next_time", "Value", a.Get("tid"), "Example", bot.WhenExample(now, loc, "09:00")).OnField("tid")
		}
		plan = &bot.PlannedMeeting{At: at, Form: a.Get("form"), Join: a.Get("anslut")}
		if a.Has("syfte") {
			purposes, bad := bot.ParsePurposes(a.Get("syfte"))
			if bad != "" {
				return Reply{}, bot.Errorf(bot.EINVALID, "err.bad_purpose", "Value", bad).OnField("syfte")
			}
			plan.Purposes = purposes
		}
	}
	booked, err := e.Bot.Conferences.SetNext(ctx, r.Caller, forum, strings.Join(a["text"], " "), plan)
	if err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	if booked != nil {
		text := p.T("conference.next_booked", "When", booked.At.In(bot.Stockholm()).Format("2006-01-02 15:04"))
		if len(booked.Replaces) > 0 {
			var times []string
			for _, t := range booked.Replaces {
				times = append(times, t.In(bot.Stockholm()).Format("2006-01-02 15:04"))
			}
			text += " " + p.T("conference.next_booked_replaces", "Times", strings.Join(times, ", "))
		}
		return Reply{Message: bot.Message{Text: text}}, nil
	}
	return Reply{Message: bot.Message{Text: p.T("conference.next_noted")}}, nil
}

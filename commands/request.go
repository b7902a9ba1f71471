package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"samverkan/bot"
	"samverkan/catalog"
)

var wRequest = Word{"begäran", "request"}

// requestCommands runs information requests and their answers.
type requestCommands struct{ *Engine }

func (e *Engine) registerRequests() {
	c := requestCommands{e}
	text := Param{Name: Word{"text", "text"}, Meta: Word{"text", "text"}, Kind: KindText, Positional: true, Variadic: true, Help: "param.request_text"}
	e.Register(&Command{
		Path: []Word{wRequest, {"ny", "new"}},
		Params: []Param{pForum, text,
			{Name: Word{"till", "to"}, Meta: Word{"A,B|alla", "A,B|all"}, Kind: KindText, Optional: true, Help: "param.request_to"},
			{Name: Word{"senast", "by"}, Meta: Word{"17:00", "17:00"}, Kind: KindText, Optional: true, Help: "param.request_by"}},
		Perm: bot.PermMember, Help: "help.request_new", Form: true, Run: c.requestNew,
	})
	answer := text
	answer.Optional = true // the button opens a form
	e.Register(&Command{
		Path: []Word{wRequest, {"svara", "answer"}},
		Params: []Param{pNumber, answer, {Name: Word{"tlp", "tlp"}, Meta: Word{"GREEN", "GREEN"}, Kind: KindChoice, Choices: tlpChoices(), Optional: true, Default: "GREEN", Help: "param.answer_tlp", Parse: parseTLP},
			{Name: Word{"delas", "shared"}, Meta: Word{"delas|intern", "shared|internal"}, Kind: KindChoice, Choices: shareChoices, Optional: true, Default: "delas", Help: "param.answer_share"}},
		Perm: bot.PermMember, Help: "help.request_answer", Form: true, Run: c.requestAnswer, Action: bot.ActAnswerRequest,
	})
	e.Register(&Command{Path: []Word{wRequest, {"visa", "show"}}, Params: []Param{pNumber}, Perm: bot.PermMember, Help: "help.request_show", Run: c.requestShow})
	e.Register(&Command{Path: []Word{wRequest, {"lista", "list"}}, Params: []Param{pForum}, Perm: bot.PermMember, Help: "help.request_list", Run: c.requestList})
}

func (e requestCommands) requestNew(ctx context.Context, r *Request, a Args) (Reply, error) {
	var asked []string
	if v := strings.TrimSpace(a.Get("till")); v != "" && !everyone(v) {
		for _, id := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
			asked = append(asked, strings.ToLower(id))
		}
	}
	due, err := e.requestDue(a.Get("senast"))
	if err != nil {
		return Reply{}, err
	}
	req, err := e.Bot.Requests.Ask(ctx, r.Caller, a.Get("forum"), strings.Join(a["text"], " "), asked, due)
	if err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	return Reply{Message: bot.Message{Text: p.T("request.asked", "N", req.Number, "Orgs", p.Count("actors", len(req.Asked)), "Due", req.Due.In(bot.Stockholm()).Format("15:04"))}}, nil
}

// requestDue reads the deadline as a release-by time is read; none is
// the default.
func (e requestCommands) requestDue(v string) (time.Time, error) {
	if strings.TrimSpace(v) == "" {
		return time.Time{}, nil
	}
	return e.parseWhen(v)
}

// firstLine is the first line of s, at most n characters: a text in a
// list.
func firstLine(s string, n int) string {
	s, _, _ = strings.Cut(s, "\n")
	return bot.Shorten(s, n)
}

func (e requestCommands) requestAnswer(ctx context.Context, r *Request, a Args) (Reply, error) {
	n, err := number(a)
	if err != nil {
		return Reply{}, err
	}
	text := strings.Join(a["text"], " ")
	if strings.TrimSpace(text) == "" && r.CanOpenForms {
		// The button: a form with the question's number filled in.
		f := e.FormFor("begäran svara", r.Lang, map[string]string{"nummer": a.Get("nummer")})
		for i := range f.Fields {
			if f.Fields[i].Name == "text" {
				f.Fields[i].Type, f.Fields[i].MaxLen = bot.FieldTextarea, MaxText
			}
		}
		return Reply{Form: f}, nil
	}
	tlp, _ := bot.ParseTLP(a.Get("tlp"))
	req, err := e.Bot.Requests.Answer(ctx, r.Caller, n, text, tlp, a.Get("delas") == "intern")
	if err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	return Reply{Message: bot.Message{Text: p.T("request.answered", "N", n, "Done", !req.Open(), "Left", p.Count("actors", len(req.Missing())))}}, nil
}

func (e requestCommands) requestShow(_ context.Context, r *Request, a Args) (Reply, error) {
	n, err := number(a)
	if err != nil {
		return Reply{}, err
	}
	m, err := e.Bot.Requests.Show(r.Caller, n)
	return Reply{Message: m}, err
}

func (e requestCommands) requestList(_ context.Context, r *Request, a Args) (Reply, error) {
	list, err := e.Bot.Requests.List(r.Caller, a.Get("forum"))
	if err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	if len(list) == 0 {
		return Reply{Message: bot.Message{Text: p.T("request.none", "Forum", a.Get("forum"))}}, nil
	}
	var lines []string
	for _, l := range list {
		state := p.T("request.list_answered")
		switch {
		case l.Overdue:
			state = p.T("request.list_overdue", "Due", l.Due)
		case l.Open:
			state = p.T("request.list_open", "Due", l.Due)
		}
		line := fmt.Sprintf("#%d %s · %d/%d · %s — %s", l.Number, l.Asker, l.Answered, l.Of, state, firstLine(l.Text, 80))
		if l.AskedOfYou {
			line += " " + p.T("request.list_yours", "N", l.Number)
		}
		lines = append(lines, line)
	}
	return Reply{Message: bot.Message{Title: p.T("request.list_title", "Forum", a.Get("forum")), Text: strings.Join(lines, "\n")}}, nil
}

package commands

import (
	"cmp"
	"context"
	"strconv"
	"strings"

	"samverkan/bot"
	"samverkan/catalog"
)

// afterActionCommands runs the after-action report and exercise notes.
type afterActionCommands struct{ *Engine }

func (e *Engine) registerAfterAction() {
	c := afterActionCommands{e}
	e.Register(&Command{
		Path:   []Word{{"aktivering", "activation"}, {"rapport", "report"}},
		Params: []Param{pForum, {Name: Word{"nummer", "number"}, Meta: Word{"#N", "#N"}, Kind: KindText, Optional: true, Help: "param.activation"}, pFormat},
		Perm:   bot.PermMember, Help: "help.activation_report", Run: c.afterAction,
	})
	e.Register(&Command{
		Path:   []Word{{"övning", "exercise"}, {"notering", "note"}},
		Params: []Param{pForum, {Name: Word{"text", "text"}, Meta: Word{"text", "text"}, Kind: KindText, Positional: true, Variadic: true, Help: "param.note_text"}},
		Perm:   bot.PermExerciseNote, Help: "help.exercise_note", Run: c.exerciseNote,
	})
}

// afterAction sends the after-action report as a file (Markdown, or PDF
// with `pdf`).
func (e afterActionCommands) afterAction(ctx context.Context, r *Request, a Args) (Reply, error) {
	var n uint64
	if v := strings.TrimPrefix(a.Get("nummer"), "#"); v != "" {
		var err error
		if n, err = strconv.ParseUint(v, 10, 64); err != nil {
			return Reply{}, bot.Errorf(bot.EINVALID, "err.bad_number", "Value", a.Get("nummer")).OnField("nummer")
		}
	}
	name, err := e.Bot.Activations.SendAfterAction(ctx, r.Caller, a.Get("forum"), n, cmp.Or(a.Get("format"), "md"))
	if err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	return Reply{Message: bot.Message{Text: p.T("aar.sent", "File", name)}}, nil
}

func (e afterActionCommands) exerciseNote(ctx context.Context, r *Request, a Args) (Reply, error) {
	act, err := e.Bot.Activations.Note(ctx, r.Caller, a.Get("forum"), strings.Join(a["text"], " "))
	if err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	last := act.Notes[len(act.Notes)-1]
	return Reply{Message: bot.Message{Text: p.T("aar.noted", "N", act.ID, "Time", last.At.In(bot.Stockholm()).Format("15:04"), "Forum", act.Forum)}}, nil
}

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
	wStatement = Word{"budskap", "statement"}
	pNumber    = Param{Name: Word{"nummer", "number"}, Meta: Word{"N", "N"}, Kind: KindText, Positional: true, Help: "param.statement"}
	pRev       = Param{Name: Word{"rev", "rev"}, Meta: Word{"R", "R"}, Kind: KindText, Optional: true, Help: "param.rev"}
)

var audienceChoices = []bot.Option{
	{Label: "audience.public", Value: "public"}, {Label: "audience.media", Value: "media"},
	{Label: "audience.customers", Value: "customers"}, {Label: "audience.staff", Value: "staff"},
}

// statementFields are the draft form's fields; optional ones keep the
// current value when editing.
func statementFields(edit bool) []Param {
	fields := []Param{
		{Name: Word{"text", "text"}, Meta: Word{`"text"`, `"text"`}, Kind: KindLong, Optional: edit, Help: "param.statement_text"},
		{Name: Word{"målgrupp", "audience"}, Meta: Word{"allmänhet", "public"}, Kind: KindChoice, Choices: audienceChoices, Default: map[bool]string{false: "public"}[edit], Optional: edit, Help: "param.audience", Parse: parseAudience},
		{Name: Word{"kanaler", "channels"}, Meta: Word{"alla", "all"}, Kind: KindText, Optional: true, Help: "param.targets"},
		{Name: Word{"tlp", "tlp"}, Meta: Word{"CLEAR", "CLEAR"}, Kind: KindChoice, Choices: tlpChoices(), Default: map[bool]string{false: "CLEAR"}[edit], Optional: edit, Help: "param.tlp", Parse: parseTLP},
		{Name: Word{"senast", "by"}, Meta: Word{"16:30", "16:30"}, Kind: KindText, Optional: true, Help: "param.release_by"},
		{Name: Word{"område", "area"}, Meta: Word{`"område"`, `"area"`}, Kind: KindText, Optional: true, Help: "param.area"},
		{Name: Word{"engelska", "english"}, Meta: Word{`"text"`, `"text"`}, Kind: KindLong, Optional: true, Help: "param.text_en"},
		{Name: Word{"norska", "norwegian"}, Meta: Word{`"tekst"`, `"tekst"`}, Kind: KindLong, Optional: true, Help: "param.text_nb"},
	}
	if !edit {
		fields = append(fields, Param{Name: Word{"ersätter", "replaces"}, Meta: Word{"N", "N"}, Kind: KindText, Optional: true, Help: "param.replaces"})
	}
	return fields
}

// translationFields are the form fields that hold the text in another
// language, by the language they hold.
var translationFields = map[string]string{"engelska": "en", "norska": "nb"}

// statementCommands runs coordinated statements: drafting, approving,
// releasing, withdrawing, CAP.
type statementCommands struct{ *Engine }

func (e *Engine) registerStatements() {
	c := statementCommands{e}
	e.Register(&Command{Path: []Word{wStatement, {"utkast", "draft"}}, Params: append([]Param{pForum}, statementFields(false)...), Perm: bot.PermStatement, Help: "help.statement_draft", Form: true, Run: c.stmtDraft})
	e.Register(&Command{Path: []Word{wStatement, {"visa", "show"}}, Params: []Param{pNumber}, Perm: bot.PermMember, Help: "help.statement_show", Run: c.stmtShow})
	e.Register(&Command{Path: []Word{wStatement, {"lista", "list"}}, Params: []Param{pForum}, Perm: bot.PermMember, Help: "help.statement_list", Run: c.stmtList})
	e.Register(&Command{Path: []Word{wStatement, {"godkänn", "approve"}}, Params: []Param{pNumber, pRev}, Perm: bot.PermMember, Help: "help.statement_approve", Run: c.stmtApprove, Action: bot.ActApprove})
	e.Register(&Command{
		Path:   []Word{wStatement, {"avslå", "reject"}},
		Params: []Param{pNumber, pRev, {Name: Word{"motivering", "reason"}, Meta: Word{"motivering", "reason"}, Kind: KindText, Positional: true, Variadic: true, Optional: true, Help: "param.reject_reason"}},
		Perm:   bot.PermMember, Help: "help.statement_reject", Form: true, Run: c.stmtReject, Action: bot.ActReject,
	})
	e.Register(&Command{Path: []Word{wStatement, {"ändra", "edit"}}, Params: append([]Param{pNumber}, statementFields(true)...), Perm: bot.PermStatement, Help: "help.statement_edit", Form: true, Run: c.stmtEdit})
	e.Register(&Command{Path: []Word{wStatement, {"publicera", "release"}}, Params: []Param{pNumber}, Perm: bot.PermStatement, Help: "help.statement_release", Run: c.stmtRelease, Action: bot.ActRelease})
	e.Register(&Command{Path: []Word{wStatement, {"återkalla", "withdraw"}}, Params: []Param{pNumber}, Perm: bot.PermStatement, Help: "help.statement_withdraw", Run: c.stmtWithdraw})
	e.Register(&Command{Path: []Word{wStatement, {"cap", "cap"}}, Params: []Param{pNumber}, Perm: bot.PermMember, Help: "help.statement_cap", Run: c.stmtCAP})
}

func number(a Args) (uint64, error) {
	n, err := strconv.ParseUint(strings.TrimPrefix(a.Get("nummer"), "#"), 10, 64)
	if err != nil {
		return 0, bot.Errorf(bot.EINVALID, "err.bad_number", "Value", a.Get("nummer")).OnField("nummer")
	}
	return n, nil
}

func revision(a Args) (int, error) {
	if a.Get("rev") == "" {
		return 0, nil
	}
	r, err := strconv.Atoi(a.Get("rev"))
	if err != nil || r < 1 {
		return 0, bot.Errorf(bot.EINVALID, "err.bad_number", "Value", a.Get("rev")).OnField("rev")
	}
	return r, nil
}

// draftFrom reads the form fields of a draft or an edit.
func (e statementCommands) draftFrom(f *bot.Forum, a Args) (bot.Draft, error) {
	d := bot.Draft{Text: a.Get("text")}
	if v := a.Get("malgrupp"); v != "" {
		d.Audience = bot.Audience(v)
	}
	if v := a.Get("tlp"); v != "" {
		d.TLP, _ = bot.ParseTLP(v)
	}
	if v := strings.TrimSpace(a.Get("kanaler")); v != "" && !everyone(v) {
		for _, name := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
			name = strings.TrimPrefix(name, "#")
			found := false
			for _, c := range f.Channels {
				if strings.EqualFold(strings.TrimPrefix(c.Name, "#"), name) || c.ID == name || c.Key() == name {
					d.Targets, found = append(d.Targets, c), true
					break
				}
			}
			if !found {
				return d, bot.Errorf(bot.EINVALID, "err.not_forum_channel", "Channel", name, "Forum", f.ID).OnField("kanaler")
			}
		}
	}
	if v := strings.TrimSpace(a.Get("senast")); v != "" {
		t, err := e.parseWhen(v)
		if err != nil {
			return d, err
		}
		d.ReleaseBy = t
	}
	d.Area = a.Get("omrade")
	for field, lang := range translationFields {
		if a.Has(bot.Fold(field)) {
			if d.Translations == nil {
				d.Translations = map[string]string{}
			}
			d.Translations[lang] = a.Get(bot.Fold(field))
		}
	}
	if v := strings.TrimPrefix(strings.TrimSpace(a.Get("ersatter")), "#"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return d, bot.Errorf(bot.EINVALID, "err.bad_number", "Value", v).OnField("ersatter")
		}
		d.Replaces = n
	}
	return d, nil
}

// parseWhen reads a release-by time as bot.ParseWhen does ("16:30" today,
// "i morgon 09:00", a date and time), local time; a time that has passed
// is refused with the time it is now.
func (e *Engine) parseWhen(v string) (time.Time, error) {
	loc := bot.Stockholm()
	now := e.Bot.Clock.Now().In(loc)
	at, ok := bot.ParseWhen(v, now, loc)
	if !ok {
		return time.Time{}, bot.Errorf(bot.EINVALID, "err.bad_when", "Value", v, "Example", bot.WhenExample(now, loc, "09:00")).OnField("senast")
	}
	if !at.After(now) {
		return time.Time{}, bot.Errorf(bot.EINVALID, "err.when_past", "Value", v, "Now", now.Format("15:04"), "Example", bot.WhenExample(now, loc, "09:00")).OnField("senast")
	}
	return at, nil
}

func (e statementCommands) stmtDraft(ctx context.Context, r *Request, a Args) (Reply, error) {
	f, _, err := e.Bot.Registry.Forum(a.Get("forum"))
	if err != nil {
		return Reply{}, err
	}
	d, err := e.draftFrom(f, a)
	if err != nil {
		return Reply{}, err
	}
	s, err := e.Bot.Statements.Draft(ctx, r.Caller, f.ID, d)
	if err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	var names []string
	for _, ap := range s.Approvers {
		names = append(names, ap.Name)
	}
	return Reply{Message: bot.Message{Text: p.T("statement.drafted", "N", s.Number, "Approvers", strings.Join(names, ", "), "K", len(names))}}, nil
}

func (e statementCommands) stmtShow(_ context.Context, r *Request, a Args) (Reply, error) {
	n, err := number(a)
	if err != nil {
		return Reply{}, err
	}
	m, err := e.Bot.Statements.Show(r.Caller, n)
	return Reply{Message: m}, err
}

func (e statementCommands) stmtList(_ context.Context, r *Request, a Args) (Reply, error) {
	p := catalog.Printer{Lang: r.Lang}
	list, err := e.Bot.Statements.List(r.Caller, a.Get("forum"))
	if err != nil {
		return Reply{}, err
	}
	var lines []string
	for _, s := range list {
		lines = append(lines, p.T("statement.list_line", "N", s.Number, "State", p.T("statement.state."+s.State), "Approved", s.Approved, "Of", s.Required, "Text", firstLine(s.Text, 60)))
	}
	return Reply{Message: bot.Message{Title: p.T("statement.list_title"), Text: orNone(strings.Join(lines, "\n"), p.T("statement.none"))}}, nil
}

func (e statementCommands) stmtApprove(ctx context.Context, r *Request, a Args) (Reply, error) {
	n, err := number(a)
	if err != nil {
		return Reply{}, err
	}
	rev, err := revision(a)
	if err != nil {
		return Reply{}, err
	}
	s, t, err := e.Bot.Statements.Approve(ctx, r.Caller, n, rev)
	if err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	if !t.AlreadyAt.IsZero() && len(t.Missing) == 0 {
		return Reply{Message: bot.Message{Text: p.T("statement.already_approved_all", "N", n, "Rev", s.Current().N, "Time", e.Bot.LocalTime(t.AlreadyAt))}}, nil
	}
	if !t.AlreadyAt.IsZero() {
		return Reply{Message: bot.Message{Text: p.T("statement.already_approved", "N", n, "Rev", s.Current().N, "Time", e.Bot.LocalTime(t.AlreadyAt), "Count", len(t.Missing))}}, nil
	}
	if len(t.Missing) == 0 {
		return Reply{Message: bot.Message{Text: p.T("statement.approved_all", "N", n, "Rev", s.Current().N)}}, nil
	}
	return Reply{Message: bot.Message{Text: p.T("statement.approved", "N", n, "Rev", s.Current().N, "Missing", len(t.Missing))}}, nil
}

func (e statementCommands) stmtReject(ctx context.Context, r *Request, a Args) (Reply, error) {
	n, err := number(a)
	if err != nil {
		return Reply{}, err
	}
	rev, err := revision(a)
	if err != nil {
		return Reply{}, err
	}
	reason := strings.Join(a["motivering"], " ")
	if strings.TrimSpace(reason) == "" && r.CanOpenForms {
		f := e.FormFor("budskap avslå", r.Lang, map[string]string{"nummer": a.Get("nummer"), "rev": a.Get("rev")})
		f.Fields = []bot.FormField{{Name: "motivering", Label: catalog.T(r.Lang, "statement.reason_label"), Help: catalog.T(r.Lang, "param.reject_reason"), Type: bot.FieldTextarea, MaxLen: 3000}}
		return Reply{Form: f}, nil
	}
	if _, _, err := e.Bot.Statements.Reject(ctx, r.Caller, n, rev, reason); err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	return Reply{Message: bot.Message{Text: p.T("statement.rejected", "N", n)}}, nil
}

func (e statementCommands) stmtEdit(ctx context.Context, r *Request, a Args) (Reply, error) {
	n, err := number(a)
	if err != nil {
		return Reply{}, err
	}
	cur, err := e.Bot.Statements.Current(r.Caller, n)
	if err != nil {
		return Reply{}, err
	}
	changes := false
	for _, k := range []string{"text", "malgrupp", "kanaler", "tlp", "senast", "omrade", "engelska", "norska"} {
		changes = changes || a.Has(k)
	}
	if !changes {
		if !r.CanOpenForms {
			return Reply{}, bot.Errorf(bot.EINVALID, "err.no_change", "N", n)
		}
		form := e.FormFor("budskap ändra", r.Lang, map[string]string{"nummer": a.Get("nummer")})
		defaults := map[string]string{"text": cur.Text, "malgrupp": string(cur.Audience), "tlp": string(cur.TLP), "omrade": cur.Area, "engelska": cur.Translations["en"], "norska": cur.Translations["nb"]}
		for i := range form.Fields {
			if v, ok := defaults[form.Fields[i].Name]; ok {
				form.Fields[i].Default = v
			}
		}
		return Reply{Form: form}, nil
	}
	s, _, err := e.statementForum(n)
	if err != nil {
		return Reply{}, err
	}
	d, err := e.draftFrom(s, a)
	if err != nil {
		return Reply{}, err
	}
	st, err := e.Bot.Statements.Edit(ctx, r.Caller, n, d)
	if err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	return Reply{Message: bot.Message{Text: p.T("statement.edited", "N", n, "Rev", st.Current().N, "Count", len(st.Approvers))}}, nil
}

// statementForum is the forum a statement belongs to, for resolving
// target channel names.
func (e statementCommands) statementForum(n uint64) (*bot.Forum, map[string]string, error) {
	var forum string
	if err := e.Bot.View(func(tx bot.Tx) error {
		s, err := bot.GetStatement(tx, n)
		if err == nil {
			forum = s.Forum
		}
		return err
	}); err != nil {
		return nil, nil, err
	}
	return e.Bot.Registry.Forum(forum)
}

func (e statementCommands) stmtRelease(ctx context.Context, r *Request, a Args) (Reply, error) {
	n, err := number(a)
	if err != nil {
		return Reply{}, err
	}
	s, err := e.Bot.Statements.Release(ctx, r.Caller, n)
	if err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	return Reply{Message: bot.Message{Text: p.T("statement.released", "N", n, "Rev", s.Current().N, "Channels", len(s.Current().Targets), "Count", len(s.Current().Targets))}}, nil
}

func (e statementCommands) stmtWithdraw(ctx context.Context, r *Request, a Args) (Reply, error) {
	n, err := number(a)
	if err != nil {
		return Reply{}, err
	}
	if _, err := e.Bot.Statements.Withdraw(ctx, r.Caller, n); err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	return Reply{Message: bot.Message{Text: p.T("statement.withdrawn", "N", n)}}, nil
}

// stmtCAP sends a released statement's CAP 1.2 alert as a file.
func (e statementCommands) stmtCAP(ctx context.Context, r *Request, a Args) (Reply, error) {
	n, err := number(a)
	if err != nil {
		return Reply{}, err
	}
	name, err := e.Bot.Statements.SendCAP(ctx, r.Caller, n)
	if err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	return Reply{Message: bot.Message{Text: p.T("statement.cap_sent", "File", name)}}, nil
}

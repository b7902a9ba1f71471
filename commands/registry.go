package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"samverkan/bot"
	"samverkan/catalog"
)

var (
	wForum  = Word{"forum", "forum"}
	wActor  = Word{"aktör", "actor"}
	wMember = Word{"medlem", "member"}

	pForum    = Param{Name: Word{"forum", "forum"}, Meta: Word{"F", "F"}, Kind: KindForum, Positional: true, Help: "param.forum"}
	pConfirm  = Param{Name: Word{"bekräfta", "confirm"}, Kind: KindFlag}
	pActorArg = Param{Name: Word{"aktör", "actor"}, Meta: Word{"A", "A"}, Kind: KindActor, Positional: true, Help: "param.actor"}
)

// registryCommands runs the registry's commands: forums, actors, members,
// their channels and languages.
type registryCommands struct{ *Engine }

func (e *Engine) registerRegistry() {
	c := registryCommands{e}
	e.Register(&Command{Path: []Word{wForum, {"lista", "list"}}, Perm: bot.PermAnyone, Help: "help.forum_list", Run: c.forumList})
	e.Register(&Command{Path: []Word{wForum, {"visa", "show"}}, Params: []Param{pForum}, Perm: bot.PermAnyone, Help: "help.forum_show", Run: c.forumShow, Action: bot.ActShowForum})
	e.Register(&Command{
		Path: []Word{wForum, {"skapa", "create"}},
		Params: []Param{
			{Name: Word{"id", "id"}, Meta: Word{"F", "F"}, Kind: KindHandle, Positional: true, Help: "param.new_handle"},
			{Name: Word{"namn", "name"}, Meta: Word{`"Namn"`, `"Name"`}, Kind: KindText, Positional: true, Help: "param.name"},
			{Name: Word{"nivå", "level"}, Meta: Word{"samordnande", "coordinating"}, Kind: KindLevel, Help: "param.level"},
			{Name: Word{"värd", "host"}, Meta: Word{"A", "A"}, Kind: KindHandle, Optional: true, Help: "param.host"},
		},
		Perm: bot.PermAdmin, Help: "help.forum_create", Form: true, Run: c.forumCreate,
	})
	e.Register(&Command{Path: []Word{wForum, {"överordnat", "parent"}}, Params: []Param{pForum, {Name: Word{"överordnat", "parent"}, Meta: Word{"P|-", "P|-"}, Kind: KindText, Positional: true, Help: "param.parent"}}, Perm: bot.PermAdmin, Help: "help.forum_parent", Run: c.forumParent})
	e.Register(&Command{Path: []Word{wForum, {"språk", "language"}}, Params: []Param{pForum, {Name: Word{"språk", "language"}, Meta: Word{"sv|en|nb|-", "sv|en|nb|-"}, Kind: KindText, Positional: true, Help: "param.language"}}, Perm: bot.PermAdmin, Help: "help.forum_language", Run: c.forumLanguage})
	e.Register(&Command{Path: []Word{wForum, {"kanal", "channel"}}, Params: []Param{pForum, {Name: Word{"kommunikatörer", "communicators"}, Kind: KindFlag}}, Perm: bot.PermAdmin, Help: "help.forum_channel", Run: c.forumChannel})
	e.Register(&Command{
		Path:   []Word{wForum, {"anslut", "join"}},
		Params: []Param{pForum, {Name: Word{"aktör", "actor"}, Meta: Word{"A", "A"}, Kind: KindActor, Positional: true, Variadic: true, Help: "param.actor"}},
		Perm:   bot.PermAdmin, Help: "help.forum_join", Run: c.forumJoin,
	})
	e.Register(&Command{Path: []Word{wForum, {"lämna", "leave"}}, Params: []Param{pForum, pActorArg, pConfirm}, Perm: bot.PermAdmin, Help: "help.forum_leave", Run: c.forumLeave, Action: bot.ActLeaveForum})
	e.Register(&Command{
		Path: []Word{wActor, {"lägg-till", "add"}},
		Params: []Param{
			{Name: Word{"id", "id"}, Meta: Word{"A", "A"}, Kind: KindHandle, Positional: true, Help: "param.new_handle"},
			{Name: Word{"namn", "name"}, Meta: Word{`"Namn"`, `"Name"`}, Kind: KindText, Positional: true, Help: "param.name"},
		},
		Perm: bot.PermAdmin, Help: "help.actor_add", Form: true, Run: c.actorAdd,
	})
	e.Register(&Command{Path: []Word{wActor, {"lista", "list"}}, Perm: bot.PermAnyone, Help: "help.actor_list", Run: c.actorList})
	e.Register(&Command{
		Path: []Word{wActor, {"kontakt", "contact"}},
		Params: []Param{pActorArg,
			{Name: Word{"telefon", "phone"}, Meta: Word{"nummer", "number"}, Kind: KindText, Optional: true, Help: "param.contact_phone"},
			{Name: Word{"rakel", "rakel"}, Meta: Word{"talgrupp", "talk-group"}, Kind: KindText, Optional: true, Help: "param.contact_rakel"},
			{Name: Word{"epost", "email"}, Meta: Word{"adress", "address"}, Kind: KindText, Optional: true, Help: "param.contact_email"},
			{Name: Word{"alternativ", "other"}, Meta: Word{"text", "text"}, Kind: KindText, Optional: true, Help: "param.contact_other"},
		},
		Perm: bot.PermMember, Help: "help.actor_contact", Run: c.actorContact,
	})
	e.Register(&Command{Path: []Word{wForum, {"kontakter", "contacts"}}, Params: []Param{pForum}, Perm: bot.PermMember, Help: "help.forum_contacts", Run: c.forumContacts})
	e.Register(&Command{
		Path: []Word{wMember, {"lägg-till", "add"}},
		Params: []Param{
			{Name: Word{"användare", "user"}, Meta: Word{"@användare", "@user"}, Kind: KindUser, Positional: true, Help: "param.user"},
			{Name: Word{"aktör", "actor"}, Meta: Word{"A", "A"}, Kind: KindActor, Help: "param.actor"},
			{Name: Word{"roll", "role"}, Meta: Word{"kommunikatör,medlem", "communicator,member"}, Kind: KindRoles, Help: "param.roles"},
			{Name: Word{"namn", "name"}, Meta: Word{`"Namn"`, `"Name"`}, Kind: KindText, Optional: true, Help: "param.member_name"},
			{Name: Word{"id", "id"}, Meta: Word{"M", "M"}, Kind: KindHandle, Optional: true, Help: "param.member_id"},
		},
		Perm: bot.PermAdmin, Help: "help.member_add", Form: true, Run: c.memberAdd,
	})
	e.Register(&Command{
		Path:   []Word{wMember, {"ta-bort", "remove"}},
		Params: []Param{{Name: Word{"medlem", "member"}, Meta: Word{"M", "M"}, Kind: KindMember, Positional: true, Help: "param.member"}, pConfirm},
		Perm:   bot.PermAdmin, Help: "help.member_remove", Run: c.memberRemove, Action: bot.ActRemoveMember,
	})
	e.Register(&Command{
		Path:   []Word{wMember, {"lista", "list"}},
		Params: []Param{{Name: Word{"aktör", "actor"}, Meta: Word{"A", "A"}, Kind: KindActor, Optional: true, Help: "param.actor"}},
		Perm:   bot.PermMember, Help: "help.member_list", Run: c.memberList,
	})
}

func (e registryCommands) forumList(_ context.Context, r *Request, _ Args) (Reply, error) {
	p := catalog.Printer{Lang: r.Lang}
	forums, err := e.Bot.Registry.Forums()
	if err != nil {
		return Reply{}, err
	}
	if len(forums) == 0 {
		return Reply{Message: bot.Message{Text: p.T("forum.none", "Root", e.Root)}}, nil
	}
	var lines []string
	for _, f := range forums {
		lines = append(lines, p.T("forum.line", "ID", f.ID, "Name", f.Name, "Level", f.Level.Word(r.Lang),
			"Mode", p.T("mode."+string(f.Mode)), "Actors", p.Count("actors", len(f.Actors)), "Channels", p.Count("channels", len(f.Channels))))
	}
	return Reply{Message: bot.Message{Title: p.T("forum.list_title"), Text: strings.Join(lines, "\n")}}, nil
}

func (e registryCommands) forumShow(_ context.Context, r *Request, a Args) (Reply, error) {
	p := catalog.Printer{Lang: r.Lang}
	f, actors, err := e.Bot.Registry.Forum(a.Get("forum"))
	if err != nil {
		return Reply{}, err
	}
	var al []string
	for _, id := range f.Actors {
		s := fmt.Sprintf("%s (%s)", actors[id], id)
		if id == f.Host {
			s += " — " + p.T("forum.host")
		}
		al = append(al, s)
	}
	var cl []string
	for _, c := range f.Channels {
		cl = append(cl, fmt.Sprintf("%s: %s", c.Platform, c.Display()))
	}
	none := p.T("forum.none_short")
	msg := bot.Message{
		Title: fmt.Sprintf("%s (%s)", f.Name, f.ID),
		Fields: []bot.Field{
			{Title: p.T("field.level"), Value: f.Level.Word(r.Lang), Short: true},
			{Title: p.T("field.mode"), Value: p.T("mode." + string(f.Mode)), Short: true},
			{Title: p.T("field.actors"), Value: orNone(strings.Join(al, "\n"), none)},
			{Title: p.T("field.channels"), Value: orNone(strings.Join(cl, "\n"), none)},
		},
	}
	conf := p.T("forum.no_schedule")
	if f.Schedule != nil {
		conf = f.Schedule.Describe(r.Lang)
	}
	if next, loc, err := e.Bot.Conferences.Next(f.ID); err == nil && next != nil {
		id := "forum.next_conference"
		if next.Booked != nil {
			id = "forum.next_booked"
		}
		conf += " · " + p.T(id, "When", next.At.In(loc).Format("2006-01-02 15:04"))
	}
	msg.Fields = append(msg.Fields, bot.Field{Title: p.T("field.conference"), Value: conf})
	if f.Parent != "" {
		msg.Fields = append(msg.Fields, bot.Field{Title: p.T("field.parent"), Value: f.Parent, Short: true})
	}
	if f.Lang != "" {
		msg.Fields = append(msg.Fields, bot.Field{Title: p.T("field.language"), Value: p.T("language." + f.Lang), Short: true})
	}
	return Reply{Message: msg}, nil
}

func orNone(s, none string) string {
	if s == "" {
		return none
	}
	return s
}

func (e registryCommands) forumCreate(ctx context.Context, r *Request, a Args) (Reply, error) {
	f := bot.Forum{ID: a.Get("id"), Name: a.Get("namn"), Level: bot.Level(a.Get("niva")), Host: a.Get("vard")}
	if err := e.Bot.Registry.CreateForum(ctx, r.Caller, f); err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	text := p.T("forum.created", "ID", f.ID, "Name", bot.CleanLine(f.Name), "Level", f.Level.Word(r.Lang), "Root", e.Root)
	if f.Host != "" && e.exists(KindActor, f.Host) != nil {
		text += "\n" + p.T("forum.host_unknown", "Actor", f.Host, "ID", f.ID, "Root", e.Root)
	}
	return Reply{Message: bot.Message{Text: text}}, nil
}

func (e registryCommands) forumChannel(ctx context.Context, r *Request, a Args) (Reply, error) {
	if r.Channel.ID == "" {
		return Reply{}, bot.Errorf(bot.EINVALID, "err.no_channel")
	}
	p := catalog.Printer{Lang: r.Lang}
	if a.Has("kommunikatorer") {
		if err := e.Bot.Registry.BindCommsChannel(ctx, r.Caller, a.Get("forum"), r.Channel); err != nil {
			return Reply{}, err
		}
		return Reply{Message: bot.Message{Text: p.T("forum.comms_bound", "Forum", a.Get("forum"))}}, nil
	}
	if err := e.Bot.Registry.BindChannel(ctx, r.Caller, a.Get("forum"), r.Channel); err != nil {
		return Reply{}, err
	}
	return Reply{Message: bot.Message{Text: p.T("forum.channel_bound", "Forum", a.Get("forum"), "Root", e.Root)}}, nil
}

func (e registryCommands) forumJoin(ctx context.Context, r *Request, a Args) (Reply, error) {
	added, err := e.Bot.Registry.JoinForum(ctx, r.Caller, a.Get("forum"), a["aktor"])
	if err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	return Reply{Message: bot.Message{Text: p.T("forum.joined", "Forum", a.Get("forum"), "Actors", strings.Join(added, ", "))}}, nil
}

// confirm asks before a change that cannot be undone: the answer carries
// a button (in the terminal, the command to type) that performs the same
// action confirmed.
func (e registryCommands) confirm(r *Request, a Args, question, label string, act bot.Action) (Reply, bool, error) {
	if a.Has("bekrafta") {
		return Reply{}, true, nil
	}
	if err := bot.Require(r.Caller, bot.PermAdmin, nil); err != nil {
		return Reply{}, false, err
	}
	act.Confirm = true
	return Reply{Message: bot.Message{Text: question, Buttons: []bot.Button{{Label: label, Action: act, Style: "danger", Personal: true}}}}, false, nil
}

func (e registryCommands) forumLeave(ctx context.Context, r *Request, a Args) (Reply, error) {
	p := catalog.Printer{Lang: r.Lang}
	act := bot.Action{Kind: bot.ActLeaveForum, Forum: a.Get("forum"), Actor: a.Get("aktor")}
	if reply, ok, err := e.confirm(r, a, p.T("forum.leave_confirm", "Forum", a.Get("forum"), "Actor", a.Get("aktor")), p.T("button.remove"), act); !ok {
		return reply, err
	}
	if err := e.Bot.Registry.LeaveForum(ctx, r.Caller, a.Get("forum"), a.Get("aktor")); err != nil {
		return Reply{}, err
	}
	return Reply{Message: bot.Message{Text: p.T("forum.left", "Forum", a.Get("forum"), "Actor", a.Get("aktor"))}}, nil
}

func (e registryCommands) actorAdd(ctx context.Context, r *Request, a Args) (Reply, error) {
	act := bot.Actor{ID: a.Get("id"), Name: a.Get("namn")}
	if err := e.Bot.Registry.AddActor(ctx, r.Caller, act); err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	return Reply{Message: bot.Message{Text: p.T("actor.added", "ID", act.ID, "Name", bot.CleanLine(act.Name), "Root", e.Root)}}, nil
}

func (e registryCommands) actorList(_ context.Context, r *Request, _ Args) (Reply, error) {
	p := catalog.Printer{Lang: r.Lang}
	actors, hidden, err := e.Bot.Registry.ActorsFor(r.Caller)
	if err != nil {
		return Reply{}, err
	}
	if len(actors) == 0 {
		return Reply{Message: bot.Message{Text: p.T("actor.none", "Root", e.Root)}}, nil
	}
	var lines []string
	for _, act := range actors {
		line := fmt.Sprintf("`%s` %s", act.ID, act.Name)
		if c := act.Contact.Line(r.Lang); c != "" {
			line += " — " + c
		}
		lines = append(lines, line)
	}
	if hidden > 0 {
		lines = append(lines, p.T("actor.contacts_hidden", "Count", hidden))
	}
	return Reply{Message: bot.Message{Title: p.T("actor.list_title"), Text: strings.Join(lines, "\n")}}, nil
}

// actorContact sets the parts of an actor's 24/7 contact that are given
// (`-` clears one) and shows the whole.
func (e registryCommands) actorContact(ctx context.Context, r *Request, a Args) (Reply, error) {
	parts := map[string]string{}
	for _, k := range bot.ContactFields {
		if a.Has(k) {
			v := a.Get(k)
			if v == "-" || v == "–" {
				v = ""
			}
			parts[k] = v
		}
	}
	p := catalog.Printer{Lang: r.Lang}
	if len(parts) == 0 {
		return Reply{}, bot.Errorf(bot.EINVALID, "err.contact_nothing")
	}
	act, err := e.Bot.Registry.SetContact(ctx, r.Caller, a.Get("aktor"), parts)
	if err != nil {
		return Reply{}, err
	}
	line := act.Contact.Line(r.Lang)
	if line == "" {
		line = "–"
	}
	return Reply{Message: bot.Message{Text: p.T("actor.contact_saved", "Name", act.Name, "Actor", act.ID, "Line", line)}}, nil
}

// forumContacts lists how each of the forum's actors is reached without
// chat.
func (e registryCommands) forumContacts(_ context.Context, r *Request, a Args) (Reply, error) {
	m, err := e.Bot.Registry.Contacts(r.Caller, a.Get("forum"), r.Lang)
	return Reply{Message: m}, err
}

func (e registryCommands) memberAdd(ctx context.Context, r *Request, a Args) (Reply, error) {
	key, username, _ := strings.Cut(a.Get("anvandare"), "|")
	ident, err := bot.ParseIdentity(key)
	if err != nil {
		return Reply{}, err
	}
	ident.Username = username
	add, remove, _ := bot.ParseRoleChange(a.Get("roll"))
	m, before, created, err := e.Bot.Registry.ChangeMember(ctx, r.Caller, bot.Member{ID: a.Get("id"), Name: a.Get("namn"), Actor: a.Get("aktor"), Roles: add}, ident, remove...)
	if err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	who := ident.String()
	if m.Name != ident.Username {
		who = m.Name + ", " + who
	}
	if created {
		return Reply{Message: bot.Message{Text: p.T("member.added", "ID", m.ID, "Who", who, "Actor", m.Actor, "Roles", roleWords(m.Roles, r.Lang))}}, nil
	}
	var added, removed []bot.Role
	for _, x := range m.Roles {
		if !slices.Contains(before, x) {
			added = append(added, x)
		}
	}
	for _, x := range before {
		if !slices.Contains(m.Roles, x) {
			removed = append(removed, x)
		}
	}
	return Reply{Message: bot.Message{Text: p.T("member.updated", "ID", m.ID, "Who", who, "Actor", m.Actor, "Roles", roleWords(m.Roles, r.Lang),
		"Added", orNone(roleWords(added, r.Lang), "–"), "Removed", orNone(roleWords(removed, r.Lang), "–"))}}, nil
}

func (e registryCommands) memberRemove(ctx context.Context, r *Request, a Args) (Reply, error) {
	p := catalog.Printer{Lang: r.Lang}
	act := bot.Action{Kind: bot.ActRemoveMember, Member: a.Get("medlem")}
	if reply, ok, err := e.confirm(r, a, p.T("member.remove_confirm", "Member", a.Get("medlem")), p.T("button.remove"), act); !ok {
		return reply, err
	}
	m, err := e.Bot.Registry.RemoveMember(ctx, r.Caller, a.Get("medlem"))
	if err != nil {
		return Reply{}, err
	}
	return Reply{Message: bot.Message{Text: p.T("member.removed", "ID", m.ID, "Name", m.Name, "Actor", m.Actor)}}, nil
}

func (e registryCommands) memberList(_ context.Context, r *Request, a Args) (Reply, error) {
	p := catalog.Printer{Lang: r.Lang}
	members, err := e.Bot.Registry.Members(r.Caller, a.Get("aktor"))
	if err != nil {
		return Reply{}, err
	}
	var lines []string
	for _, m := range members {
		var ids []string
		for _, i := range m.Identities {
			ids = append(ids, i.String())
		}
		line := fmt.Sprintf("`%s` %s · %s · %s", m.ID, m.Name, m.Actor, roleWords(m.Roles, r.Lang))
		if len(ids) > 0 {
			line += " · " + strings.Join(ids, ", ")
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		return Reply{Message: bot.Message{Text: p.T("member.none")}}, nil
	}
	return Reply{Message: bot.Message{Title: p.T("member.list_title"), Text: strings.Join(lines, "\n")}}, nil
}

func roleWords(roles []bot.Role, lang string) string {
	w := make([]string, len(roles))
	for i, r := range roles {
		w[i] = r.Word(lang)
	}
	return strings.Join(w, ", ")
}

// forumParent links a forum under another, or unlinks it with "-".
func (e registryCommands) forumParent(ctx context.Context, r *Request, a Args) (Reply, error) {
	parent := strings.ToLower(strings.TrimSpace(a.Get("overordnat")))
	if parent == "-" {
		parent = ""
	}
	f, err := e.Bot.Registry.SetParent(ctx, r.Caller, a.Get("forum"), parent)
	if err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	if f.Parent == "" {
		return Reply{Message: bot.Message{Text: p.T("rollup.unset", "Forum", f.ID)}}, nil
	}
	return Reply{Message: bot.Message{Text: p.T("rollup.set", "Forum", f.ID, "Parent", f.Parent)}}, nil
}

package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"samverkan/catalog"
)

// Registry is the service for forums, actors and members.
type Registry struct{ *core }

// GetActor returns actor id or an ENOTFOUND error naming it.
func GetActor(tx Tx, id string) (*Actor, error) {
	var a Actor
	if err := tx.Get(BucketActors, id, &a); errors.Is(err, ErrNotFound) {
		return nil, Errorf(ENOTFOUND, "err.unknown_actor", "Actor", id)
	} else if err != nil {
		return nil, err
	}
	return &a, nil
}

// ListActors returns all actors ordered by handle.
func ListActors(tx Tx) ([]Actor, error) { return listAll[Actor](tx, BucketActors) }

// GetMember returns member id (retired ones too) or an ENOTFOUND error
// naming it.
func GetMember(tx Tx, id string) (*Member, error) {
	var m Member
	if err := tx.Get(BucketMembers, id, &m); errors.Is(err, ErrNotFound) {
		return nil, Errorf(ENOTFOUND, "err.unknown_member", "Member", id)
	} else if err != nil {
		return nil, err
	}
	return &m, nil
}

// MemberByIdentity returns the member an identity maps to, or ErrNotFound.
func MemberByIdentity(tx Tx, id Identity) (*Member, error) {
	var mid string
	if err := tx.Get(BucketIdentities, id.Key(), &mid); err != nil {
		return nil, err
	}
	var m Member
	if err := tx.Get(BucketMembers, mid, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// ListMembers returns the active members ordered by actor, then handle.
func ListMembers(tx Tx) ([]Member, error) {
	ms, err := listAll[Member](tx, BucketMembers)
	ms = slices.DeleteFunc(ms, func(m Member) bool { return m.Retired })
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].Actor < ms[j].Actor })
	return ms, err
}

// GetForum returns forum id or an ENOTFOUND error naming it.
func GetForum(tx Tx, id string) (*Forum, error) {
	var f Forum
	if err := tx.Get(BucketForums, id, &f); errors.Is(err, ErrNotFound) {
		return nil, Errorf(ENOTFOUND, "err.unknown_forum", "Forum", id)
	} else if err != nil {
		return nil, err
	}
	return &f, nil
}

// ListForums returns all forums ordered by handle.
func ListForums(tx Tx) ([]Forum, error) { return listAll[Forum](tx, BucketForums) }

// ForumsOfChannel returns the IDs of the forums a channel is bound to.
func ForumsOfChannel(tx Tx, c Channel) ([]string, error) {
	var ids []string
	if err := tx.Get(BucketChannels, c.Key(), &ids); err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	return ids, nil
}

func listAll[T any](tx Tx, bucket string) ([]T, error) {
	var out []T
	err := tx.ForEach(bucket, "", func(_ string, decode func(any) error) error {
		var v T
		if err := decode(&v); err != nil {
			return err
		}
		out = append(out, v)
		return nil
	})
	return out, err
}

// CreateForum registers a new forum. The host actor, when it is already
// registered, becomes the forum's first actor.
func (r *Registry) CreateForum(ctx context.Context, c Caller, f Forum) error {
	f.ID = strings.ToLower(f.ID)
	if !ValidHandle(f.ID) {
		return Errorf(EINVALID, "err.bad_handle", "Value", f.ID).OnField("id")
	}
	f.Name = CleanLine(f.Name)
	if f.Name == "" {
		return Errorf(EINVALID, "err.name_required").OnField("namn")
	}
	if f.Level == "" {
		return Errorf(EINVALID, "err.level_required").OnField("niva")
	}
	return r.Update(ctx, c, func(ch *Change) error {
		if err := Require(ch.Caller, PermAdmin, nil); err != nil {
			return err
		}
		if _, err := GetForum(ch, f.ID); err == nil {
			return Errorf(ECONFLICT, "err.forum_exists", "Forum", f.ID).OnField("id")
		}
		// The host may be registered after the forum; it takes part once
		// it is joined (forum anslut).
		f.Actors = nil
		if f.Host != "" {
			if !ValidHandle(f.Host) {
				return Errorf(EINVALID, "err.bad_handle", "Value", f.Host).OnField("vard")
			}
			if _, err := GetActor(ch, f.Host); err == nil {
				f.Actors = []string{f.Host}
			}
		}
		f.Mode, f.CreatedAt, f.Channels = ModeNormal, ch.Now, nil
		if f.Level == LevelCoordinating && f.Schedule == nil {
			f.Schedule = DefaultSchedule()
		}
		if err := ch.Put(BucketForums, f.ID, f); err != nil {
			return err
		}
		if err := armSchedule(ch, &f, ch.Now); err != nil {
			return err
		}
		return ch.Audit("forum.create", f.ID, map[string]string{"name": f.Name, "level": string(f.Level), "host": f.Host}, "")
	})
}

// indexChannel records that chn belongs to forum (once, however it was
// bound), so commands typed there can leave the forum out.
func indexChannel(tx Tx, chn Channel, forum string) error {
	ids, err := ForumsOfChannel(tx, chn)
	if err != nil || slices.Contains(ids, forum) {
		return err
	}
	return tx.Put(BucketChannels, chn.Key(), append(ids, forum))
}

// canPost checks, before a channel is bound, that the bot may post there:
// a forum whose channel the bot cannot write to would lose every message
// to it. It asks the platform outside any transaction.
func (r *Registry) canPost(ctx context.Context, c Caller, chn Channel) error {
	if !c.System() {
		now, err := r.Caller(c.Identity)
		if err != nil {
			return err
		}
		if err := Require(now, PermAdmin, nil); err != nil {
			return err // nobody learns about a channel they may not bind
		}
	}
	dir := r.Directories[chn.Platform]
	if dir == nil {
		return nil
	}
	err := dir.CanPost(ctx, chn.ID)
	var nic *NotInChannelError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &nic):
		return Errorf(EFORBIDDEN, "err.bot_not_in_channel", "Channel", chn.Display(), "Invite", nic.Invite)
	}
	return Errorf(EFORBIDDEN, "err.channel_check_failed", "Channel", chn.Display(), "Reason", err.Error())
}

// BindCommsChannel makes a channel the forum's communicators' channel,
// where statement threads live instead of the forum's channels.
func (r *Registry) BindCommsChannel(ctx context.Context, c Caller, forumID string, chn Channel) error {
	if err := r.canPost(ctx, c, chn); err != nil {
		return err
	}
	return r.Update(ctx, c, func(ch *Change) error {
		if err := Require(ch.Caller, PermAdmin, nil); err != nil {
			return err
		}
		f, err := GetForum(ch, forumID)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(f.CommsChannels, func(x Channel) bool { return x.Key() == chn.Key() }) {
			return Errorf(ECONFLICT, "err.channel_bound", "Forum", f.ID)
		}
		f.CommsChannels = append(f.CommsChannels, chn)
		if err := ch.Put(BucketForums, f.ID, f); err != nil {
			return err
		}
		if err := indexChannel(ch, chn, f.ID); err != nil {
			return err
		}
		return ch.Audit("forum.comms_channel", f.ID, map[string]string{"channel": chn.Key()}, "")
	})
}

// BindChannel binds a chat channel to a forum and tells the forum's other
// channels about it. The bot must be able to post there.
func (r *Registry) BindChannel(ctx context.Context, c Caller, forumID string, chn Channel) error {
	if err := r.canPost(ctx, c, chn); err != nil {
		return err
	}
	return r.Update(ctx, c, func(ch *Change) error {
		if err := Require(ch.Caller, PermAdmin, nil); err != nil {
			return err
		}
		f, err := GetForum(ch, forumID)
		if err != nil {
			return err
		}
		if f.HasChannel(chn) {
			return Errorf(ECONFLICT, "err.channel_bound", "Forum", f.ID)
		}
		others := slices.Clone(f.Channels)
		f.Channels = append(f.Channels, chn)
		if err := ch.Put(BucketForums, f.ID, f); err != nil {
			return err
		}
		if err := indexChannel(ch, chn, f.ID); err != nil {
			return err
		}
		if err := ch.Audit("forum.channel", f.ID, map[string]string{"channel": chn.Key()}, ""); err != nil {
			return err
		}
		key := "forum.channel:" + f.ID + ":" + chn.Key() + ":" + strconv.FormatInt(ch.Now.UnixNano(), 36)
		welcome := Message{
			Title:  r.T("announce.welcome_title", "Forum", f.Name, "ID", f.ID),
			Text:   r.T("announce.welcome", "Forum", f.ID, "By", ch.Caller.Name()),
			Colour: "#1F6FB2",
			Buttons: []Button{
				{Label: r.T("button.show_forum"), Action: Action{Kind: ActShowForum, Forum: f.ID}, Style: "primary"},
				{Label: r.T("button.help"), Action: Action{Kind: ActHelp}},
			},
		}
		if err := ch.toChannels([]Channel{chn}, key+":welcome", notice(f.ID), welcome); err != nil {
			return err
		}
		msg := Message{Text: r.T("announce.channel_bound", "Forum", f.Name, "Channel", chn.Display(), "Platform", string(chn.Platform), "By", ch.Caller.Name())}
		return ch.toChannels(others, key, notice(f.ID), msg)
	})
}

// JoinForum makes actors members of a forum and announces it there.
func (r *Registry) JoinForum(ctx context.Context, c Caller, forumID string, actors []string) ([]string, error) {
	var added []string
	err := r.Update(ctx, c, func(ch *Change) error {
		added = nil
		if err := Require(ch.Caller, PermAdmin, nil); err != nil {
			return err
		}
		f, err := GetForum(ch, forumID)
		if err != nil {
			return err
		}
		var names []string
		for _, a := range actors {
			act, err := GetActor(ch, a)
			if err != nil {
				return err
			}
			if !f.HasActor(a) && !slices.Contains(added, a) {
				added = append(added, a)
				names = append(names, act.Name)
			}
		}
		if len(added) == 0 {
			return Errorf(ECONFLICT, "err.already_joined", "Forum", f.ID)
		}
		f.Actors = append(f.Actors, added...)
		if err := ch.Put(BucketForums, f.ID, f); err != nil {
			return err
		}
		if err := ch.Audit("forum.join", f.ID, map[string]string{"actors": strings.Join(added, ",")}, ""); err != nil {
			return err
		}
		msg := Message{Text: r.T("announce.actors_joined", "Forum", f.Name, "Actors", strings.Join(names, ", "))}
		return ch.toChannels(f.Channels, "forum.join:"+f.ID+":"+strings.Join(added, ",")+":"+strconv.FormatInt(ch.Now.UnixNano(), 36), notice(f.ID), msg)
	})
	return added, err
}

// LeaveForum removes an actor from a forum. The host actor cannot leave.
// The actor's communicators stop being approvers of the forum's open
// statements: they no longer take part.
func (r *Registry) LeaveForum(ctx context.Context, c Caller, forumID, actor string) error {
	return r.Update(ctx, c, func(ch *Change) error {
		if err := Require(ch.Caller, PermAdmin, nil); err != nil {
			return err
		}
		f, err := GetForum(ch, forumID)
		if err != nil {
			return err
		}
		if !f.HasActor(actor) {
			return Errorf(ENOTFOUND, "err.actor_not_in_forum", "Actor", actor, "Forum", f.ID)
		}
		if actor == f.Host {
			return Errorf(ECONFLICT, "err.host_cannot_leave", "Actor", actor, "Forum", f.ID)
		}
		f.Actors = slices.DeleteFunc(f.Actors, func(a string) bool { return a == actor })
		if err := ch.Put(BucketForums, f.ID, f); err != nil {
			return err
		}
		if err := ch.Audit("forum.leave", f.ID, map[string]string{"actor": actor}, ""); err != nil {
			return err
		}
		return noteLostApprovers(ch, func(s *Statement) bool { return s.Forum == f.ID })
	})
}

// AddActor registers an organisation.
func (r *Registry) AddActor(ctx context.Context, c Caller, a Actor) error {
	a.ID = strings.ToLower(a.ID)
	if !ValidHandle(a.ID) {
		return Errorf(EINVALID, "err.bad_handle", "Value", a.ID).OnField("id")
	}
	a.Name = CleanLine(a.Name)
	if a.Name == "" {
		return Errorf(EINVALID, "err.name_required").OnField("namn")
	}
	return r.Update(ctx, c, func(ch *Change) error {
		if err := Require(ch.Caller, PermAdmin, nil); err != nil {
			return err
		}
		if _, err := GetActor(ch, a.ID); err == nil {
			return Errorf(ECONFLICT, "err.actor_exists", "Actor", a.ID).OnField("id")
		}
		a.CreatedAt = ch.Now
		if err := ch.Put(BucketActors, a.ID, a); err != nil {
			return err
		}
		return ch.Audit("actor.add", a.ID, map[string]string{"name": a.Name}, "")
	})
}

// Contacts is the forum's contact list: each actor's 24/7 contact, for
// when chat is not enough; for the forum's members.
func (r *Registry) Contacts(c Caller, forumID, lang string) (Message, error) {
	var m Message
	err := r.View(func(tx Tx) error {
		_, f, err := r.readForum(tx, c, forumID)
		if err != nil {
			return err
		}
		m = Message{Title: catalog.T(lang, "forum.contacts_title", "Forum", f.Name), Text: catalog.T(lang, "forum.contacts_text", "Forum", f.ID) + "\n" + contactList(tx, f.Actors, lang, "")}
		return nil
	})
	return m, err
}

// contactList is one line per actor with its contact, each starting with
// prefix.
func contactList(tx Tx, actors []string, lang, prefix string) string {
	var lines []string
	for _, id := range actors {
		a, err := GetActor(tx, id)
		if err != nil {
			continue
		}
		c := a.Contact.Line(lang)
		if c == "" {
			c = catalog.T(lang, "contact.none", "Actor", a.ID)
		}
		lines = append(lines, fmt.Sprintf("%s%s: %s", prefix, a.Name, c))
	}
	return strings.Join(lines, "\n")
}

// SetContact changes the given parts of an actor's contact (key as in
// ContactFields; "" clears a part). An admin may, and so may the actor's
// own members: each organisation keeps its own numbers current.
func (r *Registry) SetContact(ctx context.Context, c Caller, actorID string, parts map[string]string) (*Actor, error) {
	var out *Actor
	err := r.Update(ctx, c, func(ch *Change) error {
		a, err := GetActor(ch, actorID)
		if err != nil {
			return err
		}
		if !ch.Caller.Admin && (ch.Caller.Member == nil || ch.Caller.Member.Actor != a.ID) {
			return Errorf(EFORBIDDEN, "err.contact_own_actor", "Actor", a.ID)
		}
		for k, v := range parts {
			f := a.Contact.Field(k)
			if f == nil {
				return Errorf(EINVALID, "err.bad_contact_field", "Value", k)
			}
			*f = CleanLine(v)
		}
		if err := ch.Put(BucketActors, a.ID, a); err != nil {
			return err
		}
		out = a
		return ch.Audit("actor.contact", a.ID, map[string]string{"contact": a.Contact.Line("sv")}, "")
	})
	return out, err
}

// AddMember maps a platform identity to an actor and roles. When the
// identity is already registered, its actor and roles are replaced; when
// m.ID names an existing member, the identity is added to that person. A
// retired handle is never given out again. It returns the stored member
// and whether it was new.
func (r *Registry) AddMember(ctx context.Context, c Caller, m Member, id Identity) (*Member, bool, error) {
	if len(m.Roles) == 0 {
		return nil, false, Errorf(EINVALID, "err.roles_required").OnField("roll")
	}
	var out *Member
	created := false
	err := r.Update(ctx, c, func(ch *Change) error {
		created = false
		if err := Require(ch.Caller, PermAdmin, nil); err != nil {
			return err
		}
		if _, err := GetActor(ch, m.Actor); err != nil {
			return fieldErr(err, "aktor")
		}
		existing, err := activeMember(ch, id)
		if err != nil {
			return err
		}
		switch {
		case existing != nil:
			if m.ID != "" && m.ID != existing.ID {
				return Errorf(ECONFLICT, "err.identity_taken", "User", id.String(), "Member", existing.ID)
			}
		case m.ID != "":
			if existing, err = GetMember(ch, m.ID); err != nil && ErrorCode(err) != ENOTFOUND {
				return err
			}
			if existing != nil && existing.Retired {
				return Errorf(ECONFLICT, "err.member_retired", "Member", m.ID).OnField("id")
			}
		}
		if existing == nil {
			created = true
			existing = &Member{ID: m.ID, CreatedAt: ch.Now}
			if existing.ID == "" {
				if existing.ID, err = freeMemberID(ch, id.Username); err != nil {
					return err
				}
			} else if !ValidHandle(existing.ID) {
				return Errorf(EINVALID, "err.bad_handle", "Value", existing.ID).OnField("id")
			}
		}
		existing.Actor, existing.Roles = m.Actor, m.Roles
		if m.Name != "" {
			existing.Name = CleanLine(m.Name)
		}
		if existing.Name == "" {
			existing.Name = id.Username
		}
		existing.Identities = slices.DeleteFunc(existing.Identities, func(x Identity) bool { return x.Key() == id.Key() })
		existing.Identities = append(existing.Identities, id)
		if err := ch.Put(BucketMembers, existing.ID, existing); err != nil {
			return err
		}
		if err := ch.Put(BucketIdentities, id.Key(), existing.ID); err != nil {
			return err
		}
		out = existing
		roles := make([]string, len(m.Roles))
		for i, r := range m.Roles {
			roles[i] = string(r)
		}
		return ch.Audit("member.add", existing.ID, map[string]string{"identity": id.Key(), "actor": m.Actor, "roles": strings.Join(roles, ",")}, "")
	})
	return out, created, err
}

// RemoveMember retires a member: its identities are let go (the person
// can be registered again, under a new handle), its handle stays taken
// for good, and it stops being an approver of open statements.
func (r *Registry) RemoveMember(ctx context.Context, c Caller, id string) (*Member, error) {
	var out *Member
	err := r.Update(ctx, c, func(ch *Change) error {
		if err := Require(ch.Caller, PermAdmin, nil); err != nil {
			return err
		}
		m, err := GetMember(ch, id)
		if err != nil {
			return err
		}
		if m.Retired {
			return Errorf(ENOTFOUND, "err.unknown_member", "Member", id)
		}
		for _, i := range m.Identities {
			if err := ch.Delete(BucketIdentities, i.Key()); err != nil {
				return err
			}
		}
		m.Retired, m.RetiredAt = true, ch.Now
		if err := ch.Put(BucketMembers, m.ID, m); err != nil {
			return err
		}
		out = m
		if err := ch.Audit("member.remove", m.ID, map[string]string{"actor": m.Actor}, ""); err != nil {
			return err
		}
		return noteLostApprovers(ch, func(s *Statement) bool { return s.approver(m.ID) != nil })
	})
	return out, err
}

// freeMemberID derives a handle from a username that no member, present
// or retired, has had.
func freeMemberID(tx Tx, username string) (string, error) {
	base := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return -1
	}, Fold(username))
	if base == "" {
		base = "medlem"
	}
	if len(base) > 28 {
		base = base[:28]
	}
	for i := 1; ; i++ {
		cand := base
		if i > 1 {
			cand = base + strconv.Itoa(i)
		}
		var m Member
		err := tx.Get(BucketMembers, cand, &m)
		if errors.Is(err, ErrNotFound) {
			return cand, nil
		}
		if err != nil {
			return "", err
		}
	}
}

// fieldErr marks a user-facing error as belonging to a form field.
func fieldErr(err error, field string) error {
	var e *Error
	if errors.As(err, &e) {
		e.Field = field
	}
	return err
}

// Forums lists every forum; the registry is visible to anyone.
func (r *Registry) Forums() ([]Forum, error) {
	var out []Forum
	err := r.View(func(tx Tx) (err error) { out, err = ListForums(tx); return })
	return out, err
}

// Forum returns a forum with the names of its actors.
func (r *Registry) Forum(id string) (*Forum, map[string]string, error) {
	var f *Forum
	var names map[string]string
	err := r.View(func(tx Tx) (err error) {
		if f, err = GetForum(tx, id); err != nil {
			return err
		}
		names = actorNames(tx, f.Actors)
		return nil
	})
	return f, names, err
}

// Actors lists every actor.
func (r *Registry) Actors() ([]Actor, error) {
	var out []Actor
	err := r.View(func(tx Tx) (err error) { out, err = ListActors(tx); return })
	return out, err
}

// Members lists the active members, of one actor when actor is set; for
// members and admins.
func (r *Registry) Members(c Caller, actor string) ([]Member, error) {
	var out []Member
	err := r.View(func(tx Tx) error {
		c, err := r.resolve(tx, c)
		if err != nil {
			return err
		}
		if err := Require(c, PermMember, nil); err != nil {
			return err
		}
		ms, err := ListMembers(tx)
		for _, m := range ms {
			if actor == "" || m.Actor == actor {
				out = append(out, m)
			}
		}
		return err
	})
	return out, err
}

// Member returns the active member with handle id.
func (r *Registry) Member(id string) (*Member, error) {
	var m *Member
	err := r.View(func(tx Tx) (err error) {
		m, err = GetMember(tx, id)
		if err == nil && m.Retired {
			err = Errorf(ENOTFOUND, "err.unknown_member", "Member", id)
		}
		return err
	})
	return m, err
}

// MemberOf returns the active member an identity maps to, or nil.
func (r *Registry) MemberOf(id Identity) (*Member, error) {
	var m *Member
	err := r.View(func(tx Tx) (err error) { m, err = activeMember(tx, id); return })
	return m, err
}

// ChannelForums returns the forums a channel is bound to.
func (r *Registry) ChannelForums(c Channel) ([]string, error) {
	var ids []string
	err := r.View(func(tx Tx) (err error) { ids, err = ForumsOfChannel(tx, c); return })
	return ids, err
}

// Exists reports whether forum or actor id is registered.
func (r *Registry) ForumExists(id string) bool {
	return r.View(func(tx Tx) error { _, err := GetForum(tx, id); return err }) == nil
}

// ActorExists reports whether actor id is registered.
func (r *Registry) ActorExists(id string) bool {
	return r.View(func(tx Tx) error { _, err := GetActor(tx, id); return err }) == nil
}

// Identities returns every active member's identities on platform p, e.g.
// for a terminal that has no channel membership of its own.
func (r *Registry) Identities(p PlatformID) ([]Identity, error) {
	var out []Identity
	err := r.View(func(tx Tx) error {
		ms, err := ListMembers(tx)
		for _, m := range ms {
			for _, id := range m.Identities {
				if id.Platform == p {
					out = append(out, id)
				}
			}
		}
		return err
	})
	return out, err
}

// actorNames maps actor handles to names (the handle when unknown).
func actorNames(tx Tx, ids []string) map[string]string {
	out := map[string]string{}
	for _, id := range ids {
		out[id] = id
		if a, err := GetActor(tx, id); err == nil {
			out[id] = a.Name
		}
	}
	return out
}

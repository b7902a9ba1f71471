package bot

import (
	"errors"
	"slices"
	"sort"
	"strconv"
	"strings"
)

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

// GetMember returns member id or an ENOTFOUND error naming it.
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

// ListMembers returns all members ordered by actor, then handle.
func ListMembers(tx Tx) ([]Member, error) {
	ms, err := listAll[Member](tx, BucketMembers)
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

// loadForum loads forum id and checks that c may act in it under p.
func loadForum(tx Tx, c Caller, id string, p Permission) (*Forum, error) {
	f, err := GetForum(tx, id)
	if err != nil {
		return nil, err
	}
	return f, Require(c, p, f)
}

// loadForumFor is loadForum for actions taken for the caller's own actor
// (see RequireMember).
func loadForumFor(tx Tx, c Caller, id string, p Permission) (*Forum, error) {
	f, err := GetForum(tx, id)
	if err != nil {
		return nil, err
	}
	return f, RequireMember(c, p, f)
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
func (b *Bot) CreateForum(c Caller, f Forum) error {
	if err := Require(c, PermAdmin, nil); err != nil {
		return err
	}
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
	return b.Update(c, func(ch *Change) error {
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
		if err := b.armSchedule(ch, &f, ch.Now); err != nil {
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

// BindCommsChannel makes a channel the forum's communicators' channel,
// where statement threads live instead of the forum's channels.
func (b *Bot) BindCommsChannel(c Caller, forumID string, chn Channel) error {
	if err := Require(c, PermAdmin, nil); err != nil {
		return err
	}
	return b.Update(c, func(ch *Change) error {
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
// channels about it.
func (b *Bot) BindChannel(c Caller, forumID string, chn Channel) error {
	if err := Require(c, PermAdmin, nil); err != nil {
		return err
	}
	return b.Update(c, func(ch *Change) error {
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
		name := chn.Name
		if name == "" {
			name = chn.ID
		}
		key := "forum.channel:" + f.ID + ":" + chn.Key() + ":" + strconv.FormatInt(ch.Now.UnixNano(), 36)
		welcome := Message{
			Title:  b.T("announce.welcome_title", "Forum", f.Name, "ID", f.ID),
			Text:   b.T("announce.welcome", "Forum", f.ID, "By", c.Name()),
			Colour: "#1F6FB2",
			Buttons: []Button{
				{Label: b.T("button.show_forum"), Command: "forum visa " + f.ID, Style: "primary"},
				{Label: b.T("button.help"), Command: "hjälp"},
			},
		}
		if err := b.announce(ch, []Channel{chn}, key+":welcome", welcome); err != nil {
			return err
		}
		msg := Message{Text: b.T("announce.channel_bound", "Forum", f.Name, "Channel", name, "Platform", string(chn.Platform), "By", c.Name())}
		return b.announce(ch, others, key, msg)
	})
}

// JoinForum makes actors members of a forum and announces it there.
func (b *Bot) JoinForum(c Caller, forumID string, actors []string) ([]string, error) {
	if err := Require(c, PermAdmin, nil); err != nil {
		return nil, err
	}
	var added []string
	err := b.Update(c, func(ch *Change) error {
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
		msg := Message{Text: b.T("announce.actors_joined", "Forum", f.Name, "Actors", strings.Join(names, ", "))}
		return b.announce(ch, f.Channels, "forum.join:"+f.ID+":"+strings.Join(added, ",")+":"+strconv.FormatInt(ch.Now.UnixNano(), 36), msg)
	})
	return added, err
}

// LeaveForum removes an actor from a forum. The host actor cannot leave.
func (b *Bot) LeaveForum(c Caller, forumID, actor string) error {
	if err := Require(c, PermAdmin, nil); err != nil {
		return err
	}
	return b.Update(c, func(ch *Change) error {
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
		return ch.Audit("forum.leave", f.ID, map[string]string{"actor": actor}, "")
	})
}

// AddActor registers an organisation.
func (b *Bot) AddActor(c Caller, a Actor) error {
	if err := Require(c, PermAdmin, nil); err != nil {
		return err
	}
	a.ID = strings.ToLower(a.ID)
	if !ValidHandle(a.ID) {
		return Errorf(EINVALID, "err.bad_handle", "Value", a.ID).OnField("id")
	}
	a.Name = CleanLine(a.Name)
	if a.Name == "" {
		return Errorf(EINVALID, "err.name_required").OnField("namn")
	}
	return b.Update(c, func(ch *Change) error {
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

// AddMember maps a platform identity to an actor and roles. When the
// identity is already registered, its actor and roles are replaced; when
// m.ID names an existing member, the identity is added to that person.
// It returns the stored member and whether it was new.
func (b *Bot) AddMember(c Caller, m Member, id Identity) (*Member, bool, error) {
	if err := Require(c, PermAdmin, nil); err != nil {
		return nil, false, err
	}
	if len(m.Roles) == 0 {
		return nil, false, Errorf(EINVALID, "err.roles_required").OnField("roll")
	}
	var out *Member
	created := false
	err := b.Update(c, func(ch *Change) error {
		if _, err := GetActor(ch, m.Actor); err != nil {
			return fieldErr(err, "aktor")
		}
		existing, err := MemberByIdentity(ch, id)
		switch {
		case err == nil:
			if m.ID != "" && m.ID != existing.ID {
				return Errorf(ECONFLICT, "err.identity_taken", "User", id.String(), "Member", existing.ID)
			}
		case errors.Is(err, ErrNotFound) && m.ID != "":
			if existing, err = GetMember(ch, m.ID); err != nil && ErrorCode(err) != ENOTFOUND {
				return err
			}
		case !errors.Is(err, ErrNotFound):
			return err
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

// RemoveMember deletes a member and all of its identities.
func (b *Bot) RemoveMember(c Caller, id string) (*Member, error) {
	if err := Require(c, PermAdmin, nil); err != nil {
		return nil, err
	}
	var out *Member
	err := b.Update(c, func(ch *Change) error {
		m, err := GetMember(ch, id)
		if err != nil {
			return err
		}
		for _, i := range m.Identities {
			if err := ch.Delete(BucketIdentities, i.Key()); err != nil {
				return err
			}
		}
		if err := ch.Delete(BucketMembers, m.ID); err != nil {
			return err
		}
		out = m
		return ch.Audit("member.remove", m.ID, map[string]string{"actor": m.Actor}, "")
	})
	return out, err
}

// freeMemberID derives a handle from a username that no member has yet.
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

// announce posts msg to each channel; key makes each post idempotent.
func (b *Bot) announce(ch *Change, channels []Channel, key string, msg Message) error {
	for _, c := range channels {
		if err := ch.Send(OutboxItem{Key: key + "@" + c.Key(), To: Destination{Platform: c.Platform, Channel: c.ID}, Message: msg}); err != nil {
			return err
		}
	}
	return nil
}

// fieldErr marks a user-facing error as belonging to a form field.
func fieldErr(err error, field string) error {
	var e *Error
	if errors.As(err, &e) {
		e.Field = field
	}
	return err
}

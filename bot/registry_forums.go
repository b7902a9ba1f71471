package bot

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
)

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
	chn.Name = CleanLine(chn.Name)
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
	chn.Name = CleanLine(chn.Name) // as the platform shows it: stored, so cleaned
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
		k := r.in(f)
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
			Title:  k.T("announce.welcome_title", "Forum", f.Name, "ID", f.ID),
			Text:   k.T("announce.welcome", "Forum", f.ID, "By", ch.Caller.Name()),
			Colour: "#1F6FB2",
			Buttons: []Button{
				{Label: k.T("button.show_forum"), Action: Action{Kind: ActShowForum, Forum: f.ID}, Style: "primary"},
				{Label: k.T("button.help"), Action: Action{Kind: ActHelp}},
			},
		}
		if err := ch.toChannels([]Channel{chn}, key+":welcome", notice(f.ID), welcome); err != nil {
			return err
		}
		msg := Message{Text: k.T("announce.channel_bound", "Forum", f.Name, "Channel", chn.Display(), "Platform", string(chn.Platform), "By", ch.Caller.Name())}
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
		k := r.in(f)
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
		msg := Message{Text: k.T("announce.actors_joined", "Forum", f.Name, "Actors", strings.Join(names, ", "))}
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

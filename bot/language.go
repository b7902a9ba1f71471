package bot

import (
	"context"
	"slices"
	"strconv"

	"samverkan/catalog"
)

// in is the core speaking forum f's language: everything said in or
// about a forum goes through it, so a Norwegian forum in a Swedish bot
// is told, shown and printed everything in Norwegian.
func (k *core) in(f *Forum) *core {
	if f == nil || f.Lang == "" || f.Lang == k.Lang {
		return k
	}
	c := *k
	c.Lang = f.Lang
	return &c
}

// LangOf is the language forum f speaks: its own, else the bot's.
func (k *core) LangOf(f *Forum) string { return k.in(f).Lang }

// SetLanguage makes forum id speak lang ("sv", "en", "nb"), or the bot's
// language again when lang is "". Admins only.
func (r *Registry) SetLanguage(ctx context.Context, c Caller, id, lang string) (*Forum, error) {
	if lang != "" && !slices.Contains(catalog.Langs, lang) {
		return nil, Errorf(EINVALID, "err.unknown_language", "Lang", lang).OnField("sprak")
	}
	return r.adminForum(ctx, c, id, func(ch *Change, f *Forum) error {
		if f.Lang == lang {
			return nil // nothing changes, no one is told
		}
		f.Lang = lang
		if err := ch.Put(BucketForums, f.ID, f); err != nil {
			return err
		}
		if err := ch.Audit("forum.language", f.ID, map[string]string{"lang": lang}, ""); err != nil {
			return err
		}
		// The forum's channels are told, in the language they will now read.
		k := r.in(f)
		msg := Message{Text: k.T("announce.language", "Forum", f.Name, "Lang", k.T("language."+k.Lang), "By", ch.Caller.Name())}
		return ch.toChannels(f.Channels, "forum.language:"+f.ID+":"+strconv.FormatInt(ch.Now.UnixNano(), 36), notice(f.ID), msg)
	})
}

// Language is the language forum forumID speaks, or when forumID is ""
// the one of the only forum channel c is bound to, and that forum; ""
// when neither sets one, for the bot's own.
func (r *Registry) Language(forumID string, c Channel) (lang, forum string) {
	_ = r.View(func(tx Tx) error {
		if forumID == "" && c.ID != "" {
			ids, err := ForumsOfChannel(tx, c)
			if err != nil || len(ids) != 1 {
				return err
			}
			forumID = ids[0]
		}
		if forumID == "" {
			return nil
		}
		f, err := GetForum(tx, forumID)
		if err == nil {
			lang, forum = f.Lang, f.ID
		}
		return err
	})
	return lang, forum
}

package bot

import (
	"fmt"
	"samverkan/catalog"
	"strings"
)

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

// Actors lists every actor as the public registry shows them: handle and
// name, no contact (readrule.go).
func (r *Registry) Actors() ([]Actor, error) {
	var out []Actor
	err := r.View(func(tx Tx) (err error) { out, err = ListActors(tx); return })
	for i := range out {
		out[i].Contact = Contact{}
	}
	return out, err
}

// ActorsFor lists every actor as c may read them: each contact only where
// the read rule allows (readrule.go). hidden counts the contacts left out.
func (r *Registry) ActorsFor(c Caller) (actors []Actor, hidden int, err error) {
	err = r.View(func(tx Tx) error {
		c, err := r.resolve(tx, c)
		if err != nil {
			return err
		}
		if actors, err = ListActors(tx); err != nil {
			return err
		}
		for i := range actors {
			if !mayReadContact(tx, c, actors[i].ID) {
				if actors[i].Contact != (Contact{}) {
					hidden++
				}
				actors[i].Contact = Contact{}
			}
		}
		return nil
	})
	return actors, hidden, err
}

// Members lists the active members c may read (readrule.go), of one actor
// when actor is set: those of actors sharing a forum with c's, with their
// platform accounts only for c's own actor (admins: all). A caller who is
// no member is refused.
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
			if (actor != "" && m.Actor != actor) || !mayReadContact(tx, c, m.Actor) {
				continue
			}
			if !mayReadAccounts(c, m.Actor) {
				m.Identities = nil
			}
			out = append(out, m)
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

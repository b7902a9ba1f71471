package bot

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
)

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
			v = CleanLine(v)
			if err := checkContact(k, v); err != nil {
				return err
			}
			*f = v
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
// identity is already registered, its actor is set and m.Roles are added
// to the roles it has, those in remove taken away; when
// m.ID names an existing member, the identity is added to that person. A
// retired handle is never given out again. It returns the stored member
// and whether it was new.
func (r *Registry) AddMember(ctx context.Context, c Caller, m Member, id Identity, remove ...Role) (*Member, bool, error) {
	out, _, created, err := r.ChangeMember(ctx, c, m, id, remove...)
	return out, created, err
}

// ChangeMember is AddMember that also returns the roles the member had
// before, as the same transaction read them (none for a new member), so
// that an answer can say what was added and what was removed.
func (r *Registry) ChangeMember(ctx context.Context, c Caller, m Member, id Identity, remove ...Role) (*Member, []Role, bool, error) {
	if len(m.Roles) == 0 && len(remove) == 0 {
		return nil, nil, false, Errorf(EINVALID, "err.roles_required").OnField("roll")
	}
	var out *Member
	var before []Role
	created := false
	err := r.Update(ctx, c, func(ch *Change) error {
		created, before = false, nil
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
		if created {
			if len(m.Roles) == 0 {
				return Errorf(EINVALID, "err.roles_required").OnField("roll")
			}
			existing.Roles = m.Roles
		} else {
			// Roles are added to those the member has, and those written
			// with "-" taken away: one change never drops others unsaid.
			before = slices.Clone(existing.Roles)
			roles := slices.Clone(existing.Roles)
			for _, r := range m.Roles {
				if !slices.Contains(roles, r) {
					roles = append(roles, r)
				}
			}
			roles = slices.DeleteFunc(roles, func(r Role) bool { return slices.Contains(remove, r) })
			if len(roles) == 0 {
				return Errorf(EINVALID, "err.last_role", "Member", existing.ID).OnField("roll")
			}
			existing.Roles = roles
		}
		existing.Actor = m.Actor
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
		roles := make([]string, len(existing.Roles))
		for i, r := range existing.Roles {
			roles[i] = string(r)
		}
		return ch.Audit("member.add", existing.ID, map[string]string{"identity": id.Key(), "actor": m.Actor, "roles": strings.Join(roles, ",")}, "")
	})
	return out, before, created, err
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

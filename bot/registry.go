package bot

import (
	"errors"
	"slices"
	"sort"
)

// Registry is the service for forums, actors and members.
type Registry struct{ *core }

// GetActor returns actor id or an ENOTFOUND error naming it.
func GetActor(tx Tx, id string) (*Actor, error) {
	return getRecord[Actor](tx, BucketActors, id, func() error { return Errorf(ENOTFOUND, "err.unknown_actor", "Actor", id) })
}

// ListActors returns all actors ordered by handle.
func ListActors(tx Tx) ([]Actor, error) { return listAll[Actor](tx, BucketActors) }

// GetMember returns member id (retired ones too) or an ENOTFOUND error
// naming it.
func GetMember(tx Tx, id string) (*Member, error) {
	return getRecord[Member](tx, BucketMembers, id, func() error { return Errorf(ENOTFOUND, "err.unknown_member", "Member", id) })
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
	return getRecord[Forum](tx, BucketForums, id, func() error { return Errorf(ENOTFOUND, "err.unknown_forum", "Forum", id) })
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

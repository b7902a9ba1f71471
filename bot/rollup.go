package bot

import (
	"context"
	"slices"
)

// ChildPicture is one child forum's compiled picture as it goes up into
// its parent's: marked with the child forum and its label, holding only
// the parts the roll-up rule lets cross (mayRollUp).
type ChildPicture struct {
	Forum     *Forum
	Activated bool
	Label     TLP
	Exercise  bool
	Reports   []Report
	Names     map[string]string
	// Missing names the child's organisations with no report.
	Missing []string
	// Held counts the parts that may not go up.
	Held int
}

// mayRollUp is the one rule for what crosses from a child forum's picture
// into its parent's: a part goes up only where every reader of the
// parent may see it. TLP:CLEAR and TLP:GREEN parts go up; a TLP:AMBER
// part only when every organisation of the parent is in the child forum
// too (no organisation reads it that could not before); TLP:RED never
// (it is for named people).
func mayRollUp(parent, child *Forum, label TLP) bool {
	switch label {
	case TLPNone, TLPClear, TLPGreen:
		return true
	case TLPAmber:
		for _, a := range parent.Actors {
			if !child.HasActor(a) {
				return false
			}
		}
		return true
	}
	return false
}

// children are the forums linked directly under f.
func children(tx Tx, f *Forum) ([]*Forum, error) {
	fs, err := ListForums(tx)
	if err != nil {
		return nil, err
	}
	var out []*Forum
	for i := range fs {
		if fs[i].Parent == f.ID {
			out = append(out, &fs[i])
		}
	}
	return out, nil
}

// childPictures compiles the pictures of f's child forums as they go up.
func (k *core) childPictures(tx Tx, f *Forum) ([]ChildPicture, error) {
	k = k.in(f)
	kids, err := children(tx, f)
	if err != nil {
		return nil, err
	}
	var out []ChildPicture
	for _, kid := range kids {
		held := 0
		c, err := k.compile(tx, kid, k.Clock.Now(), func(r Report) bool {
			if !mayRollUp(f, kid, r.TLP) {
				held++
				return false
			}
			return true
		})
		if err != nil {
			return nil, err
		}
		cp := ChildPicture{Forum: kid, Activated: kid.Mode == ModeActivated, Label: c.TLP, Exercise: c.Exercise, Reports: c.Reports, Names: c.Names, Held: held}
		for _, a := range c.Missing {
			cp.Missing = append(cp.Missing, c.Names[a])
		}
		out = append(out, cp)
	}
	return out, nil
}

// SetParent links forum id under parent (its picture then goes up into
// the parent's); parent "" unlinks it. A forum cannot be linked under
// itself or under one of its own descendants.
func (r *Registry) SetParent(ctx context.Context, c Caller, id, parent string) (*Forum, error) {
	return r.adminForum(ctx, c, id, func(ch *Change, f *Forum) error {
		if parent != "" {
			p, err := GetForum(ch, parent)
			if err != nil {
				return err
			}
			seen := []string{f.ID}
			for up := p; up != nil; {
				if slices.Contains(seen, up.ID) {
					return Errorf(EINVALID, "err.parent_cycle", "Forum", f.ID, "Parent", p.ID)
				}
				seen = append(seen, up.ID)
				if up.Parent == "" {
					break
				}
				if up, err = GetForum(ch, up.Parent); err != nil {
					return err
				}
			}
		}
		f.Parent = parent
		if err := ch.Put(BucketForums, f.ID, f); err != nil {
			return err
		}
		return ch.Audit("forum.parent", f.ID, map[string]string{"parent": parent}, "")
	})
}

// adminForum runs change on forum id for an admin, and returns the forum
// as change left it.
func (r *Registry) adminForum(ctx context.Context, c Caller, id string, change func(*Change, *Forum) error) (*Forum, error) {
	var out *Forum
	err := r.Update(ctx, c, func(ch *Change) error {
		if err := Require(ch.Caller, PermAdmin, nil); err != nil {
			return err
		}
		f, err := GetForum(ch, id)
		if err != nil {
			return err
		}
		out = f
		return change(ch, f)
	})
	return out, err
}

package bot

import (
	"slices"
	"time"
)

// Compiled is the common picture of a forum as one reader may see it:
// each actor's latest shared sections under their own labels, the
// strictest label of what it shows, and who is missing.
type Compiled struct {
	Forum *Forum
	At    time.Time
	TLP   TLP
	// Exercise is set when any part shown is exercise material.
	Exercise bool
	Reports  []Report // shared sections only, in forum actor order
	// Withheld counts the parts this reader may not see.
	Withheld int
	Missing  []string // actors with no report
	Stale    []string // actors whose latest report is older than the limit
	Names    map[string]string
	// Contacts, when set, is the forum's contact list, one actor a line:
	// exports carry it for when chat is down.
	Contacts string
	// Children are the pictures of the forums linked under this one, as
	// they go up.
	Children []ChildPicture
}

// Overdue names the actors with no report or only an old one.
func (c *Compiled) Overdue() []string {
	var out []string
	for _, a := range append(slices.Clone(c.Missing), c.Stale...) {
		out = append(out, c.Names[a])
	}
	return out
}

// DefaultReportAge is when a report counts as old in the compiled picture.
const DefaultReportAge = 24 * time.Hour

// compile builds the common picture of forum f at now with the parts
// show allows.
func (k *core) compile(tx Tx, f *Forum, now time.Time, show func(Report) bool) (*Compiled, error) {
	maxAge := k.ReportAge
	if maxAge <= 0 {
		maxAge = DefaultReportAge
	}
	c := &Compiled{Forum: f, At: now, Names: actorNames(tx, f.Actors)}
	for _, a := range f.Actors {
		r, err := LatestReport(tx, f.ID, a)
		if err != nil {
			return nil, err
		}
		if r == nil {
			c.Missing = append(c.Missing, a)
			continue
		}
		if now.Sub(r.At) > maxAge {
			c.Stale = append(c.Stale, a)
		}
		sh := r.Shared()
		if len(sh.Sections) == 0 {
			continue
		}
		if !show(sh) {
			c.Withheld++
			continue
		}
		c.Reports = append(c.Reports, sh)
		c.TLP = Strictest(c.TLP, r.TLP)
		c.Exercise = c.Exercise || r.Exercise
	}
	c.Exercise = c.Exercise || exercising(tx, f)
	return c, nil
}

// withChildren adds the pictures of f's child forums to c, its label the
// strictest of all.
func (k *core) withChildren(tx Tx, c *Compiled) (*Compiled, error) {
	kids, err := k.childPictures(tx, c.Forum)
	if err != nil {
		return nil, err
	}
	c.Children = kids
	for _, kid := range kids {
		if len(kid.Reports) > 0 {
			c.TLP = Strictest(c.TLP, kid.Label)
			c.Exercise = c.Exercise || kid.Exercise
		}
	}
	return c, nil
}

// compiledFor is the common picture as caller c may see it, by the
// gate's rule.
func (k *core) compiledFor(tx Tx, c Caller, f *Forum) (*Compiled, error) {
	k = k.in(f)
	comp, err := k.compile(tx, f, k.Clock.Now(), func(r Report) bool { return permitCaller(tx, c, f, reportClass(tx, r)) == nil })
	if err != nil {
		return nil, err
	}
	return k.withChildren(tx, comp)
}

// readForum resolves the caller and loads a forum whose content they may
// read.
func (k *core) readForum(tx Tx, c Caller, forumID string) (Caller, *Forum, error) {
	c, err := k.resolve(tx, c)
	if err != nil {
		return c, nil, err
	}
	f, err := GetForum(tx, forumID)
	if err != nil {
		return c, nil, err
	}
	return c, f, mayRead(c, f)
}

// Picture is the common picture of a forum as the caller may see it.
func (s *Reports) Picture(c Caller, forumID string) (Message, error) {
	var m Message
	err := s.withPicture(c, forumID, func(_ Tx, _ *Forum, comp *Compiled) { m = s.CompiledMessage(comp) })
	return m, err
}

// withPicture hands use the common picture of a forum as c may see it.
func (s *Reports) withPicture(c Caller, forumID string, use func(tx Tx, f *Forum, comp *Compiled)) error {
	return s.View(func(tx Tx) error {
		c, f, err := s.readForum(tx, c, forumID)
		if err != nil {
			return err
		}
		comp, err := s.compiledFor(tx, c, f)
		if err != nil {
			return err
		}
		use(tx, f, comp)
		return nil
	})
}

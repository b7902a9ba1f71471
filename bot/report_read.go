package bot

// ReportView is one report as the caller may see it.
type ReportView struct {
	Message  Message
	Own      bool // the caller's own actor's: all sections shown
	Versions []Report
}

// Show returns actor's report in a forum (the caller's own actor's when
// actor is empty), version 0 meaning the latest. Another actor's report
// shows only its shared sections, and only when its label lets the
// caller see it.
func (s *Reports) Show(c Caller, forumID, actor string, version int) (*ReportView, error) {
	var out *ReportView
	err := s.View(func(tx Tx) error {
		c, f, err := s.readForum(tx, c, forumID)
		if err != nil {
			return err
		}
		if actor == "" {
			if c.Member == nil {
				return RequireMember(c, PermMember, f)
			}
			actor = c.Member.Actor
		}
		versions, err := ReportVersions(tx, f.ID, actor)
		if err != nil {
			return err
		}
		if len(versions) == 0 {
			return Errorf(ENOTFOUND, "err.no_report", "Actor", actor, "Forum", f.ID)
		}
		rep := versions[len(versions)-1]
		if version != 0 {
			if version < 1 || version > len(versions) {
				return Errorf(EINVALID, "err.bad_version", "Value", version, "Max", len(versions)).OnField("version")
			}
			rep = versions[version-1]
		}
		own := c.Member != nil && c.Member.Actor == actor
		if !own {
			rep = rep.Shared()
			if err := permitCaller(tx, c, f, reportClass(tx, rep)); err != nil {
				return err
			}
		}
		out = &ReportView{Message: s.in(f).ReportMessage(rep, actorNames(tx, []string{actor})[actor]), Own: own, Versions: versions}
		return nil
	})
	return out, err
}

package bot

// ActionKind names what a button does. The kinds are data, not command
// text: the command language (package commands) maps each kind to the
// command that performs it, so renaming a command word breaks no button
// already posted.
type ActionKind string

// The actions buttons can carry.
const (
	ActShowForum     ActionKind = "act/forum"
	ActHelp          ActionKind = "act/help"
	ActActivate      ActionKind = "act/activate"
	ActDeactivate    ActionKind = "act/deactivate"
	ActStatus        ActionKind = "act/status"
	ActAck           ActionKind = "act/ack"
	ActShowReport    ActionKind = "act/report"
	ActNewReport     ActionKind = "act/report-new"
	ActPresent       ActionKind = "act/present"
	ActApprove       ActionKind = "act/approve"
	ActReject        ActionKind = "act/reject"
	ActRelease       ActionKind = "act/release"
	ActRemoveMember  ActionKind = "act/member-remove"
	ActLeaveForum    ActionKind = "act/forum-leave"
	ActAnswerRequest ActionKind = "act/request-answer"
)

// Action is what a button asks for: the kind, the object it is about and,
// for statements, the revision it was made for.
type Action struct {
	Kind   ActionKind `json:"k"`
	Forum  string     `json:"f,omitempty"`
	Actor  string     `json:"a,omitempty"`
	Member string     `json:"m,omitempty"`
	Number uint64     `json:"n,omitempty"`
	Rev    int        `json:"r,omitempty"`
	// Confirm is set on the button that confirms a change that cannot be
	// undone.
	Confirm bool `json:"c,omitempty"`
}

// String shows the action for logs and tests, e.g. "act/approve #3 rev 2".
func (a Action) String() string {
	s := string(a.Kind)
	for _, part := range []string{a.Forum, a.Actor, a.Member} {
		if part != "" {
			s += " " + part
		}
	}
	if a.Number != 0 {
		s += " #" + itoa(a.Number)
	}
	if a.Rev != 0 {
		s += " rev " + itoa(uint64(a.Rev))
	}
	if a.Confirm {
		s += " confirmed"
	}
	return s
}

package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Audience is who a coordinated message speaks to.
type Audience string

// Audiences of a statement.
const (
	AudiencePublic    Audience = "public"
	AudienceMedia     Audience = "media"
	AudienceCustomers Audience = "customers"
	AudienceStaff     Audience = "staff"
)

// ParseAudience accepts the Swedish or English word.
func ParseAudience(s string) (Audience, bool) {
	switch Fold(s) {
	case "allmanhet", "allmanheten", "public", "allmennhet", "allmennheten":
		return AudiencePublic, true
	case "media", "press":
		return AudienceMedia, true
	case "kunder", "customers":
		return AudienceCustomers, true
	case "personal", "medarbetare", "staff", "ansatte":
		return AudienceStaff, true
	}
	return "", false
}

// Revision is one version of a statement's content; approvals are bound
// to its hash.
type Revision struct {
	N         int       `json:"n"`
	Text      string    `json:"text"`
	Audience  Audience  `json:"audience"`
	Targets   []Channel `json:"targets"`
	TLP       TLP       `json:"tlp"`
	Exercise  bool      `json:"exercise,omitempty"`
	ReleaseBy time.Time `json:"release_by,omitempty"`
	// Area is where the message applies, in words ("Gävle kommun"); it
	// becomes the CAP alert's area.
	Area string `json:"area,omitempty"`
	// Translations are the text in other languages, by language code
	// ("en", "nb"); each becomes one CAP info block.
	Translations map[string]string `json:"translations,omitempty"`
	Hash         string            `json:"hash"`
	By           string            `json:"by"`
	At           time.Time         `json:"at"`
}

// ContentHash is the hash an approval is bound to: the canonical text
// together with audience, target channels, TLP label and exercise flag.
func (r Revision) ContentHash() string {
	keys := make([]string, len(r.Targets))
	for i, c := range r.Targets {
		keys[i] = c.Key()
	}
	slices.Sort(keys)
	canon, _ := json.Marshal(struct {
		Text         string            `json:"text"`
		Audience     Audience          `json:"audience"`
		Targets      []string          `json:"targets"`
		TLP          TLP               `json:"tlp"`
		Exercise     bool              `json:"exercise"`
		Area         string            `json:"area,omitempty"`
		Translations map[string]string `json:"translations,omitempty"`
	}{CanonicalText(r.Text), r.Audience, keys, r.TLP, r.Exercise, r.Area, r.Translations})
	sum := sha256.Sum256(canon)
	return hex.EncodeToString(sum[:])
}

// CanonicalText is the form of a text that is hashed: clean, trimmed, with
// one kind of line ending and no trailing spaces.
func CanonicalText(s string) string {
	lines := strings.Split(CleanText(s), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// Approval is one approver's answer to a statement. It is bound to the
// member and the actor it approves for.
type Approval struct {
	Member   string    `json:"member"`
	Name     string    `json:"name"`
	Actor    string    `json:"actor"`
	State    string    `json:"state"` // "pending", "approved", "rejected"
	Revision int       `json:"revision,omitempty"`
	Hash     string    `json:"hash,omitempty"`
	Reason   string    `json:"reason,omitempty"`
	At       time.Time `json:"at,omitzero"`
	// Gone is set once the thread has been told that this approver no
	// longer takes part (removed, or their actor left the forum).
	Gone bool `json:"gone,omitempty"`
}

// Statement states.
const (
	StatementDraft     = "draft"
	StatementReleased  = "released"
	StatementWithdrawn = "withdrawn"
)

// Statement is a coordinated public message under approval.
type Statement struct {
	Number      uint64     `json:"number"`
	Forum       string     `json:"forum"`
	Author      string     `json:"author"`
	AuthorActor string     `json:"author_actor,omitempty"`
	AuthorName  string     `json:"author_name"`
	Created     time.Time  `json:"created"`
	Revisions   []Revision `json:"revisions"`
	Approvers   []Approval `json:"approvers"`
	State       string     `json:"state"`
	Closed      time.Time  `json:"closed,omitzero"`
	ClosedBy    string     `json:"closed_by,omitempty"`
	// Replaces is the released statement this one updates, 0 for none.
	Replaces uint64 `json:"replaces,omitempty"`
	// Released is when it was released; a released statement withdrawn
	// later keeps it (and Closed is then the withdrawal).
	Released time.Time `json:"released,omitzero"`
	Version  int       `json:"version"` // thread root edits
	Events   int       `json:"events"`  // thread replies so far
}

// Current is the latest revision.
func (s *Statement) Current() *Revision { return &s.Revisions[len(s.Revisions)-1] }

// approver returns the approval of member id, or nil.
func (s *Statement) approver(id string) *Approval {
	for i := range s.Approvers {
		if s.Approvers[i].Member == id {
			return &s.Approvers[i]
		}
	}
	return nil
}

// Unapproved lists the approvers, as recorded, who have not approved the
// current revision (whether or not they still take part; see tally).
func (s *Statement) Unapproved() []Approval {
	var out []Approval
	for _, a := range s.Approvers {
		if !s.approved(a) {
			out = append(out, a)
		}
	}
	return out
}

// approved reports whether a approved the current revision.
func (s *Statement) approved(a Approval) bool {
	return a.State == "approved" && a.Hash == s.Current().Hash
}

// takesPart reports whether approver a still takes part in forum f's
// statement: an active member, of the actor it approves for, which is
// still in the forum, and still a communicator.
func takesPart(tx Tx, f *Forum, a Approval) bool {
	m, err := GetMember(tx, a.Member)
	return err == nil && m.Active() && m.Actor == a.Actor && f.HasActor(a.Actor) && m.Has(RoleCommunicator)
}

// Tally is where a statement's approvals stand now.
type Tally struct {
	Approved int
	Required int
	// Missing are the approvers who take part and have not approved the
	// current revision.
	Missing []Approval
	// AlreadyAt is when the caller had approved the current revision,
	// when they approve it again (and nothing was recorded); else zero.
	AlreadyAt time.Time
}

// tally counts the approvals of the current revision among the approvers
// who still take part.
func tally(tx Tx, f *Forum, s *Statement) Tally {
	var t Tally
	for _, a := range s.Approvers {
		if !takesPart(tx, f, a) {
			continue
		}
		t.Required++
		if s.approved(a) {
			t.Approved++
		} else {
			t.Missing = append(t.Missing, a)
		}
	}
	return t
}

// MissingNames are the names of the approvers still missing.
func (t Tally) MissingNames() []string {
	var out []string
	for _, a := range t.Missing {
		out = append(out, a.Name)
	}
	return out
}

// Bucket of statements, by number.
const BucketStatements = "statements"

const (
	timerStatementReminder = "statement-reminder"
	timerStatementDeadline = "statement-deadline"
)

// DefaultApprovalReminder is how often pending approvers are reminded.
const DefaultApprovalReminder = 30 * time.Minute

// GetStatement returns statement #n.
func GetStatement(tx Tx, n uint64) (*Statement, error) {
	return getRecord[Statement](tx, BucketStatements, SeqKey(n), func() error { return Errorf(ENOTFOUND, "err.unknown_statement", "N", n) })
}

// Draft is the content of a new statement or of an edit; empty fields of
// an edit keep their current value.
type Draft struct {
	Text      string
	Audience  Audience
	Targets   []Channel // nil: all the forum's channels (new) / unchanged (edit)
	TLP       TLP
	ReleaseBy time.Time
	// Area and Translations ("en", "nb") are optional; an edit keeps
	// them unless given.
	Area         string
	Translations map[string]string
	// Replaces is a released statement of the same forum that this new
	// one updates (new statements only).
	Replaces uint64
}

// Statements is the service for coordinated messages.
type Statements struct{ *core }

// statementClass is the class of a statement's messages: its label, its
// exercise flag, the author's actor as owner, and the approvers and the
// author as the members a TLP:RED statement may reach.
func statementClass(kind Kind, s *Statement) Class {
	cur := s.Current()
	named := []string{s.Author}
	for _, a := range s.Approvers {
		named = append(named, a.Member)
	}
	return Class{Kind: kind, Forum: s.Forum, TLP: cur.TLP, Exercise: cur.Exercise, Owners: []string{s.AuthorActor}, Named: named}
}

// Draft creates statement #N with all communicators of the forum's
// actors as approvers, posts its thread and asks each approver.
func (s *Statements) Draft(ctx context.Context, c Caller, forumID string, d Draft) (*Statement, error) {
	d.Text = CanonicalText(d.Text)
	if d.Text == "" {
		return nil, Errorf(EINVALID, "err.text_required").OnField("text")
	}
	var out *Statement
	err := s.Update(ctx, c, func(ch *Change) error {
		f, me, err := ch.acting(forumID, PermStatement)
		if err != nil {
			return err
		}
		targets, err := checkTargets(f, d.Targets)
		if err != nil {
			return err
		}
		ms, err := ListMembers(ch)
		if err != nil {
			return err
		}
		var approvers []Approval
		for _, m := range ms {
			if m.Has(RoleCommunicator) && f.HasActor(m.Actor) {
				approvers = append(approvers, Approval{Member: m.ID, Name: m.Name, Actor: m.Actor, State: "pending"})
			}
		}
		if len(approvers) == 0 {
			return Errorf(ECONFLICT, "err.no_approvers", "Forum", f.ID)
		}
		n, err := ch.NextSeq(BucketStatements)
		if err != nil {
			return err
		}
		if d.Audience == "" {
			d.Audience = AudiencePublic
		}
		if d.TLP == TLPNone {
			d.TLP = TLPClear
		}
		if err := replaceable(ch, f, d.Replaces); err != nil {
			return err
		}
		rev := Revision{N: 1, Text: d.Text, Audience: d.Audience, Targets: targets, TLP: d.TLP, ReleaseBy: d.ReleaseBy, Exercise: exercising(ch, f), By: ch.Caller.Name(), At: ch.Now}
		rev.Area, rev.Translations = CanonicalText(d.Area), translations(nil, d.Translations)
		rev.Hash = rev.ContentHash()
		st := &Statement{Number: n, Forum: f.ID, Author: me.ID, AuthorActor: me.Actor, AuthorName: ch.Caller.Name(), Created: ch.Now, Revisions: []Revision{rev}, Approvers: approvers, State: StatementDraft, Replaces: d.Replaces}
		if err := ch.Put(BucketStatements, SeqKey(n), st); err != nil {
			return err
		}
		if err := ch.Put(BucketForumStatements, forumStatementKey(f.ID, n), n); err != nil {
			return err
		}
		root := s.statementRoot(ch, f, st)
		for _, chn := range commsChannels(f) {
			item := OutboxItem{Key: fmt.Sprintf("statement:%d:root@%s", n, chn.Key()), Ref: statementRef(n), To: chn.Destination(), Class: statementClass(KindStatementRoot, st), Message: root}
			if err := ch.Send(item); err != nil {
				return err
			}
		}
		if err := s.askApprovers(ch, f, st, ""); err != nil {
			return err
		}
		if err := s.armTimers(ch, st); err != nil {
			return err
		}
		out = st
		return ch.Audit("statement.draft", f.ID, map[string]string{"statement": itoa(n), "revision": "1", "hash": rev.Hash, "tlp": string(rev.TLP), "approvers": fmt.Sprint(len(approvers))}, rev.Text)
	})
	return out, err
}

// exercising reports whether forum f is in an exercise now.
func exercising(tx Tx, f *Forum) bool {
	if f.Exercise {
		return true
	}
	a, _ := CurrentActivation(tx, f)
	return a != nil && a.Exercise
}

// commsChannels are where statement threads live: the forum's
// communicators' channels, else all its channels.
func commsChannels(f *Forum) []Channel {
	if len(f.CommsChannels) > 0 {
		return f.CommsChannels
	}
	return f.Channels
}

// checkTargets resolves target channels: nil means all the forum's; any
// channel must belong to the forum.
func checkTargets(f *Forum, t []Channel) ([]Channel, error) {
	if len(t) == 0 {
		if len(f.Channels) == 0 {
			return nil, Errorf(ECONFLICT, "err.no_channels", "Forum", f.ID)
		}
		return slices.Clone(f.Channels), nil
	}
	for _, c := range t {
		if !f.HasChannel(c) {
			return nil, Errorf(EINVALID, "err.not_forum_channel", "Channel", c.Key(), "Forum", f.ID).OnField("kanaler")
		}
	}
	return t, nil
}

func statementRef(n uint64) string { return "statement:" + itoa(n) + ":root" }

// event replies in the statement's thread on every platform and edits the
// root to the new state.
func (s *Statements) event(ch *Change, f *Forum, st *Statement, text string) error {
	return event(ch, s.core, f, st, text)
}

func event(ch *Change, k *core, f *Forum, st *Statement, text string) error {
	st.Events++
	st.Version++
	if err := ch.Put(BucketStatements, SeqKey(st.Number), st); err != nil {
		return err
	}
	m := Message{Text: text, TLP: st.Current().TLP}
	cl := statementClass(KindStatementRoot, st)
	for _, chn := range commsChannels(f) {
		to := chn.Destination()
		if err := ch.Send(OutboxItem{Key: fmt.Sprintf("statement:%d:event:%d@%s", st.Number, st.Events, chn.Key()), ThreadRef: statementRef(st.Number), To: to, Class: statementClass(KindStatementEvent, st), Message: m}); err != nil {
			return err
		}
		// The root is drawn when delivered; events while it waits ride on
		// it. A new label is a new class: a root of its own.
		root := OutboxItem{Key: fmt.Sprintf("statement:%d:root:%d@%s", st.Number, st.Version, chn.Key()), UpdateRef: statementRef(st.Number), To: to, Class: cl,
			Render: &Render{Kind: renderRoot, ID: st.Number}, Latest: fmt.Sprintf("root:%d:%s@%s", st.Number, cl.TLP, chn.Key())}
		if err := ch.Send(root); err != nil {
			return err
		}
	}
	return nil
}

// drawRoot draws a statement's thread root as it is now.
func (s *Statements) drawRoot(tx Tx, r Render, _ time.Time) (Message, *Render, error) {
	st, f, err := loadStatement(tx, r.ID)
	if err != nil {
		return Message{}, nil, err
	}
	return s.statementRoot(tx, f, st), nil, nil
}

// noteLostApprovers tells the threads of open statements that match when
// approvers no longer take part (removed, their actor left the forum):
// their approval is no longer needed.
func noteLostApprovers(ch *Change, match func(*Statement) bool) error {
	var open []Statement
	err := ch.ForEach(BucketStatements, "", func(_ string, decode func(any) error) error {
		var st Statement
		if err := decode(&st); err != nil {
			return err
		}
		if st.State == StatementDraft && match(&st) {
			open = append(open, st)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i := range open {
		st := &open[i]
		f, err := GetForum(ch, st.Forum)
		if err != nil {
			return err
		}
		var gone []string
		for j := range st.Approvers {
			if a := &st.Approvers[j]; !a.Gone && !takesPart(ch, f, *a) {
				a.Gone = true
				gone = append(gone, a.Name)
			}
		}
		if len(gone) == 0 {
			continue
		}
		if err := event(ch, ch.k.in(f), f, st, ch.k.in(f).T("statement.event_gone", "Who", strings.Join(gone, ", "))); err != nil {
			return err
		}
	}
	return nil
}

// askApprovers sends each pending approver the text with Approve and
// Reject buttons for the current revision.
func (s *Statements) askApprovers(ch *Change, f *Forum, st *Statement, diff string) error {
	s = &Statements{s.in(f)}
	cur := st.Current()
	for _, a := range st.Approvers {
		if st.approved(a) || !takesPart(ch, f, a) {
			continue
		}
		m, err := GetMember(ch, a.Member)
		if err != nil {
			return err
		}
		if err := ch.toMember(fmt.Sprintf("statement:%d:ask:%d:%s", st.Number, cur.N, a.Member), *m, statementClass(KindApprovalRequest, st), s.approvalRequest(f, st, diff)); err != nil {
			return err
		}
	}
	return nil
}

// editable checks that the caller may change statement st now: its
// author, still of the same actor and still drafting statements; a comms
// coordinator of the forum; or an admin. And that it is a draft.
func editable(c Caller, f *Forum, st *Statement) error {
	if st.State != StatementDraft {
		return Errorf(ECONFLICT, "err.statement_closed", "N", st.Number, "State", st.State)
	}
	return owns(c, f, st)
}

// owns checks that c may act for statement st: its author (still of the
// same actor, with the right to write statements), the forum's comms
// coordinator, or an administrator.
func owns(c Caller, f *Forum, st *Statement) error {
	if c.Admin {
		return nil
	}
	if m := c.Member; m != nil && m.ID == st.Author && (st.AuthorActor == "" || m.Actor == st.AuthorActor) {
		return Require(c, PermStatement, f)
	}
	return Require(c, Permission{Name: "statement owner", Roles: []Role{RoleCommsCoordinator}}, f)
}

// loadEditable loads statement #n and its forum for c to change: its
// author or the forum's comms coordinator, while it is a draft (editable).
func loadEditable(tx Tx, c Caller, n uint64) (*Statement, *Forum, error) {
	st, f, err := loadStatement(tx, n)
	if err != nil {
		return nil, nil, err
	}
	if err := editable(c, f, st); err != nil {
		return nil, nil, err
	}
	return st, f, nil
}

// loadStatement loads statement n and its forum.
func loadStatement(tx Tx, n uint64) (*Statement, *Forum, error) {
	st, err := GetStatement(tx, n)
	if err != nil {
		return nil, nil, err
	}
	f, err := GetForum(tx, st.Forum)
	return st, f, err
}

// replaceable checks that n (0 for none) is a statement of forum f that
// was released, so that a new statement may update it.
func replaceable(tx Tx, f *Forum, n uint64) error {
	if n == 0 {
		return nil
	}
	old, err := GetStatement(tx, n)
	if err != nil {
		return err
	}
	if old.Forum != f.ID || old.Released.IsZero() && old.State != StatementReleased {
		return Errorf(EINVALID, "err.replaces_unreleased", "N", n, "Forum", f.ID).OnField("ersatter")
	}
	return nil
}

// translations is old with the texts in add put in (canonical); an empty
// text removes that language. Only the languages a CAP alert carries
// besides the first are kept.
func translations(old, add map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range []map[string]string{old, add} {
		for lang, text := range m {
			if text = CanonicalText(text); text == "" || text == "-" {
				delete(out, lang)
			} else {
				out[lang] = text
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

package bot

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
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
	case "allmanhet", "allmanheten", "public":
		return AudiencePublic, true
	case "media", "press":
		return AudienceMedia, true
	case "kunder", "customers":
		return AudienceCustomers, true
	case "personal", "medarbetare", "staff":
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
	Hash      string    `json:"hash"`
	By        string    `json:"by"`
	At        time.Time `json:"at"`
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
		Text     string   `json:"text"`
		Audience Audience `json:"audience"`
		Targets  []string `json:"targets"`
		TLP      TLP      `json:"tlp"`
		Exercise bool     `json:"exercise"`
	}{CanonicalText(r.Text), r.Audience, keys, r.TLP, r.Exercise})
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

// Approval is one approver's answer to a statement.
type Approval struct {
	Member   string    `json:"member"`
	Name     string    `json:"name"`
	Actor    string    `json:"actor"`
	State    string    `json:"state"` // "pending", "approved", "rejected"
	Revision int       `json:"revision,omitempty"`
	Hash     string    `json:"hash,omitempty"`
	Reason   string    `json:"reason,omitempty"`
	At       time.Time `json:"at,omitempty"`
}

// Statement states.
const (
	StatementDraft     = "draft"
	StatementReleased  = "released"
	StatementWithdrawn = "withdrawn"
)

// Statement is a coordinated public message under approval.
type Statement struct {
	Number     uint64     `json:"number"`
	Forum      string     `json:"forum"`
	Author     string     `json:"author"`
	AuthorName string     `json:"author_name"`
	Created    time.Time  `json:"created"`
	Revisions  []Revision `json:"revisions"`
	Approvers  []Approval `json:"approvers"`
	State      string     `json:"state"`
	Closed     time.Time  `json:"closed,omitempty"`
	ClosedBy   string     `json:"closed_by,omitempty"`
	Version    int        `json:"version"` // thread root edits
	Events     int        `json:"events"`  // thread replies so far
}

// Current is the latest revision.
func (s *Statement) Current() *Revision { return &s.Revisions[len(s.Revisions)-1] }

// MissingNames are the names of the approvers still missing.
func (s *Statement) MissingNames() []string {
	var out []string
	for _, a := range s.Missing() {
		out = append(out, a.Name)
	}
	return out
}

// Missing lists the approvers who have not approved the current revision.
func (s *Statement) Missing() []Approval {
	cur := s.Current()
	var out []Approval
	for _, a := range s.Approvers {
		if a.State != "approved" || a.Hash != cur.Hash {
			out = append(out, a)
		}
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
	var s Statement
	if err := tx.Get(BucketStatements, SeqKey(n), &s); errors.Is(err, ErrNotFound) {
		return nil, Errorf(ENOTFOUND, "err.unknown_statement", "N", n)
	} else if err != nil {
		return nil, err
	}
	return &s, nil
}

// Draft is the content of a new statement or of an edit; empty fields of
// an edit keep their current value.
type Draft struct {
	Text      string
	Audience  Audience
	Targets   []Channel // nil: all the forum's channels (new) / unchanged (edit)
	TLP       TLP
	ReleaseBy time.Time
}

// DraftStatement creates statement #N with all communicators of the
// forum's actors as approvers, posts its thread and asks each approver.
func (b *Bot) DraftStatement(c Caller, forumID string, d Draft) (*Statement, error) {
	d.Text = CanonicalText(d.Text)
	if d.Text == "" {
		return nil, Errorf(EINVALID, "err.text_required").OnField("text")
	}
	var out *Statement
	err := b.Update(c, func(ch *Change) error {
		f, err := loadForumFor(ch, c, forumID, PermStatement)
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
		rev := Revision{N: 1, Text: d.Text, Audience: d.Audience, Targets: targets, TLP: d.TLP, ReleaseBy: d.ReleaseBy, Exercise: b.exercising(ch, f), By: c.Name(), At: ch.Now}
		rev.Hash = rev.ContentHash()
		s := &Statement{Number: n, Forum: f.ID, Author: c.Member.ID, AuthorName: c.Name(), Created: ch.Now, Revisions: []Revision{rev}, Approvers: approvers, State: StatementDraft}
		if err := ch.Put(BucketStatements, SeqKey(n), s); err != nil {
			return err
		}
		names := actorNames(ch, f.Actors)
		for _, chn := range b.commsChannels(f) {
			item := OutboxItem{Key: fmt.Sprintf("statement:%d:root@%s", n, chn.Key()), Ref: statementRef(n), To: Destination{Platform: chn.Platform, Channel: chn.ID}, Message: b.statementRoot(f, s, names)}
			if err := ch.Send(item); err != nil {
				return err
			}
		}
		if err := b.askApprovers(ch, f, s, ""); err != nil {
			return err
		}
		if err := b.armStatementTimers(ch, s); err != nil {
			return err
		}
		out = s
		return ch.Audit("statement.draft", f.ID, map[string]string{"statement": itoa(n), "revision": "1", "hash": rev.Hash, "approvers": fmt.Sprint(len(approvers))}, rev.Text)
	})
	return out, err
}

func (b *Bot) exercising(tx Tx, f *Forum) bool {
	if f.Exercise {
		return true
	}
	a, _ := CurrentActivation(tx, f)
	return a != nil && a.Exercise
}

// commsChannels are where statement threads live: the forum's
// communicators' channels, else all its channels.
func (b *Bot) commsChannels(f *Forum) []Channel {
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
func (b *Bot) event(ch *Change, f *Forum, s *Statement, text string) error {
	s.Events++
	s.Version++
	if err := ch.Put(BucketStatements, SeqKey(s.Number), s); err != nil {
		return err
	}
	names := actorNames(ch, f.Actors)
	m := b.markStatement(s, Message{Text: text})
	root := b.statementRoot(f, s, names)
	for _, chn := range b.commsChannels(f) {
		to := Destination{Platform: chn.Platform, Channel: chn.ID}
		if err := ch.Send(OutboxItem{Key: fmt.Sprintf("statement:%d:event:%d@%s", s.Number, s.Events, chn.Key()), ThreadRef: statementRef(s.Number), To: to, Message: m}); err != nil {
			return err
		}
		if err := ch.Send(OutboxItem{Key: fmt.Sprintf("statement:%d:root:%d@%s", s.Number, s.Version, chn.Key()), UpdateRef: statementRef(s.Number), To: to, Message: root}); err != nil {
			return err
		}
	}
	return nil
}

// askApprovers sends each pending approver the text with Approve and
// Reject buttons for the current revision.
func (b *Bot) askApprovers(ch *Change, f *Forum, s *Statement, diff string) error {
	cur := s.Current()
	for _, a := range s.Approvers {
		if a.State == "approved" && a.Hash == cur.Hash {
			continue
		}
		m, err := GetMember(ch, a.Member)
		if err != nil {
			continue // removed since; they still count as missing
		}
		if err := b.dm(ch, fmt.Sprintf("statement:%d:ask:%d:%s", s.Number, cur.N, a.Member), *m, b.approvalRequest(f, s, diff)); err != nil {
			return err
		}
	}
	return nil
}

// editable checks that the caller may change statement s: its author, a
// comms coordinator of the forum, or an admin; and that it is a draft.
func editable(c Caller, f *Forum, s *Statement) error {
	if s.State != StatementDraft {
		return Errorf(ECONFLICT, "err.statement_closed", "N", s.Number, "State", s.State)
	}
	if c.Admin || (c.Member != nil && c.Member.ID == s.Author) {
		return nil
	}
	return Require(c, Permission{Name: "statement owner", Roles: []Role{RoleCommsCoordinator}}, f)
}

// loadStatement loads statement n and its forum.
func loadStatement(tx Tx, n uint64) (*Statement, *Forum, error) {
	s, err := GetStatement(tx, n)
	if err != nil {
		return nil, nil, err
	}
	f, err := GetForum(tx, s.Forum)
	return s, f, err
}

// Approve records the caller's approval of revision rev (0: the current
// one). An approval for an old revision is refused.
func (b *Bot) Approve(c Caller, n uint64, rev int) (*Statement, error) {
	return b.answer(c, n, rev, "approved", "")
}

// Reject records the caller's rejection, with a reason; it blocks release
// until a new revision.
func (b *Bot) Reject(c Caller, n uint64, rev int, reason string) (*Statement, error) {
	reason = strings.TrimSpace(CleanText(reason))
	if reason == "" {
		return nil, Errorf(EINVALID, "err.reason_required_reject").OnField("motivering")
	}
	return b.answer(c, n, rev, "rejected", reason)
}

func (b *Bot) answer(c Caller, n uint64, rev int, state, reason string) (*Statement, error) {
	var out *Statement
	err := b.Update(c, func(ch *Change) error {
		s, f, err := loadStatement(ch, n)
		if err != nil {
			return err
		}
		if s.State != StatementDraft {
			return Errorf(ECONFLICT, "err.statement_closed", "N", n, "State", s.State)
		}
		i := slices.IndexFunc(s.Approvers, func(a Approval) bool { return c.Member != nil && a.Member == c.Member.ID })
		if i < 0 {
			return Errorf(EFORBIDDEN, "err.not_approver", "N", n)
		}
		cur := s.Current()
		if rev != 0 && rev != cur.N {
			return Errorf(ECONFLICT, "err.old_revision", "N", n, "Rev", rev, "Current", cur.N)
		}
		a := &s.Approvers[i]
		a.State, a.Revision, a.Hash, a.Reason, a.At = state, cur.N, cur.Hash, reason, ch.Now
		text := b.T("statement.event_approved", "Name", a.Name, "Actor", actorNames(ch, []string{a.Actor})[a.Actor], "Rev", cur.N, "Hash", cur.Hash[:12])
		if state == "rejected" {
			text = b.T("statement.event_rejected", "Name", a.Name, "Rev", cur.N, "Reason", reason)
		}
		if err := b.event(ch, f, s, text); err != nil {
			return err
		}
		out = s
		action := "statement." + map[string]string{"approved": "approve", "rejected": "reject"}[state]
		return ch.Audit(action, f.ID, map[string]string{"statement": itoa(n), "revision": fmt.Sprint(cur.N), "hash": cur.Hash, "reason": reason}, cur.Text)
	})
	return out, err
}

// Edit makes a new revision from the fields that are set, resets every
// approval and shows approvers what changed.
func (b *Bot) Edit(c Caller, n uint64, d Draft) (*Statement, error) {
	var out *Statement
	err := b.Update(c, func(ch *Change) error {
		s, f, err := loadStatement(ch, n)
		if err != nil {
			return err
		}
		if err := editable(c, f, s); err != nil {
			return err
		}
		old := *s.Current()
		rev := old
		rev.N, rev.By, rev.At = old.N+1, c.Name(), ch.Now
		if t := CanonicalText(d.Text); t != "" {
			rev.Text = t
		}
		if d.Audience != "" {
			rev.Audience = d.Audience
		}
		if len(d.Targets) > 0 {
			if rev.Targets, err = checkTargets(f, d.Targets); err != nil {
				return err
			}
		}
		if d.TLP != TLPNone {
			rev.TLP = d.TLP
		}
		if !d.ReleaseBy.IsZero() {
			rev.ReleaseBy = d.ReleaseBy
		}
		rev.Hash = rev.ContentHash()
		if rev.Hash == old.Hash {
			return Errorf(EINVALID, "err.no_change", "N", n)
		}
		s.Revisions = append(s.Revisions, rev)
		for i := range s.Approvers {
			s.Approvers[i].State, s.Approvers[i].Reason = "pending", ""
		}
		diff := b.revisionDiff(old, rev)
		if err := b.event(ch, f, s, b.T("statement.event_revision", "Name", c.Name(), "Rev", rev.N, "Diff", diff)); err != nil {
			return err
		}
		if err := b.askApprovers(ch, f, s, diff); err != nil {
			return err
		}
		if err := b.armStatementTimers(ch, s); err != nil {
			return err
		}
		out = s
		return ch.Audit("statement.edit", f.ID, map[string]string{"statement": itoa(n), "revision": fmt.Sprint(rev.N), "hash": rev.Hash}, rev.Text)
	})
	return out, err
}

// revisionDiff describes what changed between two revisions.
func (b *Bot) revisionDiff(a, r Revision) string {
	var lines []string
	if a.Text != r.Text {
		lines = append(lines, b.T("statement.diff_text", "Diff", WordDiff(a.Text, r.Text)))
	}
	if a.Audience != r.Audience {
		lines = append(lines, b.T("statement.diff_field", "Field", b.T("statement.audience"), "From", b.T("audience."+string(a.Audience)), "To", b.T("audience."+string(r.Audience))))
	}
	if ka, kr := channelNames(a.Targets), channelNames(r.Targets); ka != kr {
		lines = append(lines, b.T("statement.diff_field", "Field", b.T("statement.targets"), "From", ka, "To", kr))
	}
	if a.TLP != r.TLP {
		lines = append(lines, b.T("statement.diff_field", "Field", "TLP", "From", a.TLP.Label(), "To", r.TLP.Label()))
	}
	if !a.ReleaseBy.Equal(r.ReleaseBy) {
		lines = append(lines, b.T("statement.diff_field", "Field", b.T("statement.release_by"), "From", b.whenOrDash(a.ReleaseBy), "To", b.whenOrDash(r.ReleaseBy)))
	}
	return strings.Join(lines, "\n")
}

func (b *Bot) whenOrDash(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.In(b.loc()).Format("2006-01-02 15:04")
}

func channelNames(cs []Channel) string {
	var out []string
	for _, c := range cs {
		name := c.Name
		if name == "" {
			name = c.ID
		}
		out = append(out, fmt.Sprintf("%s (%s)", name, c.Platform))
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}

// Release publishes the current revision to its target channels on every
// platform, only when every approver approved exactly it, and locks the
// statement. The check and the posting are one transaction, so an edit
// racing a release cannot publish an unapproved text.
func (b *Bot) Release(c Caller, n uint64) (*Statement, error) {
	var out *Statement
	err := b.Update(c, func(ch *Change) error {
		s, f, err := loadStatement(ch, n)
		if err != nil {
			return err
		}
		if err := editable(c, f, s); err != nil {
			return err
		}
		if missing := s.Missing(); len(missing) > 0 {
			var who []string
			for _, a := range missing {
				w := a.Name
				if a.State == "rejected" && a.Hash == s.Current().Hash {
					w += " (" + b.T("statement.rejected_word") + ")"
				}
				who = append(who, w)
			}
			return Errorf(ECONFLICT, "err.not_all_approved", "N", n, "Who", strings.Join(who, ", "))
		}
		cur := s.Current()
		names := actorNames(ch, f.Actors)
		var actors []string
		for _, a := range s.Approvers {
			if n := names[a.Actor]; !slices.Contains(actors, n) {
				actors = append(actors, n)
			}
		}
		msg := b.markStatement(s, Message{
			Title:  b.T("statement.published_title", "Audience", b.T("audience."+string(cur.Audience))),
			Text:   cur.Text,
			TLP:    cur.TLP,
			Colour: "#2E7D32",
			Fields: []Field{{Title: b.T("statement.coordinated_by"), Value: strings.Join(actors, ", ")}},
		})
		for _, chn := range cur.Targets {
			if err := ch.Send(OutboxItem{Key: fmt.Sprintf("statement:%d:release@%s", n, chn.Key()), To: Destination{Platform: chn.Platform, Channel: chn.ID}, Message: msg}); err != nil {
				return err
			}
		}
		s.State, s.Closed, s.ClosedBy = StatementReleased, ch.Now, c.Name()
		if err := b.event(ch, f, s, b.T("statement.event_released", "Name", c.Name(), "Rev", cur.N, "Hash", cur.Hash[:12], "Channels", channelNames(cur.Targets))); err != nil {
			return err
		}
		if err := b.disarmStatementTimers(ch, n); err != nil {
			return err
		}
		out = s
		return ch.Audit("statement.release", f.ID, map[string]string{"statement": itoa(n), "revision": fmt.Sprint(cur.N), "hash": cur.Hash}, cur.Text)
	})
	return out, err
}

// Withdraw ends a draft; a released statement cannot be withdrawn, only
// followed by a new one.
func (b *Bot) Withdraw(c Caller, n uint64) (*Statement, error) {
	var out *Statement
	err := b.Update(c, func(ch *Change) error {
		s, f, err := loadStatement(ch, n)
		if err != nil {
			return err
		}
		if err := editable(c, f, s); err != nil {
			return err
		}
		s.State, s.Closed, s.ClosedBy = StatementWithdrawn, ch.Now, c.Name()
		if err := b.event(ch, f, s, b.T("statement.event_withdrawn", "Name", c.Name())); err != nil {
			return err
		}
		if err := b.disarmStatementTimers(ch, n); err != nil {
			return err
		}
		out = s
		return ch.Audit("statement.withdraw", f.ID, map[string]string{"statement": itoa(n), "hash": s.Current().Hash}, "")
	})
	return out, err
}

func (b *Bot) reminderEvery() time.Duration {
	if b.ApprovalReminder > 0 {
		return b.ApprovalReminder
	}
	return DefaultApprovalReminder
}

// armStatementTimers sets the next reminder, and a warning 15 minutes
// before the release-by time.
func (b *Bot) armStatementTimers(ch *Change, s *Statement) error {
	if err := b.disarmStatementTimers(ch, s.Number); err != nil {
		return err
	}
	ref := itoa(s.Number) + "|" + fmt.Sprint(s.Current().N)
	if err := ch.SetTimer(Timer{Due: ch.Now.Add(b.reminderEvery()), Kind: timerStatementReminder, Ref: ref}); err != nil {
		return err
	}
	if rb := s.Current().ReleaseBy; !rb.IsZero() {
		warn := rb.Add(-15 * time.Minute)
		if warn.Before(ch.Now) {
			warn = ch.Now
		}
		return ch.SetTimer(Timer{Due: warn, Kind: timerStatementDeadline, Ref: ref})
	}
	return nil
}

func (b *Bot) disarmStatementTimers(ch *Change, n uint64) error {
	return ch.DeleteTimers(func(t Timer) bool {
		return (t.Kind == timerStatementReminder || t.Kind == timerStatementDeadline) && strings.HasPrefix(t.Ref, itoa(n)+"|")
	})
}

// timerStatement loads the draft a timer is about, nil when it moved on.
func timerStatement(tx Tx, t Timer) (*Statement, *Forum) {
	var n uint64
	var rev int
	if _, err := fmt.Sscanf(t.Ref, "%d|%d", &n, &rev); err != nil {
		return nil, nil
	}
	s, f, err := loadStatement(tx, n)
	if err != nil || s.State != StatementDraft || s.Current().N != rev {
		return nil, nil
	}
	return s, f
}

// statementReminder reminds pending approvers, in their DMs and the
// thread, and sets the next reminder.
func (b *Bot) statementReminder(ch *Change, t Timer) error {
	s, f := timerStatement(ch, t)
	if s == nil {
		return nil
	}
	missing := s.Missing()
	if len(missing) == 0 {
		return nil
	}
	var who []string
	for _, a := range missing {
		who = append(who, a.Name)
		m, err := GetMember(ch, a.Member)
		if err != nil {
			continue
		}
		msg := b.markStatement(s, Message{
			Text:    b.T("statement.reminder", "N", s.Number, "Rev", s.Current().N),
			Buttons: b.approvalButtons(s),
		})
		if err := b.dm(ch, fmt.Sprintf("statement:%d:reminder:%d:%s", s.Number, s.Events, a.Member), *m, msg); err != nil {
			return err
		}
	}
	if err := b.event(ch, f, s, b.T("statement.event_reminder", "Who", strings.Join(who, ", "))); err != nil {
		return err
	}
	return ch.SetTimer(Timer{Due: ch.Now.Add(b.reminderEvery()), Kind: timerStatementReminder, Ref: t.Ref})
}

// statementDeadline warns the author when the release-by time is near and
// approvals are missing.
func (b *Bot) statementDeadline(ch *Change, t Timer) error {
	s, f := timerStatement(ch, t)
	if s == nil {
		return nil
	}
	who := s.MissingNames()
	if len(who) == 0 {
		return nil
	}
	author, err := GetMember(ch, s.Author)
	if err != nil {
		return nil
	}
	msg := b.markStatement(s, Message{Text: b.T("statement.deadline_warning", "N", s.Number, "When", b.whenOrDash(s.Current().ReleaseBy), "Who", strings.Join(who, ", "))})
	if err := b.dm(ch, fmt.Sprintf("statement:%d:deadline:%d", s.Number, s.Current().N), *author, msg); err != nil {
		return err
	}
	return ch.Audit("statement.deadline_warning", f.ID, map[string]string{"statement": itoa(s.Number), "missing": strings.Join(who, ",")}, "")
}

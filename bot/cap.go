package bot

import (
	"cmp"
	"context"
	"encoding/xml"
	"fmt"
	"slices"
	"strings"
	"time"

	"samverkan/catalog"
)

// CAPNamespace is the XML namespace of OASIS CAP 1.2 alerts.
const CAPNamespace = "urn:oasis:names:tc:emergency:cap:1.2"

// CAPAlert is a released statement as an OASIS Common Alerting Protocol
// 1.2 alert, the format Krisinformation.se, SMHI's warnings, Sveriges
// Radio's VMA feed and Norway's public warning receive. Field order is
// the specification's.
type CAPAlert struct {
	XMLName    xml.Name  `xml:"urn:oasis:names:tc:emergency:cap:1.2 alert"`
	Identifier string    `xml:"identifier"`
	Sender     string    `xml:"sender"`
	Sent       string    `xml:"sent"`
	Status     string    `xml:"status"`
	MsgType    string    `xml:"msgType"`
	Source     string    `xml:"source,omitempty"`
	Scope      string    `xml:"scope"`
	Note       string    `xml:"note,omitempty"`
	References string    `xml:"references,omitempty"`
	Info       []CAPInfo `xml:"info"`
	// Statement is the statement's number (not part of the document).
	Statement uint64 `xml:"-"`
}

// CAPInfo is one language's part of an alert.
type CAPInfo struct {
	Language    string    `xml:"language"`
	Category    []string  `xml:"category"`
	Event       string    `xml:"event"`
	Urgency     string    `xml:"urgency"`
	Severity    string    `xml:"severity"`
	Certainty   string    `xml:"certainty"`
	Audience    string    `xml:"audience,omitempty"`
	SenderName  string    `xml:"senderName,omitempty"`
	Headline    string    `xml:"headline,omitempty"`
	Description string    `xml:"description,omitempty"`
	Web         string    `xml:"web,omitempty"`
	Area        []CAPArea `xml:"area,omitempty"`
}

// CAPArea is where an alert applies, in words.
type CAPArea struct {
	AreaDesc string `xml:"areaDesc"`
}

// capLanguages are the languages an alert may carry, in the order of its
// info blocks, with their RFC 3066 codes.
var capLanguages = []struct{ lang, code string }{{"sv", "sv-SE"}, {"nb", "nb-NO"}, {"en", "en-GB"}}

// CAPTime formats t as CAP dates are written: seconds, and a numeric
// offset from UTC, never "Z".
func CAPTime(t time.Time) string { return t.Format("2006-01-02T15:04:05-07:00") }

// capSafe keeps what a CAP identifier or sender may hold: no spaces,
// commas, "<" or "&".
func capSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r <= ' ' || r == ',' || r == '<' || r == '&' || r == '>' {
			return '-'
		}
		return r
	}, s)
}

// capFacts are what an alert is made of besides the statement: its
// sender, the forum, the names of the actors that coordinated it and the
// alert it updates.
type capFacts struct {
	sender   string
	forum    *Forum
	actors   []string
	replaced *Statement
	loc      *time.Location
	lang     string
}

// capIdentifier names statement st's alert (or its cancellation) uniquely
// for this sender.
func capIdentifier(sender string, st *Statement, cancel bool) string {
	id := fmt.Sprintf("%s.%s.%d", strings.ReplaceAll(sender, "@", "."), st.Forum, st.Number)
	if cancel {
		id += ".cancel"
	}
	return capSafe(id)
}

// releasedAt is when st was released (zero if it never was).
func (s *Statement) releasedAt() time.Time {
	if !s.Released.IsZero() || s.State != StatementReleased {
		return s.Released
	}
	return s.Closed
}

// capAlert builds statement st's alert: an Alert when released, an
// Update with references when it replaces a released statement, a
// Cancel with references when it was withdrawn after release. Only a
// released TLP:CLEAR statement becomes a public alert.
func capAlert(st *Statement, x capFacts) (*CAPAlert, error) {
	cur := st.Current()
	released := st.releasedAt()
	if released.IsZero() {
		return nil, Errorf(ECONFLICT, "err.cap_unreleased", "N", st.Number, "State", catalog.T(x.lang, "statement.state."+st.State))
	}
	if cur.TLP != TLPClear {
		return nil, Errorf(ECONFLICT, "err.cap_not_clear", "N", st.Number, "Label", cur.TLP.Label())
	}
	sender := capSafe(x.sender)
	a := &CAPAlert{
		Identifier: capIdentifier(sender, st, false),
		Sender:     sender,
		Sent:       CAPTime(released.In(x.loc)),
		Status:     "Actual",
		MsgType:    "Alert",
		Source:     "samverkan",
		Scope:      "Public",
		Statement:  st.Number,
	}
	if cur.Exercise {
		a.Status = "Exercise"
		a.Note = catalog.T(x.lang, "cap.exercise_note", "Forum", x.forum.Name, "ID", x.forum.ID)
	}
	// A reference is the earlier alert's sender, identifier and sent.
	ref := func(of *Statement) string {
		return sender + "," + capIdentifier(sender, of, false) + "," + CAPTime(of.releasedAt().In(x.loc))
	}
	if st.State == StatementWithdrawn {
		a.MsgType = "Cancel"
		a.Identifier = capIdentifier(sender, st, true)
		a.Sent = CAPTime(st.Closed.In(x.loc))
		a.References = ref(st)
	} else if p := x.replaced; p != nil && !p.releasedAt().IsZero() {
		a.MsgType = "Update"
		a.References = ref(p)
	}
	texts := map[string]string{cmp.Or(x.lang, "sv"): cur.Text}
	for l, t := range cur.Translations {
		if _, main := texts[l]; !main {
			texts[l] = t
		}
	}
	for _, l := range capLanguages {
		text, ok := texts[l.lang]
		if !ok {
			continue
		}
		info := CAPInfo{
			Language:    l.code,
			Category:    []string{"Safety"},
			Event:       catalog.T(l.lang, "cap.event", "Forum", x.forum.Name),
			Urgency:     "Unknown",
			Severity:    "Unknown",
			Certainty:   "Unknown",
			Audience:    catalog.T(l.lang, "audience."+string(cur.Audience)),
			SenderName:  strings.Join(x.actors, ", "),
			Headline:    catalog.T(l.lang, "cap.headline", "Forum", x.forum.Name),
			Description: text,
		}
		if a.MsgType == "Cancel" {
			info.Headline = catalog.T(l.lang, "cap.headline_cancel", "Forum", x.forum.Name)
		}
		if cur.Area != "" {
			info.Area = []CAPArea{{AreaDesc: cur.Area}}
		}
		a.Info = append(a.Info, info)
	}
	return a, nil
}

// MarshalCAP writes an alert as an XML document.
func MarshalCAP(a *CAPAlert) []byte {
	b, _ := xml.MarshalIndent(a, "", "  ")
	return append([]byte(xml.Header), append(b, '\n')...)
}

// capOf builds the alert of statement st inside a transaction.
func (s *Statements) capOf(tx Tx, st *Statement, f *Forum) (*CAPAlert, error) {
	s = &Statements{s.in(f)}
	x := capFacts{sender: s.capSender(), forum: f, loc: s.loc(), lang: s.Lang}
	names := actorNames(tx, f.Actors)
	for _, ap := range st.Approvers {
		if n := names[ap.Actor]; ap.State == "approved" && ap.Hash == st.Current().Hash && !slices.Contains(x.actors, n) {
			x.actors = append(x.actors, n)
		}
	}
	if st.Replaces != 0 {
		if p, err := GetStatement(tx, st.Replaces); err == nil {
			x.replaced = p
		}
	}
	return capAlert(st, x)
}

// capSender is who the alerts say they come from.
func (k *core) capSender() string { return cmp.Or(k.Sender, "samverkan@localhost") }

// CAP is statement n as a CAP 1.2 document, for whoever may read the
// statement (the gate's rule, as for `budskap visa`), with the file name
// it is sent under.
func (s *Statements) CAP(c Caller, n uint64) (name string, doc []byte, err error) {
	err = s.View(func(tx Tx) error {
		st, f, err := s.readStatement(tx, c, n)
		if err != nil {
			return err
		}
		a, err := s.capOf(tx, st, f)
		if err != nil {
			return err
		}
		name, doc = capFile(f, n), MarshalCAP(a)
		return nil
	})
	return name, doc, err
}

// capFile is the name statement n's alert is sent under.
func capFile(f *Forum, n uint64) string { return fmt.Sprintf("cap-%s-%d.xml", f.ID, n) }

// SendCAP sends the caller statement n's CAP alert as a file in their
// direct messages and returns its name.
func (s *Statements) SendCAP(ctx context.Context, c Caller, n uint64) (string, error) {
	name := ""
	err := s.Update(ctx, c, func(ch *Change) error {
		st, f, err := loadStatement(ch, n)
		if err != nil {
			return err
		}
		k := s.in(f)
		if err := mayReadStatement(ch, ch.Caller, f, st); err != nil {
			return err
		}
		a, err := s.capOf(ch, st, f)
		if err != nil {
			return err
		}
		name = capFile(f, n)
		cl := Class{Kind: KindExport, Forum: f.ID, TLP: TLPClear, Exercise: st.Current().Exercise}
		msg := Message{TLP: TLPClear, Text: k.T("statement.cap_comment", "N", n, "Type", a.MsgType)}
		to, err := ch.toCaller(name, MarshalCAP(a), cl, msg)
		if err != nil {
			return err
		}
		return ch.Audit("statement.cap", f.ID, map[string]string{"statement": itoa(n), "file": name, "to": to.key()}, "")
	})
	return name, err
}

// PublicCAP lists the CAP alerts of forum's released TLP:CLEAR statements
// (withdrawn ones as cancellations), newest first, for a public feed that
// an operator turned on: nothing is checked about a caller.
func (s *Statements) PublicCAP(forumID string) (*Forum, []*CAPAlert, error) {
	var f *Forum
	var out []*CAPAlert
	err := s.Store.View(func(tx Tx) error {
		var err error
		if f, err = GetForum(tx, forumID); err != nil {
			return err
		}
		return forumStatements(tx, f.ID, func(st *Statement) error {
			if !public(st) {
				return nil
			}
			a, err := s.capOf(tx, st, f)
			if err == nil {
				out = append(out, a)
			}
			return err
		})
	})
	slices.Reverse(out)
	return f, out, err
}

// public reports whether st is a public alert: released TLP:CLEAR.
func public(st *Statement) bool { return !st.releasedAt().IsZero() && st.Current().TLP == TLPClear }

// PublicAlert is the CAP alert of forum's statement n if it is public,
// for the feed an operator turned on: nothing is checked about a caller.
func (s *Statements) PublicAlert(forumID string, n uint64) (*CAPAlert, error) {
	var a *CAPAlert
	err := s.Store.View(func(tx Tx) error {
		st, f, err := loadStatement(tx, n)
		if err != nil {
			return err
		}
		if f.ID != forumID || !public(st) {
			return Errorf(ENOTFOUND, "err.unknown_statement", "N", n)
		}
		a, err = s.capOf(tx, st, f)
		return err
	})
	return a, err
}

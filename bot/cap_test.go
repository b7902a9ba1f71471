package bot_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"samverkan/bot"
	"samverkan/bottest"
)

// The rules below are written from OASIS "Common Alerting Protocol
// Version 1.2" (1 July 2010), section 3.2 (the alert, info and area
// segments) and 3.3.2 (dates), and its XML schema (element order). A
// document is read as a receiver reads it: as XML, element by element.

// capNode is an element of a parsed document: its name, text and
// children in order.
type capNode struct {
	Name     string
	Space    string
	Text     string
	Children []*capNode
}

func (n *capNode) all(name string) []*capNode {
	var out []*capNode
	for _, c := range n.Children {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

func (n *capNode) one(name string) *capNode {
	if l := n.all(name); len(l) > 0 {
		return l[0]
	}
	return nil
}

func parseCAP(doc []byte) (*capNode, error) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	var stack []*capNode
	var root *capNode
	for {
		tok, err := d.Token()
		if err != nil {
			if err.Error() == "EOF" && root != nil && len(stack) == 0 {
				return root, nil
			}
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &capNode{Name: t.Name.Local, Space: t.Name.Space}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			} else if root != nil {
				return nil, fmt.Errorf("a second root element %s", t.Name.Local)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(t)
			}
		}
	}
}

// The schema's sequences: the order elements must come in.
var (
	alertOrder = []string{"identifier", "sender", "sent", "status", "msgType", "source", "scope", "restriction", "addresses", "code", "note", "references", "incidents", "info"}
	infoOrder  = []string{"language", "category", "event", "responseType", "urgency", "severity", "certainty", "audience", "eventCode", "effective", "onset", "expires", "senderName", "headline", "description", "instruction", "web", "contact", "parameter", "resource", "area"}
	areaOrder  = []string{"areaDesc", "polygon", "circle", "geocode", "altitude", "ceiling"}

	capDate  = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$`)
	language = regexp.MustCompile(`^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$`)
)

// inOrder reports the first child of n out of the schema's order or
// unknown to it.
func inOrder(n *capNode, order []string) string {
	last := -1
	for _, c := range n.Children {
		i := slices.Index(order, c.Name)
		if i < 0 {
			return c.Name + " is not a CAP element here"
		}
		if i < last {
			return c.Name + " comes after " + order[last]
		}
		last = i
	}
	return ""
}

func oneOf(v string, list ...string) bool { return slices.Contains(list, v) }

// validDate is a CAP date: a numeric offset, never "Z", and a real time.
func validDate(s string) bool {
	if !capDate.MatchString(s) {
		return false
	}
	_, err := time.Parse("2006-01-02T15:04:05-07:00", s)
	return err == nil
}

// checkCAP lists every way doc breaks the specification's rules.
func checkCAP(doc []byte) []string {
	root, err := parseCAP(doc)
	if err != nil {
		return []string{"not well-formed XML: " + err.Error()}
	}
	var bad []string
	fail := func(f string, a ...any) { bad = append(bad, fmt.Sprintf(f, a...)) }
	if root.Name != "alert" || root.Space != bot.CAPNamespace {
		fail("root is {%s}%s, not the CAP 1.2 alert", root.Space, root.Name)
	}
	if s := inOrder(root, alertOrder); s != "" {
		fail("alert: %s", s)
	}
	text := func(n *capNode, name string) string {
		if c := n.one(name); c != nil {
			return c.Text
		}
		return ""
	}
	for _, req := range []string{"identifier", "sender", "sent", "status", "msgType", "scope"} {
		if l := root.all(req); len(l) != 1 || strings.TrimSpace(l[0].Text) == "" {
			fail("alert needs exactly one %s", req)
		}
	}
	for _, name := range []string{"identifier", "sender"} {
		if strings.ContainsAny(text(root, name), " ,<&") {
			fail("%s %q holds a space, comma, < or &", name, text(root, name))
		}
	}
	if !validDate(text(root, "sent")) {
		fail("sent %q is not a CAP date", text(root, "sent"))
	}
	if !oneOf(text(root, "status"), "Actual", "Exercise", "System", "Test", "Draft") {
		fail("status %q", text(root, "status"))
	}
	msgType := text(root, "msgType")
	if !oneOf(msgType, "Alert", "Update", "Cancel", "Ack", "Error") {
		fail("msgType %q", msgType)
	}
	switch scope := text(root, "scope"); {
	case !oneOf(scope, "Public", "Restricted", "Private"):
		fail("scope %q", scope)
	case scope == "Restricted" && root.one("restriction") == nil:
		fail("a Restricted alert needs restriction")
	case scope == "Private" && root.one("addresses") == nil:
		fail("a Private alert needs addresses")
	}
	if text(root, "status") == "Exercise" && strings.TrimSpace(text(root, "note")) == "" {
		fail("an exercise alert names the exercise in note")
	}
	refs := strings.Fields(text(root, "references"))
	if oneOf(msgType, "Update", "Cancel", "Ack", "Error") && len(refs) == 0 {
		fail("a %s needs references", msgType)
	}
	for _, r := range refs {
		p := strings.Split(r, ",")
		if len(p) != 3 || p[0] == "" || p[1] == "" || !validDate(p[2]) {
			fail("reference %q is not sender,identifier,sent", r)
		}
	}
	for _, info := range root.all("info") {
		if s := inOrder(info, infoOrder); s != "" {
			fail("info: %s", s)
		}
		if l := text(info, "language"); l != "" && !language.MatchString(l) {
			fail("language %q is not an RFC 3066 code", l)
		}
		cats := info.all("category")
		if len(cats) == 0 {
			fail("info needs a category")
		}
		for _, c := range cats {
			if !oneOf(c.Text, "Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport", "Infra", "CBRNE", "Other") {
				fail("category %q", c.Text)
			}
		}
		for _, req := range []string{"event", "urgency", "severity", "certainty"} {
			if l := info.all(req); len(l) != 1 || strings.TrimSpace(l[0].Text) == "" {
				fail("info needs exactly one %s", req)
			}
		}
		if !oneOf(text(info, "urgency"), "Immediate", "Expected", "Future", "Past", "Unknown") {
			fail("urgency %q", text(info, "urgency"))
		}
		if !oneOf(text(info, "severity"), "Extreme", "Severe", "Moderate", "Minor", "Unknown") {
			fail("severity %q", text(info, "severity"))
		}
		if !oneOf(text(info, "certainty"), "Observed", "Likely", "Possible", "Unlikely", "Unknown") {
			fail("certainty %q", text(info, "certainty"))
		}
		for _, area := range info.all("area") {
			if s := inOrder(area, areaOrder); s != "" {
				fail("area: %s", s)
			}
			if strings.TrimSpace(text(area, "areaDesc")) == "" {
				fail("an area needs areaDesc")
			}
		}
	}
	return bad
}

// TestTheCAPCheckKnowsEveryRule breaks a valid alert one rule at a time:
// each must be caught, so a pass of the real alerts below means something.
func TestTheCAPCheckKnowsEveryRule(t *testing.T) {
	sent := bot.CAPTime(bottest.Start().In(bot.Stockholm())) // YYYY-MM-DDThh:mm:ss+hh:mm
	valid := `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>x.lst.1</identifier><sender>samverkan@lst.se</sender><sent>` + sent + `</sent>
  <status>Actual</status><msgType>Alert</msgType><scope>Public</scope>
  <info><language>sv-SE</language><category>Safety</category><event>e</event><urgency>Unknown</urgency><severity>Unknown</severity><certainty>Unknown</certainty>
  <description>d</description><area><areaDesc>Gävle</areaDesc></area></info>
</alert>`
	if bad := checkCAP([]byte(valid)); len(bad) > 0 {
		t.Fatalf("the valid alert: %v", bad)
	}
	for _, c := range []struct{ rule, from, to string }{
		{"well-formed", "</alert>", "</alrt>"},
		{"namespace", "cap:1.2", "cap:1.1"},
		{"identifier required", "<identifier>x.lst.1</identifier>", ""},
		{"identifier without spaces", "x.lst.1", "x lst 1"},
		{"identifier without commas", "x.lst.1", "x,lst"},
		{"sender required", "<sender>samverkan@lst.se</sender>", ""},
		{"sender without spaces", "samverkan@lst.se", "samverkan @lst.se"},
		{"sent required", "<sent>" + sent + "</sent>", ""},
		{"sent has no Z", sent[19:] + "</sent>", "Z</sent>"},
		{"sent has seconds", sent[11:], sent[11:16] + sent[19:]},
		{"sent is a real time", sent[:10], sent[:5] + "13" + sent[7:10]},
		{"status required", "<status>Actual</status>", ""},
		{"status value", "Actual", "Real"},
		{"msgType required", "<msgType>Alert</msgType>", ""},
		{"msgType value", "<msgType>Alert", "<msgType>Warning"},
		{"Update needs references", "<msgType>Alert", "<msgType>Update"},
		{"Cancel needs references", "<msgType>Alert", "<msgType>Cancel"},
		{"references are triples", "<scope>Public</scope>", "<scope>Public</scope><references>samverkan@lst.se,x.lst.0</references>"},
		{"scope required", "<scope>Public</scope>", ""},
		{"scope value", "Public", "Everyone"},
		{"Restricted needs restriction", "Public", "Restricted"},
		{"Private needs addresses", "Public", "Private"},
		{"Exercise needs note", "Actual", "Exercise"},
		{"alert order", "<status>Actual</status><msgType>Alert</msgType>", "<msgType>Alert</msgType><status>Actual</status>"},
		{"no unknown elements", "<scope>Public</scope>", "<scope>Public</scope><tlp>CLEAR</tlp>"},
		{"category required", "<category>Safety</category>", ""},
		{"category value", "Safety", "Crisis"},
		{"event required", "<event>e</event>", ""},
		{"urgency required", "<urgency>Unknown</urgency>", ""},
		{"urgency value", "<urgency>Unknown", "<urgency>Soon"},
		{"severity value", "<severity>Unknown", "<severity>High"},
		{"certainty value", "<certainty>Unknown", "<certainty>Sure"},
		{"info order", "<category>Safety</category><event>e</event>", "<event>e</event><category>Safety</category>"},
		{"language code", "sv-SE", "svenska språket"},
		{"areaDesc required", "<areaDesc>Gävle</areaDesc>", ""},
	} {
		broken := strings.Replace(valid, c.from, c.to, 1)
		if broken == valid {
			t.Fatalf("%s: the replacement did nothing", c.rule)
		}
		if bad := checkCAP([]byte(broken)); len(bad) == 0 {
			t.Errorf("%s: not caught", c.rule)
		}
	}
}

func capOf(t *testing.T, env *bottest.Env, who string, n uint64) *capNode {
	t.Helper()
	_, doc, err := env.Bot.Statements.CAP(env.Who(t, who), n)
	if err != nil {
		t.Fatal(err)
	}
	if bad := checkCAP(doc); len(bad) > 0 {
		t.Fatalf("statement %d's alert breaks CAP 1.2: %v\n%s", n, bad, doc)
	}
	root, _ := parseCAP(doc)
	return root
}

func TestReleasedStatementsAreValidCAPAlerts(t *testing.T) {
	ctx := context.Background()
	env := bottest.NewEnv(t)
	env.Fixture(t)
	first := env.Released(t, bot.Draft{Text: "Undvik Norrort i kväll.", Area: "Gävle kommun, Norrort", Translations: map[string]string{"en": "Avoid Norrort tonight.", "nb": "Unngå Norrort i kveld."}})
	a := capOf(t, env, "sam", first.Number)
	sent := env.Clock.Now().In(bot.Stockholm())
	if got := a.one("sent").Text; got != sent.Format("2006-01-02T15:04:05-07:00") || strings.HasSuffix(got, "Z") {
		t.Errorf("sent %q, want the release time with its offset", got)
	}
	if a.one("msgType").Text != "Alert" || a.one("status").Text != "Actual" || a.one("scope").Text != "Public" {
		t.Errorf("a first release: %s %s %s", a.one("msgType").Text, a.one("status").Text, a.one("scope").Text)
	}
	var langs, texts []string
	for _, info := range a.all("info") {
		langs = append(langs, info.one("language").Text)
		texts = append(texts, info.one("description").Text)
		if area := info.one("area"); area == nil || area.one("areaDesc").Text != "Gävle kommun, Norrort" {
			t.Errorf("%s: the area is missing", info.one("language").Text)
		}
	}
	if strings.Join(langs, " ") != "sv-SE nb-NO en-GB" || texts[2] != "Avoid Norrort tonight." || texts[1] != "Unngå Norrort i kveld." {
		t.Errorf("info blocks %v: %q", langs, texts)
	}
	if h := a.all("info")[2].one("headline").Text; bottest.SwedishIn(h) != "" {
		t.Errorf("the English headline %q", h)
	}

	// A new statement that replaces it is an Update that references it.
	env.Clock.Advance(10 * time.Minute)
	second := env.Released(t, bot.Draft{Text: "Norrort är öppet igen.", Replaces: first.Number})
	u := capOf(t, env, "sam", second.Number)
	ref := fmt.Sprintf("%s,%s,%s", a.one("sender").Text, a.one("identifier").Text, a.one("sent").Text)
	if u.one("msgType").Text != "Update" || u.one("references").Text != ref {
		t.Errorf("the update: %s references %q, want %q", u.one("msgType").Text, u.one("references").Text, ref)
	}
	if u.one("info").one("area") != nil || len(u.all("info")) != 1 {
		t.Errorf("no area and no translations given: %d info blocks", len(u.all("info")))
	}

	// Withdrawn after release, it is a Cancel of its own alert, and its
	// channels are told.
	env.Clock.Advance(5 * time.Minute)
	start := len(env.Platform.Sent())
	if _, err := env.Bot.Statements.Withdraw(ctx, env.Who(t, "kim"), second.Number); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("kim (an approver, not its author) withdrawing: %v", err)
	}
	if _, err := env.Bot.Statements.Withdraw(ctx, env.Who(t, "klara"), second.Number); err != nil {
		t.Fatal(err)
	}
	env.Deliver(t)
	if got := strings.Join(sentTo(env, start, bottest.ForumChannel), "\n"); !strings.Contains(got, "Norrort är öppet igen.") || !strings.Contains(got, "gäller inte längre") {
		t.Errorf("the channel was not told of the withdrawal:\n%s", got)
	}
	c := capOf(t, env, "sam", second.Number)
	uref := fmt.Sprintf("%s,%s,%s", u.one("sender").Text, u.one("identifier").Text, u.one("sent").Text)
	if c.one("msgType").Text != "Cancel" || c.one("references").Text != uref || c.one("identifier").Text == u.one("identifier").Text {
		t.Errorf("the cancel: %s %s references %q, want %q", c.one("msgType").Text, c.one("identifier").Text, c.one("references").Text, uref)
	}
	if c.one("sent").Text != env.Clock.Now().In(bot.Stockholm()).Format("2006-01-02T15:04:05-07:00") {
		t.Errorf("the cancel was sent %s", c.one("sent").Text)
	}

	// The public feed lists both, newest first.
	_, feed, err := env.Bot.Statements.PublicCAP(bottest.Forum)
	if err != nil || len(feed) != 2 || feed[0].MsgType != "Cancel" || feed[1].MsgType != "Alert" {
		t.Fatalf("the feed: %d alerts, %v", len(feed), err)
	}
}

func TestOnlyReleasedClearStatementsBecomeCAP(t *testing.T) {
	ctx := context.Background()
	env := bottest.NewEnv(t)
	env.Fixture(t)
	green := env.Released(t, bot.Draft{Text: "Till kommunerna: sambandsplan B gäller.", TLP: bot.TLPGreen})
	if _, _, err := env.Bot.Statements.CAP(env.Who(t, "sam"), green.Number); bot.ErrorCode(err) != bot.ECONFLICT || !strings.Contains(err.Error(), "err.cap_not_clear") {
		t.Errorf("a TLP:GREEN statement: %v", err)
	}
	d := draft(t, env, "klara", "Utkast.", bot.TLPClear)
	if _, _, err := env.Bot.Statements.CAP(env.Who(t, "sam"), d.Number); bot.ErrorCode(err) != bot.ECONFLICT || !strings.Contains(err.Error(), "err.cap_unreleased") {
		t.Errorf("a draft: %v", err)
	}
	if _, err := env.Bot.Statements.Draft(ctx, env.Who(t, "klara"), bottest.Forum, bot.Draft{Text: "x", Replaces: d.Number}); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("replacing a draft: %v", err)
	}
	if _, _, err := env.Bot.Statements.CAP(env.Who(t, "otto"), green.Number); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("someone outside the forum read its CAP")
	}
	_, feed, err := env.Bot.Statements.PublicCAP(bottest.Forum)
	if err != nil || len(feed) != 0 {
		t.Errorf("the feed holds %d alerts (%v); green and draft statements are not public", len(feed), err)
	}
	// An exercise statement says so, and names the exercise.
	if _, err := env.Bot.Activations.Activate(ctx, env.Who(t, "rasmus"), bottest.Forum, nil, true); err != nil {
		t.Fatal(err)
	}
	ex := env.Released(t, bot.Draft{Text: "Övningsbudskap."})
	a := capOf(t, env, "sam", ex.Number)
	if a.one("status").Text != "Exercise" || !strings.Contains(a.one("note").Text, "Regional samverkan") {
		t.Errorf("an exercise statement: status %s, note %q", a.one("status").Text, a.one("note").Text)
	}
}

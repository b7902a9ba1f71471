package e2e_test

import (
	"strings"
	"testing"
)

// Secrets of the forum that people outside it must never read, in any
// answer or direct message: actors' 24/7 contacts, the people of its
// actors and their accounts, a report's, a meeting's and a statement's
// text.
var forumSecrets = []string{
	"010-111 11 11", "RAKEL-LST-TIB", "tib@lst.example", "satellit 00870", // lst's contact
	"`tove`", "`rasmus`", "mattermost:u_tove", // the people of the forum's actors
	"Reservkraft i Norrort",  // an AMBER report
	"Skolorna håller stängt", // a decision in the minutes
	"Undvik Norrort i kväll", // a statement under approval
}

// Every read command, as someone who is no member at all, a member of
// another forum and a removed member would type it on Mattermost: no
// answer and no direct message carries what belongs to the forum's
// members (the read rule of bot/readrule.go and permitCaller). A member
// of the forum reads the same commands and sees the contact, so the test
// can fail.
func TestEveryReadCommandAsAnOutsider(t *testing.T) {
	w := newWorld(t)
	// A hundred and fifty commands in a row, one at a time: not the
	// overload the admission guards against (and on PostgreSQL it would
	// take them for it).
	w.app.Engine.Admission = nil
	w.setup()
	w.mmUser("u_otto", "otto")
	w.mmUser("u_nobody", "nobody")
	for _, s := range []string{
		`aktör kontakt lst telefon="010-111 11 11" rakel="RAKEL-LST-TIB" epost=tib@lst.example alternativ="satellit 00870 1"`,
		`aktör lägg-till ext "Extern AB"`,
		`forum skapa ovn "Övningsforum" nivå=samordnande värd=ext`,
		`medlem lägg-till @otto aktör=ext roll=tib`,
	} {
		w.must(w.mustText(w.mmCmd("u_admin", s)))
	}
	w.must(w.mustText(w.mmCmd("u_sam", `lägesbild ny ssr fakta="Reservkraft i Norrort." tlp=AMBER`)))
	w.must(w.mustText(w.mmCmd("u_rasmus", "konferens starta ssr")))
	w.must(w.mustText(w.mmCmd("u_rasmus", "beslut Skolorna håller stängt")))
	w.must(w.mustText(w.mmCmd("u_rasmus", "konferens avsluta")))
	w.must(w.mustText(w.mmCmd("u_kim", `budskap utkast ssr text="Undvik Norrort i kväll." målgrupp=allmänhet tlp=AMBER`)))
	// Per's actor stays; Per himself is removed.
	w.must(w.mustText(w.mmCmd("u_admin", "medlem ta-bort per bekräfta")))
	w.deliver()

	reads := []string{
		"hjälp", "forum lista", "forum visa ssr", "aktör lista", "medlem lista", "medlem lista aktör=lst",
		"forum kontakter ssr", "status ssr", "lägesbild visa ssr sos", "lägesbild samlad ssr",
		"lägesbild export ssr", "lägesbild export ssr pdf", "konferens protokoll ssr", "konferens protokoll ssr #1",
		"konferens protokoll ssr #1 pdf", "budskap visa 1", "budskap lista ssr", "tavla ssr",
	}
	for _, who := range []string{"u_nobody", "u_otto", "u_per"} {
		before := len(w.mmDM(who))
		for _, r := range reads {
			txt, _ := w.mmCmd(who, r)
			for _, secret := range forumSecrets {
				if strings.Contains(txt, secret) {
					t.Errorf("%s> %s: the answer carries %q:\n%s", who, r, secret, txt)
				}
			}
		}
		w.deliver()
		dms := mmTexts(w.mmDM(who)[before:])
		for _, secret := range forumSecrets {
			if strings.Contains(dms, secret) {
				t.Errorf("%s got %q in a direct message:\n%s", who, secret, dms)
			}
		}
	}
	// On Slack, someone unregistered fares the same.
	for _, r := range reads {
		txt := w.slCmd("U_GUEST", r)
		for _, secret := range forumSecrets {
			if strings.Contains(txt, secret) {
				t.Errorf("slack U_GUEST> %s: the answer carries %q:\n%s", r, secret, txt)
			}
		}
	}
	// A member of another of the forum's actors reads the contact and
	// the people, but not the accounts of another actor's people.
	txt, _ := w.mmCmd("u_kim", "aktör lista")
	if !strings.Contains(txt, "010-111 11 11") || !strings.Contains(txt, "RAKEL-LST-TIB") {
		t.Errorf("kim, in the forum, does not see lst's contact:\n%s", txt)
	}
	if txt, _ := w.mmCmd("u_kim", "medlem lista"); !strings.Contains(txt, "`tove` tove · lst") || strings.Contains(txt, "mattermost:u_tove") {
		t.Errorf("kim's medlem lista:\n%s", txt)
	}
	// Otto, outside the forum, reads the public registry: the names.
	if txt, _ := w.mmCmd("u_otto", "aktör lista"); !strings.Contains(txt, "`lst` Länsstyrelsen Stockholm") || !strings.Contains(txt, "kontaktvägar visas bara för medlemmar i forum där") {
		t.Errorf("otto's aktör lista:\n%s", txt)
	}
}

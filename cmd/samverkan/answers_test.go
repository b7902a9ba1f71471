package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"samverkan/bottest"
)

// Each answer below was once wrong in a way a tired person would trip
// on; each is tried in the terminal in Swedish and in English, and what
// the person reads is checked.

// check runs script in a fresh demo and wants every string of want and
// none of not in what the person reads.
func check(t *testing.T, script string, want, not []string) string {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir) // files sent to the terminal land here
	out := session(t, filepath.Join(dir, "a.db"), script)
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("lacks %q:\n%s", w, out)
		}
	}
	for _, n := range not {
		if strings.Contains(out, n) {
			t.Errorf("says %q:\n%s", n, out)
		}
	}
	return out
}

func TestApprovingTwiceRecordsOnce(t *testing.T) {
	t.Run("sv", func(t *testing.T) {
		out := check(t, ":som klara\nbudskap utkast ssr text=\"Elavbrott i Kista.\" målgrupp=allmänhet\n:som kim\nbudskap godkänn 2\nbudskap godkänn 2\nbudskap godkänn 2 rev=7\n",
			[]string{"Du har redan godkänt version 1 av budskap #2", "inget nytt noterades", "Budskap #2 har ingen version 7; den senaste är version 1"}, []string{"Knappen gäller"})
		if n := strings.Count(out[strings.Index(out, "Du är nu kim."):], "godkände version 1"); n != 1 {
			t.Errorf("the thread tells of %d approvals by Kim, want 1", n)
		}
	})
	t.Run("en", func(t *testing.T) {
		out := check(t, ":as klara\nstatement draft ssr text=\"Power cut in Kista.\" audience=public\n:as kim\nstatement approve 2\nstatement approve 2\nstatement approve 2 rev=7\n",
			[]string{"You already approved revision 1 of statement #2", "nothing new was recorded", "Statement #2 has no revision 7; the latest is revision 1"}, nil)
		if n := strings.Count(out[strings.Index(out, "kim."):], "godkände version 1"); n != 1 {
			t.Errorf("the thread tells of %d approvals by Kim, want 1", n)
		}
	})
}

func TestARoleChangeSaysWhatChanged(t *testing.T) {
	t.Run("sv", func(t *testing.T) {
		check(t, ":som admin\nmedlem lägg-till @klara aktör=lst roll=tib\nmedlem lägg-till @klara aktör=lst roll=-rkk\nmedlem lägg-till @klara aktör=lst roll=-kommunikatör,-tib\nmedlem lista aktör=lst\n",
			[]string{"roller nu kommunikatör, rkk, tib (tillagda: tib; borttagna: –)", "roller nu kommunikatör, tib (tillagda: –; borttagna: rkk)",
				"Medlem klara måste ha minst en roll kvar", "`klara` Klara Kommunikatör · lst · kommunikatör, tib"}, nil)
	})
	t.Run("en", func(t *testing.T) {
		check(t, ":as admin\nmember add @klara actor=lst role=duty_officer\nmember add @klara actor=lst role=-duty_officer\n",
			[]string{"added: duty_officer; removed: –", "added: –; removed: duty_officer", "roles now communicator, comms_coordinator"}, []string{"tillagda"})
	})
}

func TestACommandTypedIntoAFormLeavesIt(t *testing.T) {
	t.Run("sv", func(t *testing.T) {
		check(t, ":som per\nlägesbild ny ssr\nSpärr vid Slussen\nkanske\n:som sam\nkvittera ssr\n",
			[]string{"går inte för Dela fakta", "Formuläret lämnades, inget sparades: du skrev ett kommando (:som sam), som körs nu", "Du är nu sam.", "Forum ssr är inte aktiverat"},
			[]string{"fakta-delas", "Formuläret avbröts"})
	})
	t.Run("en", func(t *testing.T) {
		check(t, ":as per\nreport new ssr\nRoad closed at Slussen\nstatus ssr\n",
			[]string{"The form was left and nothing was saved: you typed a command (status ssr), which runs now", "Status: Regional samverkanskonferens"}, []string{"cancelled"})
	})
}

func TestChoicesAndLimitsInTheCallersLanguage(t *testing.T) {
	long := strings.Repeat("Vattenläcka vid Slussen. ", 200) // 5,000 characters
	t.Run("sv", func(t *testing.T) {
		check(t, ":som klara\nbudskap utkast ssr text=\"x\" målgrupp=marsianer\n:som per\nlägesbild ny ssr fakta=\""+long+"\"\nlägesbild visa ssr pol\nhjälp lägesbild\n:som admin\naktör kontakt ellevio epost=inte-en-adress\naktör kontakt ellevio telefon=abc\nforum kontakter ssr\n",
			[]string{"Välj allmänheten, media, kunder, personal", "fakta får vara högst 3000 tecken; du skrev 5000", "pol har ingen lägesbild i forum ssr ännu",
				"(högst 3000 tecken)", "”inte-en-adress” är ingen e-postadress", "”abc” är inget telefonnummer", "Ellevio: ingen kontakt registrerad"},
			[]string{"public, media, customers, staff"})
	})
	t.Run("en", func(t *testing.T) {
		check(t, ":as klara\nstatement draft ssr text=\"x\" audience=martians\n:as per\nreport new ssr facts=\""+long+"\"\nhelp report\n:as admin\nactor contact ellevio email=nope\n",
			[]string{"Choose public, media, customers, staff", "facts may be at most 3000 characters; you wrote 5000", "(at most 3000 characters)", "“nope” is not an e-mail address"},
			[]string{"allmänheten", "delas|intern"})
	})
}

func TestReadingAndSharingSayWhatTheyAre(t *testing.T) {
	t.Run("sv", func(t *testing.T) {
		check(t, ":som per\nlägesbild ny ssr fakta=\"Spaningsläge\" tlp=RED till=@tove\n:som sam\nlägesbild visa ssr pol\nlägesbild dela ssr sos till=@per\nlägesbild export ssr\n",
			[]string{"är märkt TLP:RED och får bara läsas av dem det är ställt till", "be Polisen Region Stockholm att dela det med dig",
				"Delat som TLP:GREEN till 1 person.", "== Lägesbild från SOS Alarm: Regional samverkanskonferens ==", "lagesbild-ssr-"},
			[]string{"kan bara skickas till", "1 personer", "del(ar)"})
	})
	t.Run("en", func(t *testing.T) {
		check(t, ":as per\nreport new ssr facts=\"Surveillance\" tlp=RED to=@tove\n:as sam\nreport show ssr pol\nreport share ssr sos to=@per\n",
			[]string{"is labelled TLP:RED and may only be read by those it is addressed to", "Shared as TLP:GREEN with 1 person."}, []string{"1 people"})
	})
}

// The Markdown export says how many parts the reader was not shown.
func TestTheExportSaysWhatItLeftOut(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	session(t, filepath.Join(dir, "x.db"), ":som per\nlägesbild ny ssr fakta=\"Spaningsläge\" tlp=RED till=@tove\n:som sam\nlägesbild export ssr\n")
	files, _ := filepath.Glob(filepath.Join(dir, "lagesbild-ssr-*.md"))
	if len(files) != 1 {
		t.Fatalf("exported files: %v", files)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "1 del har en märkning som inte tillåter dig att se den.") {
		t.Errorf("the export does not say a part was left out:\n%s", b)
	}
}

// Minutes say what happened, not what the chair should have done: no
// instruction where no summary was given, no bare dash for the next
// meeting.
func TestMinutesWithoutASummarySaySo(t *testing.T) {
	t.Run("sv", func(t *testing.T) {
		check(t, ":som rasmus\nkonferens starta ssr\nbeslut Skolorna håller stängt\nkonferens avsluta ssr\n",
			[]string{"Ingen sammanfattning gavs.", "Inget beslut i stort fattades.", "Inga åtgärder noterades.", "Konferens #1 i ssr är avslutad: 1 beslut och 0 åtgärder."},
			[]string{"-- Sammanfattning mot syftet --\nOrdföranden", "-- Nästa möte --\n–", "-- Åtgärder --\n–"})
	})
	t.Run("en", func(t *testing.T) {
		check(t, ":as rasmus\nconference start ssr\ndecision Schools stay closed\nconference end ssr\n",
			[]string{"Conference #1 in ssr has ended: 1 decision and 0 action items.", "Ingen sammanfattning gavs."}, []string{"1 decisions"})
	})
}

func TestTheDemoStatementIsACAPAlert(t *testing.T) {
	t.Run("sv", func(t *testing.T) {
		check(t, ":som kim\nbudskap cap 1\nbudskap återkalla 1\n:som klara\nbudskap återkalla 1\nbudskap cap 1\n",
			[]string{"CAP-filen cap-ssr-1.xml är skickad", "(Alert)", "gäller inte längre", "(Cancel)"}, nil)
		doc, err := os.ReadFile("cap-ssr-1.xml")
		if err != nil || !strings.Contains(string(doc), "<msgType>Cancel</msgType>") || !strings.Contains(string(doc), "<areaDesc>Kista och Akalla, Stockholms stad</areaDesc>") {
			t.Errorf("the file in the terminal's folder (%v):\n%s", err, doc)
		}
	})
	t.Run("en", func(t *testing.T) {
		check(t, ":as kim\nstatement cap 1\nstatement cap 9\n",
			[]string{"The CAP file cap-ssr-1.xml has been sent", "(Alert)"}, []string{"CAP-filen"})
	})
}

func TestTheDemoRequestWaitsForEllevio(t *testing.T) {
	t.Run("sv", func(t *testing.T) {
		check(t, ":som elin\nbegäran lista ssr\nbegäran svara 1 Åter 17:00 enligt prognos. tlp=AMBER\n:som sam\nbegäran visa 1\n",
			[]string{"← väntar på er: `begäran svara 1 svar…`", "Alla har nu svarat.", "Svar (2 av 2)", "Åter 17:00 enligt prognos.", "TLP:AMBER"}, nil)
	})
	t.Run("en", func(t *testing.T) {
		// The request itself is in the forum's language, as every post is.
		check(t, ":as sam\nrequest show 1\n:spola 2h\n",
			[]string{"Svar (1 av 2)", "Ellevio: inget svar än", "Cirka 9 000 hushåll", "Inget svar på begäran #1 från Ellevio"}, nil)
	})
}

func TestTheDemoRollsKistaUpIntoSsr(t *testing.T) {
	check(t, ":som stina\nlägesbild ny kista fakta=\"Trygghetspunkt öppen i Kista centrum.\" tlp=GREEN\n:som sam\nlägesbild ny kista fakta=\"Bara för Kista.\" tlp=AMBER\n:som per\nlägesbild samlad ssr\n",
		[]string{"↑ Kista krisledning · Stockholms stad", "Underordnade forum: Kista krisledning (kista): normalläge · ingen lägesbild: Ellevio", "stannar där", "Trygghetspunkt öppen i Kista centrum."},
		[]string{"Bara för Kista."})
}

// Norwegian: the whole bot with SAMVERKAN_LOCALE=nb, typed to in
// Swedish words, and a Norwegian command word in a Swedish bot, which is
// answered in Norwegian.
func TestNorwegian(t *testing.T) {
	t.Run("locale", func(t *testing.T) {
		dir := t.TempDir()
		t.Chdir(dir)
		var out, errb bytes.Buffer
		script := "hjälp\n:as tove\nforum visa ssr\nlägesbild ny ssr fakta=\"Strømbrudd i Kista.\"\nbegäran ny ssr Hvor lenge varer strømbruddet? till=ellevio\nbudskap cap 1\növning notering ssr x\n"
		args := []string{"--data", filepath.Join(dir, "a.db"), "--now", today().Format(time.RFC3339)}
		if code := run(args, strings.NewReader(script), &out, &errb, env(map[string]string{"SAMVERKAN_LOCALE": "nb"})); code != 0 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		got := out.String()
		for _, want := range []string{"Demo i ", "samverkan – det du kan gjøre", "Du er nå tove.", "Nivå: koordinerende", "Situasjonsbilde #3 (versjon 1) for lst er lagret",
			"har levert situasjonsbilde #3", "Forespørsel #2 er sendt til 1 aktør", "== Forespørsel #2 fra Länsstyrelsen Stockholm ==",
			"CAP-filen cap-ssr-1.xml er sendt", "Forum ssr er ikke aktivert; notater gjøres under en aktivering eller øvelse"} {
			if !strings.Contains(got, want) {
				t.Errorf("lacks %q:\n%s", want, got)
			}
		}
		for _, not := range []string{"Lägesbild #", "Du är", "Okänt", "har lämnat"} {
			if strings.Contains(got, not) {
				t.Errorf("says %q:\n%s", not, got)
			}
		}
		doc, err := os.ReadFile("cap-ssr-1.xml")
		if err != nil || !strings.Contains(string(doc), "<language>nb-NO</language>") || !strings.Contains(string(doc), "Samordnet budskap fra") {
			t.Errorf("the CAP alert of a Norwegian bot: %v\n%s", err, doc)
		}
	})
	t.Run("forum", func(t *testing.T) {
		// The demo's Norwegian forum in this Swedish bot, typed to in
		// Swedish words: everything said in or about it is Norwegian,
		// the after-action report's PDF too. What the terminal itself
		// says (who you are, its markers) stays in its own language.
		dir := t.TempDir()
		t.Chdir(dir)
		script := ":kanal ikt-ovelse\n:som ola\naktivera övning\n:som kari\nkvittera\nlägesbild ny fakta=\"Nettet er nede i rådhuset.\" tlp=GREEN\n" +
			":som ola\nbegäran ny ikt Hvor mange ansatte er uten PC? till=asker\n:som kari\nbegäran svara 2 Rundt 300.\n" +
			":som ola\nkonferens starta\nnärvarande\nbeslut Kommunen går over til papirrutiner.\nkonferens avsluta\n" +
			":som nina\nbudskap utkast text=\"Kommunens nettsider er nede; ring sentralbordet.\" målgrupp=allmänhet\nbudskap godkänn 2 rev=1\n" +
			":som kari\nbudskap godkänn 2 rev=1\n:som nina\nbudskap publicera 2\n" +
			":som ola\nlägesbild samlad\navaktivera bekräfta\naktivering rapport ikt pdf\n"
		out := session(t, filepath.Join(dir, "a.db"), script)
		_, ikt, ok := strings.Cut(out, "#ikt-ovelse.\n")
		if !ok {
			t.Fatalf("the terminal never went to #ikt-ovelse:\n%s", out)
		}
		furniture := regexp.MustCompile(`^Du är nu .*|^\[[^\]]*\] ?|→ /samverkan .*`)
		for _, line := range strings.Split(ikt, "\n") {
			if bad := bottest.ForeignInNorwegian(furniture.ReplaceAllString(line, "")); bad != "" {
				t.Errorf("the Norwegian forum hears %q: %s", bad, line)
			}
		}
		for _, want := range []string{"Forum ikt er aktivert.", "== Innkalling: IKT-øvelse", "Kvittert for Asker kommune", "Situasjonsbilde #3 (versjon 1) for asker er lagret",
			"== Forespørsel #2 fra Statsforvalteren i Oslo og Viken ==", "== Svar på forespørsel #2 fra Asker kommune ==", "== Samvirkekonferanse: IKT-øvelse",
			"== Protokoll: IKT-øvelse", "== Samordnet budskap til Allmennheten ==", "== Felles situasjonsbilde: IKT-øvelse", "== Aktiveringen avsluttet: IKT-øvelse",
			"Evalueringsrapporten evalueringsrapport-ikt-1.pdf er sendt"} {
			if !strings.Contains(ikt, want) {
				t.Errorf("lacks %q:\n%s", want, ikt)
			}
		}
		doc, err := os.ReadFile("evalueringsrapport-ikt-1.pdf")
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(bottest.PDFText(t, doc), "\n")
		if !strings.Contains(text, "Evalueringsrapport: IKT-øvelse") || !strings.Contains(text, "side 1 av") {
			t.Errorf("the after-action PDF of a Norwegian forum:\n%s", text)
		}
		if bad := bottest.ForeignInNorwegian(text); bad != "" {
			t.Errorf("the after-action PDF says %q:\n%s", bad, text)
		}
	})
	t.Run("word", func(t *testing.T) {
		check(t, ":som sam\nsituasjonsbilde ny ssr fakta=\"Strømbrudd.\"\nlägesbild visa ssr\n",
			[]string{"Situasjonsbilde #3 (versjon 2) for sos er lagret", "Lägesbild: SOS Alarm"}, nil)
	})
}

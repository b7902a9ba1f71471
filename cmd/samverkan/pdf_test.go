package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"samverkan/bottest"
)

// The common picture and the minutes as PDF, from the terminal as from
// chat: every page carries the label and the exercise marking, the
// forum and the page numbers, and Swedish letters come back intact.
func TestPictureAndMinutesAsPDF(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir) // the terminal writes files it is sent to the working directory
	due := today().AddDate(0, 0, 8).Format("2006-01-02")
	out := session(t, filepath.Join(dir, "p.db"), `
:som tove
aktivera ssr övning
:som rasmus
konferens starta ssr
beslut "Kommunen öppnar värmestugor i Kista och Akalla; länsstyrelsen samordnar budskapen."
åtgärd "Ställ reservkraft till äldreboendena" ansvarig=sthlm senast=`+due+`
konferens avsluta ssr
konferens protokoll ssr #1 pdf
lägesbild export ssr pdf
`)
	for _, want := range []string{"Protokollet skickas till dig som protokoll-ssr-1.pdf", "Filen lagesbild-ssr-"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n%s", want, out)
		}
	}
	check := func(pattern string, want ...string) string {
		t.Helper()
		files, _ := filepath.Glob(filepath.Join(dir, pattern))
		if len(files) != 1 {
			t.Fatalf("%s: %v\n%s", pattern, files, out)
		}
		doc, err := os.ReadFile(files[0])
		if err != nil {
			t.Fatal(err)
		}
		pages := bottest.PDFText(t, doc)
		for i, p := range pages {
			for _, w := range []string{"ÖVNING", "Regional samverkanskonferens (ssr)", "sida "} {
				if !strings.Contains(p, w) {
					t.Errorf("%s page %d lacks %q:\n%s", files[0], i+1, w, p)
				}
			}
			if !strings.Contains(p, "TLP:") {
				t.Errorf("%s page %d has no TLP label", files[0], i+1)
			}
		}
		all := strings.Join(strings.Fields(strings.Join(pages, " ")), " ")
		for _, w := range want {
			if !strings.Contains(all, w) {
				t.Errorf("%s lacks %q:\n%s", files[0], w, all)
			}
		}
		return all
	}
	check("protokoll-ssr-1.pdf", "Kommunen öppnar värmestugor i Kista och Akalla", "Ställ reservkraft till äldreboendena")
	picture := check("lagesbild-ssr-*.pdf", "Ökat samtalsflöde till 112", "TLP:AMBER", "Elavbrott i Kista och Akalla", "Kontaktlista (24/7)")
	// What is known first, the contact list last.
	if strings.Index(picture, "Kontaktlista (24/7)") < strings.Index(picture, "Elavbrott i Kista och Akalla") {
		t.Errorf("the picture's contact list comes before its content:\n%s", picture)
	}
}

// The terminal serves the status board on this computer: `tavla` prints
// a personal link that opens the board (no chat platform, the embedded
// store).
func TestTheTerminalPrintsTheBoardLink(t *testing.T) {
	out := session(t, filepath.Join(t.TempDir(), "b.db"), "tavla ssr\n")
	for _, want := range []string{"Lägestavlan finns på den här datorn", "Länken till lägestavlan för ssr har skickats till dig", "/board/login?t="} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n%s", want, out)
		}
	}
}

// A long meeting's minutes are a document a secretary would sign: the
// decisions numbered meeting:order with who minuted them, the action
// items as a table, attendance by organisation with names, the next
// meeting in full, the signature block and the distribution list;
// hyphens print as hyphens; no heading is left at the foot of a page;
// no chat syntax on paper. With SAMVERKAN_MINUTES_PAGES=DIR (and
// pdftoppm) its first two pages are written as DIR/minutes-page-1.png and
// DIR/minutes-page-2.png, the pictures the README shows.
func TestALongMeetingsMinutesAreFitForTheBinder(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	due := today().AddDate(0, 0, 8).Format("2006-01-02")
	var script strings.Builder
	script.WriteString(":som tove\naktivera ssr övning\nkonferens starta ssr ordförande=@rasmus sekreterare=@selma form=video anslut=\"https://möte.example/ssr kod 4711\"\n")
	for _, who := range []string{"sam", "per", "stina", "kim"} {
		script.WriteString(":som " + who + "\nnärvarande\n")
	}
	script.WriteString(":som selma\nsammanfattning Läget i Kista och Akalla är under kontroll; elen väntas åter i kväll.\nbeslut-i-stort Samordnad information via krisinformation.se och kommunernas webbplatser.\n")
	press := today().AddDate(0, 0, 1).Format("2006-01-02")
	decisions := []string{
		"Skolorna i Kista och Akalla håller stängt i morgon; vårdnadshavare informeras via skolornas e-post.",
		"Kommunen öppnar värmestugor i Kista och Akalla från kl 18; Polisen och räddningstjänsten informeras.",
		"Länsstyrelsen samordnar budskapen till allmänheten; nästa gemensamma pressmeddelande går ut " + press + ".",
		"Ellevio prioriterar äldreboenden och vårdcentraler vid återinkoppling.",
		"SOS Alarm bemannar upp med två operatörer till kl 02.",
	}
	for i := range 24 {
		script.WriteString("beslut " + decisions[i%len(decisions)] + "\n")
	}
	for i, a := range []string{"Ställ reservkraft till äldreboendena", "Informera vårdnadshavare via skolornas e-post", "Bemanna värmestugorna under natten", "Ta fram återställningsplan för Akalla", "Samordna pressmeddelande med Polisen", "Följ upp mobilnätets reservkraft"} {
		owner := []string{"sthlm", "sthlm", "sthlm", "ellevio", "lst", "sos"}[i]
		script.WriteString("åtgärd \"" + a + "\" ansvarig=" + owner + " senast=" + due + "\n")
	}
	script.WriteString("nästa-möte Uppföljning av elavbrottet tid=\"" + today().AddDate(0, 0, 1).Format("2006-01-02") + " 09:00\" form=video anslut=\"https://möte.example/ssr kod 4711\"\nkonferens avsluta ssr\nkonferens protokoll ssr #1 pdf\n")
	out := session(t, filepath.Join(dir, "m.db"), script.String())
	doc, err := os.ReadFile(filepath.Join(dir, "protokoll-ssr-1.pdf"))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	pages := bottest.PDFText(t, doc)
	if len(pages) < 2 {
		t.Fatalf("%d page(s); the test wants a long meeting", len(pages))
	}
	all := strings.Join(strings.Fields(strings.Join(pages, " ")), " ")
	for _, want := range []string{"Protokoll: Regional samverkanskonferens, möte 1", "1:1 Skolorna i Kista", "1:24 Ellevio prioriterar",
		"Noterat av Selma Sekreterare", "# Åtgärd Ansvarig Senast Status", "Ställ reservkraft till äldreboendena Stockholms stad " + due + " öppen",
		"Stockholms stad Stina Stad", "Ellevio Inte närvarande", "Bokat:", "Anslut: https://möte.example/ssr kod 4711", "Uppföljning av elavbrottet",
		"Justering", "Ordförande: Rasmus Samordnare", "Sekreterare: Selma Sekreterare", "Justerare", "Sändlista", press, "e-post",
		"Läget i Kista och Akalla är under kontroll"} {
		if !strings.Contains(all, want) {
			t.Errorf("the minutes lack %q:\n%s", want, all)
		}
	}
	for _, chat := range []string{"`", "ansvarig=", "senast=", "beslut …", "konferens avsluta", "nästa-möte", "lägesbild visa", "åtgärd "} {
		if strings.Contains(all, chat) {
			t.Errorf("the minutes show %q", chat)
		}
	}
	headings := []string{"Närvaro", "Lägesbilden mötet utgick från", "Sammanfattning mot syftet", "Beslut i stort", "Beslut", "Åtgärder", "Nästa möte", "Justering", "Sändlista"}
	for i, p := range pages {
		lines := strings.Split(strings.TrimSpace(p), "\n")
		var body []string
		for _, l := range lines {
			if l = strings.TrimSpace(l); l != "" && !strings.Contains(l, "TLP:") && !strings.Contains(l, "sida ") {
				body = append(body, l)
			}
		}
		if len(body) > 0 {
			for _, h := range headings {
				if body[len(body)-1] == h {
					t.Errorf("page %d ends with the heading %q", i+1, h)
				}
			}
		}
	}
	if to := os.Getenv("SAMVERKAN_MINUTES_PAGES"); to != "" {
		for _, n := range []string{"1", "2"} {
			if err := exec.Command("pdftoppm", "-png", "-r", "80", "-f", n, "-l", n, "-singlefile", filepath.Join(dir, "protokoll-ssr-1.pdf"), filepath.Join(to, "minutes-page-"+n)).Run(); err != nil {
				t.Fatal(err)
			}
		}
	}
}

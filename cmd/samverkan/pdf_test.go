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
// With SAMVERKAN_PDF_PAGE=FILE.png (and pdftoppm) the first page of the
// minutes is also written as an image, the one docs/ shows.
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
		return files[0]
	}
	minutes := check("protokoll-ssr-1.pdf", "Kommunen öppnar värmestugor i Kista och Akalla", "Ställ reservkraft till äldreboendena")
	check("lagesbild-ssr-*.pdf", "Ökat samtalsflöde till 112", "TLP:AMBER", "Elavbrott i Kista och Akalla")
	if png := os.Getenv("SAMVERKAN_PDF_PAGE"); png != "" {
		if err := exec.Command("pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", minutes, strings.TrimSuffix(png, ".png")).Run(); err != nil {
			t.Fatal(err)
		}
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

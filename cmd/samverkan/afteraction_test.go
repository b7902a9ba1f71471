package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"samverkan/bottest"
)

// demoExercise is the demo's exercise, as the README tells it: a power
// cut played from activation to deactivation, with a late and a missing
// acknowledgement, an information request, a meeting and a statement.
func demoExercise() string {
	due := today().AddDate(0, 0, 2).Format("2006-01-02")
	return strings.Join([]string{
		":som tove", "aktivera ssr övning",
		":som rasmus", "övning notering ssr Övningen startar: elavbrott i Kista och Akalla.",
		":spola 4m", ":som sam", "kvittera ssr", `lägesbild ny ssr fakta="Ökat samtalsflöde till 112 från Kista." tlp=GREEN`,
		":som stina", "kvittera ssr",
		":spola 6m", `lägesbild ny ssr fakta="Två äldreboenden går på reservkraft." tlp=GREEN`,
		":som sam", "begäran ny ssr Hur länge räcker reservkraften på äldreboendena? till=sthlm,ellevio",
		":spola 12m", ":som per", "kvittera ssr",
		":som rasmus", "övning notering ssr Polisen kvitterade sent: larmet nådde inte deras tjänsteman i beredskap.",
		"konferens starta ssr",
		"beslut Kommunen öppnar trygghetspunkter i Kista och Akalla från kl 18.",
		`åtgärd "Bemanna trygghetspunkterna" ansvarig=sthlm senast=` + due,
		":spola 25m", "konferens avsluta ssr",
		":som klara", `budskap utkast ssr text="Trygghetspunkter öppnar i Kista och Akalla kl 18. Ring 112 bara vid nödläge." område="Kista och Akalla"`,
		":som kim", "budskap godkänn 2", ":som petra", "budskap godkänn 2", ":som stina", "budskap godkänn 2",
		":som elin", "budskap godkänn 2", ":spola 8m", ":som klara", "budskap godkänn 2", "budskap publicera 2",
		":som stina", "begäran svara 2 Reservkraften räcker till kl 22 enligt fastighetsägaren.",
		":spola 20m", ":som tove", "avaktivera ssr bekräfta",
		"aktivering rapport ssr", "aktivering rapport ssr pdf",
	}, "\n") + "\n"
}

// The demo's exercise ends in an after-action report that tells, from the
// stored events, who acknowledged when, who never did, the meeting's
// decision, the statement's way to release and the request. With
// SAMVERKAN_AAR_PAGE=DIR (and pdftoppm) its first page is written as
// DIR/after-action-page-1.png, the picture the README shows.
func TestTheDemoExerciseEndsInAnAfterActionReport(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	out := session(t, filepath.Join(dir, "x.db"), demoExercise())
	md, err := os.ReadFile(filepath.Join(dir, "efterhandsrapport-ssr-1.md"))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{
		"# Efterhandsrapport: Regional samverkanskonferens, aktivering #1", "**ÖVNING**",
		"| SOS Alarm | ", "(+4 min) · Sam SOS", "Påminnelse ", "Eskalering ",
		"Kommunen öppnar trygghetspunkter", "Bemanna trygghetspunkterna", "Budskap #2", "Kim Kommunikatör (SOS Alarm)",
		"Övningen startar", "Polisen Region Stockholm kvitterade 7 min efter tiden.", "Ellevio kvitterade aldrig inkallningen.",
		"Hur länge räcker reservkraften", "1 av 2 svarade",
	} {
		if !strings.Contains(string(md), want) {
			t.Errorf("the report lacks %q:\n%s", want, md)
		}
	}
	doc, err := os.ReadFile(filepath.Join(dir, "efterhandsrapport-ssr-1.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	pages := bottest.PDFText(t, doc)
	all := strings.Join(strings.Fields(strings.Join(pages, " ")), " ")
	for _, want := range []string{"Tidslinje", "tid att kvittera", "kvitterat sent", "Avvikelser från forumets mål", "ÖVNING", "TLP:AMBER"} {
		if !strings.Contains(all, want) {
			t.Errorf("the PDF lacks %q:\n%s", want, all)
		}
	}
	if to := os.Getenv("SAMVERKAN_AAR_PAGE"); to != "" {
		if err := exec.Command("pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", filepath.Join(dir, "efterhandsrapport-ssr-1.pdf"), filepath.Join(to, "after-action-page-1")).Run(); err != nil {
			t.Fatal(err)
		}
	}
}

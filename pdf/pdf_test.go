package pdf_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"samverkan/bot"
	"samverkan/bottest"
	"samverkan/pdf"
)

// A long labelled exercise document: every page carries the label, the
// marking, the forum, and its number of the total; Swedish and Norwegian
// letters come back as written.
func TestEveryPageCarriesTheLabelAndTheMarking(t *testing.T) {
	p := bot.Paper{Title: "Samlad lägesbild: Regional samverkan", TLP: bot.TLPAmber, Exercise: "ÖVNING",
		Obligation: "Dela bara inom er organisation och med dem som behöver veta.", Blocks: []bot.Block{{Kind: bot.BlockText, Text: "Läge: förhöjd beredskap."}}}
	for i := range 40 {
		p.Blocks = append(p.Blocks, bot.Block{Kind: bot.BlockHeading, Text: "Länsstyrelsen – avsnitt " + string(rune('A'+i%26)), Label: bot.TLPAmber},
			bot.Block{Kind: bot.BlockText, Text: strings.Repeat("Översvämningen i Ådalen påverkar vägar och elförsörjning; Bærum og Ørsta følger med. ", 6)})
	}
	doc, err := pdf.Print(pdf.Document{Paper: p, Forum: "Regional samverkan (ssr)", Made: "2026-11-23 14:05", Lang: "sv"})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(doc, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", doc[:min(20, len(doc))])
	}
	pages := bottest.PDFText(t, doc)
	if len(pages) < 3 {
		t.Fatalf("%d pages; the test wants a document of several", len(pages))
	}
	for i, p := range pages {
		for _, want := range []string{"TLP:AMBER", "ÖVNING", "Regional samverkan (ssr)", "framställd 2026-11-23 14:05", "sida " + strconv.Itoa(i+1) + " av " + strconv.Itoa(len(pages))} {
			if !strings.Contains(p, want) {
				t.Errorf("page %d lacks %q:\n%s", i+1, want, p)
			}
		}
		if strings.Count(p, "TLP:AMBER") < 2 {
			t.Errorf("page %d shows the label %d times, want it at the top and the bottom", i+1, strings.Count(p, "TLP:AMBER"))
		}
	}
	all := strings.Join(pages, "\n")
	for _, want := range []string{"Översvämningen i Ådalen påverkar vägar och elförsörjning", "Bærum og Ørsta følger med", "Samlad lägesbild"} {
		if !strings.Contains(strings.Join(strings.Fields(all), " "), want) {
			t.Errorf("the text lacks %q", want)
		}
	}
}

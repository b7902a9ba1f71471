//go:build browser

package board_test

// How the board looks and reads, in the browser: at a desktop's width
// and a phone's, and printed; axe-core (from npm, run inside the page)
// finds no accessibility violation of any impact in any of the three.
//
// axe-core comes from SAMVERKAN_AXE (the path of axe.min.js); .ci/run
// installs it with npm into ~/.cache/samverkan/axe, where the test also
// looks. SAMVERKAN_SCREENSHOTS=DIR (from the repository root: ../docs)
// also writes board-desktop.png, board-phone.png and board-print.png, the
// pictures the README shows.

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// looks checks the open board at both widths and in print.
func looks(t *testing.T, tab context.Context, base string) {
	t.Helper()
	shots := os.Getenv("SAMVERKAN_SCREENSHOTS")
	run := func(js string) float64 {
		t.Helper()
		v, err := chromedp.Run(tab, chromedp.Evaluate[float64](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	shot := func(name string) {
		if shots == "" {
			return
		}
		png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(shots, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	box := func(sel, side string) float64 {
		return run(`document.querySelector("` + sel + `").getBoundingClientRect().` + side)
	}

	// A desktop: the organisations and the meeting side by side, the
	// width used, the page short enough to take in.
	if err := chromedp.Do(tab, chromedp.EmulateViewport(1366, 900)); err != nil {
		t.Fatal(err)
	}
	if l, r := box("#meeting", "left"), box("#orgs", "right"); l < r {
		t.Errorf("at 1366 px the meeting (left %.0f) is not beside the organisations (right %.0f)", l, r)
	}
	if w := box("main", "width"); w < 1300 {
		t.Errorf("at 1366 px the board is %.0f px wide", w)
	}
	h := run(`document.documentElement.scrollHeight`)
	t.Logf("desktop 1366 px: page %.0f px tall", h)
	if h > 2400 {
		t.Errorf("at 1366 px the page is %.0f px tall", h)
	}
	axe(t, tab, "desktop")
	shot("board-desktop.png")

	// A phone: one column, the organisations first and the meeting after
	// them, nothing wider than the screen.
	if err := chromedp.Do(tab, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	if top, bottom := box("#meeting", "top"), box("#orgs", "bottom"); top < bottom {
		t.Errorf("at 390 px the meeting (top %.0f) is not below the organisations (bottom %.0f)", top, bottom)
	}
	if w := run(`document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("at 390 px the page scrolls sideways (%.0f px)", w)
	}
	t.Logf("phone 390 px: page %.0f px tall", run(`document.documentElement.scrollHeight`))
	axe(t, tab, "phone")
	shot("board-phone.png")

	// What a person reads: who has not answered, with a number to tap and
	// a meeting link to click; words, not chat commands; the exercise
	// marked once; no one's opening of the board among the events.
	text, err := chromedp.Run(tab, chromedp.Text("body"))
	if err != nil {
		t.Fatal(err)
	}
	for _, chat := range []string{"lägesbild visa", "ansvarig=", "senast=", "telefon=", "aktör kontakt", "konferens avsluta", "öppnade lägestavlan", "begärde en länk"} {
		if strings.Contains(text, chat) {
			t.Errorf("the board shows %q", chat)
		}
	}
	if n := strings.Count(text, "ÖVNING"); n != 1 {
		t.Errorf("ÖVNING shows %d times on screen, want once", n)
	}
	for sel, what := range map[string]string{`a[href="tel:080000004"]`: "Stockholms stad's number to tap", `a[href^="https://m"]`: "the meeting's link",
		"tr.state-late": "a late organisation marked", "tr.state-acked": "an acknowledged one"} {
		if n := run(`document.querySelectorAll('` + sel + `').length`); n == 0 {
			t.Errorf("no %s (%s)", what, sel)
		}
	}

	// Printed: every page carries the label and the exercise marking, in
	// black and the label's colour on black.
	if err := chromedp.Do(tab, chromedp.EmulateViewport(1366, 900)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(tab, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	axe(t, tab, "print")
	if bg := run(`getComputedStyle(document.querySelector("tfoot .printmark .tlp")).backgroundColor === "rgb(0, 0, 0)" ? 1 : 0`); bg != 1 {
		t.Error("printed, the label is not on black")
	}
	if _, err := chromedp.Call(tab, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
		t.Fatal(err)
	}
	pdf, err := chromedp.Run(tab, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize(), chromedp.PDFPrintBackground()))
	if err != nil {
		t.Fatal(err)
	}
	pages := pdfPages(t, pdf)
	if len(pages) < 2 {
		t.Errorf("the printed board is %d page(s); the test wants at least 2 to see the label repeat", len(pages))
	}
	for i, p := range pages {
		if strings.Count(p, "TLP:AMBER+STRICT") < 2 || strings.Count(p, "ÖVNING") < 2 {
			t.Errorf("printed page %d lacks the label or the marking at top and bottom:\n%s", i+1, p)
		}
	}
	if shots != "" {
		pdfPNG(t, pdf, filepath.Join(shots, "board-print.png"))
	}
}

// axe runs axe-core in the page and fails on any violation.
func axe(t *testing.T, tab context.Context, what string) {
	t.Helper()
	src := axeSource(t)
	if src == "" {
		return
	}
	if err := chromedp.Do(tab, chromedp.Evaluate[chromedp.Void](src)); err != nil {
		t.Fatal(err)
	}
	raw, err := chromedp.Run(tab, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ["violations"]}).then(function (r) {
		return JSON.stringify(r.violations.map(function (v) {
			return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(function (n) { return n.target.join(" ") + " — " + n.failureSummary; })};
		}));
	})`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	var vs []struct {
		ID, Impact, Help string
		Nodes            []string
	}
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		t.Errorf("axe, %s: %s (%s): %s\n  %s", what, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n  "))
	}
	t.Logf("axe-core, %s: %d violations", what, len(vs))
}

var axeCode string

// axeSource is axe-core's script, or "" (the test skipping the check)
// when it is not installed and not required.
func axeSource(t *testing.T) string {
	t.Helper()
	if axeCode != "" {
		return axeCode
	}
	path := os.Getenv("SAMVERKAN_AXE")
	if path == "" {
		home, _ := os.UserHomeDir()
		path = filepath.Join(home, ".cache", "samverkan", "axe", "node_modules", "axe-core", "axe.min.js")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		if os.Getenv("SAMVERKAN_REQUIRE_BROWSER") == "1" {
			t.Fatalf("axe-core is required: %v (npm install axe-core, or see .ci/run)", err)
		}
		t.Logf("SKIPPED the accessibility check: %v", err)
		return ""
	}
	axeCode = string(b)
	return axeCode
}

// pdfPages is the text of each page of a PDF (poppler's pdftotext).
func pdfPages(t *testing.T, pdf []byte) []string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "board.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", f, "-").Output()
	if err != nil {
		if os.Getenv("SAMVERKAN_REQUIRE_BROWSER") == "1" {
			t.Fatalf("pdftotext: %v (apt-get install poppler-utils)", err)
		}
		t.Skipf("SKIPPED: pdftotext: %v", err)
	}
	pages := strings.Split(strings.TrimRight(string(out), "\f\n"), "\f")
	return pages
}

// pdfPNG writes the first page of a PDF as a picture (poppler's pdftoppm).
func pdfPNG(t *testing.T, pdf []byte, to string) {
	t.Helper()
	dir := t.TempDir()
	f := filepath.Join(dir, "p.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", f, filepath.Join(dir, "p")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "p.png"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// waitFor waits until js is true in the page.
func waitFor(t *testing.T, tab context.Context, js string, limit time.Duration, what string) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if ok, err := chromedp.Run(tab, chromedp.Evaluate[bool](js)); err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("waited %s for %s", limit, what)
}

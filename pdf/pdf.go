// Package pdf prints the bot's documents — the minutes and the common
// picture — as PDF for filing and printing: A4, the Go fonts embedded (so
// å ä ö ø æ print as written, on any machine), and on every page the TLP
// label (top and bottom, as TLP 2.0 asks), the exercise marking when
// there is one, the forum, when the document was made, and "page N of M".
package pdf

import (
	"bytes"
	"cmp"
	"fmt"
	"strings"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"samverkan/bot"
	"samverkan/catalog"
)

// fonts are the Go fonts with a hyphen for prose (hyphenFont).
var fonts = func() map[string][]byte {
	out := map[string][]byte{}
	for name, ttf := range map[string][]byte{"regular": goregular.TTF, "bold": gobold.TTF} {
		f, err := hyphenFont(ttf)
		if err != nil {
			panic("pdf: " + name + ": " + err.Error()) // embedded fonts; a test proves it works
		}
		out[name] = f
	}
	return out
}()

// Document is what goes on paper.
type Document struct {
	Paper bot.Paper
	// Forum names the forum, Made when the document was made (local
	// time, as people read it), Lang the language of the page furniture.
	Forum, Made, Lang string
}

const (
	margin   = 42.0 // points: 15 mm
	bodySize = 10.5
	lineGap  = 1.35
	textW    = 595.28 - 2*margin // A4's width less the margins
)

// Printer prints the bot's documents with page furniture in the paper's
// language, else lang: what bot.Options.Print wants.
func Printer(lang string) bot.Printer {
	return func(p bot.Paper, forum, made string) ([]byte, error) {
		return Print(Document{Paper: p, Forum: forum, Made: made, Lang: cmp.Or(p.Lang, lang)})
	}
}

// Print renders d. It lays the document out twice: the first time to
// count the pages that "page N of M" names.
func Print(d Document) ([]byte, error) {
	pages, err := render(d, 0)
	if err != nil {
		return nil, err
	}
	doc, err := render(d, pages.pages)
	if err != nil {
		return nil, err
	}
	return doc.bytes, nil
}

type rendered struct {
	pages int
	bytes []byte
}

type writer struct {
	pdf   *gopdf.GoPdf
	d     Document
	label bot.TLP
	total int
	page  int
	y     float64
	err   error
}

func render(d Document, total int) (rendered, error) {
	w := &writer{pdf: &gopdf.GoPdf{}, d: d, total: total, label: bot.Strictest(append(d.Paper.Labels(), bot.TLPClear)...)}
	w.pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitPT})
	w.pdf.SetInfo(gopdf.PdfInfo{Title: d.Paper.Title, Creator: "samverkan", Producer: "samverkan"})
	for name, font := range fonts {
		if err := w.pdf.AddTTFFontData(name, font); err != nil {
			return rendered{}, err
		}
	}
	w.newPage()
	p := d.Paper
	if p.Title != "" {
		w.paragraph(p.Title, "bold", 15, margin, textW)
	}
	if p.Lead != "" {
		w.space(2)
		w.paragraph(p.Lead, "regular", bodySize, margin, textW)
	}
	if p.Obligation != "" {
		w.space(4)
		w.grey()
		w.paragraph(p.Obligation, "regular", 9, margin, textW)
		w.black()
	}
	for _, b := range p.Blocks {
		w.block(b)
	}
	if w.err != nil {
		return rendered{}, w.err
	}
	var buf bytes.Buffer
	if _, err := w.pdf.WriteTo(&buf); err != nil {
		return rendered{}, err
	}
	return rendered{pages: w.page, bytes: buf.Bytes()}, nil
}

func (w *writer) t(id string, kv ...any) string { return catalog.T(w.d.Lang, id, kv...) }

// newPage starts a page with its header and footer.
func (w *writer) newPage() {
	w.pdf.AddPage()
	w.page++
	width := gopdf.PageSizeA4.W
	height := gopdf.PageSizeA4.H
	// Header: label left, exercise in the middle, forum right.
	w.labelAt(margin, margin-18)
	if ex := w.d.Paper.Exercise; ex != "" {
		w.centred(ex, margin-18, width)
	}
	w.font("regular", 8)
	forum := w.d.Forum
	fw, _ := w.pdf.MeasureTextWidth(forum)
	w.pdf.SetXY(width-margin-fw, margin-17)
	_ = w.pdf.Cell(nil, forum)
	w.pdf.SetLineWidth(0.5)
	w.pdf.SetStrokeColor(160, 160, 160)
	w.pdf.Line(margin, margin-6, width-margin, margin-6)
	// Footer: label and exercise, then forum, time made and page numbers
	// on a line of their own.
	w.pdf.Line(margin, height-margin+2, width-margin, height-margin+2)
	w.labelAt(margin, height-margin+8)
	if ex := w.d.Paper.Exercise; ex != "" {
		w.centred(ex, height-margin+8, width)
	}
	w.font("regular", 8)
	page := w.t("pdf.page", "N", w.page, "Of", max(w.total, w.page))
	foot := w.t("pdf.footer", "Forum", w.d.Forum, "Made", w.d.Made) + " · " + page
	ftw, _ := w.pdf.MeasureTextWidth(foot)
	w.pdf.SetXY(width-margin-ftw, height-margin+24)
	_ = w.pdf.Cell(nil, foot)
	w.y = margin + 6
}

// labelAt prints the TLP label as TLP 2.0 shows it: coloured letters on
// black.
func (w *writer) labelAt(x, y float64) { w.chip(w.label, x, y) }

// chip prints a label at x, y: coloured letters on black.
func (w *writer) chip(label bot.TLP, x, y float64) {
	text := label.Label()
	w.font("bold", 9)
	tw, _ := w.pdf.MeasureTextWidth(text)
	w.pdf.SetFillColor(0, 0, 0)
	w.pdf.RectFromUpperLeftWithStyle(x, y-1, tw+8, 13, "F")
	r, g, b := rgb(label.Colour())
	w.pdf.SetTextColor(r, g, b)
	w.pdf.SetXY(x+4, y+1)
	_ = w.pdf.Cell(nil, text)
	w.pdf.SetTextColor(0, 0, 0)
}

func (w *writer) centred(text string, y, width float64) {
	w.font("bold", 10)
	tw, _ := w.pdf.MeasureTextWidth(text)
	w.pdf.SetTextColor(0, 0, 0)
	w.pdf.SetLineWidth(1)
	w.pdf.SetStrokeColor(0, 0, 0)
	w.pdf.RectFromUpperLeftWithStyle((width-tw)/2-4, y-1, tw+8, 13, "D")
	w.pdf.SetXY((width-tw)/2, y)
	_ = w.pdf.Cell(nil, text)
	w.pdf.SetTextColor(0, 0, 0)
}

func (w *writer) font(name string, size float64) {
	if err := w.pdf.SetFont(name, "", size); err != nil && w.err == nil {
		w.err = err
	}
}

func (w *writer) space(points float64) { w.y += points }

// paragraph writes text at x, wrapped to width, breaking pages as
// needed.
func (w *writer) paragraph(text, font string, size, x, width float64) {
	for _, line := range w.lines(text, font, size, width) {
		if w.y+size*lineGap > bottom {
			w.newPage()
		}
		w.font(font, size)
		w.pdf.SetXY(x, w.y)
		_ = w.pdf.Cell(nil, line)
		w.y += size * lineGap
	}
}

// bottom is where the text of a page ends.
const bottom = 841.89 - margin - 6

// lines wraps text to width in font and size; each of its own lines
// starts a new one.
func (w *writer) lines(text, font string, size, width float64) []string {
	w.font(font, size)
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			out = append(out, "")
			continue
		}
		parts, err := w.pdf.SplitTextWithWordWrap(line, width)
		if err != nil {
			// A word wider than the line: break it anywhere.
			if parts, err = w.pdf.SplitText(line, width); err != nil {
				if w.err == nil {
					w.err = fmt.Errorf("laying out %q: %w", line, err)
				}
				return nil
			}
		}
		out = append(out, parts...)
	}
	return out
}

// need starts a new page unless height points are left on this one.
func (w *writer) need(height float64) {
	if w.y+height > bottom && w.y > margin+10 {
		w.newPage()
	}
}

func (w *writer) grey()  { w.pdf.SetTextColor(70, 70, 70) }
func (w *writer) black() { w.pdf.SetTextColor(0, 0, 0) }

// rgb reads "#rrggbb".
func rgb(hex string) (uint8, uint8, uint8) {
	var r, g, b uint8
	if _, err := fmt.Sscanf(strings.TrimPrefix(hex, "#"), "%02x%02x%02x", &r, &g, &b); err != nil {
		return 255, 255, 255
	}
	return r, g, b
}

// Package pdf prints the bot's documents — the minutes and the common
// picture — as PDF for filing and printing: A4, the Go fonts embedded (so
// å ä ö ø æ print as written, on any machine), and on every page the TLP
// label (top and bottom, as TLP 2.0 asks), the exercise marking when
// there is one, the forum, when the document was made, and "page N of M".
package pdf

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"samverkan/bot"
	"samverkan/catalog"
)

// Document is what goes on paper.
type Document struct {
	Message bot.Message
	// Forum names the forum, Made when the document was made (local
	// time, as people read it), Lang the language of the page furniture.
	Forum, Made, Lang string
}

const (
	margin   = 42.0 // points: 15 mm
	bodySize = 10.5
	lineGap  = 1.35
)

// Printer prints the bot's documents with page furniture in lang: what
// bot.Options.Print wants.
func Printer(lang string) bot.Printer {
	return func(m bot.Message, forum, made string) ([]byte, error) {
		return Print(Document{Message: m, Forum: forum, Made: made, Lang: lang})
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
	w := &writer{pdf: &gopdf.GoPdf{}, d: d, total: total, label: bot.Strictest(append(d.Message.Labels(), bot.TLPClear)...)}
	w.pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitPT})
	w.pdf.SetInfo(gopdf.PdfInfo{Title: d.Message.Title, Creator: "samverkan", Producer: "samverkan"})
	for name, font := range map[string][]byte{"regular": goregular.TTF, "bold": gobold.TTF} {
		if err := w.pdf.AddTTFFontData(name, font); err != nil {
			return rendered{}, err
		}
	}
	w.newPage()
	m := d.Message
	if m.Title != "" {
		w.paragraph(plain(m.Title), "bold", 15)
		w.space(4)
	}
	if m.Obligation != "" {
		w.paragraph(m.Obligation, "regular", 9)
		w.space(4)
	}
	if m.Text != "" {
		w.paragraph(plain(m.Text), "regular", bodySize)
	}
	for _, f := range m.Fields {
		w.space(6)
		w.paragraph(plain(f.Title), "bold", bodySize)
		w.paragraph(plain(f.Value), "regular", bodySize)
	}
	for _, s := range m.Sections {
		w.space(8)
		if s.Title != "" {
			w.paragraph(plain(s.Title), "bold", 12)
		}
		if s.TLP != bot.TLPNone {
			w.paragraph(s.TLP.Label(), "bold", 9)
		}
		w.paragraph(plain(s.Text), "regular", bodySize)
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
	if ex := w.d.Message.Exercise; ex != "" {
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
	if ex := w.d.Message.Exercise; ex != "" {
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
func (w *writer) labelAt(x, y float64) {
	text := w.label.Label()
	w.font("bold", 9)
	tw, _ := w.pdf.MeasureTextWidth(text)
	w.pdf.SetFillColor(0, 0, 0)
	w.pdf.RectFromUpperLeftWithStyle(x, y-1, tw+8, 13, "F")
	r, g, b := rgb(w.label.Colour())
	w.pdf.SetTextColor(r, g, b)
	w.pdf.SetXY(x+4, y+1)
	_ = w.pdf.Cell(nil, text)
	w.pdf.SetTextColor(0, 0, 0)
}

func (w *writer) centred(text string, y, width float64) {
	w.font("bold", 10)
	tw, _ := w.pdf.MeasureTextWidth(text)
	w.pdf.SetTextColor(122, 31, 162)
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

// paragraph writes text, wrapped to the page, breaking pages as needed.
func (w *writer) paragraph(text, font string, size float64) {
	w.font(font, size)
	width := gopdf.PageSizeA4.W - 2*margin
	bottom := gopdf.PageSizeA4.H - margin - 6
	for _, line := range strings.Split(text, "\n") {
		parts := []string{""}
		if strings.TrimSpace(line) != "" {
			var err error
			if parts, err = w.pdf.SplitTextWithWordWrap(line, width); err != nil {
				// A word wider than the line: break it anywhere.
				if parts, err = w.pdf.SplitText(line, width); err != nil && w.err == nil {
					w.err = fmt.Errorf("laying out %q: %w", line, err)
					return
				}
			}
		}
		for _, p := range parts {
			if w.y+size*lineGap > bottom {
				w.newPage()
				w.font(font, size)
			}
			w.pdf.SetXY(margin, w.y)
			_ = w.pdf.Cell(nil, p)
			w.y += size * lineGap
		}
	}
}

// plain drops the little Markdown the bot writes (`code`, **bold**).
func plain(s string) string {
	return strings.NewReplacer("**", "", "`", "").Replace(s)
}

// rgb reads "#rrggbb".
func rgb(hex string) (uint8, uint8, uint8) {
	var r, g, b uint8
	if _, err := fmt.Sscanf(strings.TrimPrefix(hex, "#"), "%02x%02x%02x", &r, &g, &b); err != nil {
		return 255, 255, 255
	}
	return r, g, b
}

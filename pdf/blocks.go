package pdf

import "samverkan/bot"

// How each kind of block goes on paper. Headings are kept with what
// follows them; an entry, a table row and the signature block are never
// split across pages; a table repeats its head on a new page.

const (
	headSize = 12
	noteSize = 8.5
	termW    = 140.0 // the facts' first column
	refW     = 36.0  // the decisions' numbers
	cellPad  = 4.0
)

func (w *writer) block(b bot.Block) {
	line := bodySize * lineGap
	switch b.Kind {
	case bot.BlockHeading:
		w.space(10)
		w.need(headSize*lineGap + 3*line) // with at least three lines of what follows
		w.heading(b.Text, b.Label)
	case bot.BlockText:
		w.paragraph(b.Text, "regular", bodySize, margin, textW)
	case bot.BlockFacts:
		for _, pr := range b.Pairs {
			w.space(2)
			term := w.lines(pr[0], "bold", bodySize, termW-8)
			value := w.lines(pr[1], "regular", bodySize, textW-termW)
			if h := float64(max(len(term), len(value))) * line; h < 200 {
				w.need(h)
			}
			top, page := w.y, w.page
			w.paragraph(pr[0], "bold", bodySize, margin, termW-8)
			if w.page != page {
				top = margin + 6
			}
			w.y = top
			w.paragraph(pr[1], "regular", bodySize, margin+termW, textW-termW)
		}
	case bot.BlockNumbered:
		for _, it := range b.Items {
			text := w.lines(it.Text, "regular", bodySize, textW-refW)
			note := w.lines(it.Note, "regular", noteSize, textW-refW)
			w.space(4)
			w.need(float64(len(text))*line + float64(len(note))*noteSize*lineGap)
			w.font("bold", bodySize)
			w.pdf.SetXY(margin, w.y)
			_ = w.pdf.Cell(nil, it.Ref)
			w.paragraph(it.Text, "regular", bodySize, margin+refW, textW-refW)
			if it.Note != "" {
				w.grey()
				w.paragraph(it.Note, "regular", noteSize, margin+refW, textW-refW)
				w.black()
			}
		}
	case bot.BlockTable:
		w.table(b)
		w.space(6)
	case bot.BlockPlot:
		w.plot(b.Plot)
	case bot.BlockSignatures:
		w.space(8)
		w.need(float64(len(b.Pairs)) * 48)
		for _, pr := range b.Pairs {
			w.y += 30
			w.pdf.SetLineWidth(0.6)
			w.pdf.SetStrokeColor(0, 0, 0)
			w.pdf.Line(margin, w.y, margin+220, w.y)
			w.pdf.Line(margin+250, w.y, margin+340, w.y)
			w.y += 3
			w.font("regular", noteSize)
			w.pdf.SetXY(margin, w.y)
			who := pr[0]
			if pr[1] != "" {
				who += ": " + pr[1]
			}
			_ = w.pdf.Cell(nil, who)
			w.pdf.SetXY(margin+250, w.y)
			_ = w.pdf.Cell(nil, w.t("pdf.date"))
			w.y += noteSize * lineGap
		}
	}
}

// heading writes a heading, with the part's label after it.
func (w *writer) heading(text string, label bot.TLP) {
	w.font("bold", headSize)
	w.pdf.SetXY(margin, w.y)
	_ = w.pdf.Cell(nil, text)
	if label != bot.TLPNone {
		tw, _ := w.pdf.MeasureTextWidth(text)
		w.chip(label, margin+tw+8, w.y+1)
	}
	w.y += headSize * lineGap
}

// table writes a table with a head, each row kept on one page.
func (w *writer) table(b bot.Block) {
	total := 0.0
	for _, x := range b.Widths {
		total += x
	}
	widths := make([]float64, len(b.Head))
	for i := range widths {
		share := 1.0 / float64(len(b.Head))
		if i < len(b.Widths) && total > 0 {
			share = b.Widths[i] / total
		}
		widths[i] = share * textW
	}
	row := func(cells []string, font string) {
		lines := make([][]string, len(widths))
		n := 1
		for i := range widths {
			if i < len(cells) {
				lines[i] = w.lines(cells[i], font, bodySize-0.5, widths[i]-2*cellPad)
			}
			n = max(n, len(lines[i]))
		}
		h := float64(n)*(bodySize-0.5)*lineGap + 4
		if w.y+h > bottom {
			w.newPage()
			if font != "bold" {
				w.tableHead(b.Head, widths)
			}
		}
		x := margin
		for i, cl := range lines {
			w.font(font, bodySize-0.5)
			for j, l := range cl {
				w.pdf.SetXY(x+cellPad, w.y+2+float64(j)*(bodySize-0.5)*lineGap)
				_ = w.pdf.Cell(nil, l)
			}
			x += widths[i]
		}
		w.y += h
		w.pdf.SetLineWidth(0.3)
		w.pdf.SetStrokeColor(150, 150, 150)
		w.pdf.Line(margin, w.y, margin+textW, w.y)
	}
	w.space(2)
	w.need(3 * bodySize * lineGap)
	w.tableHead(b.Head, widths)
	for _, r := range b.Rows {
		row(r, "regular")
	}
}

func (w *writer) tableHead(head []string, widths []float64) {
	x := margin
	w.font("bold", bodySize-0.5)
	for i, h := range head {
		w.pdf.SetXY(x+cellPad, w.y+2)
		_ = w.pdf.Cell(nil, h)
		x += widths[i]
	}
	w.y += (bodySize-0.5)*lineGap + 4
	w.pdf.SetLineWidth(0.8)
	w.pdf.SetStrokeColor(0, 0, 0)
	w.pdf.Line(margin, w.y, margin+textW, w.y)
}

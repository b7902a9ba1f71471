package pdf

import (
	"strconv"

	"github.com/signintech/gopdf"

	"samverkan/bot"
)

// The timeline on paper: the same rows, marks, spans and lines as the
// bot's SVG (bot.PlotSVG), scaled to the text width; kept on one page.
const (
	plotLabelW = 120.0
	plotRowH   = 16.0
	plotMark   = 3.5
)

func hexRGB(hex string) (uint8, uint8, uint8) {
	v, _ := strconv.ParseUint(hex[1:], 16, 32)
	return uint8(v >> 16), uint8(v >> 8), uint8(v)
}

func (w *writer) plot(p *bot.Plot) {
	if p == nil {
		return
	}
	axisW := textW - plotLabelW - 6
	h := 14 + float64(len(p.Rows))*plotRowH + 18 + 14*float64((len(p.Legend)+2)/3)
	w.need(h)
	top := w.y + 12
	at := func(t bot.PlotMark) float64 { return p.X(t.At, margin+plotLabelW, axisW) }
	bottom := top + float64(len(p.Rows))*plotRowH
	w.font("regular", 7.5)
	w.grey()
	w.pdf.SetLineWidth(0.4)
	for _, t := range p.Ticks() {
		tx := p.X(t, margin+plotLabelW, axisW)
		w.pdf.SetStrokeColor(220, 220, 220)
		w.pdf.Line(tx, top-2, tx, bottom)
		w.pdf.SetXY(tx-10, top-11)
		_ = w.pdf.Cell(nil, t.Format("15:04"))
	}
	w.black()
	w.font("regular", 8.5)
	for i, r := range p.Rows {
		y := top + float64(i)*plotRowH + plotRowH/2
		w.pdf.SetXY(margin, y-4.5)
		_ = w.pdf.Cell(nil, bot.Shorten(r.Label, 26))
		for _, s := range r.Spans {
			c, _ := bot.PlotStyle(s.Kind)
			w.pdf.SetFillColor(hexRGB(c))
			x0, x1 := p.X(s.From, margin+plotLabelW, axisW), p.X(s.To, margin+plotLabelW, axisW)
			w.pdf.RectFromUpperLeftWithStyle(x0, y-3.5, max(1.5, x1-x0), 7, "F")
		}
		for _, m := range r.Marks {
			w.mark(m.Kind, at(m), y)
		}
	}
	w.pdf.SetStrokeColor(213, 94, 0)
	w.pdf.SetLineType("dashed")
	for _, l := range p.Lines {
		lx := p.X(l.At, margin+plotLabelW, axisW)
		w.pdf.Line(lx, top-2, lx, bottom)
		w.font("regular", 7.5)
		w.pdf.SetXY(lx+2, bottom+2)
		_ = w.pdf.Cell(nil, l.Label)
	}
	w.pdf.SetLineType("solid")
	w.font("regular", 8.5)
	for i, l := range p.Legend {
		lx, ly := margin+float64(i%3)*(textW/3), bottom+20+float64(i/3)*14
		w.mark(l.Kind, lx+4, ly)
		w.pdf.SetXY(lx+12, ly-4.5)
		_ = w.pdf.Cell(nil, l.Label)
	}
	w.pdf.SetFillColor(0, 0, 0)
	w.pdf.SetStrokeColor(0, 0, 0)
	w.y = top + h - 8
}

// mark draws one mark of kind centred at x, y, in its colour and shape.
func (w *writer) mark(kind string, x, y float64) {
	c, shape := bot.PlotStyle(kind)
	w.pdf.SetFillColor(hexRGB(c))
	w.pdf.SetStrokeColor(hexRGB(c))
	d := plotMark
	switch shape {
	case "square", "bar":
		w.pdf.RectFromUpperLeftWithStyle(x-d, y-d, 2*d, 2*d, "F")
	case "diamond":
		w.pdf.Polygon([]gopdf.Point{{X: x, Y: y - d - 1}, {X: x + d + 1, Y: y}, {X: x, Y: y + d + 1}, {X: x - d - 1, Y: y}}, "F")
	case "triangle":
		w.pdf.Polygon([]gopdf.Point{{X: x, Y: y - d - 1}, {X: x + d + 1, Y: y + d}, {X: x - d - 1, Y: y + d}}, "F")
	default:
		w.pdf.Polygon(circle(x, y, d), "F")
	}
}

// circle is a 12-sided polygon: a dot at this size.
func circle(x, y, r float64) []gopdf.Point {
	pts := []gopdf.Point{}
	for _, c := range [][2]float64{{1, 0}, {0.866, 0.5}, {0.5, 0.866}, {0, 1}, {-0.5, 0.866}, {-0.866, 0.5}, {-1, 0}, {-0.866, -0.5}, {-0.5, -0.866}, {0, -1}, {0.5, -0.866}, {0.866, -0.5}} {
		pts = append(pts, gopdf.Point{X: x + r*c[0], Y: y + r*c[1]})
	}
	return pts
}

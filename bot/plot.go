package bot

import (
	"fmt"
	"html"
	"strings"
	"time"
)

// Plot is a timeline drawn for people: one row per organisation or
// thread, marks and spans on a shared time axis, and lines across all
// rows (the call-in deadline). The bot draws it as SVG (PlotSVG); the PDF
// printer draws the same shapes.
type Plot struct {
	Start, End time.Time
	Rows       []PlotRow
	Lines      []PlotLine
	// Legend names each mark kind used, in order.
	Legend []PlotLegend
	// Loc is the time zone of the axis's labels.
	Loc *time.Location
}

// PlotRow is one labelled row.
type PlotRow struct {
	Label string
	Spans []PlotSpan
	Marks []PlotMark
}

// PlotSpan is a bar from From to To (a meeting, a statement under
// approval).
type PlotSpan struct {
	From, To time.Time
	Kind     string
}

// PlotMark is a point in time on a row.
type PlotMark struct {
	At   time.Time
	Kind string
}

// PlotLine is a line across every row.
type PlotLine struct {
	At    time.Time
	Label string
}

// PlotLegend names a kind.
type PlotLegend struct{ Kind, Label string }

// Plot kinds and their colours (colour-blind safe, Okabe–Ito), with the
// shape that tells them apart without colour.
var plotStyle = map[string]struct {
	Colour string
	Shape  string // "circle", "square", "diamond", "triangle", "bar"
}{
	"acked":      {"#009E73", "circle"},
	"late":       {"#D55E00", "diamond"},
	"report":     {"#0072B2", "square"},
	"reminder":   {"#E69F00", "triangle"},
	"escalation": {"#D55E00", "triangle"},
	"note":       {"#CC79A7", "circle"},
	"meeting":    {"#56B4E9", "bar"},
	"statement":  {"#999999", "bar"},
	"release":    {"#000000", "diamond"},
}

// PlotStyle is a kind's colour (#RRGGBB) and shape.
func PlotStyle(kind string) (colour, shape string) {
	s := plotStyle[kind]
	return s.Colour, s.Shape
}

// X is where t falls on an axis from x0 to x0+width.
func (p Plot) X(t time.Time, x0, width float64) float64 {
	span := p.End.Sub(p.Start)
	if span <= 0 {
		return x0
	}
	f := float64(t.Sub(p.Start)) / float64(span)
	return x0 + width*min(1, max(0, f))
}

// Ticks are the axis's labelled times: whole hours, or quarter hours on
// a short axis, at most about a dozen.
func (p Plot) Ticks() []time.Time {
	step := time.Hour
	span := p.End.Sub(p.Start)
	switch {
	case span <= 3*time.Hour:
		step = 15 * time.Minute
	case span > 12*time.Hour:
		step = time.Duration((span/(12*time.Hour))+1) * time.Hour
	}
	var out []time.Time
	for t := p.Start.In(p.loc()).Truncate(step); !t.After(p.End); t = t.Add(step) {
		if !t.Before(p.Start) {
			out = append(out, t)
		}
	}
	return out
}

func (p Plot) loc() *time.Location {
	if p.Loc == nil {
		return time.UTC
	}
	return p.Loc
}

// Plot geometry, in SVG user units (and PDF points, scaled).
const (
	plotLabelW = 170.0
	plotRowH   = 24.0
	plotTop    = 24.0
	plotW      = 760.0
)

// PlotSVG draws p as a standalone SVG document: no script, no external
// reference, with a title and a text alternative for screen readers.
func PlotSVG(p Plot, title string) string {
	axisW := plotW - plotLabelW - 10
	h := plotTop + float64(len(p.Rows))*plotRowH + 30 + 18*float64((len(p.Legend)+3)/4)
	var b strings.Builder
	e := html.EscapeString
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" role="img" aria-labelledby="t"><title id="t">%s</title>`, plotW, h, plotW, h, e(title))
	b.WriteString(`<style>text{font:11px sans-serif;fill:#222}.tick{fill:#555;font-size:10px}line.grid{stroke:#ddd}line.dl{stroke:#D55E00;stroke-dasharray:4 3}</style>`)
	x := func(t time.Time) float64 { return p.X(t, plotLabelW, axisW) }
	bottom := plotTop + float64(len(p.Rows))*plotRowH
	for _, t := range p.Ticks() {
		fmt.Fprintf(&b, `<line class="grid" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/><text class="tick" x="%.1f" y="%.1f" text-anchor="middle">%s</text>`,
			x(t), plotTop-4, x(t), bottom, x(t), plotTop-8, t.In(p.loc()).Format("15:04"))
	}
	for i, r := range p.Rows {
		y := plotTop + float64(i)*plotRowH + plotRowH/2
		fmt.Fprintf(&b, `<text x="4" y="%.1f" dominant-baseline="middle">%s</text>`, y, e(Shorten(r.Label, 28)))
		for _, s := range r.Spans {
			c, _ := PlotStyle(s.Kind)
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="10" fill="%s" opacity="0.7"/>`, x(s.From), y-5, max(2, x(s.To)-x(s.From)), c)
		}
		for _, m := range r.Marks {
			b.WriteString(svgMark(m.Kind, x(m.At), y))
		}
	}
	for _, l := range p.Lines {
		fmt.Fprintf(&b, `<line class="dl" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/><text class="tick" x="%.1f" y="%.1f">%s</text>`,
			x(l.At), plotTop-2, x(l.At), bottom, x(l.At)+3, bottom+12, e(l.Label))
	}
	for i, l := range p.Legend {
		lx, ly := 10+float64(i%4)*185, bottom+30+float64(i/4)*18
		b.WriteString(svgMark(l.Kind, lx+6, ly))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" dominant-baseline="middle">%s</text>`, lx+16, ly, e(l.Label))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// svgMark draws one mark of kind centred at x, y.
func svgMark(kind string, x, y float64) string {
	c, shape := PlotStyle(kind)
	switch shape {
	case "square":
		return fmt.Sprintf(`<rect x="%.1f" y="%.1f" width="9" height="9" fill="%s"/>`, x-4.5, y-4.5, c)
	case "diamond":
		return fmt.Sprintf(`<path d="M%.1f %.1fl5 5l-5 5l-5-5z" fill="%s"/>`, x, y-5, c)
	case "triangle":
		return fmt.Sprintf(`<path d="M%.1f %.1fl5 9h-10z" fill="%s"/>`, x, y-5, c)
	case "bar":
		return fmt.Sprintf(`<rect x="%.1f" y="%.1f" width="12" height="8" fill="%s" opacity="0.7"/>`, x-6, y-4, c)
	}
	return fmt.Sprintf(`<circle cx="%.1f" cy="%.1f" r="4.5" fill="%s"/>`, x, y, c)
}

package pdf

import (
	"encoding/binary"
	"fmt"

	"golang.org/x/image/font/sfnt"
)

// The Go fonts are drawn for code: their hyphen-minus (U+002D) is a
// minus sign, as wide as a digit, so "2026-12-02" and "e-post" print
// with long dashes. Prose wants a hyphen. The fonts carry one, as the
// glyph of the soft hyphen (U+00AD); hyphenFont makes the hyphen-minus
// draw that glyph — a composite glyph that is only a reference to it,
// with its width — while the text keeps the character people typed, so
// copying from the PDF and searching it still find "2026-12-02".
func hyphenFont(ttf []byte) ([]byte, error) {
	f, err := sfnt.Parse(ttf)
	if err != nil {
		return nil, err
	}
	var buf sfnt.Buffer
	dst, err := f.GlyphIndex(&buf, '-')
	if err != nil || dst == 0 {
		return nil, fmt.Errorf("no hyphen-minus: %v", err)
	}
	src, err := f.GlyphIndex(&buf, '\u00ad')
	if err != nil || src == 0 {
		return nil, fmt.Errorf("no soft hyphen: %v", err)
	}
	out := append([]byte(nil), ttf...)
	tables := map[string][]byte{}
	n := int(binary.BigEndian.Uint16(out[4:]))
	for i := range n {
		rec := out[12+16*i:]
		off, length := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		if int(off+length) > len(out) {
			return nil, fmt.Errorf("table %q outside the file", rec[:4])
		}
		tables[string(rec[:4])] = out[off : off+length]
	}
	head, loca, glyf, hhea, hmtx := tables["head"], tables["loca"], tables["glyf"], tables["hhea"], tables["hmtx"]
	if head == nil || loca == nil || glyf == nil || hhea == nil || hmtx == nil {
		return nil, fmt.Errorf("not a TrueType font with glyf outlines")
	}
	at := func(g sfnt.GlyphIndex) int {
		if binary.BigEndian.Uint16(head[50:]) == 0 {
			return 2 * int(binary.BigEndian.Uint16(loca[2*int(g):]))
		}
		return int(binary.BigEndian.Uint32(loca[4*int(g):]))
	}
	d0, d1, s0 := at(dst), at(dst+1), at(src)
	const composite = 16 // header 10, flags 2, glyph 2, two byte offsets
	if d1-d0 < composite {
		return nil, fmt.Errorf("the hyphen-minus glyph has %d bytes, too few to refer to another", d1-d0)
	}
	g := glyf[d0:d1]
	clear(g)
	binary.BigEndian.PutUint16(g[0:], 0xffff)  // numberOfContours -1: a composite
	copy(g[2:10], glyf[s0+2:s0+10])            // the soft hyphen's bounds
	binary.BigEndian.PutUint16(g[10:], 0x0202) // ARGS_ARE_XY_VALUES | USE_MY_METRICS
	binary.BigEndian.PutUint16(g[12:], uint16(src))
	// The offsets (0, 0) are the two zero bytes left.

	metrics := int(binary.BigEndian.Uint16(hhea[34:]))
	metric := func(g sfnt.GlyphIndex) []byte { return hmtx[4*min(int(g), metrics-1):] }
	if int(dst) >= metrics {
		return nil, fmt.Errorf("the hyphen-minus shares the last width")
	}
	copy(metric(dst)[:2], metric(src)[:2])
	if int(src) < metrics {
		copy(metric(dst)[2:4], metric(src)[2:4])
	}
	return out, nil
}

package pdf

import (
	"testing"

	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// The printed hyphen is a hyphen: "-" is drawn as the font's soft
// hyphen glyph, narrower than a digit, where the Go font's own draws a
// minus as wide as one (which printed "2026–12–02").
func TestTheHyphenIsAHyphen(t *testing.T) {
	width := func(ttf []byte, r rune) fixed.Int26_6 {
		t.Helper()
		f, err := sfnt.Parse(ttf)
		if err != nil {
			t.Fatal(err)
		}
		var b sfnt.Buffer
		g, err := f.GlyphIndex(&b, r)
		if err != nil {
			t.Fatal(err)
		}
		adv, err := f.GlyphAdvance(&b, g, 1000, 0)
		if err != nil {
			t.Fatal(err)
		}
		return adv
	}
	for name, ttf := range fonts {
		if h, soft, digit := width(ttf, '-'), width(ttf, '\u00ad'), width(ttf, '0'); h != soft || h >= digit {
			t.Errorf("%s: hyphen %v, soft hyphen %v, digit %v", name, h, soft, digit)
		}
	}
	if h, digit := width(goregular.TTF, '-'), width(goregular.TTF, '0'); h < digit {
		t.Errorf("the Go font's own hyphen-minus (%v) is no longer as wide as a digit (%v): hyphenFont may not be needed", h, digit)
	}
}

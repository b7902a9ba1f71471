package bot

import "strings"

// TLP is a Traffic Light Protocol 2.0 label.
type TLP string

// TLP 2.0 labels, written exactly as FIRST prescribes.
const (
	TLPNone        TLP = ""
	TLPClear       TLP = "CLEAR"
	TLPGreen       TLP = "GREEN"
	TLPAmber       TLP = "AMBER"
	TLPAmberStrict TLP = "AMBER+STRICT"
	TLPRed         TLP = "RED"
)

// Label is the label as it must be shown, e.g. "TLP:AMBER".
func (t TLP) Label() string {
	if t == TLPNone {
		return ""
	}
	return "TLP:" + string(t)
}

// Colour is the label's FIRST colour as #RRGGBB.
func (t TLP) Colour() string {
	switch t {
	case TLPRed:
		return "#FF2B2B"
	case TLPAmber, TLPAmberStrict:
		return "#FFC000"
	case TLPGreen:
		return "#33FF00"
	case TLPClear:
		return "#FFFFFF"
	}
	return ""
}

// ParseTLP accepts a TLP 2.0 label with or without "TLP:", in any case,
// and the Swedish colour words.
func ParseTLP(s string) (TLP, bool) {
	f := strings.TrimPrefix(Fold(s), "tlp:")
	switch tlpSeparators.Replace(f) {
	case "clear", "white", "vit":
		return TLPClear, true
	case "green", "gron":
		return TLPGreen, true
	case "amber", "gul", "orange":
		return TLPAmber, true
	case "amber+strict", "gul+strikt", "amber+strikt":
		return TLPAmberStrict, true
	case "red", "rod":
		return TLPRed, true
	}
	return "", false
}

// TLPs lists the labels from least to most restricted.
func TLPs() []TLP { return []TLP{TLPClear, TLPGreen, TLPAmber, TLPAmberStrict, TLPRed} }

// Rank orders labels by restriction: CLEAR 0 … RED 4, none -1.
func (t TLP) Rank() int {
	for i, x := range TLPs() {
		if x == t {
			return i
		}
	}
	return -1
}

// Strictest returns the most restricted of the labels.
func Strictest(ts ...TLP) TLP {
	out := TLPNone
	for _, t := range ts {
		if t.Rank() > out.Rank() {
			out = t
		}
	}
	return out
}

// tlpSeparators are the ways people write the plus of AMBER+STRICT.
var tlpSeparators = strings.NewReplacer("_", "+", " ", "+", "-", "+")

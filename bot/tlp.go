package bot

import "strings"

// ParseTLP accepts a TLP 2.0 label with or without "TLP:", in any case,
// and the Swedish colour words.
func ParseTLP(s string) (TLP, bool) {
	f := strings.TrimPrefix(Fold(s), "tlp:")
	switch strings.NewReplacer("_", "+", " ", "+", "-", "+").Replace(f) {
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

// Rank orders labels by restriction: CLEAR 0 … RED 4.
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

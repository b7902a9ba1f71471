package bot

import "strings"

var diacritics = strings.NewReplacer("å", "a", "ä", "a", "ö", "o", "é", "e", "ü", "u", "æ", "a", "ø", "o")

// Fold lowers a word and drops Swedish and Norwegian diacritics, so that
// "Lägesbild", "lagesbild" and "LÄGESBILD" compare equal.
func Fold(s string) string {
	return diacritics.Replace(strings.ToLower(strings.TrimSpace(s)))
}

package bottest

import (
	"regexp"
	"strings"
)

// swedish is what an English answer must not contain: words of the
// Swedish commands and catalog, and å, ä, ö.
var swedish = regexp.MustCompile(`(?i)\b(och|är|för|inte|med|på|av|till|ändrat|delas|intern|lägesbild|aktör|medlem|kvittera|budskap|beslut|åtgärd(er)?|konferens|avbryt|valfritt|godkänn|namn|rsib|tib|rkk|möte|nej|kanal(er)?|sekreterare|ordförande|senast|ansvarig|telefon|epost|välj|så här|fil|protokoll|sida|ritad|uppdaterad)\b|[åäöÅÄÖ]`)

var placeholders = regexp.MustCompile(`\{\{[^}]*\}\}|<no value>`)

// SwedishIn returns the Swedish words found in s (English text), or "".
func SwedishIn(s string) string {
	return strings.Join(swedish.FindAllString(placeholders.ReplaceAllString(s, ""), 5), ", ")
}

package bottest

import (
	"regexp"
	"strings"
)

// notNorwegian is what a Norwegian (bokmål) answer must not contain:
// the letters ä and ö, Swedish words that Norwegian spells otherwise, and
// common English words. Text in backticks is what to type: commands
// accept their Swedish words, so it is left out.
var notNorwegian = regexp.MustCompile(`(?i)[äöÄÖ]|\b(och|inte|är|för|till|lägesbild(en|er)?|kvittera|registrerad|åtgärd(er)?|aktör(er)?|konferens|sekreterare|ordförande|senast|ansvarig|välj|sida|möte|också|hittar|skapa|godkänn|avslå|ändra|gäller|finns inte|the|and|you|your|is|are|not|with|from|please)\b`)

var typed = regexp.MustCompile("`[^`]*`")

// ForeignInNorwegian returns the Swedish or English found in s
// (Norwegian text) outside what is to be typed, or "".
func ForeignInNorwegian(s string) string {
	s = typed.ReplaceAllString(placeholders.ReplaceAllString(s, ""), "")
	return strings.Join(notNorwegian.FindAllString(s, 5), ", ")
}

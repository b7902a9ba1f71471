package commands

import "samverkan/bot"

// nbWords are the Norwegian (bokmål) words of commands and parameters
// where they differ from the Swedish ones, keyed by the Swedish word. A
// command typed with one of them is answered in Norwegian; the Swedish
// and English words keep working.
var nbWords = map[string]string{
	// commands
	"hjälp": "hjelp", "lista": "liste", "visa": "vis", "skapa": "opprett", "anslut": "tilslutt",
	"lämna": "forlat", "lägg-till": "legg-til", "ta-bort": "fjern", "aktör": "aktør",
	"begär-aktivering": "be-om-aktivering", "aktivera": "aktiver", "kvittera": "kvitter",
	"avaktivera": "deaktiver", "lägesbild": "situasjonsbilde", "samlad": "samlet", "begär": "be-om", "dela": "del",
	"konferens": "konferanse", "starta": "start", "avsluta": "avslutt", "sammanfattning": "oppsummering",
	"beslut-i-stort": "overordnet-beslutning", "närvarande": "til-stede", "beslut": "beslutning", "åtgärd": "tiltak",
	"klar": "ferdig", "nästa-möte": "neste-møte", "godkänn": "godkjenn", "avslå": "avvis", "ändra": "endre",
	"publicera": "publiser", "återkalla": "trekk-tilbake", "begäran": "forespørsel", "svara": "svar",
	"övning": "øvelse", "notering": "notat", "tavla": "tavle", "överordnat": "overordnet", "schema": "plan",
	// parameters and their placeholders
	"till": "til", "senast": "senest", "målgrupp": "målgruppe", "engelska": "engelsk", "norska": "norsk",
	"ersätter": "erstatter", "motivering": "begrunnelse", "värd": "vert", "roll": "rolle", "namn": "navn",
	"skäl": "grunn", "syfte": "formål", "ansvarig": "ansvarlig", "ordförande": "møteleder", "sekreterare": "sekretær",
	"bekräfta": "bekreft", "prognos": "prognose", "inriktning": "retning", "kommunikation": "kommunikasjon",
	"samordning-åtgärder": "samordning-tiltak", "kommunikatörer": "kommunikatører", "datum": "dato", "zon": "sone",
	"talgrupp": "talegruppe", "användare": "bruker", "adress": "adresse", "alla": "alle",
	"allmänhet": "allmennheten", "A,B|alla": "A,B|alle", "@användare": "@bruker",
}

// nb is w's Norwegian word, or "" when it has none of its own.
func (w Word) nb() string { return nbWords[w.Sv] }

// everyone reports whether v is the word for all of them: alla, all, alle.
func everyone(v string) bool {
	switch bot.Fold(v) {
	case "alla", "all", "alle":
		return true
	}
	return false
}

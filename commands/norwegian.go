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
	"avaktivera": "deaktiver", "aktivering": "aktivering", "rapport": "rapport",
	"lägesbild": "situasjonsbilde", "ny": "ny", "samlad": "samlet", "begär": "be-om", "dela": "del",
	"konferens": "konferanse", "starta": "start", "avsluta": "avslutt", "protokoll": "protokoll",
	"sammanfattning": "oppsummering", "beslut-i-stort": "overordnet-beslutning", "närvarande": "til-stede",
	"beslut": "beslutning", "åtgärd": "tiltak", "klar": "ferdig", "nästa-möte": "neste-møte",
	"budskap": "budskap", "utkast": "utkast", "godkänn": "godkjenn", "avslå": "avvis", "ändra": "endre",
	"publicera": "publiser", "återkalla": "trekk-tilbake", "begäran": "forespørsel", "svara": "svar",
	"övning": "øvelse", "notering": "notat", "tavla": "tavle", "överordnat": "overordnet",
	"kanal": "kanal", "kontakter": "kontakter", "schema": "plan", "medlem": "medlem",
	// parameters
	"till": "til", "senast": "senest", "målgrupp": "målgruppe", "kanaler": "kanaler", "område": "område",
	"engelska": "engelsk", "norska": "norsk", "ersätter": "erstatter", "motivering": "begrunnelse",
	"nivå": "nivå", "värd": "vert", "roll": "rolle", "namn": "navn", "skäl": "grunn", "syfte": "formål",
	"ansvarig": "ansvarlig", "ordförande": "møteleder", "sekreterare": "sekretær", "bekräfta": "bekreft",
	"fakta": "fakta", "prognos": "prognose", "inriktning": "retning", "kommunikation": "kommunikasjon",
	"samordning-åtgärder": "samordning-tiltak", "samordning-budskap": "samordning-budskap",
	"kommunikatörer": "kommunikatører", "telefon": "telefon", "epost": "epost", "alternativ": "alternativ",
	"datum": "dato", "tid": "tid", "dag": "dag", "zon": "sone", "anslut-länk": "lenke", "form": "form",
	"talgrupp": "talegruppe", "användare": "bruker", "nummer": "nummer", "adress": "adresse", "ord": "ord",
	"alla": "alle", "allmänhet": "allmennheten", "A,B|alla": "A,B|alle", "@användare": "@bruker",
}

// nbWord is w's Norwegian word, or "" when it has none of its own.
func (w Word) nb() string {
	if n := nbWords[w.Sv]; n != w.Sv {
		return n
	}
	return ""
}

// everyone reports whether v is the word for all of them: alla, all, alle.
func everyone(v string) bool {
	switch bot.Fold(v) {
	case "alla", "all", "alle":
		return true
	}
	return false
}

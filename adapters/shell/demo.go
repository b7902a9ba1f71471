package shell

import (
	"context"
	"time"

	"samverkan/bot"
)

// DemoChannel is the shell channel the demo forum is bound to.
const DemoChannel = "samverkan"

// demoMember is one person of the demo registry.
type demoMember struct {
	user, name, actor string
	roles             []bot.Role
}

var demoMembers = []demoMember{
	{"admin", "Alva Admin", "lst", []bot.Role{bot.RoleAdmin}},
	{"tove", "Tove Tjänsteman", "lst", []bot.Role{bot.RoleDutyOfficer}},
	{"rasmus", "Rasmus Samordnare", "lst", []bot.Role{bot.RoleCoordinator, bot.RoleChair}},
	{"klara", "Klara Kommunikatör", "lst", []bot.Role{bot.RoleCommunicator, bot.RoleCommsCoordinator}},
	{"selma", "Selma Sekreterare", "lst", []bot.Role{bot.RoleSecretary}},
	{"sam", "Sam SOS", "sos", []bot.Role{bot.RoleDutyOfficer}},
	{"kim", "Kim Kommunikatör", "sos", []bot.Role{bot.RoleCommunicator}},
	{"per", "Per Polis", "pol", []bot.Role{bot.RoleDutyOfficer}},
	{"petra", "Petra Presstjänst", "pol", []bot.Role{bot.RoleCommunicator}},
	{"stina", "Stina Stad", "sthlm", []bot.Role{bot.RoleDutyOfficer, bot.RoleCommunicator}},
	{"sven", "Sven Stad", "sthlm", []bot.Role{bot.RoleMember}},
	{"elin", "Elin Elnät", "ellevio", []bot.Role{bot.RoleDutyOfficer, bot.RoleCommunicator}},
}

var demoReports = []struct {
	user     string
	tlp      bot.TLP
	sections []bot.ReportSection
}{
	{"sam", bot.TLPGreen, []bot.ReportSection{
		{Key: "fakta", Text: "Ökat samtalsflöde till 112 från Norrort efter elavbrottet; väntetider upp till 40 s.", Shared: true},
		{Key: "prognos", Text: "Fler samtal när mobilnätets reservkraft tar slut i kväll.", Shared: true},
		{Key: "inriktning", Text: "Extra operatörer inkallade till 18:00.", Shared: false},
	}},
	{"stina", bot.TLPAmber, []bot.ReportSection{
		{Key: "fakta", Text: "Elavbrott i Kista och Akalla, cirka 9 000 hushåll. Två äldreboenden på reservkraft.", Shared: true},
		{Key: "samordning-atgarder", Text: "Behöver besked från Ellevio om återställningstid för äldreboendena.", Shared: true},
		{Key: "kommunikation", Text: "Utkast till invånarinformation klart kl 15.", Shared: false},
	}},
}

// SeedDemo fills an empty store with the demo registry: a coordinating
// forum hosted by the county board, five actors, people in every role, and
// the shell channel bound to it. A store that has any forum is left alone.
func SeedDemo(ctx context.Context, b *bot.Bot) (bool, error) {
	empty := true
	err := b.View(func(tx bot.Tx) error {
		fs, err := bot.ListForums(tx)
		empty = len(fs) == 0
		return err
	})
	if err != nil || !empty {
		return false, err
	}
	sys := bot.SystemCaller()
	// Made-up numbers; Ellevio has none yet, to show how that looks.
	actors := []bot.Actor{
		{ID: "lst", Name: "Länsstyrelsen Stockholm", Contact: bot.Contact{Phone: "010-000 00 01", Rakel: "AB LST TiB", Email: "tib@lst.example"}},
		{ID: "sos", Name: "SOS Alarm", Contact: bot.Contact{Phone: "010-000 00 02", Rakel: "AB SOS Vakthavande"}},
		{ID: "pol", Name: "Polisen Region Stockholm", Contact: bot.Contact{Phone: "010-000 00 03", Rakel: "AB POL RLC", Alternate: "satellittelefon 00870 000 000"}},
		{ID: "sthlm", Name: "Stockholms stad", Contact: bot.Contact{Phone: "08-000 00 04", Email: "tib@stockholm.example"}},
		{ID: "ellevio", Name: "Ellevio"},
	}
	for _, a := range actors {
		if err := b.Registry.AddActor(ctx, sys, a); err != nil {
			return false, err
		}
	}
	if err := b.Registry.CreateForum(ctx, sys, bot.Forum{ID: "ssr", Name: "Regional samverkanskonferens", Level: bot.LevelCoordinating, Host: "lst"}); err != nil {
		return false, err
	}
	if _, err := b.Registry.JoinForum(ctx, sys, "ssr", []string{"sos", "pol", "sthlm", "ellevio"}); err != nil {
		return false, err
	}
	// During the demo's large event the forum meets twice on Thursdays.
	twice, err := bot.ParseSchedule("torsdag", "08:00,16:00", "Europe/Stockholm")
	if err != nil {
		return false, err
	}
	if err := b.Conferences.SetSchedule(ctx, sys, "ssr", twice); err != nil {
		return false, err
	}
	for _, m := range demoMembers {
		id := bot.Identity{Platform: bot.Shell, UserID: m.user, Username: m.user}
		if _, _, err := b.Registry.AddMember(ctx, sys, bot.Member{ID: m.user, Name: m.name, Actor: m.actor, Roles: m.roles}, id); err != nil {
			return false, err
		}
	}
	if err := b.Registry.BindChannel(ctx, sys, "ssr", bot.Channel{Platform: bot.Shell, ID: DemoChannel, Name: "#" + DemoChannel}); err != nil {
		return false, err
	}
	for _, r := range demoReports {
		c, err := b.Caller(bot.Identity{Platform: bot.Shell, UserID: r.user})
		if err != nil {
			return false, err
		}
		if _, err := b.Reports.File(ctx, c, "ssr", r.sections, r.tlp, nil); err != nil {
			return false, err
		}
	}
	if err := seedStatement(ctx, b); err != nil {
		return false, err
	}
	if err := seedChild(ctx, b); err != nil {
		return false, err
	}
	if err := seedNorwegian(ctx, b); err != nil {
		return false, err
	}
	return true, seedRequest(ctx, b)
}

// seedRequest leaves one information request open: SOS Alarm asks the
// city and Ellevio; the city has answered, Ellevio has not.
func seedRequest(ctx context.Context, b *bot.Bot) error {
	sam, err := b.Caller(bot.Identity{Platform: bot.Shell, UserID: "sam"})
	if err != nil {
		return err
	}
	r, err := b.Requests.Ask(ctx, sam, "ssr", "Hur många hushåll saknar el i Kista och Akalla, och när väntas elen vara åter?", []string{"ellevio", "sthlm"}, b.Clock.Now().Add(2*time.Hour))
	if err != nil {
		return err
	}
	stina, err := b.Caller(bot.Identity{Platform: bot.Shell, UserID: "stina"})
	if err != nil {
		return err
	}
	_, err = b.Requests.Answer(ctx, stina, r.Number, "Cirka 9 000 hushåll enligt kommunens kartläggning; två äldreboenden går på reservkraft.", bot.TLPGreen, false)
	return err
}

// seedStatement releases one public statement, approved by every
// communicator, so that its CAP alert can be had at once
// (`budskap cap 1`).
func seedStatement(ctx context.Context, b *bot.Bot) error {
	as := func(user string) (bot.Caller, error) {
		return b.Caller(bot.Identity{Platform: bot.Shell, UserID: user})
	}
	klara, err := as("klara")
	if err != nil {
		return err
	}
	st, err := b.Statements.Draft(ctx, klara, "ssr", bot.Draft{
		Text:         "Elavbrottet i Kista och Akalla väntas pågå till i kväll. Ring 112 bara vid nödläge; frågor om elen besvaras av Ellevio.",
		Area:         "Kista och Akalla, Stockholms stad",
		Translations: map[string]string{"en": "The power cut in Kista and Akalla is expected to last until tonight. Call 112 only in an emergency; questions about the power go to Ellevio."},
	})
	if err != nil {
		return err
	}
	for _, a := range st.Approvers {
		c, err := as(a.Member)
		if err != nil {
			return err
		}
		if _, _, err := b.Statements.Approve(ctx, c, st.Number, 1); err != nil {
			return err
		}
	}
	_, err = b.Statements.Release(ctx, klara, st.Number)
	return err
}

// seedChild links the city's operational forum for Kista under ssr: ssr's
// picture tells that it has no reports yet, and a report filed there
// (`:som stina`, `lägesbild ny kista fakta="…" tlp=GREEN`) goes up into
// ssr's (`lägesbild samlad ssr`).
func seedChild(ctx context.Context, b *bot.Bot) error {
	sys := bot.SystemCaller()
	if err := b.Registry.CreateForum(ctx, sys, bot.Forum{ID: "kista", Name: "Kista krisledning", Level: bot.LevelOperational, Host: "sthlm"}); err != nil {
		return err
	}
	if _, err := b.Registry.JoinForum(ctx, sys, "kista", []string{"ellevio", "sos"}); err != nil {
		return err
	}
	_, err := b.Registry.SetParent(ctx, sys, "kista", "ssr")
	return err
}

// NorwegianChannel is the shell channel of the demo's Norwegian forum.
const NorwegianChannel = "ikt-ovelse"

// seedNorwegian adds the county governor's exercise of seed 004: a forum
// of Statsforvalteren i Oslo og Viken and Asker kommune that speaks
// Norwegian in this Swedish bot (`forum språk ikt nb`), meets Thursdays
// at 09:30 Oslo time, and has its own shell channel: `:kanal ikt-ovelse`,
// `:som ola`, `aktivera övning`.
func seedNorwegian(ctx context.Context, b *bot.Bot) error {
	sys := bot.SystemCaller()
	for _, a := range []bot.Actor{
		{ID: "sfov", Name: "Statsforvalteren i Oslo og Viken", Contact: bot.Contact{Phone: "+47 000 00 001", Email: "beredskap@sfov.example"}},
		{ID: "asker", Name: "Asker kommune", Contact: bot.Contact{Phone: "+47 000 00 002"}},
	} {
		if err := b.Registry.AddActor(ctx, sys, a); err != nil {
			return err
		}
	}
	if err := b.Registry.CreateForum(ctx, sys, bot.Forum{ID: "ikt", Name: "IKT-øvelse for kommunenes kriseledelse", Level: bot.LevelCoordinating, Host: "sfov"}); err != nil {
		return err
	}
	if _, err := b.Registry.JoinForum(ctx, sys, "ikt", []string{"asker"}); err != nil {
		return err
	}
	if _, err := b.Registry.SetLanguage(ctx, sys, "ikt", "nb"); err != nil {
		return err
	}
	// Seed 004's exercise ran on a Thursday at 09:30.
	oslo, err := bot.ParseSchedule("torsdag", "09:30", "Europe/Oslo")
	if err != nil {
		return err
	}
	if err := b.Conferences.SetSchedule(ctx, sys, "ikt", oslo); err != nil {
		return err
	}
	for _, m := range []demoMember{
		{"ola", "Ola Nordmann", "sfov", []bot.Role{bot.RoleDutyOfficer, bot.RoleCoordinator, bot.RoleChair, bot.RoleSecretary}},
		{"nina", "Nina Kommunikasjon", "sfov", []bot.Role{bot.RoleCommunicator, bot.RoleCommsCoordinator}},
		{"kari", "Kari Kommune", "asker", []bot.Role{bot.RoleDutyOfficer, bot.RoleCommunicator}},
	} {
		id := bot.Identity{Platform: bot.Shell, UserID: m.user, Username: m.user}
		if _, _, err := b.Registry.AddMember(ctx, sys, bot.Member{ID: m.user, Name: m.name, Actor: m.actor, Roles: m.roles}, id); err != nil {
			return err
		}
	}
	return b.Registry.BindChannel(ctx, sys, "ikt", bot.Channel{Platform: bot.Shell, ID: NorwegianChannel, Name: "#" + NorwegianChannel})
}

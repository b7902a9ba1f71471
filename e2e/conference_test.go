package e2e_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"samverkan/adapters/mattermost/mmtest"
	"samverkan/adapters/slack/slackfake"
	"samverkan/bot"
)

func stockholm(y int, m time.Month, d, h, min, s int) time.Time {
	return time.Date(y, m, d, h, min, s, 0, bot.Stockholm())
}

// agendas counts the agendas posted in the Mattermost forum channel for
// a local date-time such as "2026-11-26 16:00".
func (w *world) agendas(when string) int {
	return countMM(w.mm.Posts(mmChannel), "Samverkanskonferens: Regional samverkanskonferens "+when)
}

func (w *world) reminders() int {
	return countMM(w.mm.Posts(mmChannel), "Samverkanskonferens kl 16:00")
}

// at sets the clock to a local time and lets the bot act.
func (w *world) at(t time.Time) {
	w.env.Clock.Set(t)
	w.deliver()
}

// newConferenceWorld is a world whose forum was set up at start.
func newConferenceWorld(t *testing.T, start time.Time) *world {
	w := newWorld(t)
	w.env.Clock.Set(start)
	w.setup()
	return w
}

func TestAgendaAtSixteenAcrossBothDSTChanges(t *testing.T) {
	w := newConferenceWorld(t, stockholm(2026, 3, 23, 9, 0, 0))
	check := func(day time.Time) {
		t.Helper()
		when := day.Format("2006-01-02") + " 16:00"
		w.at(day.Add(15*time.Hour - time.Second)) // 14:59:59
		before := w.reminders()
		w.at(day.Add(15 * time.Hour)) // 15:00
		if w.reminders() != before+1 {
			t.Errorf("%s: no reminder at 15:00", when)
		}
		w.at(day.Add(16*time.Hour - time.Second))
		if n := w.agendas(when); n != 0 {
			t.Fatalf("%s: agenda before 16:00", when)
		}
		w.at(day.Add(16 * time.Hour))
		if n := w.agendas(when); n != 1 {
			t.Fatalf("%s: %d agendas at 16:00 local, want 1", when, n)
		}
		// The conference opened at exactly 16:00:00 local on that Thursday.
		var confs []bot.Conference
		_ = w.env.Store.View(func(tx bot.Tx) (err error) { confs, err = bot.ListConferences(tx, "ssr"); return })
		c := confs[len(confs)-1]
		if want := day.Add(16 * time.Hour); !c.Started.Equal(want) || !c.Scheduled.Equal(want) || c.Late {
			t.Errorf("%s: conference started %s (scheduled %s, late %v)", when, c.Started.In(bot.Stockholm()), c.Scheduled, c.Late)
		}
		w.must(w.mustText(w.mmCmd("u_rasmus", "konferens avsluta ssr")))
	}
	check(stockholm(2026, 3, 26, 0, 0, 0)) // CET, before summer time (29 March)
	check(stockholm(2026, 4, 2, 0, 0, 0))  // CEST, after
	w.env.Clock.Set(stockholm(2026, 10, 19, 9, 0, 0))
	w.must(w.mustText(w.mmCmd("u_rasmus", "konferens schema ssr torsdag 16:00")))
	check(stockholm(2026, 10, 22, 0, 0, 0)) // CEST, before winter time (25 October)
	check(stockholm(2026, 10, 29, 0, 0, 0)) // CET, after
	if n := countMM(w.mmDM("u_rasmus"), "Missad"); n != 0 {
		t.Errorf("%d missed notes in a run with no downtime", n)
	}
}

func TestRestartAroundSixteenGivesOneAgenda(t *testing.T) {
	w := newConferenceWorld(t, stockholm(2026, 11, 23, 9, 0, 0))
	w.at(stockholm(2026, 11, 26, 15, 59, 59))
	w.restart()
	w.at(stockholm(2026, 11, 26, 16, 0, 0))
	w.at(stockholm(2026, 11, 26, 16, 0, 1))
	w.restart()
	w.deliver()
	w.restart()
	w.deliver()
	if n := w.agendas("2026-11-26 16:00"); n != 1 {
		t.Fatalf("%d agendas, want exactly 1", n)
	}
	if strings.Contains(mmTexts(w.mm.Posts(mmChannel)), "FÖRSENAD") {
		t.Error("an on-time agenda is marked late")
	}
	// A second process on the same file cannot even open it.
	if _, err := openSecond(w.env.Path); err == nil {
		t.Fatal("a second process opened the database")
	}
}

func TestDownOverSixteenWithinGraceGivesLateAgenda(t *testing.T) {
	w := newConferenceWorld(t, stockholm(2026, 11, 23, 9, 0, 0))
	w.at(stockholm(2026, 11, 26, 15, 50, 0))
	w.env.Clock.Set(stockholm(2026, 11, 26, 17, 30, 0)) // down 15:50–17:30
	w.restart()
	w.deliver()
	w.deliver()
	posts := w.mm.Posts(mmChannel)
	if n := w.agendas("2026-11-26 16:00"); n != 1 {
		t.Fatalf("%d agendas, want 1 late one", n)
	}
	if !strings.Contains(mmTexts(posts), "(FÖRSENAD)") || !strings.Contains(mmTexts(posts), "den skickas nu, 2026-11-26 17:30") {
		t.Errorf("the late agenda is not marked late:\n%s", mmTexts(posts[len(posts)-1:]))
	}
	if countMM(w.mmDM("u_rasmus"), "Missad") != 0 {
		t.Error("a late agenda also reported missed")
	}
}

func TestDownPastGraceRecordsMissedAndTellsChair(t *testing.T) {
	w := newConferenceWorld(t, stockholm(2026, 11, 23, 9, 0, 0))
	w.at(stockholm(2026, 11, 26, 15, 50, 0))
	w.env.Clock.Set(stockholm(2026, 11, 26, 18, 30, 0))
	w.restart()
	w.deliver()
	w.deliver()
	if n := w.agendas("2026-11-26 16:00"); n != 0 {
		t.Fatalf("%d agendas after the grace period, want none", n)
	}
	if n := countMM(w.mmDM("u_rasmus"), "Missad konferens"); n != 1 {
		t.Fatalf("chair got %d missed notes, want 1:\n%s", n, mmTexts(w.mmDM("u_rasmus")))
	}
	var occ bot.Occurrence
	_ = w.env.Store.View(func(tx bot.Tx) error { return tx.Get(bot.BucketOccurrences, "ssr|2026-11-26T16:00", &occ) })
	if occ.State != "missed" {
		t.Fatalf("occurrence = %+v, want missed", occ)
	}
	// The next week runs normally.
	w.at(stockholm(2026, 12, 3, 16, 0, 0))
	if w.agendas("2026-12-03 16:00") != 1 {
		t.Error("the next week's agenda did not come")
	}
}

func TestFullMeetingMinutesAndOpenActions(t *testing.T) {
	w := newConferenceWorld(t, stockholm(2026, 11, 23, 9, 0, 0))
	w.must(w.mustText(w.mmCmd("u_tove", `lägesbild ny ssr fakta="Elavbrott i Norrort."`)))
	w.at(stockholm(2026, 11, 26, 16, 0, 0))
	var agenda *model.Post
	for _, p := range w.mm.Posts(mmChannel) {
		if strings.Contains(mmtest.Text(p), "Samverkanskonferens:") {
			agenda = p
		}
	}
	if agenda == nil {
		t.Fatal("no agenda")
	}
	text := mmtest.Text(agenda)
	for _, want := range []string{"1. Närvarokontroll", "2. Loggning", "3. Mötets syfte", "4. Aktörsrunda", "Länsstyrelsen Stockholm: lägesbild #1", "Ingen lägesbild: SOS Alarm, Polisen Region Stockholm, Stockholms stad, Ellevio", "5. Summering", "6. Beslut och åtgärder", "7. Nästa möte", "2026-12-03 16:00"} {
		if !strings.Contains(text, want) {
			t.Errorf("agenda lacks %q:\n%s", want, text)
		}
	}
	// Roll call: Sam by button on Mattermost, Per by command, Stina by button on Slack.
	var resp model.PostActionIntegrationResponse
	w.env.Clock.Set(stockholm(2026, 11, 26, 16, 2, 0))
	if r := w.mmc.Click(mmButton(agenda, "Närvarande – SOS Alarm"), "u_sam", "sam", mmChannel, agenda.Id); r.Decode(&resp) != nil || !strings.Contains(resp.EphemeralText, "Närvaro noterad för sos") {
		t.Fatalf("sam's click: %s", r.Body)
	}
	// Per cannot answer for SOS Alarm.
	if r := w.mmc.Click(mmButton(agenda, "Närvarande – SOS Alarm"), "u_per", "per", mmChannel, agenda.Id); r.Decode(&resp) != nil || !strings.Contains(resp.EphemeralText, "bara anmäla närvaro för din egen aktör") {
		t.Fatalf("per's click on sos: %s", r.Body)
	}
	w.env.Clock.Set(stockholm(2026, 11, 26, 16, 3, 0))
	w.must(w.mustText(w.mmCmd("u_per", "närvarande")))
	w.deliver()
	var btn map[string]any
	for _, p := range w.sl.Posts(slChannel) {
		if b := slackfake.Button(p.Blocks(), "Närvarande – Stockholms stad"); b != nil {
			btn = b
		}
	}
	w.env.Clock.Set(stockholm(2026, 11, 26, 16, 4, 0))
	w.slc.Interaction(slackfake.BlockAction("U_STINA", slChannel, w.sl.HookURL(), btn))
	waitFor(t, func() bool { return len(w.conference(1).Attendance) == 3 })
	// Minutes, by the secretary's and chair's commands.
	w.must(w.mustText(w.mmCmd("u_rasmus", "beslut Länsstyrelsen samordnar information om elavbrottet")))
	w.must(w.mustText(w.mmCmd("u_rasmus", "beslut Nästa lägesbild senast kl 20")))
	w.must(w.mustText(w.mmCmd("u_rasmus", "åtgärd Ta fram gemensam invånarinformation ansvarig=sthlm senast=2026-11-27")))
	if txt, _ := w.mmCmd("u_per", "beslut Polisen bestämmer"); !strings.Contains(txt, "förs av ordföranden (") {
		t.Errorf("a member minuting: %s", txt)
	}
	if txt, _ := w.mmCmd("u_rasmus", "åtgärd Något ansvarig=sthlm senast=snart"); !strings.Contains(txt, "Okänt datum") {
		t.Errorf("bad due date: %s", txt)
	}
	w.must(w.mustText(w.mmCmd("u_rasmus", "nästa-möte Fredag 27 nov 09:00, Teams, lägesbild")))
	w.env.Clock.Set(stockholm(2026, 11, 26, 16, 45, 0))
	w.must(w.mustText(w.mmCmd("u_rasmus", "konferens avsluta")))
	w.deliver()
	c := w.conference(1)
	if len(c.Attendance) != 3 || c.DecisionCount() != 2 || c.ActionCount() != 1 || c.Next == nil || c.EndedAt.IsZero() {
		t.Fatalf("stored conference = %+v", c)
	}
	wantMinutes := []string{
		"Protokoll: Regional samverkanskonferens 2026-11-26 16:00",
		"Närvarande (3)", "SOS Alarm – sam, 16:02", "Polisen Region Stockholm – per, 16:03", "Stockholms stad – stina, 16:04",
		"Frånvarande (2)", "Länsstyrelsen Stockholm\nEllevio",
		"1. Länsstyrelsen samordnar information om elavbrottet", "2. Nästa lägesbild senast kl 20",
		"#1 Ta fram gemensam invånarinformation – ansvarig Stockholms stad, senast 2026-11-27",
		"Fredag 27 nov 09:00, Teams, lägesbild",
	}
	for name, got := range map[string]string{"mattermost": mmTexts(w.mm.Posts(mmChannel)), "slack": slTexts(w.sl.Posts(slChannel))} {
		for _, want := range wantMinutes {
			if !strings.Contains(got, want) {
				t.Errorf("%s minutes lack %q", name, want)
			}
		}
		if strings.Contains(got, "Polisen bestämmer") || strings.Contains(got, "Något") {
			t.Errorf("%s minutes hold a refused entry", name)
		}
	}
	stored, _ := w.mmCmd("u_sam", "konferens protokoll ssr 2026-11-26")
	if !strings.Contains(stored, "Protokoll: Regional samverkanskonferens 2026-11-26 16:00") {
		t.Errorf("stored minutes: %s", stored)
	}
	// The next agenda lists the open action item.
	w.at(stockholm(2026, 12, 3, 16, 0, 0))
	posts := w.mm.Posts(mmChannel)
	next := mmtest.Text(posts[len(posts)-1])
	if !strings.Contains(next, "Öppna åtgärder från tidigare möten:\n#1 Ta fram gemensam invånarinformation – ansvarig Stockholms stad, senast 2026-11-27") {
		t.Errorf("next agenda lacks the open action:\n%s", next)
	}
}

func TestChangedScheduleTakesEffectAtOnce(t *testing.T) {
	w := newConferenceWorld(t, stockholm(2026, 11, 23, 9, 0, 0))
	txt, _ := w.mmCmd("u_rasmus", "konferens schema ssr onsdag 10:30")
	if !strings.Contains(txt, "onsdag 10:30") || !strings.Contains(txt, "2026-11-25 10:30") {
		t.Fatalf("schedule answer: %s", txt)
	}
	if show, _ := w.mmCmd("u_sam", "forum visa ssr"); !strings.Contains(show, "onsdag 10:30 (Europe/Stockholm)") {
		t.Errorf("forum visa: %s", show)
	}
	w.at(stockholm(2026, 11, 25, 10, 30, 0))
	w.at(stockholm(2026, 11, 26, 16, 0, 0))
	if w.agendas("2026-11-25 10:30") != 1 || w.agendas("2026-11-26 16:00") != 0 {
		t.Fatalf("agendas: wednesday %d, thursday %d", w.agendas("2026-11-25 10:30"), w.agendas("2026-11-26 16:00"))
	}
	if txt, _ := w.mmCmd("u_per", "konferens schema ssr fredag 08:00"); !strings.Contains(txt, "behörighet") {
		t.Errorf("member changing the schedule: %s", txt)
	}
	if txt, _ := w.mmCmd("u_rasmus", "konferens schema ssr fikadag 16:00"); !strings.Contains(txt, "Okänd veckodag") {
		t.Errorf("bad day: %s", txt)
	}
}

func (w *world) conference(id uint64) *bot.Conference {
	var c *bot.Conference
	_ = w.env.Store.View(func(tx bot.Tx) (err error) { c, err = bot.GetConference(tx, id); return })
	if c == nil {
		w.t.Fatalf("no conference %d", id)
	}
	return c
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for range 1000 {
		if cond() {
			return
		}
		sleepBriefly()
	}
	t.Fatal("condition not met")
}

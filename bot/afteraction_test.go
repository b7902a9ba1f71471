package bot_test

import (
	"context"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"samverkan/bot"
	"samverkan/bottest"
)

func TestTheAfterActionReportTellsWhatHappenedAsTheReaderMaySee(t *testing.T) {
	ctx := context.Background()
	env := bottest.NewEnv(t)
	env.Fixture(t)
	if _, err := env.Bot.Activations.Note(ctx, env.Who(t, "rasmus"), bottest.Forum, "Före start."); bot.ErrorCode(err) != bot.ECONFLICT {
		t.Errorf("a note with no activation: %v", err)
	}
	if _, err := env.Bot.Activations.AfterAction(env.Who(t, "sam"), bottest.Forum, 0); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("a report before any activation: %v", err)
	}
	a, err := env.Bot.Activations.Activate(ctx, env.Who(t, "rasmus"), bottest.Forum, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	env.Clock.Advance(3 * time.Minute)
	if _, err := env.Bot.Activations.Acknowledge(ctx, env.Who(t, "sam"), bottest.Forum); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Bot.Activations.Note(ctx, env.Who(t, "rasmus"), bottest.Forum, "SOS svarade direkt."); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Bot.Activations.Note(ctx, env.Who(t, "kim"), bottest.Forum, "x"); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("kim (a communicator) taking a note: %v", err)
	}
	// A statement drafted and never released is a deviation.
	if _, err := env.Bot.Statements.Draft(ctx, env.Who(t, "klara"), bottest.Forum, bot.Draft{Text: "Hemligt.", TLP: bot.TLPGreen}); err != nil {
		t.Fatal(err)
	}
	env.Clock.Advance(30 * time.Minute)
	runTimers(t, env)
	if _, err := env.Bot.Activations.Deactivate(ctx, env.Who(t, "rasmus"), bottest.Forum); err != nil {
		t.Fatal(err)
	}
	r, err := env.Bot.Activations.AfterAction(env.Who(t, "sam"), bottest.Forum, 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Ongoing || r.Activation.ID != a.ID || len(r.Notes) != 1 || len(r.Statements) != 1 || len(r.Escalations) != 1 {
		t.Errorf("the report: ongoing %v, activation %d, %d notes, %d statements, %d escalations", r.Ongoing, r.Activation.ID, len(r.Notes), len(r.Statements), len(r.Escalations))
	}
	var sos bot.AfterOrg
	for _, o := range r.Orgs {
		if o.Actor == "sos" {
			sos = o
		}
	}
	if sos.Late || !sos.Acked.Equal(a.At.Add(3*time.Minute)) {
		t.Errorf("sos: %+v", sos)
	}
	md := env.Bot.Activations.AfterActionMarkdown(r)
	for _, want := range []string{"Polisen kvitterade aldrig inkallningen.", "Budskap #1 blev aldrig publicerat.", "SOS svarade direkt."} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q:\n%s", want, md)
		}
	}
	svg := env.Bot.Activations.AfterActionSVG(r)
	if err := xml.Unmarshal([]byte(svg), new(struct{})); err != nil || strings.Contains(svg, "<script") {
		t.Errorf("the timeline is not a plain SVG document: %v", err)
	}
	// Someone outside the forum gets nothing.
	if _, err := env.Bot.Activations.AfterAction(env.Who(t, "otto"), bottest.Forum, 0); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("otto reading the report: %v", err)
	}
	if _, err := env.Bot.Activations.AfterAction(env.Who(t, "sam"), bottest.Forum, a.ID+5); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("an activation that never was: %v", err)
	}
}

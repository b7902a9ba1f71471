package bot_test

import (
	"context"
	"strings"
	"testing"

	"samverkan/bot"
	"samverkan/bottest"
)

func file(t *testing.T, env *bottest.Env, who string, tlp bot.TLP, to []bot.Identity, sections ...bot.ReportSection) *bot.Report {
	t.Helper()
	r, err := env.Bot.Reports.File(context.Background(), env.Who(t, who), bottest.Forum, sections, tlp, to)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func shared(key, text string) bot.ReportSection {
	return bot.ReportSection{Key: key, Text: text, Shared: true}
}

// The picture each reader sees is filtered by the gate's rule: a RED part
// only for its own actor and the people it names; AMBER+STRICT and AMBER
// for members of the forum's actors; never for outsiders.
func TestPictureIsFilteredForEachReader(t *testing.T) {
	env := bottest.NewEnv(t)
	env.Fixture(t)
	file(t, env, "sam", bot.TLPRed, []bot.Identity{bottest.People[0].User()}, shared("fakta", "RED från SOS"), bot.ReportSection{Key: "prognos", Text: "internt hos SOS"})
	file(t, env, "per", bot.TLPAmberStrict, nil, shared("fakta", "STRIKT från polisen"))
	file(t, env, "tove", bot.TLPGreen, nil, shared("fakta", "GRÖNT från länsstyrelsen"))
	see := func(who string) string {
		m, err := env.Bot.Reports.Picture(env.Who(t, who), bottest.Forum)
		if err != nil {
			return "refused: " + err.Error()
		}
		return bottest.Text(m)
	}
	cases := []struct {
		who       string
		want, not []string
	}{
		{"sam", []string{"RED från SOS", "STRIKT från polisen", "GRÖNT"}, []string{"internt hos SOS"}}, // own actor
		{"kim", []string{"RED från SOS"}, nil},                                                         // own actor too
		{"tove", []string{"RED från SOS", "TLP:RED", "namngivna"}, nil},                                // named
		{"rasmus", []string{"STRIKT från polisen", "bara inom sin egen organisation", "GRÖNT"}, []string{"RED från SOS"}},
		{"per", []string{"STRIKT från polisen"}, []string{"RED från SOS"}},
		{"otto", []string{"refused"}, []string{"RED", "STRIKT", "GRÖNT"}}, // outside the forum
	}
	for _, c := range cases {
		got := see(c.who)
		for _, s := range c.want {
			if !strings.Contains(got, s) {
				t.Errorf("%s's picture lacks %q:\n%s", c.who, s, got)
			}
		}
		for _, s := range c.not {
			if strings.Contains(got, s) {
				t.Errorf("%s's picture shows %q:\n%s", c.who, s, got)
			}
		}
	}
	if got := see("rasmus"); !strings.Contains(got, "1 del har en märkning som inte tillåter dig") {
		t.Errorf("rasmus is not told a part is withheld:\n%s", got)
	}
	// One actor's report, shown to another actor: shared sections only,
	// and only when the label allows.
	if _, err := env.Bot.Reports.Show(env.Who(t, "rasmus"), bottest.Forum, "sos", 0); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("rasmus reading sos's RED report: %v", err)
	}
	v, err := env.Bot.Reports.Show(env.Who(t, "kim"), bottest.Forum, "", 0)
	if err != nil || !v.Own || !strings.Contains(bottest.Text(v.Message), "internt hos SOS") {
		t.Errorf("kim reading sos's own report: %+v, %v", v, err)
	}
	v, err = env.Bot.Reports.Show(env.Who(t, "tove"), bottest.Forum, "sos", 0)
	if err != nil || v.Own || strings.Contains(bottest.Text(v.Message), "internt hos SOS") {
		t.Errorf("tove (named) reading sos's report: %+v, %v", v, err)
	}
}

func TestFilingANewVersionAndNamingRecipients(t *testing.T) {
	ctx := context.Background()
	env := bottest.NewEnv(t)
	env.Fixture(t)
	r1 := file(t, env, "sam", bot.TLPAmber, nil, shared("fakta", "första"))
	r2 := file(t, env, "kim", bot.TLPAmber, nil, shared("fakta", "andra"))
	if r1.Version != 1 || r2.Version != 2 || r2.Number != r1.Number+1 || r2.Author != "kim" {
		t.Fatalf("versions: %+v then %+v", r1, r2)
	}
	otto := bot.Identity{Platform: bot.Mattermost, UserID: "u_otto"}
	_, err := env.Bot.Reports.File(ctx, env.Who(t, "sam"), bottest.Forum, []bot.ReportSection{shared("fakta", "x")}, bot.TLPRed, []bot.Identity{otto})
	var e *bot.Error
	if !asError(err, &e) || e.ID != "err.not_forum_member" || e.Field != "till" {
		t.Errorf("naming otto (outside the forum): %v", err)
	}
	if _, err := env.Bot.Reports.File(ctx, env.Who(t, "sam"), bottest.Forum, []bot.ReportSection{{Key: "fakta"}}, bot.TLPRed, nil); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("an empty report: %v", err)
	}
	if v, _ := env.Bot.Reports.Show(env.Who(t, "sam"), bottest.Forum, "", 1); !strings.Contains(bottest.Text(v.Message), "första") || len(v.Versions) != 2 {
		t.Errorf("version 1: %+v", v)
	}
	if _, err := env.Bot.Reports.Show(env.Who(t, "sam"), bottest.Forum, "", 9); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("version 9: %v", err)
	}
}

// Sharing to the forum's channels leaves TLP:RED parts out and says so;
// sharing to a person sends only what that person may see.
func TestShareLeavesOutWhatTheDestinationMayNotHave(t *testing.T) {
	ctx := context.Background()
	env := bottest.NewEnv(t)
	env.Fixture(t)
	file(t, env, "sam", bot.TLPRed, []bot.Identity{bottest.People[4].User()}, shared("fakta", "RED från SOS")) // for kim, of SOS too
	file(t, env, "per", bot.TLPAmber, nil, shared("fakta", "AMBER från polisen"))
	start := len(env.Platform.Sent())
	res, err := env.Bot.Reports.Share(ctx, env.Who(t, "kim"), bottest.Forum, "", nil)
	if err != nil || res.Withheld != 1 || res.Label != bot.TLPAmber || res.Channels != 1 {
		t.Fatalf("share = %+v, %v", res, err)
	}
	env.Deliver(t)
	got := strings.Join(sentTo(env, start, bottest.ForumChannel), "\n")
	if strings.Contains(got, "RED från SOS") || !strings.Contains(got, "AMBER från polisen") || !strings.Contains(got, "TLP:RED delas aldrig i kanaler") {
		t.Errorf("shared to the channel:\n%s", got)
	}
	// To rasmus: the RED part is not his to have, so only AMBER.
	start = len(env.Platform.Sent())
	if _, err := env.Bot.Reports.Share(ctx, env.Who(t, "kim"), bottest.Forum, "", []bot.Identity{bottest.People[1].User()}); err != nil {
		t.Fatal(err)
	}
	env.Deliver(t)
	got = strings.Join(sentTo(env, start, "u_rasmus"), "\n")
	if strings.Contains(got, "RED från SOS") || !strings.Contains(got, "AMBER från polisen") {
		t.Errorf("shared to rasmus:\n%s", got)
	}
	// Only SOS's RED part: nothing for the channels.
	var e *bot.Error
	if _, err := env.Bot.Reports.Share(ctx, env.Who(t, "kim"), bottest.Forum, "sos", nil); !asError(err, &e) || e.ID != "err.nothing_but_red" {
		t.Errorf("sharing only RED to channels: %v", err)
	}
}

func TestExportIsWhatTheCallerMaySee(t *testing.T) {
	ctx := context.Background()
	env := bottest.NewEnv(t)
	env.Fixture(t)
	fs := &fileSink{Platform: env.Platform}
	env.Outbox.Platforms[bot.Mattermost] = fs
	file(t, env, "sam", bot.TLPRed, []bot.Identity{bottest.People[4].User()}, shared("fakta", "RED från SOS")) // for kim, of SOS too
	file(t, env, "per", bot.TLPGreen, nil, shared("fakta", "GRÖNT från polisen"))
	name, err := env.Bot.Reports.Export(ctx, env.Who(t, "rasmus"), bottest.Forum, "md")
	if err != nil || !strings.HasPrefix(name, "lagesbild-ssr-") {
		t.Fatalf("export = %q, %v", name, err)
	}
	env.Deliver(t)
	if len(fs.files) != 1 || fs.to[0].User != "u_rasmus" {
		t.Fatalf("files: %+v to %+v", fs.files, fs.to)
	}
	doc := string(fs.files[0].Content)
	if strings.Contains(doc, "RED från SOS") || !strings.Contains(doc, "**TLP:GREEN**") || !strings.Contains(doc, "GRÖNT från polisen") {
		t.Errorf("rasmus's export:\n%s", doc)
	}
}

// fileSink is the test platform that also takes files.
type fileSink struct {
	*bottest.Platform
	files []bot.File
	to    []bot.Destination
}

func (f *fileSink) SendFile(_ context.Context, _ string, to bot.Destination, file bot.File, _ bot.Message) (string, string, error) {
	f.files, f.to = append(f.files, file), append(f.to, to)
	return "dm", "f1", nil
}

// Reports filed while the forum's notice waits ride on it: a burst makes
// one notice per channel naming each actor's newest; a report filed while
// that notice is being posted gets a notice of its own, naming only it.
func TestABurstOfReportsMakesOneNoticePerChannel(t *testing.T) {
	env := bottest.NewEnv(t)
	env.Fixture(t)
	start := len(env.Platform.Sent())
	file(t, env, "sam", bot.TLPGreen, nil, shared("fakta", "Första"))
	file(t, env, "per", bot.TLPGreen, nil, shared("fakta", "Polisens"))
	file(t, env, "sam", bot.TLPGreen, nil, shared("fakta", "Andra"))
	env.Deliver(t)
	notices := sentTo(env, start, bottest.ForumChannel)
	if len(notices) != 1 || !strings.Contains(notices[0], "2 nya lägesbilder") || !strings.Contains(notices[0], "SOS Alarm: #3 version 2") ||
		!strings.Contains(notices[0], "Polisen: #2 version 1") || strings.Contains(notices[0], "#1 ") {
		t.Fatalf("%d notices for three reports, want one naming the newest of each actor:\n%s", len(notices), strings.Join(notices, "\n---\n"))
	}
	start = len(env.Platform.Sent())
	during := true
	env.Platform.During = func(s bottest.Sent) {
		if during && s.Channel == bottest.ForumChannel {
			during = false
			file(t, env, "per", bot.TLPGreen, nil, shared("fakta", "Under sändningen"))
		}
	}
	file(t, env, "sam", bot.TLPGreen, nil, shared("fakta", "Tredje"))
	env.Deliver(t)
	env.Deliver(t)
	notices = sentTo(env, start, bottest.ForumChannel)
	if len(notices) != 2 || !strings.Contains(notices[0], "SOS Alarm har lämnat lägesbild #4") ||
		!strings.Contains(notices[1], "Polisen har lämnat lägesbild #5") || strings.Contains(notices[1], "SOS") {
		t.Fatalf("notices around a report filed during delivery:\n%s", strings.Join(notices, "\n---\n"))
	}
}

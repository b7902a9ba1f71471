package bot_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"samverkan/bot"
	"samverkan/catalog"
)

// Every action the bot audits either stays off the board's timeline or
// has words there in every language: the timeline never shows a message
// ID ("audit.request.ask") to people.
func TestEveryAuditedActionHasWordsOnTheTimeline(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	audited := regexp.MustCompile(`\.Audit\("([a-z_.]+)"`)
	var actions []string
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range audited.FindAllStringSubmatch(string(src), -1) {
			actions = append(actions, m[1])
		}
	}
	// Conference minutes are audited as "conference." plus their kind.
	actions = append(actions, "conference.summed_up", "conference.direction_set", "conference.decided", "conference.next_meeting")
	if len(actions) < 40 {
		t.Fatalf("found only %d audited actions", len(actions))
	}
	for _, lang := range catalog.Langs {
		ids := catalog.IDs(lang)
		for _, a := range actions {
			if a == "conference." || bot.TimelineKind(a) == "" {
				continue
			}
			if !slices.Contains(ids, "audit."+a) {
				t.Errorf("%s: the timeline would show audit.%s", lang, a)
			}
		}
	}
}

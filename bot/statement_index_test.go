package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"samverkan/bot"
	"samverkan/bottest"
)

// Statements written before they were indexed by forum are found again
// once Start has indexed them: listed, on the board, in status.
func TestStatementsWrittenBeforeTheIndexAreFound(t *testing.T) {
	ctx := context.Background()
	env := bottest.NewEnv(t)
	env.Fixture(t)
	old := env.Released(t, bot.Draft{Text: "Gammalt budskap."})
	draft, err := env.Bot.Statements.Draft(ctx, env.Who(t, "klara"), bottest.Forum, bot.Draft{Text: "Gammalt utkast."})
	if err != nil {
		t.Fatal(err)
	}
	// As the data was before the index: no index, no mark that it was made.
	for _, n := range []uint64{old.Number, draft.Number} {
		env.Tamper(t, bot.BucketForumStatements, bottest.Forum+"|"+bot.SeqKey(n), func([]byte) []byte { return nil })
	}
	env.Tamper(t, bot.BucketMeta, "statements_indexed", func([]byte) []byte { return nil })
	if ls, err := env.Bot.Statements.List(env.Who(t, "sam"), bottest.Forum); err != nil || len(ls) != 0 {
		t.Fatalf("before Start the unindexed statements are not listed: %v %v", ls, err)
	}
	if err := env.Bot.Start(ctx); err != nil {
		t.Fatal(err)
	}
	ls, err := env.Bot.Statements.List(env.Who(t, "sam"), bottest.Forum)
	if err != nil || len(ls) != 2 || ls[0].Text != "Gammalt budskap." || ls[1].Text != "Gammalt utkast." {
		t.Errorf("after Start: %+v %v", ls, err)
	}
	st, err := env.Bot.Activations.Status(env.Who(t, "sam"), bottest.Forum)
	if err != nil || !strings.Contains(bottest.Text(st), fmt.Sprintf("#%d", draft.Number)) {
		t.Errorf("status lacks the old draft: %v\n%s", err, bottest.Text(st))
	}
	v, err := env.Bot.Boards.Board(env.Who(t, "sam"), bottest.Forum, "")
	if err != nil || len(v.Released) != 1 || len(v.Pending) != 1 {
		t.Errorf("the board: %d released, %d pending, %v", len(v.Released), len(v.Pending), err)
	}
}

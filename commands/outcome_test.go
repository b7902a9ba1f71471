package commands_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"samverkan/bot"
	"samverkan/bottest"
	"samverkan/commands"
)

// faultyStore fails every update with updateErr when it is set.
type faultyStore struct {
	bot.Store
	updateErr error
}

var errDisk = errors.New("input/output error (injected)")

func (s *faultyStore) Update(fn func(bot.Tx) error) error {
	if s.updateErr != nil {
		return s.updateErr
	}
	return s.Store.Update(fn)
}

// Every failure answer says whether anything changed: nothing, when the
// store says the update did not happen; that it is unknown, when the
// store cannot tell; and that the change was made, when it failed after.
func TestFailureAnswersSayWhetherAnythingChanged(t *testing.T) {
	for _, c := range []struct {
		name   string
		set    func(*faultyStore)
		text   string
		answer string
	}{
		{"the update failed", func(s *faultyStore) { s.updateErr = errDisk }, `konferens starta ssr`, "och inget ändrades"},
		{"the outcome is unknown", func(s *faultyStore) { s.updateErr = fmt.Errorf("database: %w", bot.ErrOutcomeUnknown) }, `konferens starta ssr`, "Databasen bekräftade inte ändringen"},
		// A change made under the command's ticket, then a failure.
		{"failed after the change", func(s *faultyStore) { s.updateErr = errDisk }, `konferens starta ssr`, "Ändringen är gjord, men sedan gick något fel"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var fs *faultyStore
			env := bottest.NewEnvOn(t, func(st bot.Store) bot.Store { fs = &faultyStore{Store: st}; return fs })
			env.Fixture(t)
			e := commands.New(env.Bot, "sv")
			caller := env.Who(t, "rasmus")
			ctx, _ := bot.EnsureTicket(context.Background())
			if c.name == "failed after the change" {
				if r := e.Run(ctx, commands.Request{Caller: caller, Channel: forumChan, Text: "aktivera ssr", Users: users{}}); r.Failed {
					t.Fatal(r.Message.Text)
				}
			}
			c.set(fs)
			r := e.Run(ctx, commands.Request{Caller: caller, Channel: forumChan, Text: c.text, Users: users{}})
			if !r.Failed || !strings.Contains(r.Message.Text, c.answer) {
				t.Errorf("%s: %+v, want %q", c.text, r, c.answer)
			}
		})
	}
}

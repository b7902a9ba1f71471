package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"samverkan/bot"
	"samverkan/bottest"
)

// meter is a store that measures what each update reads and writes, in
// bytes of stored values: a measure of cost that does not depend on the
// machine.
type meter struct {
	bot.Store
	last   int // bytes read and written by the latest run of an update
	viewed int // bytes read by views, all told
}

func (m *meter) View(fn func(bot.Tx) error) error {
	return m.Store.View(func(tx bot.Tx) error {
		mt := &meteredTx{Tx: tx}
		err := fn(mt)
		m.viewed += mt.n
		return err
	})
}

func (m *meter) Update(fn func(bot.Tx) error) error {
	return m.Store.Update(func(tx bot.Tx) error {
		mt := &meteredTx{Tx: tx}
		err := fn(mt)
		m.last = mt.n
		return err
	})
}

type meteredTx struct {
	bot.Tx
	n int
}

func (t *meteredTx) size(key string, v any) {
	raw, _ := json.Marshal(v)
	t.n += len(key) + len(raw)
}

func (t *meteredTx) Get(bucket, key string, v any) error {
	err := t.Tx.Get(bucket, key, v)
	if err == nil {
		t.size(key, v)
	}
	return err
}

func (t *meteredTx) Put(bucket, key string, v any) error {
	t.size(key, v)
	return t.Tx.Put(bucket, key, v)
}

func (t *meteredTx) ForEach(bucket, from string, fn func(string, func(any) error) error) error {
	return t.Tx.ForEach(bucket, from, func(k string, decode func(any) error) error {
		return fn(k, func(v any) error {
			err := decode(v)
			t.size(k, v)
			return err
		})
	})
}

func (t *meteredTx) Last(bucket string, v any) (string, error) {
	k, err := t.Tx.Last(bucket, v)
	if err == nil {
		t.size(k, v)
	}
	return k, err
}

// A decision costs the same however long the meeting: the 1000th reads
// and writes no more than twice what the 1st does (each after the agenda
// edit before it was delivered, so each queues an edit of its own).
func TestTheThousandthDecisionCostsWhatTheFirstDoes(t *testing.T) {
	ctx := context.Background()
	m := &meter{}
	env := bottest.NewEnvOn(t, func(s bot.Store) bot.Store { m.Store = s; return m })
	env.Fixture(t)
	rasmus := env.Who(t, "rasmus")
	if _, err := env.Bot.Conferences.Start(ctx, rasmus, bottest.Forum); err != nil {
		t.Fatal(err)
	}
	cost := map[int]int{}
	for i := 1; i <= 1000; i++ {
		if i == 1 || i == 10 || i == 100 || i == 1000 {
			env.Deliver(t) // the edit waiting is delivered: this decision queues the next
		}
		if _, err := env.Bot.Conferences.Decide(ctx, rasmus, bottest.Forum, fmt.Sprintf("Beslut %d", i)); err != nil {
			t.Fatal(err)
		}
		cost[i] = m.last
	}
	t.Logf("bytes read and written: decision 1 %d, 10 %d, 100 %d, 1000 %d", cost[1], cost[10], cost[100], cost[1000])
	if cost[1000] > 2*cost[1] {
		t.Errorf("decision 1000 costs %d bytes, decision 1 %d: more than twice", cost[1000], cost[1])
	}
}

// The agenda of a long meeting shows its latest 25 decisions and says how
// many came before; drawing it for delivery reads no more after 1000
// decisions than after 25.
func TestTheAgendaOfALongMeetingShowsItsLatestDecisions(t *testing.T) {
	ctx := context.Background()
	m := &meter{}
	env := bottest.NewEnvOn(t, func(s bot.Store) bot.Store { m.Store = s; return m })
	env.Fixture(t)
	rasmus := env.Who(t, "rasmus")
	if _, err := env.Bot.Conferences.Start(ctx, rasmus, bottest.Forum); err != nil {
		t.Fatal(err)
	}
	env.Deliver(t)
	decided := 0
	edit := func(upTo int) (string, int) {
		t.Helper()
		for ; decided < upTo; decided++ {
			if _, err := env.Bot.Conferences.Decide(ctx, rasmus, bottest.Forum, fmt.Sprintf("Beslut %d", decided+1)); err != nil {
				t.Fatal(err)
			}
		}
		start, before := len(env.Platform.Sent()), m.viewed
		env.Deliver(t)
		edits := updatesTo(env, start, bottest.ForumChannel)
		if len(edits) != 1 {
			t.Fatalf("after %d decisions, %d agenda edits", upTo, len(edits))
		}
		return edits[0], m.viewed - before
	}
	short, cost25 := edit(25)
	if !strings.Contains(short, "1. Beslut 1\n") || !strings.Contains(short, "25. Beslut 25") || strings.Contains(short, "tidigare beslut") {
		t.Errorf("the agenda after 25 decisions:\n%s", short)
	}
	long, cost1000 := edit(1000)
	if !strings.Contains(long, "975 tidigare beslut") || !strings.Contains(long, "konferens protokoll "+bottest.Forum) ||
		!strings.Contains(long, "976. Beslut 976\n") || !strings.Contains(long, "1000. Beslut 1000") || strings.Contains(long, "975. Beslut 975") {
		t.Errorf("the agenda after 1000 decisions:\n%s", long)
	}
	t.Logf("bytes read to deliver the agenda edit: after 25 decisions %d, after 1000 %d", cost25, cost1000)
	if cost1000 > 2*cost25 {
		t.Errorf("delivering the agenda after 1000 decisions read %d bytes, after 25 %d: more than twice", cost1000, cost25)
	}
}

// BenchmarkDecision adds decisions to a meeting that already holds 0,
// 1000 or 10000: the time per decision should not depend on it.
//
//	go test -run '^$' -bench Decision ./bot/
func BenchmarkDecision(b *testing.B) {
	for _, before := range []int{0, 1000, 10000} {
		b.Run(fmt.Sprintf("meeting-with-%d", before), func(b *testing.B) {
			ctx := context.Background()
			env := bottest.NewEnv(b)
			env.Rehearse(false)
			env.Fixture(b)
			rasmus := env.Who(b, "rasmus")
			if _, err := env.Bot.Conferences.Start(ctx, rasmus, bottest.Forum); err != nil {
				b.Fatal(err)
			}
			for i := range before {
				if _, err := env.Bot.Conferences.Decide(ctx, rasmus, bottest.Forum, fmt.Sprintf("Beslut %d", i)); err != nil {
					b.Fatal(err)
				}
			}
			env.Deliver(b)
			b.ResetTimer()
			for i := range b.N {
				if _, err := env.Bot.Conferences.Decide(ctx, rasmus, bottest.Forum, fmt.Sprintf("Beslut %d", before+i)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Minutes written before entries were records of their own still read
// whole, and Start indexes the open action items they hold.
func TestMinutesWrittenBeforeEntriesWereRecordsStillRead(t *testing.T) {
	ctx := context.Background()
	env := bottest.NewEnv(t)
	env.Fixture(t)
	old := bot.ActionItem{Number: 7, Forum: bottest.Forum, Conference: 1, Text: "Gammal åtgärd", Owner: "sos", Due: env.Clock.Day(7)}
	conf := bot.Conference{ID: 1, Forum: bottest.Forum, Scheduled: env.Clock.Now(), Started: env.Clock.Now(), EndedAt: env.Clock.Now(),
		Decisions: []bot.Entry{{Text: "Gammalt beslut"}}, Actions: []uint64{7}}
	err := env.Store.Update(func(tx bot.Tx) error {
		if _, err := tx.NextSeq(bot.BucketConferences); err != nil {
			return err
		}
		if err := tx.Put(bot.BucketActions, bot.SeqKey(7), old); err != nil {
			return err
		}
		return tx.Put(bot.BucketConferences, bot.SeqKey(1), conf)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Bot.Start(ctx); err != nil {
		t.Fatal(err)
	}
	rasmus := env.Who(t, "rasmus")
	if _, err := env.Bot.Conferences.Start(ctx, rasmus, bottest.Forum); err != nil {
		t.Fatal(err)
	}
	start := len(env.Platform.Sent())
	env.Deliver(t)
	agenda := sentTo(env, start, bottest.ForumChannel)
	if len(agenda) != 1 || !strings.Contains(agenda[0], "#7 Gammal åtgärd") {
		t.Errorf("the new agenda lacks the old open action:\n%s", strings.Join(agenda, "\n"))
	}
	m, err := env.Bot.Conferences.Minutes(env.Who(t, "per"), bottest.Forum, env.Clock.Now().In(bot.Stockholm()).Format("2006-01-02"))
	if err != nil || !strings.Contains(bottest.Text(m), "Gammalt beslut") || !strings.Contains(bottest.Text(m), "Gammal åtgärd") {
		t.Errorf("old minutes: %v\n%s", err, bottest.Text(m))
	}
}

package bot_test

import (
	"context"
	"fmt"
	"testing"

	"samverkan/bot"
	"samverkan/bottest"
)

// BenchmarkOutboxPassWithBacklog is one delivery pass while a platform is
// down and 20 000 messages to 4 channels wait: only each channel's oldest
// message is read, so a long outage costs little per pass.
func BenchmarkOutboxPassWithBacklog(b *testing.B) {
	env := bottest.NewEnv(b)
	env.BareForum(b)
	env.Platform.Fail = func(string, int) error { return bottest.ErrUnavailable }
	for i := range 200 {
		err := env.Bot.Update(context.Background(), env.AdminCaller(), func(ch *bot.Change) error {
			for j := range 100 {
				it := bot.OutboxItem{Key: fmt.Sprint(i, "-", j), To: bot.Destination{Platform: bot.Mattermost, Channel: fmt.Sprint("c", j%4)}, Class: bottest.Notice, Message: bot.Message{Title: "Aktivering", Text: "Ett meddelande av vanlig längd i samverkan."}}
				if err := ch.Send(it); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	env.Deliver(b) // first attempts fail; the four heads back off
	b.ResetTimer()
	for range b.N {
		env.Deliver(b)
	}
	b.StopTimer()
	if n, _ := env.Outbox.PendingCount(); n != 20000 {
		b.Fatalf("%d pending, want 20000", n)
	}
}

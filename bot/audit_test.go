package bot_test

import (
	"encoding/json"
	"strings"
	"testing"

	bbolt "go.etcd.io/bbolt"

	"samverkan/bot"
	"samverkan/bottest"
)

func seedAudit(t *testing.T, env *bottest.Env, n int) {
	t.Helper()
	for i := range n {
		a := bot.Actor{ID: "a" + string(rune('a'+i)), Name: "Aktör"}
		if err := env.Bot.AddActor(env.AdminCaller(), a); err != nil {
			t.Fatal(err)
		}
	}
}

func verify(t *testing.T, env *bottest.Env) (int, *bot.AuditBreak) {
	t.Helper()
	var n int
	var brk *bot.AuditBreak
	_ = env.Store.View(func(tx bot.Tx) error { n, brk = bot.VerifyAudit(tx); return nil })
	return n, brk
}

func TestAuditChain(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		env := bottest.NewEnv(t)
		seedAudit(t, env, 5)
		if n, brk := verify(t, env); brk != nil || n != 5 {
			t.Fatalf("verify = %d, %v; want 5 intact", n, brk)
		}
	})
	t.Run("Edited", func(t *testing.T) {
		env := bottest.NewEnv(t)
		seedAudit(t, env, 5)
		rewrite(t, env, 3, func(ev map[string]any) { ev["subject"] = "forged" })
		_, brk := verify(t, env)
		if brk == nil || brk.Seq != 3 || !strings.Contains(brk.Reason, "edited") {
			t.Fatalf("verify = %v, want break at 3 (edited)", brk)
		}
	})
	t.Run("Rehashed", func(t *testing.T) {
		env := bottest.NewEnv(t)
		seedAudit(t, env, 5)
		rewrite(t, env, 2, func(ev map[string]any) {
			ev["subject"] = "forged"
			var e bot.AuditEvent
			b, _ := json.Marshal(ev)
			_ = json.Unmarshal(b, &e)
			ev["hash"] = e.ComputeHash()
		})
		_, brk := verify(t, env)
		if brk == nil || brk.Seq != 3 {
			t.Fatalf("verify = %v, want break at 3 (link to a rehashed 2)", brk)
		}
	})
	t.Run("DeletedMiddle", func(t *testing.T) {
		env := bottest.NewEnv(t)
		seedAudit(t, env, 5)
		deleteAudit(t, env, 2)
		_, brk := verify(t, env)
		if brk == nil || brk.Seq != 2 {
			t.Fatalf("verify = %v, want break at 2 (missing)", brk)
		}
	})
	t.Run("DeletedLast", func(t *testing.T) {
		env := bottest.NewEnv(t)
		seedAudit(t, env, 5)
		deleteAudit(t, env, 5)
		_, brk := verify(t, env)
		if brk == nil || brk.Seq != 5 {
			t.Fatalf("verify = %v, want break at 5 (deleted at the end)", brk)
		}
	})
}

func rewrite(t *testing.T, env *bottest.Env, seq uint64, fn func(map[string]any)) {
	t.Helper()
	err := env.Store.Raw().Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bot.BucketAudit))
		var ev map[string]any
		if err := json.Unmarshal(b.Get([]byte(bot.SeqKey(seq))), &ev); err != nil {
			return err
		}
		fn(ev)
		raw, _ := json.Marshal(ev)
		return b.Put([]byte(bot.SeqKey(seq)), raw)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func deleteAudit(t *testing.T, env *bottest.Env, seq uint64) {
	t.Helper()
	err := env.Store.Raw().Update(func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte(bot.BucketAudit)).Delete([]byte(bot.SeqKey(seq)))
	})
	if err != nil {
		t.Fatal(err)
	}
}

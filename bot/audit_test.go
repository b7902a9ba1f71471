package bot_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"samverkan/bot"
	"samverkan/bottest"
)

func seedAudit(t *testing.T, env *bottest.Env, n int) {
	t.Helper()
	for i := range n {
		a := bot.Actor{ID: "a" + string(rune('a'+i)), Name: "Aktör"}
		if err := env.Bot.Registry.AddActor(context.Background(), env.AdminCaller(), a); err != nil {
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
		rewriteRaw(t, env, 3, func(raw []byte) []byte {
			var e bot.AuditEvent
			_ = json.Unmarshal(raw, &e)
			e.Subject = "forged"
			out, _ := json.Marshal(e)
			return out
		})
		_, brk := verify(t, env)
		if brk == nil || brk.Seq != 3 || !strings.Contains(brk.Reason, "edited") {
			t.Fatalf("verify = %v, want break at 3 (edited)", brk)
		}
	})
	t.Run("Rehashed", func(t *testing.T) {
		env := bottest.NewEnv(t)
		seedAudit(t, env, 5)
		rewriteRaw(t, env, 2, func(raw []byte) []byte {
			var e bot.AuditEvent
			_ = json.Unmarshal(raw, &e)
			e.Subject = "forged"
			e.Hash = e.ComputeHash()
			out, _ := json.Marshal(e)
			return out
		})
		_, brk := verify(t, env)
		if brk == nil || brk.Seq != 3 {
			t.Fatalf("verify = %v, want break at 3 (link to a rehashed 2)", brk)
		}
	})
	// A key added to the stored bytes, or one written twice (a JSON
	// reader keeps the last), leaves the decoded record and its hash
	// unchanged: the bytes themselves must be checked.
	for name, edit := range map[string]func([]byte) []byte{
		"DuplicatedKey": func(raw []byte) []byte {
			return append([]byte(`{"subject":"forged",`), raw[1:]...)
		},
		"InjectedKey": func(raw []byte) []byte {
			return append(raw[:len(raw)-1], []byte(`,"approved_by":"someone"}`)...)
		},
		"Respaced": func(raw []byte) []byte { return append([]byte("{ "), raw[1:]...) },
	} {
		t.Run(name, func(t *testing.T) {
			env := bottest.NewEnv(t)
			seedAudit(t, env, 5)
			rewriteRaw(t, env, 3, edit)
			_, brk := verify(t, env)
			if brk == nil || brk.Seq != 3 || !strings.Contains(brk.Reason, "encoding") {
				t.Fatalf("verify = %v, want break at 3 (bytes changed)", brk)
			}
		})
	}
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

func rewriteRaw(t *testing.T, env *bottest.Env, seq uint64, fn func([]byte) []byte) {
	t.Helper()
	env.Tamper(t, bot.BucketAudit, bot.SeqKey(seq), fn)
}

func deleteAudit(t *testing.T, env *bottest.Env, seq uint64) {
	t.Helper()
	env.Tamper(t, bot.BucketAudit, bot.SeqKey(seq), func([]byte) []byte { return nil })
}

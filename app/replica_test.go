package app_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"samverkan/app"
	"samverkan/bottest"
	"samverkan/config"
)

// fakeLeadership is an election whose outcome the test sets.
type fakeLeadership struct{ leading atomic.Bool }

func (f *fakeLeadership) Run(ctx context.Context, work func(context.Context)) { <-ctx.Done() }
func (f *fakeLeadership) Leading() bool                                       { return f.leading.Load() }
func (f *fakeLeadership) Status() (bool, time.Time, int, string) {
	return f.leading.Load(), time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), 1, ""
}

// /healthz and /metrics say whether this replica leads, how far the
// outbox is behind, and that the database answers; on the embedded store
// the replica is alone.
func TestHealthTellsLeaderOrFollower(t *testing.T) {
	env := bottest.NewEnv(t)
	srv := httptest.NewServer(nil)
	defer srv.Close()
	el := &fakeLeadership{}
	cfg := &config.Config{Locale: "sv", PublicURL: srv.URL}
	a, err := app.New(context.Background(), app.Options{Config: cfg, Store: env.Store, Clock: env.Clock, Log: bottest.Quiet(), Leader: el, Replica: "r7"})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = a.Handler
	health := func() map[string]any {
		_, body := get(t, srv.URL+"/healthz")
		var h map[string]any
		if err := json.Unmarshal([]byte(body), &h); err != nil {
			t.Fatalf("%v: %s", err, body)
		}
		return h
	}
	h := health()
	if r, _ := h["replica"].(map[string]any); r["role"] != "follower" || h["store"] != "ok" || h["outbox_lag_seconds"] != 0.0 {
		t.Errorf("a follower's health: %v", h)
	}
	el.leading.Store(true)
	h = health()
	if r, _ := h["replica"].(map[string]any); r["role"] != "leader" || r["leading_since"] != "2026-11-23T09:00:00Z" {
		t.Errorf("the leader's health: %v", h)
	}
	_, metrics := get(t, srv.URL+"/metrics")
	for _, want := range []string{"samverkan_leader 1", "samverkan_database_up 1", "samverkan_outbox_lag_seconds 0", "samverkan_leader_terms 1"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %q", want)
		}
	}

	alone := bottest.NewEnv(t)
	srv2 := httptest.NewServer(nil)
	defer srv2.Close()
	b, err := app.New(context.Background(), app.Options{Config: cfg, Store: alone.Store, Clock: alone.Clock, Log: bottest.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	srv2.Config.Handler = b.Handler
	_, body := get(t, srv2.URL+"/healthz")
	if !strings.Contains(body, `"role":"alone"`) {
		t.Errorf("the embedded store's health: %s", body)
	}
}

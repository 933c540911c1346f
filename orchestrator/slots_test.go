package orchestrator

import (
	"testing"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/store"
)

// slotsOnly is a mission with nothing but its slots: eight workers, four per model.
func slotsOnly() *mission {
	return &mission{cfg: store.Config{Limits: store.Limits{Worker: 8, PerModel: 4}}, slots: map[slotKey]chan struct{}{}, throttles: map[string]*throttle{}}
}

// startAll starts as many worker sessions of a model as its slots let, and counts them.
func startAll(m *mission, spec string) int {
	n := 0
	for m.acquire("worker", spec) {
		n++
	}
	return n
}

// TestARateLimitHalvesAModelsSessions: four sessions of a model run, its limit, and one
// meets a rate limit. The model's limit becomes two: as the four end, two slots are
// kept, so two start again, not four; another model keeps its own. At one session at a
// time there is nothing left to lower.
func TestARateLimitHalvesAModelsSessions(t *testing.T) {
	m := slotsOnly()
	const spec = "openai/limited"
	if n := startAll(m, spec); n != 4 {
		t.Fatalf("%d sessions started, want 4", n)
	}
	if limit := m.lowerOnRateLimit(spec); limit != 2 {
		t.Fatalf("lowered to %d, want 2", limit)
	}
	for range 4 {
		m.release("worker", spec)
	}
	if n := startAll(m, spec); n != 2 {
		t.Fatalf("%d sessions started after the rate limit, want 2", n)
	}
	if n := startAll(m, "openai/other"); n != 4 {
		t.Errorf("another model started %d sessions, want 4", n)
	}
	for range 4 {
		m.release("worker", "openai/other")
	}

	if limit := m.lowerOnRateLimit(spec); limit != 1 {
		t.Fatalf("lowered to %d, want 1", limit)
	}
	for range 2 {
		m.release("worker", spec)
	}
	if n := startAll(m, spec); n != 1 {
		t.Fatalf("%d sessions started, want 1", n)
	}
	if limit := m.lowerOnRateLimit(spec); limit != 0 {
		t.Errorf("one session at a time lowered to %d", limit)
	}
	m.release("worker", spec)
	if n := startAll(m, spec); n != 1 {
		t.Errorf("%d sessions started, want 1", n)
	}
}

// TestARateLimitMetByALoneSessionTakesTheFreeSlotsAtOnce: one session of a model with
// four slots runs and meets a rate limit; no second session may start while it ends.
func TestARateLimitMetByALoneSessionTakesTheFreeSlotsAtOnce(t *testing.T) {
	m := slotsOnly()
	const spec = "openai/limited"
	if !m.acquire("worker", spec) {
		t.Fatal("no slot")
	}
	if limit := m.lowerOnRateLimit(spec); limit != 1 {
		t.Fatalf("lowered to %d, want 1", limit)
	}
	if m.acquire("worker", spec) {
		t.Fatal("a second session started beside the rate-limited one")
	}
	m.release("worker", spec)
	if !m.acquire("worker", spec) || m.acquire("worker", spec) {
		t.Error("after the rate-limited session ended, not exactly one session could start")
	}
}

// TestARateLimitThatPassedGivesTheSlotsBack: a rate limit lowered a model's four slots to
// two while four sessions ran. Each time as many of its sessions end well as the limit
// lets run at once, one more may run, up to the configured four and no further.
func TestARateLimitThatPassedGivesTheSlotsBack(t *testing.T) {
	m := slotsOnly()
	const spec = "openai/limited"
	serve := func(n int) {
		for range n {
			m.raiseAfterServed(spec)
			m.release("worker", spec)
		}
	}
	if n := startAll(m, spec); n != 4 {
		t.Fatalf("%d sessions started, want 4", n)
	}
	if limit := m.lowerOnRateLimit(spec); limit != 2 {
		t.Fatalf("lowered to %d, want 2", limit)
	}
	serve(1)
	if n := startAll(m, spec); n != 0 {
		t.Fatalf("%d sessions started beside three at a limit of 2", n)
	}
	serve(1) // a round at the limit: it is 3, and two run
	if n := startAll(m, spec); n != 1 {
		t.Fatalf("%d sessions started beside two at a limit of 3, want 1", n)
	}
	serve(3)
	if n := startAll(m, spec); n != 4 {
		t.Fatalf("%d sessions started after a round at a limit of 3, want 4", n)
	}
	serve(4)
	if n := startAll(m, spec); n != 4 {
		t.Errorf("%d sessions started at the configured limit, want 4", n)
	}
}

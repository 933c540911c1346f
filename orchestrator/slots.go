package orchestrator

import "fmt"

// acquire takes a slot of a role and of a model without waiting; false when either is
// full. Slots are taken before a session is created, so queued work costs nothing.
func (m *mission) acquire(role, spec string) bool {
	roleSlots := m.slot(slotKey{name: role}, m.roleLimit(role))
	modelSlots := m.slot(slotKey{model: true, name: spec}, m.cfg.Limits.PerModel)
	select {
	case roleSlots <- struct{}{}:
	default:
		return false
	}
	select {
	case modelSlots <- struct{}{}:
		return true
	default:
		<-roleSlots
		return false
	}
}

// release gives back the slots of a session that ended; a model slot its rate limit
// withholds stays taken.
func (m *mission) release(role, spec string) {
	if !m.withhold(spec) {
		<-m.slot(slotKey{model: true, name: spec}, m.cfg.Limits.PerModel)
	}
	<-m.slot(slotKey{name: role}, m.roleLimit(role))
}

// slotKey names a pool of slots: a role's, or a model's.
type slotKey struct {
	model bool
	name  string
}

func (m *mission) slot(key slotKey, limit int) chan struct{} {
	m.providerMu.Lock()
	defer m.providerMu.Unlock()
	s, ok := m.slots[key]
	if !ok {
		s = make(chan struct{}, max(limit, 1))
		m.slots[key] = s
	}
	return s
}

func (m *mission) roleLimit(role string) int {
	switch role {
	case "planner":
		return m.cfg.Limits.Planner
	case "reviewer":
		return m.cfg.Limits.Reviewer
	}
	return m.cfg.Limits.Worker // workers and custom roles
}

// throttle is what a rate limit did to a model's slots: its lowered limit, how many of
// the slots its running sessions hold are kept when they end, and how many of its
// sessions ended well since the limit last changed.
type throttle struct {
	limit, owed, served int
}

// lowerOnRateLimit halves the number of a model's sessions that run at once, after one
// of them met a rate limit its retries could not wait out: the free slots are taken at
// once, the others as their sessions end. It returns the new limit, or 0 when the model
// already ran one session at a time, so the rate limit is the run's failure.
func (m *mission) lowerOnRateLimit(spec string) int {
	slots := m.slot(slotKey{model: true, name: spec}, m.cfg.Limits.PerModel)
	m.providerMu.Lock()
	defer m.providerMu.Unlock()
	t, ok := m.throttles[spec]
	if !ok {
		t = &throttle{limit: cap(slots)}
		m.throttles[spec] = t
	}
	withheld := cap(slots) - t.limit - t.owed // slots already kept
	running := len(slots) - withheld          // this run's slot is not given back yet
	lowered := max(running/2, 1)
	if lowered >= t.limit {
		return 0
	}
	t.owed += t.limit - lowered
	t.limit, t.served = lowered, 0
	for t.owed > 0 {
		select {
		case slots <- struct{}{}:
			t.owed--
		default:
			return lowered
		}
	}
	return lowered
}

// raiseAfterServed counts a session of a model that ended well. Once as many have ended
// since its limit was lowered or raised as the limit lets run at once, the limit goes up
// by one, back toward the configured one: a rate limit that has passed stops slowing the
// mission, and one that has not is met again at a limit one higher, which halves it.
func (m *mission) raiseAfterServed(spec string) {
	slots := m.slot(slotKey{model: true, name: spec}, m.cfg.Limits.PerModel)
	m.providerMu.Lock()
	defer m.providerMu.Unlock()
	t := m.throttles[spec]
	if t == nil || t.limit == cap(slots) {
		return
	}
	if t.served++; t.served < t.limit {
		return
	}
	t.limit, t.served = t.limit+1, 0
	if t.owed > 0 {
		t.owed-- // one slot fewer to keep
		return
	}
	<-slots // a kept slot: cap-limit of them are in the channel, so it never waits
}

// withhold reports whether a model slot being released is kept for its rate limit.
func (m *mission) withhold(spec string) bool {
	m.providerMu.Lock()
	defer m.providerMu.Unlock()
	if t := m.throttles[spec]; t != nil && t.owed > 0 {
		t.owed--
		return true
	}
	return false
}

// rateLimited is a run cut short by its model's rate limit, which lowered the model's
// limit to run it again: the item's interruption, not its failure.
type rateLimited struct {
	spec  string
	limit int
	err   error
}

func (r rateLimited) Error() string {
	return fmt.Sprintf("%s answered with a rate limit its retries could not wait out; at most %d of its sessions run at once, one more each time as many have ended well (%v)", r.spec, r.limit, r.err)
}

func (r rateLimited) Unwrap() error { return r.err }

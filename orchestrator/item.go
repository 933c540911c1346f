package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/plan"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/store"
)

// RunItem runs one todo item's worker now, outside the mission loop: the editor's ▶ Run.
// The item must be ready (pending, not blocked, its dependencies done). Its session, lint
// gate and result are recorded as in a mission (todo.md, the ledger); the review of what
// it wrote comes with the next mission iteration or review. It returns the worker's
// summary, or why the item is not done.
func RunItem(ctx context.Context, opts Options, id string) (string, error) {
	m, err := open(opts, (*mission).beginItem)
	if err != nil {
		return "", err
	}
	defer m.close()
	p, err := m.store.Plan()
	if err != nil {
		return "", err
	}
	it := p.Item(id)
	if err := Runnable(p, id); err != nil {
		return "", ConfigError{err}
	}
	if err := m.ix.Scan(ctx, nil); err != nil {
		return "", err
	}
	role := m.roleFor(it)
	spec := m.modelFor(role)
	if _, err := m.provider(spec); err != nil {
		return "", ConfigError{err}
	}
	w := newStatusWrites()
	w.set(id, plan.InProgress)
	if err := m.flush(w); err != nil {
		return "", err
	}
	m.emit(Event{Kind: EventItemDispatched, Item: id, Role: role, Model: spec, Message: it.Title, Files: it.Files(), Running: 1})
	r := m.work(ctx, p, it, role, spec)
	if err := m.recordEnds(w, nil, []workerResult{r}, 0); err != nil {
		return "", err
	}
	if err := m.flush(w); err != nil {
		return "", err
	}
	if err := m.writeWorkLog(); err != nil {
		return r.summary, err
	}
	if ctx.Err() != nil {
		return "", ErrInterrupted
	}
	return r.summary, r.err
}

// Runnable says why an item cannot run now, nil when it can.
func Runnable(p *plan.Plan, id string) error {
	it := p.Item(id)
	if it == nil {
		return plan.ErrNoItem{ID: id}
	}
	if reason, blocked := it.Blocked(); blocked {
		return fmt.Errorf("%s is blocked: %s", id, reason)
	}
	switch {
	case len(it.Items) > 0:
		return fmt.Errorf("%s has sub-items; run those", id)
	case it.Status == plan.InProgress:
		return fmt.Errorf("%s is already in progress", id)
	case it.Finished():
		return fmt.Errorf("%s is %s", id, it.Status)
	}
	if waits := p.Waiting(it); waits != "" {
		return fmt.Errorf("%s %s", id, waits)
	}
	return nil
}

// beginItem takes the mission state as it is (a new one when there is none); running one
// item does not change it, apart from the tokens its session spends.
func (m *mission) beginItem() error {
	st, err := m.store.State()
	if err != nil {
		return ConfigError{err}
	}
	if st == nil {
		now := time.Now().UTC()
		st = &store.LoopState{State: "none", StartedAt: now, UpdatedAt: now, BestIssues: -1}
	}
	if !st.Finished() && st.State != "none" {
		return ConfigError{errors.New("this workspace has an unfinished mission: resume it and it runs the item, or stop it first")}
	}
	m.state = st
	return nil
}

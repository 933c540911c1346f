package orchestrator

import (
	"maps"
	"slices"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/plan"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/store"
)

// statusWrites is the group commit of the status changes the mission makes while it
// dispatches. A durable write of todo.md (with the files of the items it records done,
// and the ledger) takes milliseconds on a busy disk; the controller records changes and
// goes on, and one write at a time carries every change recorded since the previous one
// began. It belongs to the controller's goroutine.
type statusWrites struct {
	pending changes    // recorded, not written yet
	writing changes    // in the write under way
	done    chan error // where the write under way reports; nil when none is
}

// changes are status changes and the files that must reach the disk before them.
type changes struct {
	statuses map[string]plan.Status
	files    []string // absolute: written by the items recorded done
}

func newStatusWrites() *statusWrites {
	return &statusWrites{pending: changes{statuses: map[string]plan.Status{}}}
}

func (w *statusWrites) set(id string, s plan.Status) { w.pending.statuses[id] = s }

// syncBefore has the next write make a file durable before the statuses it records.
func (w *statusWrites) syncBefore(path string) { w.pending.files = append(w.pending.files, path) }

// landed takes the report of the write under way. The changes of a failed write are
// recorded again, unless newer ones replaced them.
func (w *statusWrites) landed(err error) error {
	if err != nil {
		for id, s := range w.writing.statuses {
			if _, newer := w.pending.statuses[id]; !newer {
				w.pending.statuses[id] = s
			}
		}
		w.pending.files = append(w.pending.files, w.writing.files...)
	}
	w.writing, w.done = changes{}, nil
	return err
}

// startWrite begins a write of the recorded changes, unless one is under way or there
// is nothing to write.
func (m *mission) startWrite(w *statusWrites) {
	if w.done != nil || len(w.pending.statuses) == 0 { // files come with the ends they precede
		return
	}
	c, done := w.pending, make(chan error, 1)
	w.writing, w.pending, w.done = c, changes{statuses: map[string]plan.Status{}}, done
	go func() { done <- m.write(c) }()
}

// flush waits until every recorded change is written.
func (m *mission) flush(w *statusWrites) error {
	for {
		m.startWrite(w)
		if w.done == nil {
			return nil
		}
		if err := w.landed(<-w.done); err != nil {
			return err
		}
	}
}

// write writes changes to todo.md. When it records items done, it makes them durable in
// order: first the items' files, then todo.md together with the ledger, whose records of
// the items' ends reach the disk with the statuses that say the same. Other changes (in
// progress, pending again after a failure) are not waited on: resume puts an item that is
// not done back to pending whatever todo.md says.
func (m *mission) write(c changes) error {
	if err := store.SyncFiles(c.files); err != nil { // files come with done items only
		return err
	}
	if _, err := m.store.UpdatePlanUnsynced(func(p *plan.Plan) ([]byte, error) { return p.ChangeStatuses(c.statuses) }); err != nil {
		return err
	}
	if !slices.Contains(slices.Collect(maps.Values(c.statuses)), plan.Done) {
		return nil
	}
	return m.ledger.SyncWith(m.store.Path(store.TodoFile))
}

// view is todo.md as the mission sees it: file, the plan as read from disk, with the
// changes not yet written. Without unwrittenDone, an item whose end is not written yet
// stays as the file has it, so its dependents start once its end is on disk: a crash
// then never leaves a dependent's work standing on an item that resume would redo.
func view(file *plan.Plan, w *statusWrites, unwrittenDone bool) (*plan.Plan, error) {
	if len(w.writing.statuses)+len(w.pending.statuses) == 0 {
		return file, nil
	}
	statuses := make(map[string]plan.Status, len(w.writing.statuses)+len(w.pending.statuses))
	maps.Copy(statuses, w.writing.statuses)
	maps.Copy(statuses, w.pending.statuses) // newer
	if !unwrittenDone {
		maps.DeleteFunc(statuses, func(_ string, s plan.Status) bool { return s == plan.Done })
	}
	out, err := file.ChangeStatuses(statuses)
	if err != nil {
		return nil, err
	}
	return file.Reparse(out), nil
}

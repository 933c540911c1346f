package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"go.lsp.dev/protocol"

	"github.com/opencode-orchestrator/orchestrator/analysis"
	"github.com/opencode-orchestrator/orchestrator/analysis/workspace"
	"github.com/opencode-orchestrator/orchestrator/orchestrator"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/store"
)

// host runs the workspace's missions for the server. It takes the workspace lock with
// its first job (or at start-up when .opencode/ exists) and keeps it until the server
// exits; while another process holds it, the server serves read-only. It runs one job
// at a time, a mission or one item's worker, and keeps the mission state every editor
// surface shows, read again whenever the mission or .opencode/ changes.
type host struct {
	s       *Server
	root    string
	store   *store.Store
	monitor *orchestrator.Monitor // owned by refresh
	kick    chan struct{}
	read    chan struct{} // closed once the state was first read: until then it is unknown

	mu       sync.Mutex
	locked   bool // this server holds the lock
	ownerPID int  // the process that holds it, when another does (read-only)
	job      *job
	status   hostStatus
	shown    []byte // the status last sent, as JSON
	watching bool
	greeted  bool // the start-up message about an unfinished mission was given
}

// job is a running mission or item run.
type job struct {
	item     string // "" for a mission
	cancel   context.CancelFunc
	done     chan struct{}
	progress *progress // there from the start, so the state's readers never race its begin
}

// hostStatus is the result of orchestrator.task.status and the orchestrator/status
// notification: the mission state on disk plus what this server is doing.
type hostStatus struct {
	orchestrator.Status
	// Running is "mission" while a mission runs in this server, the item's id while one
	// item's worker runs, "" when idle.
	Running  string `json:"running,omitempty"`
	ReadOnly bool   `json:"readOnly"`
	OwnerPID int    `json:"ownerPid,omitempty"` // who runs missions, when read-only
}

func newHost(s *Server, root string) *host {
	h := &host{s: s, root: root, store: store.New(root), monitor: orchestrator.NewMonitor(root), kick: make(chan struct{}, 1), read: make(chan struct{})}
	h.status.State = "none" // what a state that cannot be read shows
	if info, err := os.Stat(filepath.Join(root, store.Dir)); err == nil && info.IsDir() {
		if err := h.claim(); err != nil {
			s.log.Warn("read-only", "reason", err.Error())
			s.showMessage(protocol.MessageTypeInfo, "Orchestrator is read-only in this window: "+err.Error()+". It shows that mission; starting one here waits until that process ends.")
		}
		h.watchState()
	}
	return h
}

// claim takes the workspace lock unless this server holds it already.
func (h *host) claim() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.locked {
		return nil
	}
	err := h.store.Lock()
	var locked store.ErrLocked
	switch {
	case errors.As(err, &locked):
		h.ownerPID = locked.PID
		return fmt.Errorf("read-only: %w", err)
	case err != nil:
		return err
	}
	wasReadOnly := h.ownerPID != 0
	h.locked, h.ownerPID = true, 0
	if wasReadOnly {
		h.s.log.Info("the other process has ended: this server runs the workspace's missions now")
	}
	return nil
}

// release gives the lock back when the server ends.
func (h *host) release() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.locked {
		h.store.Unlock()
		h.locked = false
	}
}

// watchState follows .opencode/ on disk, where another process's mission (read-only)
// or a hand edit shows. It starts once the directory exists.
func (h *host) watchState() {
	h.mu.Lock()
	if h.watching {
		h.mu.Unlock()
		return
	}
	h.watching = true
	h.mu.Unlock()
	dir := filepath.Join(h.root, store.Dir)
	w, err := workspace.Watch(dir, workspace.NewIgnore(dir), workspace.WatchOptions{OnError: func(err error) { h.s.log.Debug("watching .opencode", "error", err) }})
	if err != nil {
		h.s.log.Warn("cannot follow .opencode/ on disk", "error", err)
		return
	}
	go func() {
		<-h.s.ctx.Done()
		_ = w.Close()
	}()
	go func() {
		for range w.Batches() {
			h.changed()
		}
	}()
}

// changed asks for the state to be read again; calls while a read runs fold into one.
func (h *host) changed() {
	select {
	case h.kick <- struct{}{}:
	default:
	}
}

// run reads the state whenever it changed and hands it to every surface, until ctx ends.
func (h *host) run(ctx context.Context) {
	h.refresh(ctx)
	close(h.read)
	for {
		select {
		case <-ctx.Done():
			return
		case <-h.kick:
		}
		h.refresh(ctx)
	}
}

func (h *host) refresh(ctx context.Context) {
	st, err := h.monitor.Read()
	if err != nil {
		h.s.log.Warn("cannot read the mission state", "error", err)
		return
	}
	current := h.describe(st)
	h.mu.Lock()
	h.status = current
	j := h.job
	raw, _ := json.Marshal(current)
	same := bytes.Equal(raw, h.shown)
	h.shown = raw
	greet := !h.greeted && current.Unfinished() && j == nil && !current.ReadOnly
	h.greeted = true
	h.mu.Unlock()

	if j != nil && j.item == "" {
		j.progress.report(ctx, current.Done, current.Total, missionLine(current))
	}
	if greet {
		h.s.showMessage(protocol.MessageTypeInfo, fmt.Sprintf("This workspace has an unfinished mission: %q (%s, %d/%d done). Resume it with ⟳ Resume on .opencode/todo.md or the Resume command.",
			current.Objective, current.State, current.Done, current.Total))
	}
	if same {
		return
	}
	if c := h.s.workspaceChecker(); c != nil {
		c.syncIssuesChanged(current.Issues)
	}
	h.s.notifyStatus(ctx, raw)
}

// describe adds what this server does to a state read from disk.
func (h *host) describe(st orchestrator.Status) hostStatus {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := hostStatus{Status: st, ReadOnly: !h.locked && h.ownerPID != 0, OwnerPID: h.ownerPID}
	if h.job != nil {
		out.Running = "mission"
		if h.job.item != "" {
			out.Running = h.job.item
		}
	}
	return out
}

// current returns the latest state, once there is one: a lens asked for right after
// start-up must not show a mission that is not there.
func (h *host) current() hostStatus {
	select {
	case <-h.read:
	case <-h.s.ctx.Done():
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.status
}

// missionLine is the progress message of a running mission.
func missionLine(st hostStatus) string {
	return fmt.Sprintf("iteration %d · %d running · %s", st.Iteration, st.InProgress, analysis.Count(st.OpenIssues, "open sync issue"))
}

// errBusy says what runs already.
func (j *job) errBusy() error {
	if j.item != "" {
		return fmt.Errorf("a worker is running %s; wait for it or stop it first", j.item)
	}
	return errors.New("a mission is running in this workspace; stop it first")
}

// begin registers a job, or says why none can start.
func (h *host) begin(item string) (*job, context.Context, error) {
	if err := h.claim(); err != nil {
		return nil, nil, err
	}
	h.watchState()
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.job != nil {
		return nil, nil, h.job.errBusy()
	}
	ctx, cancel := context.WithCancel(h.s.ctx)
	h.job = &job{item: item, cancel: cancel, done: make(chan struct{}), progress: &progress{s: h.s}}
	return h.job, ctx, nil
}

// end unregisters a job and shows how it ended.
func (h *host) end(j *job, message string, kind protocol.MessageType) {
	h.mu.Lock()
	h.job = nil
	h.mu.Unlock()
	j.cancel()
	j.progress.end(h.s.ctx, message)
	h.s.showMessage(kind, message)
	close(j.done)
	h.changed()
}

// missionOptions are the options every job of this server shares.
func (h *host) missionOptions() orchestrator.Options {
	return orchestrator.Options{Root: h.root, LockHeld: true, Approver: h.s.approver(), OnEvent: h.onEvent}
}

// startMission opens a mission (or its resumption) now, so its problems answer the
// command, and runs it in the background.
func (h *host) startMission(objective, model string, resume bool) error {
	j, ctx, err := h.begin("")
	if err != nil {
		return err
	}
	opts := h.missionOptions()
	opts.Objective, opts.Model, opts.Resume = objective, model, resume
	m, err := orchestrator.Open(opts)
	if err != nil {
		h.mu.Lock()
		h.job = nil
		h.mu.Unlock()
		j.cancel()
		close(j.done)
		return err
	}
	title := "Orchestrator: " + objective
	if resume {
		title = "Orchestrator: resuming the mission"
	}
	j.progress.begin(ctx, title, true, j.cancel)
	go func() {
		out, err := m.Run(ctx)
		message, kind := outcomeMessage(out, err)
		h.end(j, message, kind)
	}()
	h.changed()
	return nil
}

func outcomeMessage(out orchestrator.Outcome, err error) (string, protocol.MessageType) {
	switch {
	case errors.Is(err, orchestrator.ErrInterrupted):
		return fmt.Sprintf("Mission stopped (%d/%d done). ⟳ Resume continues it.", out.Done, out.Total), protocol.MessageTypeWarning
	case err != nil:
		return "Mission failed: " + err.Error(), protocol.MessageTypeError
	case out.State == store.StateSealed:
		message := fmt.Sprintf("Mission sealed: %d/%d done, no open sync issue, build and tests pass (%s, %d tokens).%s", out.Done, out.Total, analysis.Count(out.Iterations, "iteration"), out.Tokens.Total(), notChecked(out))
		if out.ModelReview.Missing {
			return message + " Without the reviewer model's judgement: " + out.ModelReview.Verdict + ".", protocol.MessageTypeWarning
		}
		return message, protocol.MessageTypeInfo
	}
	msg := fmt.Sprintf("Mission stopped: %s (%d/%d done, %s).", out.Reason, out.Done, out.Total, analysis.Count(len(out.Issues), "open sync issue"))
	if len(out.Failures) > 0 {
		msg += " Failing: " + strings.Join(out.Failures[:min(len(out.Failures), 3)], "; ")
		if len(out.Failures) > 3 {
			msg += fmt.Sprintf("; and %d more", len(out.Failures)-3)
		}
		msg += "."
	}
	see := ".opencode/sync-issues.md"
	if len(out.Issues) == 0 {
		see = ".opencode/work-log.md"
	}
	return msg + " It needs you: see " + see + ", then ⟳ Resume." + notChecked(out), protocol.MessageTypeWarning
}

// notChecked names the files the mission wrote that the checks could not read: a seal
// vouches for their build and tests, not for the static checks.
func notChecked(out orchestrator.Outcome) string {
	if len(out.Unchecked) == 0 {
		return ""
	}
	return " Not checked: " + analysis.SkippedSummary(out.Unchecked) + "."
}

// runItem runs one item's worker in the background.
func (h *host) runItem(id string) error {
	j, ctx, err := h.begin(id)
	if err != nil {
		return err
	}
	j.progress.begin(ctx, "Orchestrator: running "+id, false, j.cancel)
	go func() {
		summary, err := orchestrator.RunItem(ctx, h.missionOptions(), id)
		switch {
		case err != nil:
			h.end(j, fmt.Sprintf("%s is not done: %v", id, err), protocol.MessageTypeWarning)
		default:
			h.end(j, fmt.Sprintf("%s done: %s", id, summary), protocol.MessageTypeInfo)
		}
	}()
	h.changed()
	return nil
}

// stop cancels the running job and waits until it has saved its state.
func (h *host) stop(ctx context.Context) error {
	h.mu.Lock()
	j := h.job
	h.mu.Unlock()
	if j == nil {
		return errors.New("nothing is running in this workspace")
	}
	j.cancel()
	select {
	case <-j.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// running returns the running job, nil when idle.
func (h *host) running() *job {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.job
}

// onEvent receives the running job's events, in order: a log line for each, milestones
// for clients without progress, and a fresh read of the state.
func (h *host) onEvent(e orchestrator.Event) {
	attrs := []any{"event", string(e.Kind), "iteration", e.Iteration}
	if e.Item != "" {
		attrs = append(attrs, "item", e.Item)
	}
	if e.Message != "" {
		attrs = append(attrs, "message", e.Message)
	}
	h.s.log.Info("mission", attrs...)
	if j := h.running(); j != nil {
		switch e.Kind {
		case orchestrator.EventPlanWritten:
			j.progress.milestone(h.s.ctx, "Orchestrator: the plan is written, "+e.Message)
		case orchestrator.EventIteration, orchestrator.EventReplan, orchestrator.EventAPIRetry:
			j.progress.milestone(h.s.ctx, "Orchestrator: "+e.Message)
		case orchestrator.EventUnavailable:
			h.s.showMessage(protocol.MessageTypeWarning, "Orchestrator: "+e.Message+".")
		}
	}
	h.changed()
}

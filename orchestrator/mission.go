package orchestrator

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/opencode-orchestrator/orchestrator/analysis"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/model"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/plan"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/session"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/store"
)

// Options start or resume a mission.
type Options struct {
	Root          string
	Objective     string // a new mission's
	Resume        bool   // continue the workspace's unfinished mission
	Model         string // the mission's model, over the configuration's "model"
	MaxIterations int    // over the configuration's, when set
	Approver      Approver
	OnEvent       func(Event) // called in order, from the controller's goroutines
	ModelOptions  model.Options
	// CommandTimeout bounds a build or test run (default 10 minutes).
	CommandTimeout time.Duration
	// LockHeld says the caller holds the workspace lock already (the language server
	// holds it for as long as it serves the workspace), so the mission does not take it.
	LockHeld bool
}

// Outcome is how a mission ended.
type Outcome struct {
	State       string // store.StateSealed or store.StateStopped
	Reason      string
	Iterations  int
	Done        int
	Total       int
	Issues      []store.Issue
	Build       CommandStatus
	Test        CommandStatus
	Tokens      store.TokenUsage
	CostUSD     float64           // at the models' prices
	Unchecked   map[string]string // files the mission wrote that the checks could not read, and why
	Failures    []string          // "T3: why": unfinished items whose latest run failed, in plan order
	ModelReview ModelReview       // the last review's model review, when one was due
}

// ModelReview is what became of the reviewer model's review (models.reviewer).
type ModelReview struct {
	Verdict string // its issues and summary, its failure, or why it was not asked
	Missing bool   // its judgement of the final work is missing: it failed or was not asked
}

// CommandStatus is the last run of the build or test command.
type CommandStatus struct {
	Command   string // "" when none was configured or detected
	Ran       bool   // tests do not run when the build fails
	Passed    bool
	CannotRun string `json:",omitempty"` // why it could not run here at all (a program not installed)
}

// ErrInterrupted is returned when the mission's context was cancelled (Ctrl-C, a stop
// command): running sessions were cancelled and their items are pending again.
var ErrInterrupted = errors.New("the mission was interrupted")

// ConfigError is a problem with the configuration or the request, found before any work.
type ConfigError struct{ Err error }

func (e ConfigError) Error() string { return e.Err.Error() }
func (e ConfigError) Unwrap() error { return e.Err }

// Stop reasons.
const (
	ReasonMaxIterations = "the iteration limit was reached"
	ReasonStagnation    = "no progress for 3 iterations after a re-plan"
	ReasonNothingToRun  = "no progress after a re-plan: no item is left that a worker could run"
	ReasonTokens        = "the token budget was spent"
	ReasonCost          = "the cost budget was spent"
	ReasonTime          = "the time budget was spent"
	ReasonInterrupted   = "interrupted"
	ReasonNoPlan        = "the planner wrote no plan"
	ReasonPlannerFailed = "the planner failed"
	ReasonCannotRun     = "a command cannot run here"
	ReasonDiskFull      = "the disk is full"
	ReasonRefused       = "a model API refused the mission's requests (check the key, the access and the model's name)"
	ReasonUnreachable   = "a model API could not be reached (check that its server runs, its base URL and the network)"
	ReasonUnavailable   = "a model API kept failing with server errors (an outage or an overload)"
	ReasonSilent        = "a model API kept sending nothing until its calls ran out of time (an outage, or a model slower than the time allowed)"
	ReasonQuota         = "a model API's quota or credit is used up (check the account's plan and billing)"
	ReasonRateLimited   = "a model API kept answering with rate limits its retries could not wait out"
)

// serverFailureLimit is how many model calls in a row, each retried, may fail with the
// server's own errors or silence before the mission stops instead of failing item after
// item.
const serverFailureLimit = 3

// stagnationLimit is the number of iterations without progress before a re-plan, and
// again before stopping.
const stagnationLimit = 3

// maxLintRounds is how often a worker is sent its syntax errors back.
const maxLintRounds = 2

type mission struct {
	opts     Options
	store    *store.Store
	cfg      store.Config
	agents   map[string]store.Agent
	ledger   *store.Ledger
	ix       *analysis.Index
	sandbox  *session.Sandbox
	commands analysis.Commands
	approve  *approvals

	eventMu   sync.Mutex // events leave in order; state and tokens change under it
	state     *store.LoopState
	ledgerErr error // the first failed ledger write

	providerMu sync.Mutex
	providers  map[string]model.Provider
	slots      map[slotKey]chan struct{}
	throttles  map[string]*throttle // model -> what its rate limits did to its slots

	workLog      *workLog
	written      map[string]bool   // files the mission wrote, cumulative: the review's scope
	failures     []string          // evidence for a re-plan
	lastFailure  map[string]string // item -> why its latest run failed, until it is done
	reported     []store.Issue     // report_issue calls since the last review
	apiStop      string            // why a model API cannot serve the mission (refused, no quota, unreachable, failing): no more calls
	fullDisk     string            // the stop reason once a write failed for want of space: no more calls, no review
	writing      map[string]string // file -> the running item whose worker may write it
	commandGuard *commandGuard
}

// Run runs a mission to its end: sealed, stopped, or interrupted.
func Run(ctx context.Context, opts Options) (Outcome, error) {
	m, err := Open(opts)
	if err != nil {
		return Outcome{}, err
	}
	return m.Run(ctx)
}

// Mission is a mission ready to run: its configuration checked, its state loaded.
type Mission struct{ m *mission }

// Open prepares a mission, or its resumption, and reports every problem found before
// any work (ConfigError); Run then runs it. The language server opens a mission in the
// command that starts it and runs it in the background.
func Open(opts Options) (*Mission, error) {
	m, err := open(opts, (*mission).begin)
	if err != nil {
		return nil, err
	}
	return &Mission{m}, nil
}

// Run runs the mission to its end: sealed, stopped, or interrupted. It releases what Open
// took; a Mission runs once.
func (x *Mission) Run(ctx context.Context) (Outcome, error) {
	defer x.m.close()
	out, err := x.m.run(ctx)
	if store.DiskFull(err) { // one of the mission's own writes
		err = fmt.Errorf("%s: %w. Free some space, then %s", ReasonDiskFull, err, x.m.howToGoOn())
	}
	return out, err
}

// howToGoOn says how a mission cut short by an error goes on: resumed, when its state is
// on disk (the ledger keeps what came before), or else started again.
func (m *mission) howToGoOn() string {
	if st, _ := m.store.State(); st != nil && st.StartedAt.Equal(m.state.StartedAt) {
		return "resume"
	}
	return "start the mission again"
}

// open loads the configuration, takes the lock and opens the ledger; begin sets up the
// mission state.
func open(opts Options, begin func(*mission) error) (*mission, error) {
	if opts.CommandTimeout == 0 {
		opts.CommandTimeout = 10 * time.Minute
	}
	st := store.New(opts.Root)
	cfg, err := st.Config()
	if err != nil {
		return nil, ConfigError{err}
	}
	if opts.Model != "" {
		cfg.Model = opts.Model
	}
	if opts.MaxIterations > 0 {
		cfg.Limits.MaxIterations = opts.MaxIterations
	}
	agents, err := st.Agents()
	if err != nil {
		return nil, ConfigError{err}
	}
	if err := pricesKnown(cfg, agents); err != nil {
		return nil, ConfigError{err}
	}
	sandbox, err := session.NewSandbox(opts.Root)
	if err != nil {
		return nil, ConfigError{err}
	}
	if !opts.LockHeld {
		if err := st.Lock(); err != nil {
			return nil, ConfigError{err}
		}
	}
	guard := newCommandGuard()
	m := &mission{opts: opts, store: st, cfg: cfg, agents: agents, sandbox: sandbox.WithWriteGuard(guard.write),
		ix: analysis.NewIndex(opts.Root), providers: map[string]model.Provider{}, slots: map[slotKey]chan struct{}{}, throttles: map[string]*throttle{},
		written: map[string]bool{}, lastFailure: map[string]string{}, writing: map[string]string{}, commandGuard: guard}
	m.commands = commandsOf(cfg, opts.Root)
	m.approve = newApprovals(cfg, []string{m.commands.Build, m.commands.Test}, opts.Approver)
	if err := begin(m); err != nil {
		m.close()
		return nil, err
	}
	if m.ledger, err = st.OpenLedger(); err != nil {
		m.close()
		return nil, err
	}
	size, err := st.LedgerSize()
	if err != nil {
		m.close()
		return nil, err
	}
	m.workLog = startWorkLog(st, size)
	return m, nil
}

// ProjectCommands returns a workspace's build and test commands: those configured in
// .opencode/orchestrator.json, else the detected ones.
func ProjectCommands(root string) (analysis.Commands, error) {
	cfg, err := store.New(root).Config()
	if err != nil {
		return analysis.Commands{}, err
	}
	return commandsOf(cfg, root), nil
}

// commandsOf also gives the commands, and run_command's, an environment without the
// model API keys.
func commandsOf(cfg store.Config, root string) analysis.Commands {
	var c analysis.Commands
	if cfg.Commands.Build != "" || cfg.Commands.Test != "" {
		c = analysis.Commands{Build: cfg.Commands.Build, Test: cfg.Commands.Test, Origin: store.Dir + "/" + store.ConfigFile}
	} else {
		c = analysis.DetectCommands(root)
	}
	c.Env = model.WithoutKeys(os.Environ())
	return c
}

func (m *mission) close() {
	if m.ledger != nil {
		_ = m.ledger.Close()
	}
	if !m.opts.LockHeld {
		m.store.Unlock()
	}
}

// begin loads or creates the mission state and checks the models before any work.
func (m *mission) begin() error {
	st, err := m.store.State()
	if err != nil {
		return ConfigError{err}
	}
	switch {
	case m.opts.Resume && st == nil:
		return ConfigError{errors.New("there is no unfinished mission to resume in this workspace")}
	case m.opts.Resume && st.State == store.StateSealed:
		return ConfigError{fmt.Errorf("there is no unfinished mission to resume in this workspace: the last one (%q) is sealed; start another with an objective", st.Objective)}
	case !m.opts.Resume && st != nil && !st.Finished():
		return ConfigError{fmt.Errorf("this workspace has an unfinished mission (%q); continue it with --resume, or delete %s/%s to abandon it", st.Objective, store.Dir, store.StateFile)}
	case !m.opts.Resume && m.opts.Objective == "":
		return ConfigError{errors.New("no objective given")}
	case m.opts.Resume:
		m.state = st
		// A stopped mission the user continues gets a fresh stagnation budget.
		m.state.StopReason, m.state.Stagnant, m.state.Replanned = "", 0, false
		if m.opts.Model != "" {
			m.state.Model = m.opts.Model
		}
		m.cfg.Model = m.state.Model
	default:
		now := time.Now().UTC()
		m.state = &store.LoopState{Objective: m.opts.Objective, Model: m.cfg.Model, State: store.StatePlanning,
			StartedAt: now, UpdatedAt: now, BestIssues: -1}
		if prev, _ := m.store.State(); prev != nil {
			m.state.IssuesIssued = prev.IssuesIssued // ids are never reused across missions either
		}
	}
	for _, role := range []string{"planner", "worker"} {
		if _, err := m.provider(m.modelFor(role)); err != nil {
			return ConfigError{err}
		}
	}
	return m.checkPlanStructure()
}

// plannerWrites reports whether the planner writes the mission's plan: there is none, or
// a new mission finds a finished one.
func (m *mission) plannerWrites(p *plan.Plan) bool {
	return len(p.Items) == 0 || p.Complete() && !m.opts.Resume
}

// checkPlanStructure refuses, before any model is called, a plan the mission would run
// as it is but cannot: its problems are in todo.md, which no worker may write, so the
// user is asked to fix them. A plan the planner will write is not checked.
func (m *mission) checkPlanStructure() error {
	p, err := m.store.Plan()
	if err != nil {
		return ConfigError{err}
	}
	if m.plannerWrites(p) {
		return nil
	}
	if problems := m.planProblems(p); len(problems) > 0 {
		return ConfigError{fmt.Errorf("%s/%s cannot be run as written; fix it (or empty it to have the planner write a new plan):\n%s", store.Dir, store.TodoFile, strings.Join(problems, "\n"))}
	}
	return nil
}

func (m *mission) modelFor(role string) string {
	if a, ok := m.agents[role]; ok && a.Model != "" {
		return a.Model
	}
	return m.cfg.ModelFor(role)
}

func (m *mission) provider(spec string) (model.Provider, error) {
	m.providerMu.Lock()
	defer m.providerMu.Unlock()
	if p, ok := m.providers[spec]; ok {
		return p, nil
	}
	opts := m.opts.ModelOptions
	opts.FirstTokenTimeout = cmp.Or(opts.FirstTokenTimeout, time.Duration(m.cfg.Limits.FirstTokenSeconds)*time.Second)
	p, err := model.New(spec, m.opts.Root, opts)
	if err != nil {
		return nil, err
	}
	m.providers[spec] = &apiWatch{Provider: p, m: m}
	return m.providers[spec], nil
}

// emit records events in the ledger and hands them on. When any of them is a state
// transition, the ledger is forced to disk once, together with what the mission wrote
// before it without waiting: loop-state.json and the review's sync-issues.md.
func (m *mission) emit(events ...Event) {
	m.eventMu.Lock()
	defer m.eventMu.Unlock()
	sync := false
	for i := range events {
		e := &events[i]
		e.Time = time.Now().UTC()
		e.Iteration = m.state.Iteration
		e.Tokens = m.state.Tokens
		sync = sync || synced[e.Kind]
		m.keepLedgerErr(m.ledger.Append(e))
		m.workLog.add(*e)
	}
	if sync {
		m.syncLocked()
	}
	if m.opts.OnEvent != nil {
		for _, e := range events {
			m.opts.OnEvent(e)
		}
	}
}

// syncLocked makes the ledger durable with the files its records vouch for; eventMu is
// held.
func (m *mission) syncLocked() {
	m.keepLedgerErr(m.ledger.SyncWith(m.store.Path(store.StateFile), m.store.Path(store.IssuesFile)))
}

// keepLedgerErr keeps the first ledger error: the next state transition fails with it,
// since resume needs the ledger.
func (m *mission) keepLedgerErr(err error) {
	if err != nil && m.ledgerErr == nil {
		m.ledgerErr = err
	}
}

// save writes loop-state.json. The states resume starts from (running, sealed, stopped)
// are followed by the event that records the transition, which makes both durable; a
// passing state (planning, reviewing) is there for the editor and `orchestrator status`.
func (m *mission) save(state string) error {
	m.eventMu.Lock()
	defer m.eventMu.Unlock()
	if m.ledgerErr != nil {
		return m.ledgerErr
	}
	m.state.State = state
	m.state.UpdatedAt = time.Now().UTC()
	return m.store.SaveState(m.state)
}

// addUsage counts a model call's tokens and what they cost.
func (m *mission) addUsage(spec string, u store.TokenUsage) {
	price, _ := m.cfg.PriceOf(spec) // known: checked before the mission starts when it matters
	m.eventMu.Lock()
	m.state.Tokens.Add(u)
	m.state.CostUSD += price.Cost(u)
	m.eventMu.Unlock()
}

func (m *mission) tokens() (store.TokenUsage, float64) {
	m.eventMu.Lock()
	defer m.eventMu.Unlock()
	return m.state.Tokens, m.state.CostUSD
}

func (m *mission) run(ctx context.Context) (Outcome, error) {
	// The lock is ours: an item todo.md says is in progress has nobody working on it (a
	// crash, a stop, or a plan written that way), and would never be dispatched.
	if _, err := m.store.UpdatePlan(resetInProgress); err != nil {
		return Outcome{}, err
	}
	if m.opts.Resume {
		if err := m.resume(); err != nil {
			return Outcome{}, err
		}
	} else {
		if err := m.save(store.StatePlanning); err != nil {
			return Outcome{}, err
		}
		m.emit(Event{Kind: EventMissionStarted, Message: m.state.Objective})
	}
	m.warnUnavailable()
	if err := m.ix.Scan(ctx, nil); err != nil {
		return m.interruptedOr(ctx, err)
	}
	p, err := m.store.Plan()
	if err != nil {
		return Outcome{}, err
	}
	if m.plannerWrites(p) {
		m.eventMu.Lock()
		m.syncLocked() // the start, before the planner's work
		m.eventMu.Unlock()
		planErr := m.planMission(ctx)
		if store.DiskFull(planErr) {
			m.noteFullDisk("the planner's " + planErr.Error())
		}
		if reason := m.halted(); planErr != nil && reason != "" {
			planErr = halt{reason} // a spent budget, or an API that cannot serve the mission
		}
		if planErr != nil && (ctx.Err() != nil || errors.As(planErr, &halt{})) {
			return m.interruptedOr(ctx, planErr)
		}
		if p, err = m.store.Plan(); err != nil {
			return Outcome{}, err
		}
		// The planner's own failure (its turn limit, a loop, a request the API rejected):
		// a plan it wrote before stands; without one nothing can run, and the report says why.
		if planErr != nil {
			if len(p.Items) == 0 {
				return m.stop(ReasonPlannerFailed+": "+planErr.Error(), nil)
			}
			m.emit(Event{Kind: EventPlanWritten, Role: "planner", Message: "the planner failed after writing the plan, which stands: " + planErr.Error(), Failed: true})
		}
		if len(p.Items) == 0 {
			return m.stop(ReasonNoPlan, nil)
		}
	}

	var last *reviewResult // the report of a stop shows the latest build and tests
	for {
		if reason := m.halted(); reason != "" {
			return m.stop(reason, last)
		}
		if m.state.Iteration >= m.cfg.Limits.MaxIterations {
			return m.stop(ReasonMaxIterations, last)
		}
		m.eventMu.Lock()
		m.state.Iteration++
		m.eventMu.Unlock()
		if err := m.save(store.StateRunning); err != nil {
			return Outcome{}, err
		}
		m.emit(Event{Kind: EventIteration, Message: fmt.Sprintf("iteration %d", m.state.Iteration)})
		if _, err := m.store.UpdatePlan(withIDs); err != nil {
			return Outcome{}, err
		}
		if err := m.dispatch(ctx); err != nil {
			return m.interruptedOr(ctx, err)
		}
		if reason := m.diskFull(); reason != "" { // the build and tests could not run either
			return m.stop(reason, last)
		}
		review, err := m.review(ctx)
		if err != nil {
			return m.interruptedOr(ctx, err)
		}
		if review.sealed {
			return m.finish(store.StateSealed, "", review)
		}
		if review.blockedBy != "" {
			return m.stop(review.blockedBy, &review)
		}
		if stop := m.judgeProgress(ctx, review); stop != "" {
			return m.stop(stop, &review)
		}
		last = &review
	}
}

// resume restores a mission after a crash or a stop (run has put the items left in
// progress back to pending): the files the mission wrote come back from the ledger.
func (m *mission) resume() error {
	_, err := m.store.ReadLedger(func(raw json.RawMessage) error {
		var e Event
		if json.Unmarshal(raw, &e) != nil {
			return nil
		}
		switch e.Kind {
		case EventMissionStarted:
			clear(m.written)
		case EventItemFinished:
			for _, f := range e.Files {
				m.written[f] = true
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := m.save(store.StateRunning); err != nil {
		return err
	}
	m.emit(Event{Kind: EventMissionResumed, Message: m.state.Objective})
	return nil
}

// warnUnavailable says at the start when a build or test command cannot run here, before
// any model call: the mission can do its work, but it cannot seal until the command runs.
func (m *mission) warnUnavailable() {
	for _, command := range []string{m.commands.Build, m.commands.Test} {
		if why := analysis.Unavailable(m.opts.Root, command); command != "" && why != "" {
			m.emit(Event{Kind: EventUnavailable, Failed: true,
				Message: fmt.Sprintf("`%s` cannot run here: %s; the mission can do its work, but it cannot seal until the command runs", command, why)})
		}
	}
}

// withIDs gives the items without an id one (DESIGN 4), so that items written by hand,
// before the mission or during it, run like the planner's: dispatch needs an id.
func withIDs(p *plan.Plan) ([]byte, error) { return p.AssignIDs(), nil }

// resetInProgress puts every in-progress item back to pending.
func resetInProgress(p *plan.Plan) ([]byte, error) {
	var ids []string
	for _, it := range p.Items {
		if it.Status == plan.InProgress && it.ID != "" {
			ids = append(ids, it.ID)
		}
	}
	return p.SetStatuses(ids, plan.Pending)
}

// pricesKnown checks that a cost budget can be kept: every model the mission may use
// has a price.
func pricesKnown(cfg store.Config, agents map[string]store.Agent) error {
	if cfg.Limits.MaxCostUSD == 0 {
		return nil
	}
	specs := []string{cfg.ModelFor("planner"), cfg.ModelFor("worker"), cfg.ModelFor("reviewer")}
	for role, a := range agents {
		specs = append(specs, cmp.Or(a.Model, cfg.ModelFor(role)))
	}
	for _, spec := range specs {
		if _, ok := cfg.PriceOf(spec); !ok {
			return fmt.Errorf("limits.maxCostUSD needs the price of %s: add it to \"prices\" in %s/%s ({\"%s\": {\"input\": <USD per million tokens>, \"output\": <USD per million tokens>}})", spec, store.Dir, store.ConfigFile, spec)
		}
	}
	return nil
}

// halt ends a session at its next model call once the mission may make no more.
type halt struct{ reason string }

func (h halt) Error() string { return h.reason }

// proceed is every session's Proceed.
func (m *mission) proceed() error {
	if reason := m.halted(); reason != "" {
		return halt{reason}
	}
	return nil
}

// halted says why the mission may make no more model calls: a budget is spent, or a
// model API cannot serve its requests ("" when work goes on).
func (m *mission) halted() string {
	if reason := m.overBudget(); reason != "" {
		return reason
	}
	m.eventMu.Lock()
	defer m.eventMu.Unlock()
	return cmp.Or(m.fullDisk, m.apiStop)
}

// noteFullDisk records, the first time, that the disk is full, where it showed: no model
// call follows, no item starts, and the mission stops at once, resumable.
func (m *mission) noteFullDisk(where string) {
	m.eventMu.Lock()
	defer m.eventMu.Unlock()
	if m.fullDisk == "" {
		m.fullDisk = fmt.Sprintf("%s: %s. Free some space, then resume", ReasonDiskFull, where)
	}
}

// diskFull is the stop reason of a full disk, "" while there is space.
func (m *mission) diskFull() string {
	m.eventMu.Lock()
	defer m.eventMu.Unlock()
	return m.fullDisk
}

// apiWatch records an error of a model API that every later request would meet too (a
// refusal of the key, access or model; a used-up quota; a server that cannot be reached;
// server errors or silence on serverFailureLimit calls in a row), so the mission stops
// rather than fail item after item until the stagnation rule ends it.
type apiWatch struct {
	model.Provider
	m              *mission
	serverFailures int // calls in a row that failed with server errors or silence; m.eventMu
}

func (w *apiWatch) Complete(ctx context.Context, req model.Request) (model.Response, error) {
	resp, err := w.Provider.Complete(ctx, req)
	if ctx.Err() != nil {
		return resp, err
	}
	w.m.eventMu.Lock()
	defer w.m.eventMu.Unlock()
	reason := apiStopReason(err)
	switch {
	case err == nil:
		w.serverFailures = 0
	case model.ServerFailed(err):
		if w.serverFailures++; w.serverFailures >= serverFailureLimit {
			reason = passingReason(err)
		}
	}
	if reason != "" {
		w.m.keepAPIStop(reason, err)
	}
	return resp, err
}

// keepAPIStop records the first model API error that ends the mission; m.eventMu held.
func (m *mission) keepAPIStop(reason string, err error) {
	if m.apiStop == "" {
		m.apiStop = reason + ": " + err.Error()
	}
}

// askAgain says whether a session of the planner or the model reviewer, which no other
// run stands in for, runs again after err ended its try'th run: when its API failed in a
// way that may pass. After the serverFailureLimit'th run such a failure is kept as the
// mission's API stop, so the mission stops, resumable, instead of going on without it.
func (m *mission) askAgain(ctx context.Context, role string, try int, err error) bool {
	reason := passingReason(err)
	if ctx.Err() != nil || reason == "" || m.halted() != "" {
		return false
	}
	if try == serverFailureLimit {
		m.eventMu.Lock()
		m.keepAPIStop(reason, err)
		m.eventMu.Unlock()
		return false
	}
	m.emit(Event{Kind: EventAPIRetry, Role: role, Message: fmt.Sprintf("asked the %s again after: %v", role, err), Failed: true})
	return true
}

// passingReason is the stop reason of a model API error that may pass when asked again
// (server errors, silence, a rate limit its retries could not wait out), or "".
func passingReason(err error) string {
	switch {
	case model.Silent(err):
		return ReasonSilent
	case model.ServerFailed(err):
		return ReasonUnavailable
	case model.RateLimited(err):
		return ReasonRateLimited
	}
	return ""
}

// apiStopReason is the stop reason of a model API error that ends the mission, or "".
func apiStopReason(err error) string {
	switch {
	case model.QuotaExhausted(err):
		return ReasonQuota
	case model.Refused(err):
		return ReasonRefused
	case model.Unreachable(err):
		return ReasonUnreachable
	}
	return ""
}

func (m *mission) overBudget() string {
	l := m.cfg.Limits
	tokens, cost := m.tokens()
	switch {
	case l.MaxTokens > 0 && tokens.Total() >= l.MaxTokens:
		return ReasonTokens
	case l.MaxCostUSD > 0 && cost >= l.MaxCostUSD:
		return ReasonCost
	case l.MaxMinutes > 0 && time.Since(m.state.StartedAt) >= time.Duration(l.MaxMinutes)*time.Minute:
		return ReasonTime
	}
	return ""
}

// interruptedOr ends the mission after an error: a cancelled context is an interruption
// (items back to pending, state saved), a spent budget or a model API that cannot serve
// the mission during planning a stop with its reason; anything else is returned as it is.
func (m *mission) interruptedOr(ctx context.Context, err error) (Outcome, error) {
	if errors.As(err, &halt{}) || apiStopReason(err) != "" && m.halted() != "" {
		return m.stop(m.halted(), nil)
	}
	if ctx.Err() == nil {
		return Outcome{}, err
	}
	_, _ = m.store.UpdatePlan(resetInProgress)
	out, serr := m.finish(store.StateStopped, ReasonInterrupted, m.unreviewed())
	if serr != nil {
		return out, serr
	}
	return out, ErrInterrupted
}

func (m *mission) stop(reason string, last *reviewResult) (Outcome, error) {
	r := m.unreviewed()
	if last != nil {
		r = *last
	}
	return m.finish(store.StateStopped, reason, r)
}

// unreviewed is the review of a mission that stopped before its first one: the build
// and test commands it has, not run.
func (m *mission) unreviewed() reviewResult {
	return reviewResult{build: CommandStatus{Command: m.commands.Build}, test: CommandStatus{Command: m.commands.Test}}
}

// finish saves the final state and reports it.
func (m *mission) finish(state, reason string, r reviewResult) (Outcome, error) {
	m.eventMu.Lock()
	m.state.StopReason = reason
	m.eventMu.Unlock()
	if err := m.save(state); err != nil {
		return Outcome{}, err
	}
	out := m.outcome(r)
	kind := EventSealed
	msg := "every item done, no open sync issue, build and tests pass"
	if state == store.StateStopped {
		kind, msg = EventStopped, reason
	}
	m.emit(Event{Kind: kind, Message: msg, Done: out.Done, Total: out.Total, OpenIssues: len(out.Issues), Failed: state != store.StateSealed})
	if err := m.writeWorkLog(); err != nil {
		return out, err
	}
	return out, nil
}

func (m *mission) outcome(r reviewResult) Outcome {
	out := Outcome{State: m.state.State, Reason: m.state.StopReason, Iterations: m.state.Iteration,
		Build: r.build, Test: r.test, Unchecked: r.unchecked, ModelReview: r.modelReview}
	out.Tokens, out.CostUSD = m.tokens()
	if p, err := m.store.Plan(); err == nil {
		c := p.Count()
		out.Done, out.Total = c.Done, c.Total
		m.eventMu.Lock()
		for _, it := range p.Items {
			if why := m.lastFailure[it.ID]; why != "" && !it.Finished() {
				out.Failures = append(out.Failures, it.ID+": "+why)
			}
		}
		m.eventMu.Unlock()
	}
	out.Issues, _ = m.store.Issues()
	return out
}

// runCommand is the run_command hook: approval, then the command, logged in the ledger.
func (m *mission) runCommand(item string) func(ctx context.Context, command string, timeout time.Duration) (string, int, error) {
	return func(ctx context.Context, command string, timeout time.Duration) (string, int, error) {
		decision, by := m.approve.check(ctx, command)
		verdict := map[Decision]string{Deny: "denied", AllowOnce: "allowed", AllowAlways: "allowed for the mission"}[decision]
		m.emit(Event{Kind: EventCommand, Item: item, Message: fmt.Sprintf("%s (%s): %s", verdict, by, command), Failed: decision == Deny})
		if decision == Deny {
			return "", 0, fmt.Errorf("the command %q was not approved; it is not on the allow list (.opencode/orchestrator.json approve.allow). Do without it", command)
		}
		before := m.commandStarts(item)
		res, err := analysis.Run(ctx, m.opts.Root, command, m.commands.Env, timeout)
		putBack := m.commandEnds(item, before)
		if len(putBack) > 0 {
			m.emit(Event{Kind: EventCommand, Item: item, Message: fmt.Sprintf("put back what %q changed in files other workers are writing: %s", command, strings.Join(putBack, ", ")), Failed: true})
		}
		if err != nil {
			return "", 0, err
		}
		if line := analysis.DiskFull(res); line != "" {
			m.noteFullDisk(fmt.Sprintf("%s's command `%s`: `%s`", item, command, line))
		}
		out := res.Output
		if res.TimedOut {
			out += fmt.Sprintf("\n(timed out after %v)", timeout)
		}
		if res.ExitCode != 0 {
			out += m.othersWork(item, out)
		}
		if len(putBack) > 0 {
			out += fmt.Sprintf("\n(note: the command also changed files other workers are writing now, and they were put back: %s. Run only commands that leave other workers' files alone.)", strings.Join(putBack, ", "))
		}
		return out, res.ExitCode, nil
	}
}

// othersWork notes the files of a failing command's output that other workers are
// writing now: a worker that saw errors there would try to fix files it may not write,
// while they may be gone once their owners finish.
func (m *mission) othersWork(item, output string) string {
	named := analysis.ParseOutput(m.opts.Root, analysis.RuleBuildError, output) // not under the lock events wait for
	m.eventMu.Lock()
	defer m.eventMu.Unlock()
	var owned []string
	for _, d := range named {
		owner := m.writing[d.File]
		if owner == "" || owner == item {
			continue
		}
		if note := fmt.Sprintf("%s (%s)", d.File, owner); !slices.Contains(owned, note) {
			owned = append(owned, note)
		}
	}
	if len(owned) == 0 {
		return ""
	}
	return fmt.Sprintf("\n(note: other workers are writing these files now: %s. Their errors are theirs to fix, and may be gone when they finish. Fix what fails in your own files.)", strings.Join(owned, ", "))
}

package orchestrator

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/opencode-orchestrator/orchestrator/analysis"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/model"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/plan"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/session"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/store"
)

var (
	workerTools  = []string{session.ToolReadFile, session.ToolListFiles, session.ToolGrep, session.ToolWriteFile, session.ToolEditFile, session.ToolRunCommand, session.ToolReportIssue, session.ToolFinish}
	plannerTools = []string{session.ToolReadFile, session.ToolListFiles, session.ToolGrep, session.ToolWritePlan, session.ToolFinish}
)

// planMission runs the planner until it has written a plan (or gave up).
func (m *mission) planMission(ctx context.Context) error {
	projectContext, err := m.store.ReadFile(store.ContextFile)
	if err != nil {
		return err
	}
	task := plannerTask(m.state.Objective, string(projectContext), m.ix.Paths())
	return m.runPlanner(ctx, plannerPrompt, task, nil)
}

// runPlanner runs a planner session; keep lists the done items a re-plan must keep. A
// planner that finishes without a plan hears so once; a session whose API failed in a
// way that may pass before it wrote a plan runs again (askAgain).
func (m *mission) runPlanner(ctx context.Context, system, task string, keep []string) error {
	spec := m.modelFor("planner")
	provider, err := m.provider(spec)
	if err != nil {
		return err
	}
	for try := 1; ; try++ {
		wrote := false
		s := m.newSession(session.Config{Provider: provider, Role: "planner", System: system, Tools: plannerTools,
			Sandbox: m.sandbox, Hooks: session.Hooks{WritePlan: m.writePlanHook(keep, &wrote)}}, spec, "")
		res, err := s.Send(ctx, task)
		if err == nil && !wrote && m.halted() == "" {
			res, err = s.Send(ctx, plannerWithoutPlan) // it stopped early
		}
		if err == nil {
			return m.keepContext(res.Summary)
		}
		if wrote || !m.askAgain(ctx, "planner", try, err) {
			return err
		}
	}
}

// maxContextLines bounds context.md (DESIGN 4: under 150 lines).
const maxContextLines = 150

// keepContext writes the planner's summary to context.md when there is none yet: the
// project context later planners (a re-plan, the next mission) start from. A context.md
// someone wrote is left alone.
func (m *mission) keepContext(summary string) error {
	if strings.TrimSpace(summary) == "" {
		return nil
	}
	if existing, err := m.store.ReadFile(store.ContextFile); err != nil || existing != nil {
		return err
	}
	lines := strings.Split(strings.TrimSpace(summary), "\n")
	if len(lines) > maxContextLines-2 {
		lines = lines[:maxContextLines-2]
	}
	return m.store.WriteFile(store.ContextFile, []byte("# Project context\n\n"+strings.Join(lines, "\n")+"\n"))
}

// writePlanHook validates a plan the model wrote and writes it with ids assigned, and
// sets wrote. The validation errors go back to the model as the tool's error.
func (m *mission) writePlanHook(keep []string, wrote *bool) func(ctx context.Context, markdown string) (string, error) {
	return func(ctx context.Context, markdown string) (string, error) {
		p := plan.Parse([]byte(markdown))
		if len(p.Items) == 0 {
			return "", errors.New("the plan has no checkbox items (- [ ] T1: ...)")
		}
		p = plan.Parse(p.AssignIDs())
		problems := m.planProblems(p)
		for _, id := range keep {
			if it := p.Item(id); it == nil || it.Status != plan.Done {
				problems = append(problems, fmt.Sprintf("the done item %s must stay in the plan, done", id))
			}
		}
		if len(problems) > 0 {
			return "", fmt.Errorf("the plan was not written:\n%s", strings.Join(problems, "\n"))
		}
		if err := m.store.WriteFile(store.TodoFile, p.Src); err != nil {
			return "", err
		}
		*wrote = true
		c := p.Count()
		m.emit(Event{Kind: EventPlanWritten, Message: analysis.Count(c.Total, "item"), Done: c.Done, Total: c.Total})
		return "wrote .opencode/todo.md with " + analysis.Count(c.Total, "item"), nil
	}
}

// planProblems lists, by line, what keeps a plan from being run as written: duplicate
// ids, unknown dependencies, cycles, and pending items of a role that writes (it may
// write only its item's files) that name no file or one no tool may write. A done item's
// missing file is not one: the review runs the item again.
func (m *mission) planProblems(p *plan.Plan) []string {
	var out []string
	for _, d := range p.Validate(m.opts.Root, store.Dir+"/"+store.TodoFile) {
		if d.Rule != analysis.RulePlanMissingFile {
			out = append(out, fmt.Sprintf("line %d: %s", d.Range.Start.Line+1, d.Message))
		}
	}
	for _, it := range p.Items {
		if _, blocked := it.Blocked(); len(it.Items) > 0 || it.Status != plan.Pending || blocked {
			continue
		}
		for _, problem := range m.fileProblems(it) {
			out = append(out, fmt.Sprintf("line %d: %s: %s", it.Line+1, cmp.Or(it.ID, it.Title), problem))
		}
	}
	return out
}

// fileProblems says why no worker could do an item of a role that writes (it may write
// only its item's files): the item names no file, or one no tool may write.
func (m *mission) fileProblems(it *plan.Item) []string {
	if !m.writes(m.roleFor(it)) {
		return nil
	}
	if len(it.Files()) == 0 {
		return []string{"names no file (| file:path)"}
	}
	var out []string
	for _, f := range it.Files() {
		if why := m.unwritable(f); why != "" {
			out = append(out, "file "+why)
		}
	}
	return out
}

// unrunnable says why no worker could do an item, nil when one can. A plan is checked
// when a mission starts; an item added or edited since may still give a worker nothing it
// could write, and must not count as done for it.
func (m *mission) unrunnable(it *plan.Item) error {
	if problems := m.fileProblems(it); len(problems) > 0 {
		return fmt.Errorf("not run: %s; fix its line in todo.md", strings.Join(problems, "; "))
	}
	return nil
}

// unwritable says why no worker could write an item's file ("" when one can): files are
// named relative to the workspace root, inside it, and outside .git/ and .opencode/. A
// directory is not a file: it exists, so its item would pass the gate with nothing written.
func (m *mission) unwritable(f string) string {
	if filepath.IsAbs(f) {
		return f + " is not relative to the workspace root"
	}
	abs, _, err := m.sandbox.WithWritable([]string{f}).ResolveWrite(f)
	if err != nil {
		return "cannot be written: " + err.Error()
	}
	if info, err := os.Stat(abs); err == nil && info.IsDir() {
		return f + " is a directory; name the files the item writes (file:a.go,b.go)"
	}
	return ""
}

// writes reports whether a role writes files: the worker, or an agent allowed to.
func (m *mission) writes(role string) bool {
	a, custom := m.agents[role]
	return !custom || a.CanWrite
}

// newSession fills in what every session of the mission shares; spec is its model.
func (m *mission) newSession(cfg session.Config, spec, item string) *session.Session {
	cfg.Item = item
	cfg.OnUsage = func(u store.TokenUsage) { m.addUsage(spec, u) }
	cfg.Proceed = m.proceed
	cfg.OnToolCall = func(name, summary string, failed bool) {
		m.emit(Event{Kind: EventToolCall, Item: item, Role: cfg.Role, Message: summary, Failed: failed})
	}
	if cfg.Hooks.RunCommand == nil && slices.Contains(cfg.Tools, session.ToolRunCommand) {
		cfg.Hooks.RunCommand = m.runCommand(item)
	}
	if cfg.Hooks.ReportIssue == nil {
		cfg.Hooks.ReportIssue = m.reportIssueHook
	}
	return session.New(cfg)
}

type workerResult struct {
	item, role, spec string
	wrote            []string
	summary          string
	err              error
}

// dispatch runs the ready items until none is ready and none is running: an item whose
// dependencies finish during the iteration runs in it too. Each item runs at most once
// per iteration, so a failing item cannot spin. The loop never waits for the disk: the
// status changes it makes reach todo.md through statusWrites.
func (m *mission) dispatch(ctx context.Context) error {
	results := make(chan workerResult)
	running := map[string][]string{} // item -> its files
	attempted := map[string]bool{}
	w := newStatusWrites()
	fail := func(err error) error { return m.drain(running, results, w, err) }
	for {
		file, err := m.store.Plan()
		if err != nil {
			return fail(err)
		}
		p, err := view(file, w, false)
		if err != nil {
			return fail(err)
		}
		for _, b := range m.pick(ctx, p, running, attempted) {
			attempted[b.item.ID] = true
			running[b.item.ID] = b.item.Files()
			m.eventMu.Lock()
			for _, f := range b.item.Files() {
				m.writing[f] = b.item.ID
			}
			m.eventMu.Unlock()
			w.set(b.item.ID, plan.InProgress)
			m.emit(Event{Kind: EventItemDispatched, Item: b.item.ID, Role: b.role, Model: b.spec, Message: b.item.Title, Files: b.item.Files(), Running: len(running)})
			go func() { results <- m.work(ctx, p, b.item, b.role, b.spec) }()
		}
		m.startWrite(w)
		if len(running) == 0 && w.done == nil { // a write that lands may make items ready
			return ctx.Err()
		}
		select {
		case r := <-results:
			finished := append([]workerResult{r}, ready(results)...)
			for i := range finished {
				r := &finished[i]
				delete(running, r.item)
				switch {
				case r.err == nil:
					m.raiseAfterServed(r.spec)
				case store.DiskFull(r.err):
					m.noteFullDisk(r.item + "'s " + r.err.Error())
				case model.RateLimited(r.err):
					if limit := m.lowerOnRateLimit(r.spec); limit > 0 {
						r.err = rateLimited{spec: r.spec, limit: limit, err: r.err}
						delete(attempted, r.item) // it runs again in this iteration, under the lower limit
					}
				}
				m.release(r.role, r.spec)
			}
			if err := m.recordEnds(w, file, finished, len(running)); err != nil {
				return fail(err)
			}
		case err := <-w.done:
			if err = w.landed(err); err != nil {
				return fail(err)
			}
		case <-ctx.Done():
			return fail(ctx.Err())
		}
	}
}

// pick takes the slots of the ready items that may start now. Once a budget is spent no
// item starts: the sessions under way end at their next model call, the iteration ends,
// and the mission stops before the next.
func (m *mission) pick(ctx context.Context, p *plan.Plan, running map[string][]string, attempted map[string]bool) []start {
	if ctx.Err() != nil || m.halted() != "" {
		return nil
	}
	busy := map[string]string{}
	for id, files := range running {
		for _, f := range files {
			busy[f] = id
		}
	}
	var batch []start
	full := map[[2]string]bool{} // a role and model whose slots are taken: not asked again
	for _, it := range p.Ready(busy) {
		role := m.roleFor(it)
		spec := m.modelFor(role)
		switch {
		case attempted[it.ID] || full[[2]string{role, spec}]:
		case m.acquire(role, spec):
			batch = append(batch, start{it, role, spec})
		default:
			full[[2]string{role, spec}] = true
		}
	}
	return batch
}

// ready takes the results the workers already wait to deliver, without waiting for more:
// workers that finish together are recorded together.
func ready(results chan workerResult) []workerResult {
	var out []workerResult
	for {
		select {
		case r := <-results:
			out = append(out, r)
		default:
			return out
		}
	}
}

// roleFor is the role that works on an item: its agent when agents.json defines it, else
// a worker.
func (m *mission) roleFor(it *plan.Item) string {
	if role := it.Get("agent"); role != "" {
		if _, custom := m.agents[role]; custom {
			return role
		}
	}
	return "worker"
}

// start is an item about to run, its slots taken.
type start struct {
	item       *plan.Item
	role, spec string
}

// drain waits for the running workers (cancelled with the context, or finishing),
// records their ends and writes every status change, then returns err.
func (m *mission) drain(running map[string][]string, results chan workerResult, w *statusWrites, err error) error {
	for len(running) > 0 {
		r := <-results
		delete(running, r.item)
		m.release(r.role, r.spec)
		_ = m.recordEnds(w, nil, []workerResult{r}, len(running))
	}
	if ferr := m.flush(w); err == nil {
		err = ferr
	}
	return err
}

// interruptedPrefix begins the message of a run cut short by a stop, a spent budget, a
// model API that cannot serve the mission, its model's rate limit or its server's error:
// the item goes back to pending, and it is not the item's failure.
const interruptedPrefix = "interrupted: "

// interruption is the message of a run err cut short, or "" when err is the item's own.
func interruption(err error) string {
	var h halt
	var limited rateLimited
	switch {
	case errors.Is(err, context.Canceled):
		return interruptedPrefix + "the mission stopped"
	case store.DiskFull(err):
		return interruptedPrefix + ReasonDiskFull + ": " + err.Error()
	case errors.As(err, &h):
		return interruptedPrefix + h.reason
	case errors.As(err, &limited):
		return interruptedPrefix + limited.Error()
	case apiStopReason(err) != "":
		return interruptedPrefix + apiStopReason(err) + ": " + err.Error()
	case model.ServerFailed(err):
		return interruptedPrefix + err.Error() // apiWatch stops the mission if it lasts
	}
	return ""
}

// recordEnds records the end of workers: done, or pending again with the failure as
// evidence. The ends' events count the items done on file, todo.md as the dispatch loop
// last read it (an edit in the editor since then shows in the next event), or as it is
// now when file is nil.
func (m *mission) recordEnds(w *statusWrites, file *plan.Plan, results []workerResult, running int) error {
	m.eventMu.Lock()
	for _, r := range results {
		maps.DeleteFunc(m.writing, func(_, item string) bool { return item == r.item })
		for _, f := range r.wrote {
			m.written[f] = true
		}
		if r.err != nil {
			w.set(r.item, plan.Pending)
			if interruption(r.err) == "" {
				m.failures = append(m.failures, fmt.Sprintf("%s: %v", r.item, r.err))
				m.lastFailure[r.item] = r.err.Error()
			}
			continue
		}
		delete(m.lastFailure, r.item)
		w.set(r.item, plan.Done)
		for _, f := range r.wrote {
			w.syncBefore(filepath.Join(m.opts.Root, filepath.FromSlash(f)))
		}
	}
	m.eventMu.Unlock()
	if file == nil {
		var err error
		if file, err = m.store.Plan(); err != nil {
			return err
		}
	}
	p, err := view(file, w, true)
	if err != nil {
		return err
	}
	c := p.Count()
	events := make([]Event, len(results))
	for i, r := range results {
		events[i] = Event{Kind: EventItemFinished, Item: r.item, Role: r.role, Message: r.summary, Files: r.wrote, Done: c.Done, Total: c.Total, Running: running}
		if r.err != nil {
			events[i].Kind, events[i].Message, events[i].Failed = EventItemFailed, r.err.Error(), true
			if why := interruption(r.err); why != "" {
				events[i].Message = why
			}
		}
	}
	m.emit(events...)
	return nil
}

// work runs one item's worker session and its gate.
func (m *mission) work(ctx context.Context, p *plan.Plan, it *plan.Item, role, spec string) (res workerResult) {
	res = workerResult{item: it.ID, role: role, spec: spec}
	defer func() {
		if v := recover(); v != nil {
			res.err = fmt.Errorf("the worker crashed: %v", v)
		}
	}()
	if res.err = m.unrunnable(it); res.err != nil {
		return res
	}
	provider, err := m.provider(spec)
	if err != nil {
		res.err = err
		return res
	}
	system, tools, sandbox := workerPrompt, workerTools, m.sandbox.WithWritable(it.Files())
	if a, ok := m.agents[role]; ok {
		system, tools = a.SystemPrompt, []string{session.ToolReadFile, session.ToolListFiles, session.ToolGrep, session.ToolReportIssue, session.ToolFinish}
		if a.CanWrite {
			tools = append(tools, session.ToolWriteFile, session.ToolEditFile)
		} else {
			sandbox = m.sandbox
		}
		if a.CanBash {
			tools = append(tools, session.ToolRunCommand)
		}
	}
	before := m.contents(it.Files()) // a placeholder already there is not the worker's
	s := m.newSession(session.Config{Provider: provider, Role: role, System: system, Tools: tools, Sandbox: sandbox}, spec, it.ID)
	out, err := s.Send(ctx, workerTask(m.state.Objective, p, it, m.ix))
	res.wrote, res.summary = out.Wrote, out.Summary
	asked := false // whether the worker was asked about untouched files or placeholders
	for round := 1; err == nil; round++ {
		syntax, lerr := m.lintGate(ctx, out.Wrote)
		if lerr != nil {
			err = lerr
			break
		}
		g := gate{syntax: syntax}
		if m.writes(role) {
			g.missing = m.missingFiles(it)
			// Files that existed before and were not touched, or placeholders it wrote:
			// once, the worker must say it meant that, rather than have stopped early
			// (not once the mission is halted: it could not answer).
			if len(g.missing) == 0 && !asked && m.halted() == "" {
				if len(res.wrote) == 0 {
					g.untouched = it.Files()
				}
				after := m.contents(res.wrote)
				for _, f := range res.wrote {
					g.placeholders = append(g.placeholders, placeholders(f, before[f], after[f])...)
				}
				asked = len(g.untouched) > 0 || len(g.placeholders) > 0
			}
		}
		if g.passed() {
			m.emit(Event{Kind: EventLintGate, Item: it.ID, Message: "passed", Files: out.Wrote})
			break
		}
		m.emit(Event{Kind: EventLintGate, Item: it.ID, Message: fmt.Sprintf("%s (round %d)", g, round), Files: out.Wrote, Failed: true})
		if round > maxLintRounds {
			err = fmt.Errorf("after %d rounds of feedback: %s", maxLintRounds, g)
			if len(syntax) > 0 {
				err = fmt.Errorf("%w; the first: %s", err, syntax[0].Message)
			}
			break
		}
		out, err = s.Send(ctx, g.feedback())
		res.wrote = mergeFiles(res.wrote, out.Wrote)
		res.summary = out.Summary
	}
	res.err = err
	return res
}

// missingFiles returns the item's files that do not exist as files: a worker that finishes
// without writing them has stopped early, and hears so before its item can count as
// done.
func (m *mission) missingFiles(it *plan.Item) []string {
	var out []string
	for _, f := range it.Files() {
		if !isFile(m.opts.Root, f) {
			out = append(out, f)
		}
	}
	return out
}

// contents reads files of the workspace; a file that cannot be read is left out.
func (m *mission) contents(files []string) map[string][]byte {
	out := map[string][]byte{}
	for _, f := range files {
		if src, err := analysis.ReadFile(filepath.Join(m.opts.Root, filepath.FromSlash(f))); err == nil {
			out[f] = src
		}
	}
	return out
}

// gate is what the check after a worker's finish found.
type gate struct {
	syntax       []analysis.Diagnostic // in the files it wrote
	missing      []string              // item files that do not exist
	untouched    []string              // item files that existed and that it did not write
	placeholders []string              // "file:line: text" it wrote where work belongs
}

func (g gate) passed() bool {
	return len(g.syntax) == 0 && len(g.missing) == 0 && len(g.untouched) == 0 && len(g.placeholders) == 0
}

func (g gate) String() string {
	var parts []string
	if len(g.syntax) > 0 {
		parts = append(parts, analysis.Count(len(g.syntax), "syntax error"))
	}
	if len(g.missing) > 0 {
		parts = append(parts, strings.Join(g.missing, ", ")+" not written")
	}
	if len(g.untouched) > 0 {
		parts = append(parts, strings.Join(g.untouched, ", ")+" unchanged")
	}
	if len(g.placeholders) > 0 {
		parts = append(parts, analysis.Count(len(g.placeholders), "placeholder"))
	}
	return strings.Join(parts, ", ")
}

func mergeFiles(a, b []string) []string {
	for _, f := range b {
		if !slices.Contains(a, f) {
			a = append(a, f)
		}
	}
	return a
}

// lintGate parses the files a worker wrote and returns their syntax errors.
func (m *mission) lintGate(ctx context.Context, files []string) ([]analysis.Diagnostic, error) {
	if err := m.refresh(ctx, files); err != nil {
		return nil, err
	}
	var out []analysis.Diagnostic
	for _, d := range m.ix.DiagnosticsOf(files) {
		if d.Rule == analysis.RuleSyntaxError {
			out = append(out, d)
		}
	}
	return out, nil
}

// refresh brings the index up to date with files on disk: those files, or the whole
// workspace when one of them changes how files resolve (a go.mod a worker wrote).
func (m *mission) refresh(ctx context.Context, files []string) error {
	if slices.ContainsFunc(files, analysis.ChangesResolution) {
		return m.ix.Scan(ctx, nil)
	}
	for _, rel := range files {
		// Gone, or no longer a file (a FIFO or a directory a command put in its place):
		// the scan would not index it either.
		if !isFile(m.opts.Root, rel) {
			m.ix.Remove(rel)
			continue
		}
		src, err := analysis.ReadFile(filepath.Join(m.opts.Root, filepath.FromSlash(rel)))
		if err != nil {
			return err
		}
		if err := m.ix.Update(ctx, rel, src); err != nil {
			return err
		}
	}
	return nil
}

// isFile reports whether rel is a regular file (through symlinks): what an item's file
// must be to count as written.
func isFile(root, rel string) bool {
	info, err := os.Stat(filepath.Join(root, filepath.FromSlash(rel)))
	return err == nil && info.Mode().IsRegular()
}

// reportIssueHook is the report_issue tool: a model's finding joins the next review's.
func (m *mission) reportIssueHook(ctx context.Context, issue store.Issue) (string, error) {
	m.eventMu.Lock()
	m.reported = append(m.reported, issue)
	m.eventMu.Unlock()
	return "recorded; the review will include it", nil
}

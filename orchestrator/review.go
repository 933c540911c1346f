package orchestrator

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/opencode-orchestrator/orchestrator/analysis"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/plan"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/session"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/store"
)

type reviewResult struct {
	sealed      bool
	build, test CommandStatus
	openIssues  int
	doneWork    int  // finished items that are not FIX items: progress is measured on them
	unjudged    bool // a spent budget cut short the model review sealing waits for
	modelReview ModelReview
	unchecked   map[string]string // files the mission wrote that the checks could not read, and why
	blockedBy   string            // all work is done, but a build or test command cannot run here: why
}

// review is the deterministic check of an iteration: the analysis rules on the files the
// mission wrote and on the files whose findings point at them, the plan rules, then the
// build and, when it builds, the tests. Findings become sync issues and FIX items.
func (m *mission) review(ctx context.Context) (reviewResult, error) {
	var r reviewResult
	if err := m.save(store.StateReviewing); err != nil {
		return r, err
	}
	m.eventMu.Lock()
	written := make([]string, 0, len(m.written))
	for f := range m.written {
		written = append(written, f)
	}
	reported := m.reported
	m.reported = nil
	m.eventMu.Unlock()
	slices.Sort(written)
	if err := m.refresh(ctx, written); err != nil {
		return r, err
	}
	var findings []analysis.Diagnostic
	for _, d := range m.ix.Diagnostics() {
		if concerns(d, written) {
			findings = append(findings, d)
		}
	}
	r.unchecked = m.unchecked(written)
	// A done item whose file is gone is not done: it runs again rather than becoming an
	// issue no worker could fix.
	p, err := m.store.UpdatePlan(m.reopenMissing)
	if err != nil {
		return r, err
	}
	findings = append(findings, p.Validate(m.opts.Root, store.Dir+"/"+store.TodoFile)...)

	// A mission that creates the project had no go.mod or package.json to detect the
	// commands from when it started. No worker runs now: run_command does not read them.
	m.commands = commandsOf(m.cfg, m.opts.Root)
	m.approve.allow(m.commands.Build, m.commands.Test)
	r.build, r.test = CommandStatus{Command: m.commands.Build, Passed: true}, CommandStatus{Command: m.commands.Test, Passed: true}
	r.test.Passed = m.commands.Test == "" // until it ran: tests of a broken build do not run
	// A command that cannot run here gives no sync issue: no worker can install a program.
	var commandFindings []analysis.Diagnostic
	_, err = analysis.RunBuildAndTests(ctx, m.opts.Root, m.commands, m.opts.CommandTimeout, func(s analysis.Step) {
		if s.Result == nil {
			return
		}
		status, kind := &r.build, "build"
		if s.Rule == analysis.RuleTestFailure {
			status, kind = &r.test, "test"
		}
		status.Ran = true
		status.Passed = s.Result.ExitCode == 0 && !s.Result.TimedOut
		status.CannotRun = s.CannotRun
		if line := analysis.DiskFull(*s.Result); line != "" {
			m.noteFullDisk(fmt.Sprintf("the %s command `%s`: `%s`", kind, s.Command, line))
		}
		verdict := "passed"
		switch {
		case status.CannotRun != "":
			verdict = "cannot run: " + status.CannotRun
		case !status.Passed:
			verdict = fmt.Sprintf("failed (exit %d, %s)", s.Result.ExitCode, analysis.Count(len(s.Findings), "finding"))
			commandFindings = append(commandFindings, withCodeUnderTest(m.ix, s.Findings)...)
		}
		m.emit(Event{Kind: EventCommand, Message: fmt.Sprintf("%s: %s", s.Command, verdict), Failed: !status.Passed})
	})
	if err != nil {
		return r, err
	}
	findings = append(findings, analysis.WithoutEchoes(commandFindings, findings)...)
	if ctx.Err() != nil {
		return r, ctx.Err()
	}

	found := make([]store.Issue, 0, len(findings)+len(reported))
	for _, d := range findings {
		found = append(found, issueOf(d))
	}
	found = append(found, reported...)
	if len(found) == 0 && p.Complete() && r.build.Passed && r.test.Passed {
		judged, review, err := m.modelReview(ctx, p, written, r)
		r.modelReview = review
		if r.unjudged = errors.As(err, &halt{}); err != nil && !r.unjudged {
			return r, err
		}
		found = append(found, judged...)
	}
	open, err := m.store.Issues()
	if err != nil {
		return r, err
	}
	m.eventMu.Lock()
	rec := store.Reconcile(open, found, m.state.IssuesIssued)
	m.state.IssuesIssued = rec.Issued
	m.eventMu.Unlock()
	if err := m.store.SaveIssues(rec.Issues); err != nil {
		return r, err
	}
	if len(rec.Opened) > 0 || len(rec.Resolved) > 0 {
		m.emit(Event{Kind: EventSyncIssues, Message: fmt.Sprintf("%d opened, %d resolved, %d open", len(rec.Opened), len(rec.Resolved), len(rec.Issues)),
			OpenIssues: len(rec.Issues), Failed: len(rec.Opened) > 0})
	}
	if p, err = m.store.UpdatePlan(func(p *plan.Plan) ([]byte, error) { return fixItems(p, rec) }); err != nil {
		return r, err
	}
	c := p.Count()
	r.openIssues = len(rec.Issues)
	r.doneWork = doneWork(p)
	r.sealed = p.Complete() && r.openIssues == 0 && r.build.Passed && r.test.Passed && !r.unjudged
	if p.Complete() && r.openIssues == 0 {
		r.blockedBy = cmp.Or(r.build.blocker("build"), r.test.blocker("test"))
	}
	message := fmt.Sprintf("%s, %s, build %s, tests %s", analysis.Count(len(findings), "finding"), analysis.Count(r.openIssues, "open sync issue"), passed(r.build), passed(r.test))
	if len(r.unchecked) > 0 {
		message += "; not checked: " + analysis.SkippedSummary(r.unchecked)
	}
	m.emit(Event{Kind: EventReview, Message: message, Done: c.Done, Total: c.Total, OpenIssues: r.openIssues, Failed: !r.sealed})
	return r, nil
}

// unchecked returns the written files the checks could not read (binary, minified, too
// large, or a fault of the checks) with the reason: the review vouches for nothing in
// them, and says so rather than let them pass as clean.
func (m *mission) unchecked(written []string) map[string]string {
	notes := m.ix.Skipped()
	maps.Copy(notes, m.ix.Faults())
	maps.DeleteFunc(notes, func(rel, _ string) bool { return !slices.Contains(written, rel) })
	return notes
}

// maxModelReviews bounds the optional model review: a reviewer that finds something new
// every time cannot keep a finished mission running.
const maxModelReviews = 3

var reviewerTools = []string{session.ToolReadFile, session.ToolListFiles, session.ToolGrep, session.ToolRunCommand, session.ToolReportIssue, session.ToolFinish}

// modelReview asks the reviewer model, when the configuration names one
// (models.reviewer), whether work that passed every deterministic check does what the
// objective asks. What it reports becomes sync issues and FIX items like any finding.
// The ModelReview returned says what became of it, for the report.
func (m *mission) modelReview(ctx context.Context, p *plan.Plan, written []string, r reviewResult) ([]store.Issue, ModelReview, error) {
	spec := m.cfg.Models["reviewer"]
	m.eventMu.Lock()
	reviews := m.state.ModelReviews
	m.eventMu.Unlock()
	switch {
	case spec == "":
		return nil, ModelReview{}, nil
	case reviews >= maxModelReviews:
		return nil, ModelReview{Verdict: fmt.Sprintf("%s not asked again after %d reviews", spec, reviews), Missing: true}, nil
	}
	provider, err := m.provider(spec)
	if err != nil {
		return nil, ModelReview{}, err
	}
	if !m.acquire("reviewer", spec) {
		return nil, ModelReview{}, fmt.Errorf("no reviewer slot for %s", spec) // nothing else runs during a review
	}
	defer m.release("reviewer", spec)
	var judged []store.Issue // a session runs its tool calls one at a time
	report := func(_ context.Context, issue store.Issue) (string, error) {
		judged = append(judged, issue)
		return "recorded; it becomes a fix item", nil
	}
	// A failure of its API that may pass is no judgement: the reviewer is asked again.
	var res session.Result
	for try := 1; ; try++ {
		judged = nil
		s := m.newSession(session.Config{Provider: provider, Role: "reviewer", System: reviewerPrompt, Tools: reviewerTools,
			Sandbox: m.sandbox, Hooks: session.Hooks{ReportIssue: report}}, spec, "")
		res, err = s.Send(ctx, reviewerTask(m.state.Objective, p, written, r.build, r.test))
		if !m.askAgain(ctx, "reviewer", try, err) {
			break
		}
	}
	if ctx.Err() != nil {
		return nil, ModelReview{}, ctx.Err()
	}
	if reason := m.halted(); err != nil && reason != "" && !errors.As(err, &halt{}) {
		err = halt{reason} // its API cannot serve the mission (refused, unreachable, failing, limited)
	}
	if errors.As(err, &halt{}) {
		// Not counted as a review: the mission stops, and a resume (with a larger budget,
		// a working key or server) asks again. What it reported so far stands.
		review := ModelReview{Verdict: fmt.Sprintf("%s did not finish: %v", spec, err), Missing: true}
		m.emit(Event{Kind: EventModelReview, Role: "reviewer", Message: review.Verdict, Failed: true})
		return judged, review, err
	}
	m.eventMu.Lock()
	m.state.ModelReviews++
	m.eventMu.Unlock()
	if err != nil {
		// A reviewer that fails judges nothing: the deterministic evidence stands, and the
		// report says the judgement is missing.
		review := ModelReview{Verdict: fmt.Sprintf("%s failed, its judgement left out: %v", spec, err), Missing: true}
		m.emit(Event{Kind: EventModelReview, Role: "reviewer", Message: review.Verdict, Failed: true})
		return nil, review, nil
	}
	review := ModelReview{Verdict: fmt.Sprintf("%s: %d issues; %s", spec, len(judged), res.Summary)}
	m.emit(Event{Kind: EventModelReview, Role: "reviewer", Message: review.Verdict, Failed: len(judged) > 0})
	return judged, review, nil
}

// blocker is the stop reason of a command that cannot run here; kind is its key in the
// configuration's commands.
func (c CommandStatus) blocker(kind string) string {
	if c.CannotRun == "" {
		return ""
	}
	return fmt.Sprintf("%s: the %s command `%s`: %s. Make it run here, or set commands.%s in %s/%s, then resume",
		ReasonCannotRun, kind, c.Command, c.CannotRun, kind, store.Dir, store.ConfigFile)
}

func passed(c CommandStatus) string {
	switch {
	case c.Command == "":
		return "none"
	case !c.Ran:
		return "not run"
	case c.CannotRun != "":
		return "cannot run"
	case c.Passed:
		return "pass"
	}
	return "fail"
}

// withCodeUnderTest gives a test failure placed in a test file the code that test
// exercises as related information, so that its FIX item may change that code, where
// the fault usually is, and not only the test.
func withCodeUnderTest(ix *analysis.Index, ds []analysis.Diagnostic) []analysis.Diagnostic {
	for i, d := range ds {
		if d.Rule != analysis.RuleTestFailure {
			continue
		}
		for _, f := range ix.CodeUnderTest(d.File, d.Range.Start.Line) {
			ds[i].Related = append(ds[i].Related, analysis.Related{File: f, Message: "code the failing test exercises"})
		}
	}
	return ds
}

// concerns reports whether a finding is the mission's business: in a file it wrote, or
// pointing at one (an importer broken by a changed export). Findings elsewhere were
// there before the mission and are not its to fix.
func concerns(d analysis.Diagnostic, written []string) bool {
	if _, ok := slices.BinarySearch(written, d.File); ok {
		return true
	}
	for _, rel := range d.Related {
		if _, ok := slices.BinarySearch(written, rel.File); ok {
			return true
		}
	}
	return false
}

// issueOf turns a finding into a sync issue: where it shows (with its line), then the
// other side.
func issueOf(d analysis.Diagnostic) store.Issue {
	files := []string{fmt.Sprintf("%s:%d", d.File, d.Range.Start.Line+1)}
	for _, rel := range d.Related {
		if !slices.Contains(files, rel.File) && rel.File != d.File {
			files = append(files, rel.File)
		}
	}
	return store.Issue{Severity: string(d.Severity), Rule: d.Rule, Files: files, Problem: d.Message, Fix: fixHint(d)}
}

func fixHint(d analysis.Diagnostic) string {
	other := d.File
	if len(d.Related) > 0 {
		other = d.Related[0].File
	}
	switch d.Rule {
	case analysis.RuleMissingExport:
		return fmt.Sprintf("define and export the name in %s, or use a name it does export", other)
	case analysis.RuleUnresolvedImport:
		return "create the imported module, or import one that exists"
	case analysis.RuleArityMismatch:
		return fmt.Sprintf("call it with the arguments %s accepts, or change the definition and every caller", other)
	case analysis.RuleDuplicateDefinition:
		return "keep one definition and rename or remove the other"
	case analysis.RuleSyntaxError:
		return "fix the syntax"
	case analysis.RuleBuildError:
		return "make the build pass"
	case analysis.RuleTestFailure:
		return "make the test pass without weakening it"
	}
	return "fix the plan"
}

// reopenMissing puts done leaf items whose files do not exist back to pending.
func (m *mission) reopenMissing(p *plan.Plan) ([]byte, error) {
	for _, it := range p.Items {
		if it.Status != plan.Done || len(it.Items) > 0 || it.ID == "" {
			continue
		}
		for _, f := range it.Files() {
			if !isFile(m.opts.Root, f) {
				out, err := p.SetStatus(it.ID, plan.Pending)
				if err != nil {
					return nil, err
				}
				p = plan.Parse(out)
				break
			}
		}
	}
	return p.Src, nil
}

// fixItems adds a FIX item for every open issue that has no unfinished one, and cancels
// the unfinished FIX items of resolved issues.
func fixItems(p *plan.Plan, rec store.Reconciled) ([]byte, error) {
	pendingFor := map[string]bool{}
	for _, it := range p.Items {
		if issue := it.Get("issue"); issue != "" && !it.Finished() {
			pendingFor[issue] = true
		}
	}
	resolved := map[string]bool{}
	for _, i := range rec.Resolved {
		resolved[i.ID] = true
	}
	var cancel []string
	for _, it := range p.Items {
		if resolved[it.Get("issue")] && !it.Finished() && it.ID != "" {
			cancel = append(cancel, it.ID)
		}
	}
	out, err := p.SetStatuses(cancel, plan.Cancelled)
	if err != nil {
		return nil, err
	}
	p = plan.Parse(out)
	for _, issue := range rec.Issues {
		if pendingFor[issue.ID] {
			continue
		}
		out, _, err := AddFixItem(p, issue)
		if errors.Is(err, ErrPlanProblem) {
			continue // a problem of the plan itself: the user's to fix
		}
		if err != nil {
			return nil, err
		}
		p = plan.Parse(out)
	}
	return p.Src, nil
}

// ErrPlanProblem: the issue is in todo.md itself, which no worker may write.
var ErrPlanProblem = errors.New("the issue is a problem of the plan itself; fix todo.md by hand")

// AddFixItem appends a FIX item for a sync issue to the plan, with the issue's files as
// the item's files, and returns the new todo.md and the item's id.
func AddFixItem(p *plan.Plan, issue store.Issue) ([]byte, string, error) {
	var files []string
	for _, f := range issue.Files {
		f, _ = store.SplitLocation(f)
		if !slices.Contains(files, f) && !strings.HasPrefix(f, store.Dir+"/") {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		return nil, "", ErrPlanProblem
	}
	id := fmt.Sprintf("T%d", p.NextNumber())
	meta := []plan.Meta{{Key: "file", Value: strings.Join(files, ",")}, {Key: "issue", Value: issue.ID}}
	out, err := p.Add("", plan.NewItem{ID: id, Title: fmt.Sprintf("FIX %s [%s]: %s", issue.ID, issue.Rule, issue.Problem), Meta: meta})
	return out, id, err
}

// FixItemOf returns the unfinished FIX item of a sync issue, nil when there is none.
func FixItemOf(p *plan.Plan, issueID string) *plan.Item {
	for _, it := range p.Items {
		if it.Get("issue") == issueID && !it.Finished() {
			return it
		}
	}
	return nil
}

// doneWork counts the finished items that are not FIX items: FIX items finished for an
// issue that stays open are churn, not progress.
func doneWork(p *plan.Plan) int {
	n := 0
	for _, it := range p.Items {
		if it.Get("issue") == "" && it.Finished() {
			n++
		}
	}
	return n
}

// judgeProgress applies the stagnation rule (DESIGN 6) after a review: progress is more
// finished work or fewer open issues than ever before. Three iterations without it bring
// one re-plan with the evidence; three more stop the mission. A plan with nothing a worker
// could start brings the re-plan at once, and stops the mission if it stays so.
func (m *mission) judgeProgress(ctx context.Context, r reviewResult) string {
	idle := m.nothingToRun()
	m.eventMu.Lock()
	st := m.state
	progress := r.doneWork > st.BestDone || st.BestIssues < 0 || r.openIssues < st.BestIssues
	if progress {
		st.BestDone = max(st.BestDone, r.doneWork)
		if st.BestIssues < 0 || r.openIssues < st.BestIssues {
			st.BestIssues = r.openIssues
		}
		st.Stagnant = 0
	} else {
		st.Stagnant++
	}
	if idle {
		st.Stagnant = stagnationLimit // more iterations would only run the same review again
	}
	stagnant, replanned := st.Stagnant, st.Replanned
	m.eventMu.Unlock()
	if stagnant < stagnationLimit {
		return ""
	}
	if replanned && idle {
		return ReasonNothingToRun
	}
	if replanned {
		return ReasonStagnation
	}
	if reason := m.halted(); reason != "" {
		return reason // the re-plan could not run
	}
	m.eventMu.Lock()
	st.Replanned, st.Stagnant = true, 0
	failures := m.failures
	m.eventMu.Unlock()
	why := fmt.Sprintf("no progress for %d iterations", stagnationLimit)
	if idle {
		why = "no item a worker could run"
	}
	m.emit(Event{Kind: EventReplan, Message: why + ": re-planning with the evidence"})
	p, err := m.store.Plan()
	if err != nil {
		return err.Error()
	}
	issues, _ := m.store.Issues()
	var keep []string
	for _, it := range p.Items {
		if it.Status == plan.Done && it.ID != "" {
			keep = append(keep, it.ID)
		}
	}
	if err := m.runPlanner(ctx, replanPrompt, replanTask(m.state.Objective, p, issues, failures), keep); err != nil && ctx.Err() == nil {
		m.emit(Event{Kind: EventReplan, Message: "the re-plan failed: " + err.Error(), Failed: true})
	}
	if ctx.Err() == nil && m.nothingToRun() {
		return ReasonNothingToRun
	}
	return ""
}

// nothingToRun reports whether the plan has no item a worker could start: nothing is
// pending, or what is waits on a cancelled item or a cycle, or names no file a worker may
// write (an item added to todo.md by hand during the mission), or the open issues have
// no FIX item because no worker may write their files. No iteration can change anything
// then until the plan does. Items added without an id get theirs now, as at the start
// of an iteration. The ready items that name no file a worker may write are failures:
// the re-plan's evidence and the report say why they do not run.
func (m *mission) nothingToRun() bool {
	p, err := m.store.UpdatePlan(withIDs)
	if err != nil {
		return false
	}
	runnable := false
	for _, it := range p.Ready(nil) {
		why := m.unrunnable(it)
		if why == nil {
			runnable = true
			continue
		}
		failure := fmt.Sprintf("%s: %v", it.ID, why)
		m.eventMu.Lock()
		if !slices.Contains(m.failures, failure) {
			m.failures = append(m.failures, failure)
		}
		m.lastFailure[it.ID] = why.Error()
		m.eventMu.Unlock()
	}
	return !runnable
}

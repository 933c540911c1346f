package server

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/opencode-orchestrator/orchestrator/orchestrator"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/model/fakeapi"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/store"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/testkit"
)

const demoObjective = "Add a cart package with Total, its test, and a command that prints a total"

// TestAMissionStartedFromTheEditorSeals: orchestrator.task.start runs the offline demo
// mission (scripted model, real go build and go test) in the server. The editor sees the
// lenses change from ▶ Start to sealed, a progress bar that only rises, the FIX round's
// sync issue as a diagnostic in the test file until the mission resolves it, and the
// sealed message; hover and the outline describe the finished items.
func TestAMissionStartedFromTheEditorSeals(t *testing.T) {
	root := testkit.DemoWorkspace(t)
	e := startEditor(t, root, editorOptions{})
	e.awaitStatus(t, "no mission", func(st hostStatus) bool { return st.State == "none" })
	if got := e.lenses()[0]; !slices.Equal(got, []string{"▶ Start", "no mission · iteration 0 · 0/0 done · 0 open sync issues"}) {
		t.Errorf("lenses before the mission: %q", got)
	}

	e.mustExecute(cmdTaskStart, map[string]string{"objective": demoObjective, "model": testkit.DemoModel()})
	if _, err := e.execute(cmdTaskStart, map[string]string{"objective": "another"}); err == nil || !strings.Contains(err.Error(), "a mission is running") {
		t.Errorf("a second start while the mission runs: %v", err)
	}
	e.awaitMessage(t, "Mission sealed: 5/5 done")
	e.awaitStatus(t, "the mission running with its plan", func(st hostStatus) bool { return st.Running == "mission" && st.Total > 0 })
	sealed := e.awaitStatus(t, "the sealed state", func(st hostStatus) bool { return st.State == "sealed" && st.Running == "" })
	if sealed.Done != 5 || sealed.OpenIssues != 0 || sealed.Iteration != 2 {
		t.Errorf("sealed status %+v", sealed.Status)
	}

	// The mission's progress: begin, reports that never go back, end.
	var mission []progressEvent
	e.await(t, "the mission's progress to end", func() bool {
		for _, events := range e.reports {
			if len(events) > 0 && strings.HasPrefix(events[0].Title, "Orchestrator: "+demoObjective) {
				mission = slices.Clone(events)
				return events[len(events)-1].Kind == "end"
			}
		}
		return false
	})
	last, rose := uint32(0), false
	for _, ev := range mission[1 : len(mission)-1] {
		if ev.Kind != "report" {
			t.Fatalf("progress %+v", mission)
		}
		if ev.Percentage != nil {
			if *ev.Percentage < last {
				t.Errorf("the progress went back from %d to %d", last, *ev.Percentage)
			}
			rose = rose || *ev.Percentage > last
			last = *ev.Percentage
		}
	}
	if !rose || last != 100 || !strings.Contains(mission[len(mission)-1].Message, "sealed") {
		t.Errorf("progress %+v", mission)
	}

	// The FIX round's sync issue showed in the test file, and is gone.
	testFile := uri.File(root + "/cart/cart_test.go")
	e.mu.Lock()
	shown := slices.ContainsFunc(e.everShown[testFile], func(m string) bool { return strings.Contains(m, "SYNC-1") })
	e.mu.Unlock()
	if !shown {
		t.Errorf("no SYNC-1 diagnostic was published for cart/cart_test.go: %q", e.everShown[testFile])
	}
	e.awaitDiagnostics(t, testFile, "no diagnostics after sealing", func(ds []protocol.Diagnostic) bool { return len(ds) == 0 })

	if got := e.lenses()[0]; !slices.Equal(got, []string{"▶ Start", "sealed · iteration 2 · 5/5 done · 0 open sync issues"}) {
		t.Errorf("header lenses after sealing: %q", got)
	}
	if got := e.lensOn("T4: FIX SYNC-1"); !strings.HasPrefix(got, "✓ done in ") {
		t.Errorf("lens of a FIX item: %q", got)
	}

	hover, err := e.server.Hover(e.ctx(), &protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: e.todoURI()}, Position: protocol.Position{Line: 3, Character: 4}}})
	if err != nil || hover == nil {
		t.Fatalf("hover: %v", err)
	}
	text := hover.Contents.(*protocol.MarkupContent).Value
	for _, want := range []string{"**T1: CREATE", "Status: done · worker (scripted/", "Files: `cart/cart.go`", "Latest:", "item\\_finished"} {
		if !strings.Contains(text, want) {
			t.Errorf("hover on T1 lacks %q:\n%s", want, text)
		}
	}
	symbols, err := e.server.DocumentSymbol(e.ctx(), &protocol.DocumentSymbolParams{TextDocument: protocol.TextDocumentIdentifier{URI: e.todoURI()}})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, sym := range symbols.(protocol.DocumentSymbolSlice) {
		names = append(names, sym.Name[:2])
	}
	if !slices.Equal(names, []string{"T1", "T2", "T3", "T4", "T5"}) {
		t.Errorf("outline %v", names)
	}

	// The status command answers the same state as JSON.
	var st hostStatus
	if err := json.Unmarshal(e.mustExecute(cmdTaskStatus), &st); err != nil || st.State != "sealed" || len(st.Items) != 5 || st.Items[0].Worker == "" {
		t.Errorf("status command: %+v %v", st, err)
	}
	e.mu.Lock()
	refreshes := e.refreshes
	e.mu.Unlock()
	if refreshes == 0 {
		t.Error("the client was never asked to refresh its code lenses")
	}
	e.awaitLog(t, "event=item_finished")
	e.shutdown()
}

// TestStopRestartResume: a mission against the fake OpenAI server (a test double of the
// remote API) is stopped while T1's worker talks to the model; the lenses showed it
// running; a new server on the workspace offers ⟳ Resume and says so, and resuming (with
// the scripted model) seals. The planner's first call met an overload its retries did not
// outlast, and the progress said it was asked again.
func TestStopRestartResume(t *testing.T) {
	root := testkit.DemoWorkspace(t)
	plan := testkit.DemoPlan(t)
	working := make(chan struct{}, 10)
	var overloaded atomic.Int32
	api := fakeapi.OpenAI(t, func(r fakeapi.Request) fakeapi.Reply {
		if strings.Contains(r.Text(), "You are the planner") {
			if overloaded.Add(1) <= 4 { // a call and its three retries
				return fakeapi.Reply{Status: http.StatusServiceUnavailable, Header: map[string]string{"retry-after": "0"}, Body: `{"error": {"message": "The server is overloaded", "type": "server_error"}}`}
			}
			args, _ := json.Marshal(map[string]string{"markdown": plan})
			return fakeapi.Reply{Calls: []fakeapi.Call{{ID: "p", Name: "write_plan", Args: string(args)}, {ID: "f", Name: "finish", Args: `{"summary": "planned"}`}}}
		}
		working <- struct{}{}
		return fakeapi.Reply{StallAfter: true, Text: "working"}
	})
	env := []string{"OPENAI_API_KEY=sk-test-key-for-the-double", "OPENAI_BASE_URL=" + api.URL}
	e := startEditor(t, root, editorOptions{env: env})
	e.mustExecute(cmdTaskStart, map[string]string{"objective": "Add a cart", "model": "openai/fake"})
	<-working // T1's worker is talking to the model
	e.awaitStatus(t, "T1 in progress", func(st hostStatus) bool { return st.InProgress == 1 && st.Running == "mission" })
	e.await(t, "the planner's second try in the progress", func() bool {
		for _, events := range e.reports {
			for _, ev := range events {
				if strings.HasPrefix(ev.Message, "Orchestrator: asked the planner again after: openai/fake: ") && strings.Contains(ev.Message, "503") {
					return true
				}
			}
		}
		return false
	})
	if got := e.lenses()[0]; got[0] != "■ Stop" || !strings.HasPrefix(got[1], "running · iteration 1 · 0/3 done") {
		t.Errorf("header lenses while running: %q", got)
	}
	if got := e.lensOn("T1: CREATE"); !strings.HasPrefix(got, "● running · worker (openai/fake) · ") {
		t.Errorf("T1's lens while its worker runs: %q", got)
	}
	if got := e.lensOn("T2: CREATE"); got != "⏳ waiting for T1" {
		t.Errorf("T2's lens: %q", got)
	}

	e.mustExecute(cmdTaskStop)
	var st hostStatus
	if err := json.Unmarshal(e.mustExecute(cmdTaskStatus), &st); err != nil || st.State != "stopped" || st.StopReason != "interrupted" || st.InProgress != 0 || st.Running != "" {
		t.Fatalf("after stop: %+v %v", st, err)
	}
	e.awaitMessage(t, "Mission stopped (0/3 done)")
	if _, err := e.execute(cmdTaskStop); err == nil {
		t.Error("stop with nothing running succeeded")
	}
	e.shutdown()

	e = startEditor(t, root, editorOptions{})
	e.awaitMessage(t, "This workspace has an unfinished mission: \"Add a cart\"")
	e.awaitStatus(t, "the stopped mission", func(st hostStatus) bool { return st.State == "stopped" })
	if got := e.lenses()[0]; got[0] != "⟳ Resume" || got[1] != "stopped: interrupted · iteration 1 · 0/3 done · 0 open sync issues" {
		t.Errorf("header lenses after a restart: %q", got)
	}
	if got := e.lensOn("T1: CREATE"); got != "▶ Run" {
		t.Errorf("T1's lens after the stop: %q", got)
	}
	e.mustExecute(cmdTaskResume, map[string]string{"model": testkit.DemoModel()})
	e.awaitMessage(t, "Mission sealed: 5/5 done")
	e.shutdown()
}

// TestTheMissionMessageNamesFilesTheChecksCouldNotRead: when the mission wrote files the
// static checks skip, the editor's final message says so; otherwise it is unchanged.
func TestTheMissionMessageNamesFilesTheChecksCouldNotRead(t *testing.T) {
	out := orchestrator.Outcome{State: store.StateSealed, Done: 1, Total: 1, Iterations: 1}
	clean, _ := outcomeMessage(out, nil)
	out.Unchecked = map[string]string{"web/app.min.js": "minified"}
	unchecked, kind := outcomeMessage(out, nil)
	if kind != protocol.MessageTypeInfo || unchecked != clean+" Not checked: web/app.min.js (minified)." {
		t.Errorf("sealed: %q (%v); without unchecked files: %q", unchecked, kind, clean)
	}
	out.State, out.Reason = store.StateStopped, "stagnation"
	if stopped, _ := outcomeMessage(out, nil); !strings.HasSuffix(stopped, "⟳ Resume. Not checked: web/app.min.js (minified).") {
		t.Errorf("stopped: %q", stopped)
	}
}

// TestASealWithoutTheReviewersJudgementIsAWarning: a mission that sealed while the
// configured reviewer model failed says so, as a warning, instead of a plain seal.
func TestASealWithoutTheReviewersJudgementIsAWarning(t *testing.T) {
	out := orchestrator.Outcome{State: store.StateSealed, Done: 1, Total: 1, Iterations: 1,
		ModelReview: orchestrator.ModelReview{Verdict: "openai/reviewer: 0 issues; fine"}}
	clean, kind := outcomeMessage(out, nil)
	if kind != protocol.MessageTypeInfo || strings.Contains(clean, "reviewer") {
		t.Errorf("a judged seal: %q (%v)", clean, kind)
	}
	out.ModelReview = orchestrator.ModelReview{Verdict: "openai/reviewer failed, its judgement left out: 400 Bad Request", Missing: true}
	msg, kind := outcomeMessage(out, nil)
	if want := clean + " Without the reviewer model's judgement: openai/reviewer failed, its judgement left out: 400 Bad Request."; msg != want || kind != protocol.MessageTypeWarning {
		t.Errorf("message %q (%v), want %q", msg, kind, want)
	}
}

// TestAStoppedMissionsMessageSaysWhatFailed: a mission that stopped on items that keep
// failing, with no sync issue, names them and points at the work log, not at an empty
// sync-issues.md.
func TestAStoppedMissionsMessageSaysWhatFailed(t *testing.T) {
	out := orchestrator.Outcome{State: store.StateStopped, Reason: "no progress", Done: 1, Total: 6,
		Failures: []string{"T2: a", "T3: b", "T4: c", "T5: d"}}
	msg, kind := outcomeMessage(out, nil)
	want := "Mission stopped: no progress (1/6 done, 0 open sync issues). Failing: T2: a; T3: b; T4: c; and 1 more. It needs you: see .opencode/work-log.md, then ⟳ Resume."
	if msg != want || kind != protocol.MessageTypeWarning {
		t.Errorf("message %q (%v), want %q", msg, kind, want)
	}
	out.Failures, out.Issues = nil, []store.Issue{{ID: "SYNC-1"}}
	if msg, _ := outcomeMessage(out, nil); !strings.HasSuffix(msg, "(1/6 done, 1 open sync issue). It needs you: see .opencode/sync-issues.md, then ⟳ Resume.") {
		t.Errorf("with a sync issue: %q", msg)
	}
}

// TestAMissionSaysAtOnceThatItsTestsCannotRun: the project's test runner is not installed.
// The editor hears so before any work, as a warning; the mission does its item, and then
// stops with what to do rather than spending iterations on FIX rounds.
func TestAMissionSaysAtOnceThatItsTestsCannotRun(t *testing.T) {
	root := writeWorkspace(t, map[string]string{
		".opencode/todo.md":           "# Plan\n\n- [ ] T1: CREATE a.txt | file:a.txt\n",
		".opencode/orchestrator.json": `{"commands": {"test": "missing-test-runner"}}`,
		"script.json": `{"turns": [{"role": "worker", "item": "T1", "calls": [{"tool": "write_file", "args": {"path": "a.txt", "content": "a\n"}},` +
			` {"tool": "finish", "args": {"summary": "wrote a.txt"}}]}]}`,
	})
	e := startEditor(t, root, editorOptions{})
	e.mustExecute(cmdTaskStart, map[string]string{"objective": "a.txt", "model": "scripted/script.json"})
	warning := e.awaitMessage(t, "Orchestrator: `missing-test-runner` cannot run here: `missing-test-runner` is not installed here (or not on the PATH); the mission can do its work, but it cannot seal until the command runs.")
	if warning.Type != protocol.MessageTypeWarning {
		t.Errorf("the warning came as %v", warning.Type)
	}
	e.awaitMessage(t, "Mission stopped: a command cannot run here: the test command `missing-test-runner`")
	e.awaitStatus(t, "the stopped mission", func(st hostStatus) bool { return st.State == "stopped" && st.Done == 1 && st.Running == "" })
	if got := e.lenses()[0]; got[1] != "stopped: a command cannot run here · iteration 1 · 1/1 done · 0 open sync issues" {
		t.Errorf("the header lens: %q", got)
	}
	e.shutdown()
}

// TestTheLensSaysWhyAnItemsLastRunFailed: an item whose worker never writes its file
// fails at the gate; when the mission stops, its lens says why before ▶ Run, rather than
// looking like an item nobody tried.
func TestTheLensSaysWhyAnItemsLastRunFailed(t *testing.T) {
	finish := `{"role": "worker", "item": "T1", "calls": [{"tool": "finish", "args": {"summary": "done"}}]}`
	root := writeWorkspace(t, map[string]string{
		".opencode/todo.md":           "# Plan\n\n- [ ] T1: CREATE a.txt | file:a.txt\n",
		".opencode/orchestrator.json": `{"limits": {"maxIterations": 1}}`,
		"script.json":                 `{"turns": [` + strings.Repeat(finish+",", 2) + finish + `]}`,
	})
	e := startEditor(t, root, editorOptions{})
	e.mustExecute(cmdTaskStart, map[string]string{"objective": "a.txt", "model": "scripted/script.json"})
	e.awaitMessage(t, "Mission stopped: the iteration limit was reached")
	e.awaitStatus(t, "the stopped mission", func(st hostStatus) bool { return st.State == "stopped" && st.Running == "" })
	if got := e.lensOn("T1: CREATE"); got != "✗ last run failed: after 2 rounds of feedback: a.txt not written | ▶ Run" {
		t.Errorf("T1's lens: %q", got)
	}
	e.shutdown()
}

package orchestrator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/model"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/model/fakeapi"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/store"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/testkit"
)

// events collects a mission's events.
type events struct {
	mu  sync.Mutex
	all []Event
}

func (e *events) add(ev Event) {
	e.mu.Lock()
	e.all = append(e.all, ev)
	e.mu.Unlock()
}

func (e *events) find(kind EventKind, item string) []Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Event
	for _, ev := range e.all {
		if ev.Kind == kind && (item == "" || ev.Item == item) {
			out = append(out, ev)
		}
	}
	return out
}

// TestAMissionWithAFixRoundSeals: the scripted worker of T1 writes a Total that takes a
// discount the plan did not ask for; the review finds the two callers' arity mismatches
// (and not again the compiler's echo of them), opens two sync issues and FIX items, the
// FIX round repairs cart.go, and the mission seals with the real go build and go test.
// T2 and T3 depend on T1: they start only once todo.md on disk says T1 is done.
func TestAMissionWithAFixRoundSeals(t *testing.T) {
	root := testkit.DemoWorkspace(t)
	var ev events
	t1OnDisk := map[string]bool{} // dependent -> T1 was [x] in the file when it started
	onEvent := func(e Event) {
		if e.Kind == EventItemDispatched && (e.Item == "T2" || e.Item == "T3") {
			todo, _ := os.ReadFile(filepath.Join(root, ".opencode/todo.md"))
			t1OnDisk[e.Item] = strings.Contains(string(todo), "- [x] T1:")
		}
		ev.add(e)
	}
	out, err := Run(context.Background(), Options{Root: root, Objective: "Add a cart package with Total, its test, and a command that prints a total",
		Model: testkit.DemoModel(), OnEvent: onEvent})
	if err != nil {
		t.Fatal(err)
	}
	if out.State != store.StateSealed || out.Done != 5 || out.Total != 5 || len(out.Issues) != 0 || !out.Build.Passed || !out.Test.Passed || out.Build.Command != "go build ./..." || out.Iterations != 2 {
		t.Fatalf("outcome %+v", out)
	}
	if !t1OnDisk["T2"] || !t1OnDisk["T3"] {
		t.Errorf("a dependent of T1 started before todo.md said T1 was done: %v", t1OnDisk)
	}
	opened := ev.find(EventSyncIssues, "")
	if len(opened) == 0 || !strings.HasPrefix(opened[0].Message, "2 opened") {
		t.Errorf("sync issue events %+v", opened)
	}
	if len(ev.find(EventItemFinished, "T4")) != 1 || len(ev.find(EventItemFinished, "T5")) != 1 {
		t.Errorf("the FIX items did not run once each")
	}
	cart, _ := os.ReadFile(filepath.Join(root, "cart/cart.go"))
	if !strings.Contains(string(cart), "func Total(prices []int) int {") {
		t.Errorf("cart.go after the mission:\n%s", cart)
	}
	todo, _ := os.ReadFile(filepath.Join(root, ".opencode/todo.md"))
	for _, want := range []string{"- [x] T4: FIX SYNC-1 [arity-mismatch]", "| file:cart/cart_test.go,cart/cart.go | issue:SYNC-", "- [x] T3: CREATE `main.go`"} {
		if !strings.Contains(string(todo), want) {
			t.Errorf("todo.md lacks %q:\n%s", want, todo)
		}
	}
	issues, _ := os.ReadFile(filepath.Join(root, ".opencode/sync-issues.md"))
	if string(issues) != "# Sync Issues\n" {
		t.Errorf("sync-issues.md after sealing:\n%s", issues)
	}
	st, err := store.New(root).State()
	if err != nil || st.State != store.StateSealed || st.Tokens.Total() == 0 || st.IssuesIssued != 2 {
		t.Errorf("loop-state %+v %v", st, err)
	}
	if ctxmd, _ := os.ReadFile(filepath.Join(root, ".opencode/context.md")); !strings.HasPrefix(string(ctxmd), "# Project context\n\nGo module example.com/shop") {
		t.Errorf("context.md from the planner's summary: %q", ctxmd)
	}
	log, _ := os.ReadFile(filepath.Join(root, ".opencode/work-log.md"))
	if !strings.Contains(string(log), "## Mission: ") || !strings.Contains(string(log), "item_finished T4") || !strings.Contains(string(log), "sealed") || strings.Contains(string(log), "tool_call") {
		t.Errorf("work-log.md:\n%s", log)
	}
	// A second run without --resume is a new mission; --resume of a sealed one is refused.
	if _, err := Run(context.Background(), Options{Root: root, Resume: true, Model: testkit.DemoModel()}); err == nil || !strings.HasSuffix(err.Error(), `no unfinished mission to resume in this workspace: the last one ("Add a cart package with Total, its test, and a command that prints a total") is sealed; start another with an objective`) {
		t.Errorf("resume of a sealed mission: %v", err)
	}
}

// writeFiles writes files (paths relative to root) under root, making their folders.
func writeFiles(tb testing.TB, root string, files map[string]string) {
	tb.Helper()
	for rel, content := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

func writeScript(t *testing.T, dir string, s model.Script) string {
	t.Helper()
	data, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "script.json")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return "scripted/" + p
}

func call(tool string, args any) model.ScriptCall {
	raw, _ := json.Marshal(args)
	return model.ScriptCall{Tool: tool, Args: raw}
}

// fakeAPIOptions point the openai/, anthropic/ and ollama/ providers at srv, a fake API (a test
// double of the remote model), with made-up keys.
func fakeAPIOptions(srv *fakeapi.Server) model.Options {
	env := map[string]string{"OPENAI_API_KEY": "sk-test-key-for-the-double", "OPENAI_BASE_URL": srv.URL,
		"ANTHROPIC_API_KEY": "sk-ant-test-key-for-the-double", "ANTHROPIC_BASE_URL": strings.TrimSuffix(srv.URL, "/v1"), "OLLAMA_BASE_URL": srv.URL}
	return model.Options{Getenv: func(k string) string { return env[k] }}
}

// fakeWrite is a write_file call as the fake API sends it; its id is "w" and the path.
func fakeWrite(path, content string) fakeapi.Call {
	args, _ := json.Marshal(map[string]string{"path": path, "content": content})
	return fakeapi.Call{ID: "w" + path, Name: "write_file", Args: string(args)}
}

var fakeFinish = fakeapi.Call{ID: "f", Name: "finish", Args: `{"summary": "done"}`}

// awaitSession waits, in the fake API, for a signal of another session that tests order
// through channels; after a minute, a failsafe for a session that never came, it goes on
// and the test fails on what it then sees.
func awaitSession(signal chan struct{}) {
	select {
	case <-signal:
	case <-time.After(time.Minute):
	}
}

// writesFile is a worker's turn on an item: write one file, then finish.
func writesFile(item, path, content string) model.ScriptTurn {
	return model.ScriptTurn{Role: "worker", Item: item, Calls: []model.ScriptCall{
		call("write_file", map[string]string{"path": path, "content": content}), call("finish", map[string]string{"summary": "wrote " + path})}}
}

// TestAMissionWhoseTestsCannotPassStopsOnStagnation: a test that fails whatever the
// workers do. Three iterations without progress bring one re-plan, three more stop the
// mission with exit 1 and a report, long before the iteration limit. The re-plan's first
// call meets an overloaded API (Anthropic's 529), and the planner is asked again.
func TestAMissionWhoseTestsCannotPassStopsOnStagnation(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"go.mod":            "module example.com/never\n\ngo 1.22\n",
		"never_test.go":     "package never\n\nimport \"testing\"\n\nfunc TestNever(t *testing.T) { t.Fatal(\"this test never passes\") }\n",
		".opencode/todo.md": "- [ ] T1: CREATE `never.go` | file:never.go\n",
	})
	var overloaded atomic.Int32
	overloaded.Store(2) // the re-plan's first call and its retry
	srv := fakeapi.Anthropic(t, func(r fakeapi.Request) fakeapi.Reply {
		switch {
		case strings.Contains(r.Text(), "The current plan:") && overloaded.Add(-1) >= 0:
			return fakeapi.Reply{Status: 529, Header: map[string]string{"retry-after": "0"}, Body: `{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}`}
		case strings.Contains(r.Text(), "T1: CREATE") && !strings.Contains(r.Text(), "tool_result"):
			return fakeapi.Reply{Calls: []fakeapi.Call{fakeWrite("never.go", "package never\n"), fakeFinish}}
		}
		return fakeapi.Reply{Calls: []fakeapi.Call{fakeFinish}} // FIX workers that change nothing; a plan that stands
	})
	modelOptions := fakeAPIOptions(srv)
	modelOptions.MaxRetries = 1
	var ev events
	out, err := Run(context.Background(), Options{Root: root, Objective: "never", Model: "anthropic/fake", ModelOptions: modelOptions, OnEvent: ev.add})
	if err != nil {
		t.Fatal(err)
	}
	if out.State != store.StateStopped || out.Reason != ReasonStagnation || out.Iterations != 7 || len(out.Issues) != 1 || out.Issues[0].Rule != "test-failure" || out.Test.Passed {
		t.Fatalf("outcome %+v", out)
	}
	if replans := ev.find(EventReplan, ""); len(replans) != 1 || replans[0].Iteration != 4 {
		t.Errorf("re-plans %+v", replans)
	}
	if again := ev.find(EventAPIRetry, ""); len(again) != 1 || again[0].Iteration != 4 || !strings.HasPrefix(again[0].Message, "asked the planner again after: anthropic/fake: ") {
		t.Errorf("retry events %+v", again)
	}
}

// TestATestCommandThatCannotRunStopsOnceTheWorkIsDone: the test runner is not installed.
// No worker can install it, so its failure is no sync issue and no FIX round: the item's
// work is done and checked, and the mission stops at the first review with what to do,
// instead of spending iterations until the stagnation rule. Once the runner is there,
// --resume seals without asking the model again.
func TestATestCommandThatCannotRunStopsOnceTheWorkIsDone(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"go.mod":                      "module example.com/runner\n\ngo 1.22\n",
		".opencode/orchestrator.json": `{"commands": {"build": "go build ./...", "test": "missing-test-runner ./..."}}`,
		".opencode/todo.md":           "- [ ] T1: CREATE `runner.go` | file:runner.go\n",
	})
	var calls atomic.Int32
	var ev events
	srv := fakeapi.Anthropic(t, func(r fakeapi.Request) fakeapi.Reply {
		if calls.Add(1) == 1 && len(ev.find(EventUnavailable, "")) == 0 {
			t.Error("the first model call came before the warning that the tests cannot run")
		}
		if strings.Contains(r.Text(), "tool_result") {
			return fakeapi.Reply{Calls: []fakeapi.Call{fakeFinish}}
		}
		return fakeapi.Reply{Calls: []fakeapi.Call{fakeWrite("runner.go", "package runner\n")}}
	})
	opts := Options{Root: root, Objective: "a runner package", Model: "anthropic/fake", ModelOptions: fakeAPIOptions(srv), OnEvent: ev.add}
	out, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if warned := ev.find(EventUnavailable, ""); len(warned) != 1 || !strings.HasPrefix(warned[0].Message, "`missing-test-runner ./...` cannot run here: `missing-test-runner` is not installed here") {
		t.Errorf("warnings at the start: %+v", warned)
	}
	if out.State != store.StateStopped || out.Iterations != 1 || len(out.Issues) != 0 || out.Done != 1 || !out.Build.Passed {
		t.Fatalf("outcome %+v", out)
	}
	wantReason := ReasonCannotRun + ": the test command `missing-test-runner ./...`: `missing-test-runner` is not installed here (or not on the PATH). Make it run here, or set commands.test in .opencode/orchestrator.json, then resume"
	if out.Reason != wantReason {
		t.Errorf("reason %q\nwant %q", out.Reason, wantReason)
	}
	var text strings.Builder
	report(&text, root, out)
	if !strings.Contains(text.String(), "\nTests: missing-test-runner ./... cannot run: `missing-test-runner` is not installed here (or not on the PATH)\n") {
		t.Errorf("report:\n%s", text.String())
	}
	if plan, _ := os.ReadFile(filepath.Join(root, ".opencode", "todo.md")); strings.Contains(string(plan), "FIX") {
		t.Errorf("a FIX item for the missing runner:\n%s", plan)
	}

	// The runner installed, the mission seals on resume; the model is not asked again.
	bin := t.TempDir()
	writeFiles(t, bin, map[string]string{"missing-test-runner": "#!/bin/sh\nexit 0\n"})
	if err := os.Chmod(filepath.Join(bin, "missing-test-runner"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	asked := calls.Load()
	opts.Objective, opts.Resume = "", true
	if out, err = Run(context.Background(), opts); err != nil || out.State != store.StateSealed || out.Iterations != 2 || calls.Load() != asked {
		t.Errorf("resumed: %+v, %v; %d model calls more", out, err, calls.Load()-asked)
	}
}

// TestATestScriptAWorkerWritesCanRun: the configured test command is a script a worker
// writes. Tools offer no chmod, so the script is made executable as it is created (before,
// every review failed with "Permission denied" until the stagnation rule stopped the
// mission).
func TestATestScriptAWorkerWritesCanRun(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		".opencode/orchestrator.json": `{"commands": {"build": "true", "test": "./scripts/test.sh"}}`,
		".opencode/todo.md":           "- [ ] T1: CREATE `scripts/test.sh`: the project's tests | file:scripts/test.sh\n",
	})
	srv := fakeapi.Anthropic(t, func(r fakeapi.Request) fakeapi.Reply {
		if strings.Contains(r.Text(), "tool_result") {
			return fakeapi.Reply{Calls: []fakeapi.Call{fakeFinish}}
		}
		return fakeapi.Reply{Calls: []fakeapi.Call{fakeWrite("scripts/test.sh", "#!/bin/sh\necho 'all 3 tests passed'\n")}}
	})
	out, err := Run(context.Background(), Options{Root: root, Objective: "a test script", Model: "anthropic/fake", ModelOptions: fakeAPIOptions(srv)})
	if err != nil || out.State != store.StateSealed || out.Iterations != 1 || !out.Test.Passed {
		t.Errorf("outcome %+v, %v", out, err)
	}
}

// TestAnItemNoWorkerCouldDoIsReplannedAtOnce: while T1's worker runs, the user adds two
// items to todo.md whose files no worker may write, one with an id (dispatch refuses it
// without a model call) and one without (it gets its id after the iteration). Rather than fail them again in
// idle iterations until the stagnation rule, the mission re-plans at once, telling the
// planner why neither can run, and the re-plan's items seal it in the second iteration.
func TestAnItemNoWorkerCouldDoIsReplannedAtOnce(t *testing.T) {
	root := t.TempDir()
	todo := filepath.Join(root, ".opencode", "todo.md")
	writeFiles(t, root, map[string]string{
		".opencode/orchestrator.json": `{"commands": {"build": "true", "test": "true"}}`,
		".opencode/todo.md":           "- [ ] T1: CREATE `a.txt` | file:a.txt\n",
	})
	replan, _ := json.Marshal(map[string]string{"markdown": "- [x] T1: CREATE `a.txt` | file:a.txt\n- [ ] T2: notes | file:notes.md\n- [ ] T3: more notes | file:more.md\n"})
	var edited sync.Once
	srv := fakeapi.Anthropic(t, func(r fakeapi.Request) fakeapi.Reply {
		switch text := r.Text(); {
		case strings.Contains(text, "Files you may write: .opencode/notes.md"):
			t.Error("a worker was asked to do an item it could not write")
			return fakeapi.Reply{Calls: []fakeapi.Call{fakeFinish}}
		case strings.Contains(text, "tool_result"):
			return fakeapi.Reply{Calls: []fakeapi.Call{fakeFinish}}
		case strings.Contains(text, "The current plan:"):
			for _, why := range []string{"T2: not run: file cannot be written: .opencode/notes.md", "T3: not run: file cannot be written: .git/notes.md"} {
				if !strings.Contains(text, why) {
					t.Errorf("the re-plan was not told %q:\n%s", why, text)
				}
			}
			return fakeapi.Reply{Calls: []fakeapi.Call{{ID: "p", Name: "write_plan", Args: string(replan)}}}
		case strings.Contains(text, "T2: notes"):
			return fakeapi.Reply{Calls: []fakeapi.Call{fakeWrite("notes.md", "notes\n")}}
		case strings.Contains(text, "T3: more notes"):
			return fakeapi.Reply{Calls: []fakeapi.Call{fakeWrite("more.md", "more\n")}}
		}
		edited.Do(func() { // the user's edit in the editor, while T1's worker runs
			f, err := os.OpenFile(todo, os.O_APPEND|os.O_WRONLY, 0)
			if err == nil {
				_, err = f.WriteString("- [ ] T2: notes | file:.opencode/notes.md\n- [ ] more notes | file:.git/notes.md\n")
				f.Close()
			}
			if err != nil {
				t.Error(err)
			}
		})
		return fakeapi.Reply{Calls: []fakeapi.Call{fakeWrite("a.txt", "a\n")}}
	})
	var ev events
	out, err := Run(context.Background(), Options{Root: root, Objective: "notes", Model: "anthropic/fake", ModelOptions: fakeAPIOptions(srv), OnEvent: ev.add})
	if err != nil || out.State != store.StateSealed || out.Iterations != 2 {
		t.Fatalf("outcome %+v, %v", out, err)
	}
	if replans := ev.find(EventReplan, ""); len(replans) != 1 || replans[0].Message != "no item a worker could run: re-planning with the evidence" {
		t.Errorf("re-plans %+v", replans)
	}
}

// TestABuildOnAFullDiskStopsTheMissionAtOnce: the build writes its binary where every
// write fails with ENOSPC (/dev/full, as on a full disk). No worker can free space, so the
// failure is no sync issue and no FIX round, and the mission stops at once, with T2 still
// to do, rather than go on writing to a full disk until the stagnation rule ends it.
func TestABuildOnAFullDiskStopsTheMissionAtOnce(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"go.mod":                      "module example.com/tool\n\ngo 1.22\n",
		".opencode/orchestrator.json": `{"commands": {"build": "go build -o /dev/full .", "test": "go test ./..."}}`,
		".opencode/todo.md":           "- [ ] T1: CREATE `main.go` | file:main.go\n- [ ] T2: CREATE `README.md` | file:README.md\n",
	})
	srv := fakeapi.Anthropic(t, func(r fakeapi.Request) fakeapi.Reply {
		switch text := r.Text(); {
		case strings.Contains(text, "T2:"):
			return fakeapi.Reply{Text: "I will not write it."} // T2 fails, and stays to do
		case strings.Contains(text, "tool_result"):
			return fakeapi.Reply{Calls: []fakeapi.Call{fakeFinish}}
		}
		return fakeapi.Reply{Calls: []fakeapi.Call{fakeWrite("main.go", "package main\n\nfunc main() {}\n")}}
	})
	out, err := Run(context.Background(), Options{Root: root, Objective: "a tool", Model: "anthropic/fake", ModelOptions: fakeAPIOptions(srv)})
	if err != nil {
		t.Fatal(err)
	}
	if out.State != store.StateStopped || out.Iterations != 1 || len(out.Issues) != 0 || out.Done != 1 || out.Build.Passed || out.Test.Ran {
		t.Fatalf("outcome %+v", out)
	}
	prefix := ReasonDiskFull + ": the build command `go build -o /dev/full .`: `"
	suffix := "write /dev/full: no space left on device`. Free some space, then resume"
	if !strings.HasPrefix(out.Reason, prefix) || !strings.HasSuffix(out.Reason, suffix) {
		t.Errorf("reason %q\nwant %q…%q", out.Reason, prefix, suffix)
	}
	var text strings.Builder
	report(&text, root, out)
	if !strings.Contains(text.String(), "\nBuild: go build -o /dev/full . cannot run: the disk is full (`") {
		t.Errorf("report:\n%s", text.String())
	}
	if plan, _ := os.ReadFile(filepath.Join(root, ".opencode", "todo.md")); strings.Contains(string(plan), "FIX") {
		t.Errorf("a FIX item for a full disk:\n%s", plan)
	}
}

// TestAWorkersCommandOnAFullDiskStopsTheMission: a worker runs the build, which finds
// the disk full (/dev/full). The model is not asked again, its item is pending again, and
// the mission stops before a review would run the build once more.
func TestAWorkersCommandOnAFullDiskStopsTheMission(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"go.mod":                      "module example.com/tool\n\ngo 1.22\n",
		"main.go":                     "package main\n\nfunc main() {}\n",
		".opencode/orchestrator.json": `{"commands": {"build": "go build -o /dev/full ."}}`,
		".opencode/todo.md":           "- [ ] T1: EDIT `main.go` | file:main.go\n",
	})
	var calls atomic.Int32
	srv := fakeapi.Anthropic(t, func(r fakeapi.Request) fakeapi.Reply {
		calls.Add(1)
		return fakeapi.Reply{Calls: []fakeapi.Call{{ID: "b", Name: "run_command", Args: `{"command": "go build -o /dev/full ."}`}}}
	})
	var ev events
	out, err := Run(context.Background(), Options{Root: root, Objective: "a tool", Model: "anthropic/fake", ModelOptions: fakeAPIOptions(srv), OnEvent: ev.add})
	if err != nil {
		t.Fatal(err)
	}
	prefix := ReasonDiskFull + ": T1's command `go build -o /dev/full .`: `"
	if out.State != store.StateStopped || !strings.HasPrefix(out.Reason, prefix) || out.Done != 0 || out.Build.Ran || calls.Load() != 1 {
		t.Errorf("outcome %+v after %d model calls", out, calls.Load())
	}
	if failed := ev.find(EventItemFailed, "T1"); len(failed) != 1 || !strings.HasPrefix(failed[0].Message, interruptedPrefix+ReasonDiskFull) {
		t.Errorf("T1's end: %+v", failed)
	}
}

// TestAnIssueNoWorkerMayFixIsReplannedAtOnce: the configured test script fails and its
// output names no file, so the failure is placed on .opencode/orchestrator.json, which no
// worker may write. It gets no FIX item, and nothing is left to run: the mission re-plans
// at once, instead of running the same build and tests in three idle iterations first
// (and three more after the re-plan). A re-plan that adds an item lets it seal in its
// second iteration; one that adds nothing stops it at once.
func TestAnIssueNoWorkerMayFixIsReplannedAtOnce(t *testing.T) {
	const failing, passing = "#!/bin/sh\necho '2 of 3 tests failed'\nexit 1\n", "#!/bin/sh\necho 'all 3 tests passed'\n"
	for _, c := range []struct {
		name, replan, wantReason string
		wantIterations, wantRuns int
	}{
		{"the re-plan adds an item", "- [x] T1: CREATE `scripts/test.sh`: the project's tests | file:scripts/test.sh\n" +
			"- [ ] T2: make the tests pass | file:scripts/test.sh\n", "", 2, 2},
		{"the re-plan adds nothing", "", ReasonNothingToRun, 1, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			writeFiles(t, root, map[string]string{
				".opencode/orchestrator.json": `{"commands": {"build": "true", "test": "./scripts/test.sh"}}`,
				".opencode/todo.md":           "- [ ] T1: CREATE `scripts/test.sh`: the project's tests | file:scripts/test.sh\n",
			})
			replan, _ := json.Marshal(map[string]string{"markdown": c.replan})
			srv := fakeapi.Anthropic(t, func(r fakeapi.Request) fakeapi.Reply {
				switch text := r.Text(); {
				case strings.Contains(text, "tool_result"):
					return fakeapi.Reply{Calls: []fakeapi.Call{fakeFinish}}
				case strings.Contains(text, "The current plan:") && c.replan != "":
					return fakeapi.Reply{Calls: []fakeapi.Call{{ID: "p", Name: "write_plan", Args: string(replan)}}}
				case strings.Contains(text, "The current plan:"):
					return fakeapi.Reply{Calls: []fakeapi.Call{fakeFinish}}
				case strings.Contains(text, "T2: make the tests pass"):
					return fakeapi.Reply{Calls: []fakeapi.Call{fakeWrite("scripts/test.sh", passing)}}
				}
				return fakeapi.Reply{Calls: []fakeapi.Call{fakeWrite("scripts/test.sh", failing)}}
			})
			var ev events
			out, err := Run(context.Background(), Options{Root: root, Objective: "a test script", Model: "anthropic/fake", ModelOptions: fakeAPIOptions(srv), OnEvent: ev.add})
			if err != nil {
				t.Fatal(err)
			}
			if out.Reason != c.wantReason || out.Iterations != c.wantIterations || (c.wantReason == "") != (out.State == store.StateSealed) {
				t.Errorf("outcome %+v", out)
			}
			if replans := ev.find(EventReplan, ""); len(replans) != 1 || replans[0].Iteration != 1 || replans[0].Message != "no item a worker could run: re-planning with the evidence" {
				t.Errorf("re-plans %+v", replans)
			}
			runs := 0
			for _, e := range ev.find(EventCommand, "") {
				if strings.HasPrefix(e.Message, "./scripts/test.sh:") {
					runs++
				}
			}
			if runs != c.wantRuns {
				t.Errorf("the tests ran %d times, want %d", runs, c.wantRuns)
			}
		})
	}
}

// TestAFailingTestsFixMayChangeTheCodeItTests: the build passes and a test fails, but
// the fault is in the code the test exercises. The test-failure's FIX item is given that
// code too (a worker held to the test file could only weaken the test), the FIX worker
// mends it, and the mission seals in its second iteration.
func TestAFailingTestsFixMayChangeTheCodeItTests(t *testing.T) {
	// In a package of more files than a fix is given, the files that define what the
	// failing test function uses.
	for name, others := range map[string]int{"a small package": 1, "a large package": 8} {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			files := map[string]string{
				"go.mod":            "module example.com/shop\n\ngo 1.22\n",
				"cart/cart.go":      "package cart\n\n// Total is the sum of the prices.\nfunc Total(prices []int) int { return len(prices) }\n",
				".opencode/todo.md": "- [ ] T1: CREATE `cart/cart_test.go`: a test of Total | file:cart/cart_test.go\n",
			}
			for i := range others {
				files[fmt.Sprintf("cart/other%d.go", i)] = fmt.Sprintf("package cart\n\nfunc Other%d() {}\n", i)
			}
			writeFiles(t, root, files)
			test := "package cart\n\nimport \"testing\"\n\nfunc TestOther(t *testing.T) { Other0() }\n\nfunc TestTotal(t *testing.T) {\n\tif got := Total([]int{2, 3}); got != 5 {\n\t\tt.Errorf(\"Total = %d, want 5\", got)\n\t}\n}\n"
			srv := fakeapi.Anthropic(t, func(r fakeapi.Request) fakeapi.Reply {
				switch {
				case strings.Contains(r.Text(), "tool_result"):
					return fakeapi.Reply{Calls: []fakeapi.Call{fakeFinish}}
				case strings.Contains(r.Text(), "Files you may write: cart/cart_test.go, cart/cart.go"):
					return fakeapi.Reply{Calls: []fakeapi.Call{fakeWrite("cart/cart.go", "package cart\n\n// Total is the sum of the prices.\nfunc Total(prices []int) (sum int) {\n\tfor _, p := range prices {\n\t\tsum += p\n\t}\n\treturn sum\n}\n")}}
				}
				return fakeapi.Reply{Calls: []fakeapi.Call{fakeWrite("cart/cart_test.go", test)}}
			})
			var ev events
			out, err := Run(context.Background(), Options{Root: root, Objective: "test Total", Model: "anthropic/fake", ModelOptions: fakeAPIOptions(srv), OnEvent: ev.add})
			if err != nil || out.State != store.StateSealed || out.Iterations != 2 {
				t.Fatalf("outcome %+v, %v", out, err)
			}
			var fixFiles []string
			for _, e := range ev.find(EventItemDispatched, "T2") {
				fixFiles = e.Files
			}
			want := []string{"cart/cart_test.go", "cart/cart.go"}
			for i := range others {
				if others < 8 {
					want = append(want, fmt.Sprintf("cart/other%d.go", i))
				}
			}
			if !slices.Equal(fixFiles, want) {
				t.Errorf("the FIX item's files: %q, want %q", fixFiles, want)
			}
		})
	}
}

// TestWorkerAndModelLimitsHoldAtTheServer: 50 ready items; the fake API (a test double
// of the remote model) holds every request until as many as allowed are in flight, so a
// controller that over-dispatched would show more there.
func TestWorkerAndModelLimitsHoldAtTheServer(t *testing.T) {
	for _, c := range []struct {
		name                string
		worker, perModel, n int
	}{{"worker limit", 8, 16, 8}, {"per-model limit", 8, 3, 3}} {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			var todo strings.Builder
			for i := 1; i <= 50; i++ {
				fmt.Fprintf(&todo, "- [ ] T%d: write f%d.txt | file:f%d.txt\n", i, i, i)
			}
			cfg := fmt.Sprintf(`{"limits": {"worker": %d, "perModel": %d}}`, c.worker, c.perModel)
			writeFiles(t, root, map[string]string{".opencode/todo.md": todo.String(), ".opencode/orchestrator.json": cfg})
			var mu sync.Mutex
			cond := sync.NewCond(&mu)
			waiting, arrived := 0, 0
			file := regexp.MustCompile(`Files you may write: (f\d+\.txt)`)
			srv := fakeapi.OpenAI(t, func(r fakeapi.Request) fakeapi.Reply {
				m := file.FindStringSubmatch(r.Text())
				if m == nil {
					return fakeapi.Reply{Text: "no task"}
				}
				mu.Lock()
				arrived++
				waiting++
				cond.Broadcast()
				for waiting < c.n && arrived < 50 {
					cond.Wait()
				}
				mu.Unlock()
				defer func() { mu.Lock(); waiting--; mu.Unlock() }()
				args, _ := json.Marshal(map[string]string{"path": m[1], "content": "done\n"})
				return fakeapi.Reply{Calls: []fakeapi.Call{{ID: "w", Name: "write_file", Args: string(args)}, {ID: "f", Name: "finish", Args: `{"summary": "ok"}`}}, InputTok: 10, OutputTok: 5}
			})
			out, err := Run(context.Background(), Options{Root: root, Objective: "fifty files", Resume: false, Model: "openai/fake",
				ModelOptions: fakeAPIOptions(srv)})
			if err != nil {
				t.Fatal(err)
			}
			if out.State != store.StateSealed || out.Done != 50 {
				t.Fatalf("outcome %+v", out)
			}
			if got := srv.MaxInFlight(); got != c.n {
				t.Errorf("at most %d sessions were in flight at the server, want exactly %d", got, c.n)
			}
		})
	}
}

// TestSpentBudgetStopsDispatchWithinAnIteration: three independent items, one worker at
// a time, and a token budget the first worker's call (1,500 tokens at the fake API, a
// test double of the remote model) spends: the other two never start, and the mission
// stops after its first iteration.
func TestSpentBudgetStopsDispatchWithinAnIteration(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		".opencode/todo.md":           "- [ ] T1: a | file:a.txt\n- [ ] T2: b | file:b.txt\n- [ ] T3: c | file:c.txt\n",
		".opencode/orchestrator.json": `{"limits": {"maxTokens": 1000, "worker": 1}}`,
	})
	file := regexp.MustCompile(`Files you may write: (\w\.txt)`)
	srv := fakeapi.OpenAI(t, func(r fakeapi.Request) fakeapi.Reply {
		args, _ := json.Marshal(map[string]string{"path": file.FindStringSubmatch(r.Text())[1], "content": "x\n"})
		return fakeapi.Reply{Calls: []fakeapi.Call{{ID: "w", Name: "write_file", Args: string(args)}, {ID: "f", Name: "finish", Args: `{"summary": "ok"}`}},
			InputTok: 1000, OutputTok: 500}
	})
	out, err := Run(context.Background(), Options{Root: root, Objective: "three files", Model: "openai/fake",
		ModelOptions: fakeAPIOptions(srv)})
	if err != nil {
		t.Fatal(err)
	}
	if out.State != store.StateStopped || out.Reason != ReasonTokens || out.Iterations != 1 || out.Done != 1 || len(srv.Requests()) != 1 {
		t.Fatalf("outcome %+v after %d model calls", out, len(srv.Requests()))
	}
}

// TestCostBudgetStopsTheMission: every call to the fake API (a test double of the remote
// model) costs $1.50 at the configured price; with a $2 budget the mission, whose tests
// never pass, stops after the second iteration's spending and says why.
func TestCostBudgetStopsTheMission(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"go.mod":                      "module example.com/never\n\ngo 1.22\n",
		"never_test.go":               "package never\n\nimport \"testing\"\n\nfunc TestNever(t *testing.T) { t.Fatal(\"this test never passes\") }\n",
		".opencode/todo.md":           "- [ ] T1: CREATE `never.go` | file:never.go\n",
		".opencode/orchestrator.json": `{"limits": {"maxCostUSD": 2}, "prices": {"openai/fake": {"input": 1000, "output": 1000}}}`,
	})
	srv := fakeapi.OpenAI(t, func(r fakeapi.Request) fakeapi.Reply {
		calls := []fakeapi.Call{{ID: "f", Name: "finish", Args: `{"summary": "tried"}`}}
		if strings.Contains(r.Text(), "Files you may write: never.go") {
			calls = append([]fakeapi.Call{{ID: "w", Name: "write_file", Args: `{"path": "never.go", "content": "package never\n"}`}}, calls...)
		}
		return fakeapi.Reply{Calls: calls, InputTok: 1000, OutputTok: 500}
	})
	opts := Options{Root: root, Objective: "never", Model: "openai/fake", ModelOptions: fakeAPIOptions(srv)}
	out, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if out.State != store.StateStopped || out.Reason != ReasonCost || out.Iterations != 2 || out.CostUSD != 3 {
		t.Fatalf("outcome %+v", out)
	}
	st, err := ReadStatus(root)
	if err != nil || st.CostUSD != 3 {
		t.Fatalf("status %+v, %v", st, err)
	}

	// Without a price the budget cannot be kept: the mission does not start.
	if err := os.WriteFile(filepath.Join(root, ".opencode/orchestrator.json"), []byte(`{"limits": {"maxCostUSD": 2}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	opts.Resume = true
	var cfgErr ConfigError
	if _, err := Run(context.Background(), opts); !errors.As(err, &cfgErr) || !strings.Contains(err.Error(), `needs the price of openai/fake: add it to "prices"`) {
		t.Fatalf("want a configuration error naming the missing price, got %v", err)
	}
}

// TestASpentBudgetEndsTheSessionsUnderWay: a worker that never finishes reads file after
// file, each call 400 tokens at the fake API (a test double of the remote model). With a
// 1,000-token budget its session ends before the fourth call, not at its turn limit; the
// item goes back to pending, interrupted rather than failed, and the mission stops.
func TestASpentBudgetEndsTheSessionsUnderWay(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		".opencode/todo.md":           "- [ ] T1: a | file:a.txt\n",
		".opencode/orchestrator.json": `{"limits": {"maxTokens": 1000}}`,
	})
	var reads atomic.Int32
	srv := fakeapi.OpenAI(t, func(r fakeapi.Request) fakeapi.Reply {
		args := fmt.Sprintf(`{"path": "notes%d.txt"}`, reads.Add(1))
		return fakeapi.Reply{Calls: []fakeapi.Call{{ID: "r", Name: "read_file", Args: args}}, InputTok: 300, OutputTok: 100}
	})
	var ev events
	out, err := Run(context.Background(), Options{Root: root, Objective: "a file", Model: "openai/fake", OnEvent: ev.add,
		ModelOptions: fakeAPIOptions(srv)})
	if err != nil {
		t.Fatal(err)
	}
	if out.State != store.StateStopped || out.Reason != ReasonTokens || out.Done != 0 || len(srv.Requests()) != 3 {
		t.Fatalf("outcome %+v after %d model calls, want the token budget's stop after 3", out, len(srv.Requests()))
	}
	if ends := ev.find(EventItemFailed, "T1"); len(ends) != 1 || ends[0].Message != "interrupted: "+ReasonTokens {
		t.Errorf("the item's end: %+v", ends)
	}
	st, err := ReadStatus(root)
	if err != nil || len(st.Items) != 1 || st.Items[0].Status != "pending" || st.Items[0].Failure != "" {
		t.Fatalf("status %+v, %v: want T1 pending with no failure of its own", st, err)
	}
}

// TestAModelAPIThatRefusesTheKeyStopsTheMission: the fake API (a test double of the
// remote model) answers 401 to everything. The workers under way fail, and the mission
// stops at once, saying what the server said, instead of dispatching them again
// iteration after iteration and re-planning until the stagnation rule ends it. A mission
// that must plan first stops at the planner's refusal the same way.
func TestAModelAPIThatRefusesTheKeyStopsTheMission(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		".opencode/todo.md": "- [ ] T1: a | file:a.txt\n- [ ] T2: b | file:b.txt\n- [ ] T3: c | file:c.txt\n",
	})
	srv := fakeapi.OpenAI(t, func(r fakeapi.Request) fakeapi.Reply {
		return fakeapi.Reply{Status: http.StatusUnauthorized, Body: `{"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}}`}
	})
	opts := Options{Root: root, Objective: "three files", Model: "openai/fake",
		ModelOptions: fakeAPIOptions(srv)}
	out, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	want := ReasonRefused + ": openai/fake: OpenAI API error: 401 Unauthorized: Incorrect API key provided"
	// A worker that had not called yet when the first refusal came back does not call.
	calls := len(srv.Requests())
	if out.State != store.StateStopped || out.Reason != want || out.Iterations != 1 || calls < 1 || calls > 3 {
		t.Fatalf("outcome %+v after %d model calls", out, calls)
	}

	opts.Root = t.TempDir()
	if out, err = Run(context.Background(), opts); err != nil || out.State != store.StateStopped || out.Reason != want || len(srv.Requests()) != calls+1 {
		t.Fatalf("planning: %+v, %v after %d model calls", out, err, len(srv.Requests())-calls)
	}
}

// TestAModelAPIThatCannotBeReachedStopsTheMission: nothing listens at the base URL (a
// local server, Ollama, a proxy that is not running). After the SDK's retries the first
// call's failure stops the mission, saved and resumable, instead of leaving it half-way
// with a bare error, or failing every item until the stagnation rule ends it; once the
// server runs, --resume seals it.
func TestAModelAPIThatCannotBeReachedStopsTheMission(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		".opencode/todo.md": "- [ ] T1: a | file:a.txt\n- [ ] T2: b | file:b.txt\n",
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + l.Addr().String() + "/v1"
	l.Close()
	env := map[string]string{"OPENAI_API_KEY": "sk-test-key-for-the-double", "OPENAI_BASE_URL": down}
	opts := Options{Root: root, Objective: "two files", Model: "openai/fake",
		ModelOptions: model.Options{Getenv: func(k string) string { return env[k] }, MaxRetries: 1}}
	out, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	want := ReasonUnreachable + ": openai/fake: Post "
	if out.State != store.StateStopped || !strings.HasPrefix(out.Reason, want) || !strings.Contains(out.Reason, "connection refused") || out.Iterations != 1 || out.Done != 0 {
		t.Fatalf("outcome %+v", out)
	}
	if st, err := ReadStatus(root); err != nil || st.State != store.StateStopped || st.StopReason != out.Reason {
		t.Fatalf("status %+v, %v", st, err)
	}

	// Planning meets it the same way.
	planning := opts
	planning.Root = t.TempDir()
	if out, err := Run(context.Background(), planning); err != nil || out.State != store.StateStopped || !strings.HasPrefix(out.Reason, want) {
		t.Fatalf("planning: %+v, %v", out, err)
	}

	srv := fakeapi.OpenAI(t, func(r fakeapi.Request) fakeapi.Reply {
		file := regexp.MustCompile(`Files you may write: ([a-z]\.txt)`).FindStringSubmatch(r.Text())
		if file == nil {
			return fakeapi.Reply{Calls: []fakeapi.Call{fakeFinish}}
		}
		return fakeapi.Reply{Calls: []fakeapi.Call{fakeWrite(file[1], "x\n"), fakeFinish}}
	})
	opts.Resume, opts.ModelOptions = true, fakeAPIOptions(srv)
	if out, err = Run(context.Background(), opts); err != nil || out.State != store.StateSealed || out.Done != 2 {
		t.Fatalf("resumed: %+v, %v", out, err)
	}
}

// TestAModelAPIThatKeepsFailingStopsTheMission: the fake API (a test double of the
// remote model) answers every request with 503, as in an outage. Once three calls in a
// row have failed, each after its retries, the mission stops, saying so, instead of
// failing the items iteration after iteration until the stagnation rule ends it; the
// runs the server's errors cut short are not the items' failures. A call that succeeds
// in between starts the count again.
func TestAModelAPIThatKeepsFailingStopsTheMission(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		".opencode/todo.md": "- [ ] T1: a | file:a.txt\n- [ ] T2: b | file:b.txt\n",
	})
	srv := fakeapi.OpenAI(t, func(r fakeapi.Request) fakeapi.Reply {
		return fakeapi.Reply{Status: http.StatusServiceUnavailable, Body: `{"error": {"message": "The server is overloaded", "type": "server_error"}}`}
	})
	opts := fakeAPIOptions(srv)
	opts.MaxRetries = 1
	out, err := Run(context.Background(), Options{Root: root, Objective: "two files", Model: "openai/fake", ModelOptions: opts})
	if err != nil {
		t.Fatal(err)
	}
	if out.State != store.StateStopped || !strings.HasPrefix(out.Reason, ReasonUnavailable+": openai/fake: ") || !strings.Contains(out.Reason, "503") || out.Iterations > 2 {
		t.Fatalf("outcome %+v after %d requests", out, len(srv.Requests()))
	}
	if len(out.Failures) != 0 {
		t.Errorf("the items were failed for the outage: %v", out.Failures)
	}
	// Each call is a request and its one retry; a call under way when the third failed
	// may make its own.
	if n := len(srv.Requests()); n > 2*(serverFailureLimit+1) {
		t.Errorf("%d requests, want at most %d", n, 2*(serverFailureLimit+1))
	}

	var ok atomic.Bool
	flaky := fakeapi.OpenAI(t, func(r fakeapi.Request) fakeapi.Reply {
		if ok.Load() {
			return fakeapi.Reply{Text: "fine"}
		}
		return fakeapi.Reply{Status: http.StatusBadGateway, Body: `{"error": {"message": "bad gateway", "type": "server_error"}}`}
	})
	opts = fakeAPIOptions(flaky)
	opts.MaxRetries = 1
	provider, err := model.New("openai/fake", "", opts)
	if err != nil {
		t.Fatal(err)
	}
	m := &mission{}
	w := &apiWatch{Provider: provider, m: m}
	for i, succeeds := range []bool{false, false, true, false, false} {
		ok.Store(succeeds)
		if _, err := w.Complete(context.Background(), model.Request{Messages: []model.Message{{Role: "user", Content: "hi"}}}); (err == nil) != succeeds {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if m.apiStop != "" {
		t.Errorf("stopped after two failures, a success and two failures: %s", m.apiStop)
	}
}

// TestAUsedUpQuotaStopsTheMission: the fake API (a test double of the remote model)
// answers as OpenAI does an account whose quota is used up: 429 "insufficient_quota".
// It is no rate limit that waiting lifts, so the first call that meets it stops the
// mission and says what to check, instead of every item failing until the stagnation
// rule ends it.
func TestAUsedUpQuotaStopsTheMission(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		".opencode/todo.md": "- [ ] T1: a | file:a.txt\n- [ ] T2: b | file:b.txt\n- [ ] T3: c | file:c.txt\n",
	})
	srv := fakeapi.OpenAI(t, func(r fakeapi.Request) fakeapi.Reply {
		return fakeapi.Reply{Status: http.StatusTooManyRequests, Header: map[string]string{"retry-after": "0"},
			Body: `{"error": {"message": "You exceeded your current quota, please check your plan and billing details.", "type": "insufficient_quota", "code": "insufficient_quota"}}`}
	})
	opts := fakeAPIOptions(srv)
	opts.MaxRetries = 1
	out, err := Run(context.Background(), Options{Root: root, Objective: "three files", Model: "openai/fake", ModelOptions: opts})
	if err != nil {
		t.Fatal(err)
	}
	if out.State != store.StateStopped || !strings.HasPrefix(out.Reason, ReasonQuota+": openai/fake: ") || !strings.Contains(out.Reason, "exceeded your current quota") || out.Iterations != 1 {
		t.Fatalf("outcome %+v after %d requests", out, len(srv.Requests()))
	}
	if len(out.Failures) != 0 {
		t.Errorf("the items were failed for the account's quota: %v", out.Failures)
	}
}

// TestARateLimitedItemRunsAgainUnderALowerLimit: two sessions of the model may run at
// once. The fake API (a test double of the remote model) answers T1's first two requests,
// a call and its retry, with 429, while T2 runs (its request waits for T1's end). The
// model's limit is halved to one, and T1 runs again in the same iteration instead of
// failing and waiting for the next one; the report counts no failure. Once T2 has ended
// well, a round at the limit of one, two sessions run at once again.
func TestARateLimitedItemRunsAgainUnderALowerLimit(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		".opencode/orchestrator.json": `{"limits": {"perModel": 2}}`,
		".opencode/todo.md":           "- [ ] T1: a | file:a.txt\n- [ ] T2: b | file:b.txt\n- [ ] T3: c | file:c.txt\n- [ ] T4: d | file:d.txt\n",
	})
	var limitedCalls atomic.Int32
	limited := make(chan struct{}) // closed once T1's rate-limited run has ended
	srv := fakeapi.OpenAI(t, func(r fakeapi.Request) fakeapi.Reply {
		file := regexp.MustCompile(`Files you may write: ([a-z]\.txt)`).FindStringSubmatch(r.Text())
		switch {
		case file == nil:
			return fakeapi.Reply{Calls: []fakeapi.Call{fakeFinish}}
		case file[1] == "a.txt" && limitedCalls.Add(1) <= 2:
			return fakeapi.Reply{Status: http.StatusTooManyRequests, Header: map[string]string{"retry-after": "0"},
				Body: `{"error": {"message": "Rate limit reached for requests per minute", "type": "requests", "code": "rate_limit_exceeded"}}`}
		case file[1] == "b.txt":
			select {
			case <-limited:
			case <-t.Context().Done():
			}
		}
		return fakeapi.Reply{Calls: []fakeapi.Call{fakeWrite(file[1], "x\n"), fakeFinish}}
	})
	opts := fakeAPIOptions(srv)
	opts.MaxRetries = 1
	var ev events
	var once sync.Once
	onEvent := func(e Event) {
		ev.add(e)
		if e.Kind == EventItemFailed && e.Item == "T1" {
			once.Do(func() { close(limited) })
		}
	}
	out, err := Run(context.Background(), Options{Root: root, Objective: "four files", Model: "openai/fake", ModelOptions: opts, OnEvent: onEvent})
	if err != nil {
		t.Fatal(err)
	}
	if out.State != store.StateSealed || out.Iterations != 1 || len(out.Failures) != 0 {
		t.Fatalf("outcome %+v", out)
	}
	ends := ev.find(EventItemFailed, "T1")
	if len(ends) != 1 || !strings.HasPrefix(ends[0].Message, interruptedPrefix+"openai/fake answered with a rate limit its retries could not wait out; at most 1 of its sessions run at once") {
		t.Fatalf("T1's rate-limited run: %+v", ends)
	}
	var after []int // the sessions running as each item started after the rate limit
	seen := false
	for _, e := range ev.all {
		seen = seen || e.Kind == EventItemFailed && e.Item == "T1"
		if seen && e.Kind == EventItemDispatched {
			after = append(after, e.Running)
		}
	}
	if !slices.Contains(after, 2) {
		t.Errorf("after T2 ended well, no two sessions ran at once: running %v at the starts", after)
	}
}

// TestAPlannerThatFailsStopsTheMissionWithItsReason: the fake API (a test double of the
// remote model) rejects the planner's request as too long. The mission stops, saved, with
// what the server said as its reason, instead of ending on a bare error with its state
// left at "planning"; resumed once the API takes the request, it plans and seals. A
// planner that fails after writing its plan leaves the plan to run.
func TestAPlannerThatFailsStopsTheMissionWithItsReason(t *testing.T) {
	var mode atomic.Value // "reject", "after the plan" or "accept"
	tooLong := fakeapi.Reply{Status: http.StatusBadRequest, Body: `{"error": {"message": "This model's maximum context length is 8192 tokens", "type": "invalid_request_error"}}`}
	srv := fakeapi.OpenAI(t, func(r fakeapi.Request) fakeapi.Reply {
		planner, afterCall := strings.Contains(r.Text(), "write_plan"), strings.Contains(r.Text(), `"role":"tool"`)
		switch {
		case mode.Load() == "reject":
			return tooLong
		case strings.Contains(r.Text(), "Files you may write"):
			return fakeapi.Reply{Calls: []fakeapi.Call{fakeWrite("a.txt", "a\n"), fakeFinish}}
		case planner && !afterCall:
			return fakeapi.Reply{Calls: []fakeapi.Call{{ID: "p", Name: "write_plan", Args: `{"markdown": "- [ ] T1: a | file:a.txt\n"}`}}}
		case planner && mode.Load() == "after the plan":
			return tooLong
		}
		return fakeapi.Reply{Calls: []fakeapi.Call{fakeFinish}}
	})
	mode.Store("reject")
	opts := Options{Root: t.TempDir(), Objective: "a file", Model: "openai/fake", ModelOptions: fakeAPIOptions(srv)}
	out, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if out.State != store.StateStopped || !strings.HasPrefix(out.Reason, ReasonPlannerFailed+": openai/fake: ") || !strings.Contains(out.Reason, "maximum context length") {
		t.Fatalf("outcome %+v", out)
	}
	if st, err := ReadStatus(opts.Root); err != nil || st.State != store.StateStopped || st.StopReason != out.Reason {
		t.Fatalf("status %+v, %v", st, err)
	}

	mode.Store("accept")
	opts.Resume = true
	if out, err = Run(context.Background(), opts); err != nil || out.State != store.StateSealed || out.Done != 1 {
		t.Fatalf("resumed: %+v, %v", out, err)
	}

	mode.Store("after the plan")
	var ev events
	opts = Options{Root: t.TempDir(), Objective: "a file", Model: "openai/fake", ModelOptions: fakeAPIOptions(srv), OnEvent: ev.add}
	if out, err = Run(context.Background(), opts); err != nil || out.State != store.StateSealed || out.Done != 1 {
		t.Fatalf("a planner failing after its plan: %+v, %v", out, err)
	}
	if failed := slices.DeleteFunc(ev.find(EventPlanWritten, ""), func(e Event) bool { return !e.Failed }); len(failed) != 1 || !strings.Contains(failed[0].Message, "maximum context length") {
		t.Errorf("the planner's failure after its plan: %+v", failed)
	}
}

// TestAPlannerWhoseAPIFailsForAWhileIsAskedAgain: the fake API (a test double of the
// remote model) is overloaded (Anthropic's 529) for the planner's first call and its
// retry. The planner is asked again and the mission seals; overloaded for good, the
// planner is asked three times and the mission stops, resumable, with the outage as its
// reason rather than "the planner failed". Overloaded once the plan is written, the
// planner is not asked again: its plan runs.
func TestAPlannerWhoseAPIFailsForAWhileIsAskedAgain(t *testing.T) {
	var overloadedRequests atomic.Int32
	var overloaded, overloadedAfterThePlan atomic.Bool // every request; every one after write_plan
	srv := fakeapi.Anthropic(t, func(r fakeapi.Request) fakeapi.Reply {
		planner, afterCall := strings.Contains(r.Text(), "Workspace files"), strings.Contains(r.Text(), "tool_result")
		switch {
		case planner && (overloaded.Load() || afterCall && overloadedAfterThePlan.Load() || overloadedRequests.Add(-1) >= 0):
			return fakeapi.Reply{Status: 529, Header: map[string]string{"retry-after": "0"}, Body: `{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}`}
		case strings.Contains(r.Text(), "Files you may write"):
			return fakeapi.Reply{Calls: []fakeapi.Call{fakeWrite("a.txt", "a\n"), fakeFinish}}
		case planner && !afterCall:
			return fakeapi.Reply{Calls: []fakeapi.Call{{ID: "p", Name: "write_plan", Args: `{"markdown": "- [ ] T1: a | file:a.txt\n"}`}}}
		}
		return fakeapi.Reply{Calls: []fakeapi.Call{fakeFinish}}
	})
	modelOptions := fakeAPIOptions(srv)
	modelOptions.MaxRetries = 1
	overloadedRequests.Store(2) // a call and its retry
	var ev events
	opts := Options{Root: t.TempDir(), Objective: "a file", Model: "anthropic/fake", ModelOptions: modelOptions, OnEvent: ev.add}
	out, err := Run(context.Background(), opts)
	if err != nil || out.State != store.StateSealed || out.Done != 1 {
		t.Fatalf("outcome %+v, %v", out, err)
	}
	if again := ev.find(EventAPIRetry, ""); len(again) != 1 || !strings.HasPrefix(again[0].Message, "asked the planner again after: anthropic/fake: ") {
		t.Errorf("retry events %+v", again)
	}

	overloaded.Store(true)
	opts = Options{Root: t.TempDir(), Objective: "a file", Model: "anthropic/fake", ModelOptions: modelOptions}
	requestsBefore := len(srv.Requests())
	if out, err = Run(context.Background(), opts); err != nil || out.State != store.StateStopped || !strings.HasPrefix(out.Reason, ReasonUnavailable+": anthropic/fake: ") {
		t.Fatalf("overloaded for good: %+v, %v", out, err)
	}
	if n := len(srv.Requests()) - requestsBefore; n != 2*serverFailureLimit {
		t.Errorf("%d requests, want %d (three tries, each a call and its retry)", n, 2*serverFailureLimit)
	}
	overloaded.Store(false)
	opts.Resume = true
	if out, err = Run(context.Background(), opts); err != nil || out.State != store.StateSealed {
		t.Fatalf("resumed: %+v, %v", out, err)
	}

	overloadedAfterThePlan.Store(true)
	ev = events{}
	opts = Options{Root: t.TempDir(), Objective: "a file", Model: "anthropic/fake", ModelOptions: modelOptions, OnEvent: ev.add}
	if out, err = Run(context.Background(), opts); err != nil || out.State != store.StateSealed {
		t.Fatalf("overloaded after the plan: %+v, %v", out, err)
	}
	if plans := ev.find(EventPlanWritten, ""); len(plans) != 2 || plans[0].Failed || !plans[1].Failed || !strings.Contains(plans[1].Message, "which stands") || len(ev.find(EventAPIRetry, "")) != 0 {
		t.Errorf("plan events %+v, retries %+v", plans, ev.find(EventAPIRetry, ""))
	}
}

// TestAModelThatSendsNothingIsAskedAgain: a call whose server sends nothing for longer
// than its watchdog allows (limits.firstTokenSeconds before the first event, here from
// the configuration; 2 minutes between events, here less) is a server's failure, not the
// item's. The planner is asked again, a worker's run is interrupted and runs again, and
// silence that lasts stops the mission, resumable.
func TestAModelThatSendsNothingIsAskedAgain(t *testing.T) {
	silent := make(chan struct{})
	var silentPlans, stalledWorks atomic.Int32
	srv := fakeapi.OpenAI(t, func(r fakeapi.Request) fakeapi.Reply {
		planner, afterCall := strings.Contains(r.Text(), "Workspace files"), strings.Contains(r.Text(), `"role":"tool"`)
		switch {
		case planner && silentPlans.Add(-1) >= 0:
			<-silent
		case strings.Contains(r.Text(), "Files you may write") && stalledWorks.Add(-1) >= 0:
			return fakeapi.Reply{Text: "writing a.txt now", StallAfter: true}
		case strings.Contains(r.Text(), "Files you may write") && !afterCall:
			return fakeapi.Reply{Calls: []fakeapi.Call{fakeWrite("a.txt", "a\n"), fakeFinish}}
		case planner && !afterCall:
			return fakeapi.Reply{Calls: []fakeapi.Call{{ID: "p", Name: "write_plan", Args: `{"markdown": "- [ ] T1: a | file:a.txt\n"}`}}}
		}
		return fakeapi.Reply{Calls: []fakeapi.Call{fakeFinish}}
	})
	t.Cleanup(func() { close(silent) }) // before the server closes, which waits for its handlers
	modelOptions := fakeAPIOptions(srv)
	modelOptions.StallTimeout = 100 * time.Millisecond
	root := t.TempDir()
	writeFiles(t, root, map[string]string{".opencode/orchestrator.json": `{"limits": {"firstTokenSeconds": 1}}`})
	silentPlans.Store(1)
	stalledWorks.Store(1)
	var ev events
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // not the default's ten
	defer cancel()
	out, err := Run(ctx, Options{Root: root, Objective: "a file", Model: "openai/fake", ModelOptions: modelOptions, OnEvent: ev.add})
	if err != nil || out.State != store.StateSealed || len(out.Failures) != 0 {
		t.Fatalf("outcome %+v, %v", out, err)
	}
	if again := ev.find(EventAPIRetry, ""); len(again) != 1 || again[0].Message != "asked the planner again after: openai/fake: the model sent nothing in the 1s after the request (limits.firstTokenSeconds in .opencode/orchestrator.json waits longer)" {
		t.Errorf("retry events %+v", again)
	}
	if failed := ev.find(EventItemFailed, "T1"); len(failed) != 1 || failed[0].Message != "interrupted: openai/fake: the model's stream stalled: nothing for 100ms" {
		t.Errorf("T1's failures %+v", failed)
	}

	silentPlans.Store(serverFailureLimit)
	modelOptions.FirstTokenTimeout = 100 * time.Millisecond
	opts := Options{Root: t.TempDir(), Objective: "a file", Model: "openai/fake", ModelOptions: modelOptions}
	if out, err = Run(ctx, opts); err != nil || out.State != store.StateStopped || out.Reason != ReasonSilent+": openai/fake: the model sent nothing in the 100ms after the request (limits.firstTokenSeconds in .opencode/orchestrator.json waits longer)" {
		t.Fatalf("silent for good: %+v, %v", out, err)
	}
	opts.Resume = true
	if out, err = Run(ctx, opts); err != nil || out.State != store.StateSealed {
		t.Fatalf("resumed: %+v, %v", out, err)
	}
}

// TestAModelThatWritesItsToolCallsAsTextCompletesAMission: qwen2.5-coder served by
// Ollama writes its tool calls as JSON text (ollama/ollama#12174). The planner's and the
// worker's calls are heard as calls, and the mission seals.
func TestAModelThatWritesItsToolCallsAsTextCompletesAMission(t *testing.T) {
	srv := fakeapi.OpenAI(t, func(r fakeapi.Request) fakeapi.Reply {
		switch {
		case strings.Contains(r.Text(), `"role":"tool"`):
			return fakeapi.Reply{Text: `{"name": "finish", "arguments": {"summary": "done"}}`}
		case strings.Contains(r.Text(), "Workspace files"):
			return fakeapi.Reply{Text: `{"name": "write_plan", "arguments": {"markdown": "- [ ] T1: greet | file:hello.txt\n"}}`}
		}
		return fakeapi.Reply{Text: "<tool_call>\n" + `{"name": "write_file", "arguments": {"path": "hello.txt", "content": "hello\n"}}` + "\n</tool_call>"}
	})
	root := t.TempDir()
	out, err := Run(context.Background(), Options{Root: root, Objective: "greet", Model: "ollama/qwen2.5-coder:14b", ModelOptions: fakeAPIOptions(srv)})
	if err != nil || out.State != store.StateSealed || out.Done != 1 {
		t.Fatalf("outcome %+v, %v", out, err)
	}
	if got, err := os.ReadFile(filepath.Join(root, "hello.txt")); err != nil || string(got) != "hello\n" {
		t.Errorf("hello.txt: %q, %v", got, err)
	}
}

// TestASpentBudgetDoesNotSealWithoutTheModelReview: the worker's one call spends the
// token budget, and its work passes every deterministic check. The reviewer model the
// configuration names is not asked, so the mission stops on the budget instead of
// sealing without it; resumed with a larger budget, the reviewer judges and it seals.
func TestASpentBudgetDoesNotSealWithoutTheModelReview(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		".opencode/todo.md":           "- [ ] T1: a | file:a.txt\n",
		".opencode/orchestrator.json": `{"models": {"reviewer": "openai/reviewer"}, "limits": {"maxTokens": 1000}}`,
	})
	srv := fakeapi.OpenAI(t, func(r fakeapi.Request) fakeapi.Reply {
		calls := []fakeapi.Call{{ID: "f", Name: "finish", Args: `{"summary": "done"}`}}
		if r.Model == "fake" {
			calls = append([]fakeapi.Call{{ID: "w", Name: "write_file", Args: `{"path": "a.txt", "content": "a\n"}`}}, calls...)
		}
		return fakeapi.Reply{Calls: calls, InputTok: 1000, OutputTok: 500}
	})
	var ev events
	opts := Options{Root: root, Objective: "a file", Model: "openai/fake", OnEvent: ev.add,
		ModelOptions: fakeAPIOptions(srv)}
	out, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if out.State != store.StateStopped || out.Reason != ReasonTokens || out.Done != 1 || len(srv.Requests()) != 1 {
		t.Fatalf("outcome %+v after %d model calls, want the token budget's stop before the reviewer's", out, len(srv.Requests()))
	}
	if reviews := ev.find(EventModelReview, ""); len(reviews) != 1 || reviews[0].Message != "openai/reviewer did not finish: "+ReasonTokens {
		t.Errorf("model reviews %+v", reviews)
	}

	if err := os.WriteFile(filepath.Join(root, ".opencode/orchestrator.json"), []byte(`{"models": {"reviewer": "openai/reviewer"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	opts.Resume = true
	if out, err = Run(context.Background(), opts); err != nil || out.State != store.StateSealed {
		t.Fatalf("resumed without a budget: %+v, %v", out, err)
	}
	if reqs := srv.Requests(); len(reqs) != 2 || reqs[1].Model != "reviewer" {
		t.Errorf("the resumed mission's model calls: %d, want the reviewer's alone", len(reqs)-1)
	}
}

// TestPromptCacheReadsArePricedApart: the fake API (a test double of the remote model)
// reports 800 of a call's 1,000 input tokens as read from its prompt cache, and in
// Anthropic's wire format 100 more as written to it; each kind costs its configured
// price, and the report says how many there were.
func TestPromptCacheReadsArePricedApart(t *testing.T) {
	for _, c := range []struct {
		model  string
		server func(testing.TB, func(fakeapi.Request) fakeapi.Reply) *fakeapi.Server
		usage  store.TokenUsage
		cost   float64
		report string
	}{
		{"openai/fake", fakeapi.OpenAI, store.TokenUsage{Input: 1000, Output: 500, Cached: 800}, 0.78,
			"Tokens: 1500 (input 1000, 800 of it from the prompt cache, output 500)\n"},
		{"anthropic/fake", fakeapi.Anthropic, store.TokenUsage{Input: 1000, Output: 500, Cached: 800, CacheWrite: 100}, 0.805,
			"Tokens: 1500 (input 1000, 800 of it from the prompt cache, 100 written to it, output 500)\n"},
	} {
		t.Run(c.model, func(t *testing.T) {
			root := t.TempDir()
			writeFiles(t, root, map[string]string{
				".opencode/todo.md":           "- [ ] T1: a | file:a.txt\n",
				".opencode/orchestrator.json": fmt.Sprintf(`{"prices": {%q: {"input": 1000, "output": 1000, "cached": 100, "cache_write": 1250}}}`, c.model),
			})
			srv := c.server(t, func(r fakeapi.Request) fakeapi.Reply {
				return fakeapi.Reply{Calls: []fakeapi.Call{{ID: "w", Name: "write_file", Args: `{"path": "a.txt", "content": "a\n"}`}, {ID: "f", Name: "finish", Args: `{"summary": "ok"}`}},
					InputTok: 1000, OutputTok: 500, CachedTok: 800, WrittenTok: 100}
			})
			out, err := Run(context.Background(), Options{Root: root, Objective: "a file", Model: c.model,
				ModelOptions: fakeAPIOptions(srv)})
			if err != nil {
				t.Fatal(err)
			}
			if out.State != store.StateSealed || out.Tokens != c.usage || math.Abs(out.CostUSD-c.cost) > 1e-9 {
				t.Fatalf("outcome %+v", out)
			}
			var printed strings.Builder
			report(&printed, root, out)
			if !strings.Contains(printed.String(), c.report) {
				t.Errorf("report:\n%s", printed.String())
			}
		})
	}
}

// TestModelReviewerJudgesWhatTheChecksCannot: every deterministic check passes after the
// first iteration, but the reviewer model (models.reviewer, here the scripted provider)
// finds that Hello ignores the name the objective asks for; its issue becomes a FIX item,
// a worker fixes it, the second model review finds nothing, and the mission seals.
func TestModelReviewerJudgesWhatTheChecksCannot(t *testing.T) {
	root := t.TempDir()
	script := writeScript(t, t.TempDir(), model.Script{Turns: []model.ScriptTurn{
		{Role: "worker", Item: "T1", Calls: []model.ScriptCall{
			call("write_file", map[string]string{"path": "greet.go", "content": "package greet\n\nfunc Hello(name string) string { return \"hello\" }\n"}),
			call("finish", map[string]string{"summary": "wrote Hello"})}},
		{Role: "reviewer", Calls: []model.ScriptCall{
			call("report_issue", map[string]any{"severity": "error", "files": []string{"greet.go:3"}, "problem": "Hello ignores the name", "fix": "return \"hello, \" + name"}),
			call("finish", map[string]string{"summary": "one defect"})}},
		{Role: "worker", Calls: []model.ScriptCall{
			call("write_file", map[string]string{"path": "greet.go", "content": "package greet\n\nfunc Hello(name string) string { return \"hello, \" + name }\n"}),
			call("finish", map[string]string{"summary": "greets by name"})}},
		{Role: "reviewer", Calls: []model.ScriptCall{call("finish", map[string]string{"summary": "the work does what the objective asks"})}},
	}})
	writeFiles(t, root, map[string]string{
		"go.mod":                      "module example.com/greet\n\ngo 1.22\n",
		".opencode/todo.md":           "- [ ] T1: CREATE `greet.go` with Hello(name string) string | file:greet.go\n",
		".opencode/orchestrator.json": fmt.Sprintf(`{"models": {"reviewer": %q}}`, script),
	})
	var ev events
	out, err := Run(context.Background(), Options{Root: root, Objective: "Hello greets by name", Model: script, OnEvent: ev.add})
	if err != nil {
		t.Fatal(err)
	}
	if out.State != store.StateSealed || out.Iterations != 2 || out.Done != 2 {
		t.Fatalf("outcome %+v", out)
	}
	reviews := ev.find(EventModelReview, "")
	if len(reviews) != 2 || !reviews[0].Failed || reviews[1].Failed {
		t.Fatalf("model reviews %+v", reviews)
	}
	if want := (ModelReview{Verdict: script + ": 0 issues; the work does what the objective asks"}); out.ModelReview != want {
		t.Errorf("the outcome's model review %+v, want %+v", out.ModelReview, want)
	}
	todo, _ := os.ReadFile(filepath.Join(root, ".opencode/todo.md"))
	if !strings.Contains(string(todo), "- [x] T2: FIX SYNC-1 [model-review]: Hello ignores the name | file:greet.go") {
		t.Errorf("todo.md has no done FIX item for the reviewer's issue:\n%s", todo)
	}
	greet, _ := os.ReadFile(filepath.Join(root, "greet.go"))
	if !strings.Contains(string(greet), `"hello, " + name`) {
		t.Errorf("greet.go was not fixed:\n%s", greet)
	}
}

// TestAReviewerThatFailsIsNamedInTheReport: the configured reviewer model's API answers
// its every call with an error (the fake API, a test double of the remote model). The
// work passes every deterministic check, so the mission seals on that evidence, and the
// report says the reviewer's judgement is missing rather than let it pass as given.
func TestAReviewerThatFailsIsNamedInTheReport(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		".opencode/todo.md":           "- [ ] T1: a | file:a.txt\n",
		".opencode/orchestrator.json": `{"models": {"reviewer": "openai/reviewer"}}`,
	})
	srv := fakeapi.OpenAI(t, func(r fakeapi.Request) fakeapi.Reply {
		if r.Model == "reviewer" {
			return fakeapi.Reply{Status: http.StatusBadRequest, Body: `{"error": {"message": "context length exceeded", "type": "invalid_request_error"}}`}
		}
		return fakeapi.Reply{Calls: []fakeapi.Call{{ID: "w", Name: "write_file", Args: `{"path": "a.txt", "content": "a\n"}`}, {ID: "f", Name: "finish", Args: `{"summary": "done"}`}}}
	})
	out, err := Run(context.Background(), Options{Root: root, Objective: "a file", Model: "openai/fake", ModelOptions: fakeAPIOptions(srv)})
	if err != nil {
		t.Fatal(err)
	}
	if out.State != store.StateSealed || !out.ModelReview.Missing {
		t.Fatalf("outcome %+v", out)
	}
	var printed strings.Builder
	report(&printed, root, out)
	if !regexp.MustCompile(`\nModel review: openai/reviewer failed, its judgement left out: .*400 Bad Request.*context length exceeded\n`).MatchString(printed.String()) {
		t.Errorf("report:\n%s", printed.String())
	}
}

// TestAReviewerWhoseAPICannotServeItStopsTheMission: the configured reviewer model's API
// (the fake API, a test double of the remote model) refuses its key, has an outage or
// keeps answering with rate limits. The work passes every deterministic check, but the
// mission does not seal without the judgement it was configured to ask for: it stops,
// saying why (after asking the reviewer three times when the failure may pass), and a
// resume once the API serves asks the reviewer and seals. An overload that passes is
// only a reviewer asked again.
func TestAReviewerWhoseAPICannotServeItStopsTheMission(t *testing.T) {
	retryNow := map[string]string{"retry-after": "0"}
	refused := fakeapi.Reply{Status: http.StatusUnauthorized, Body: `{"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}}`}
	overloaded := fakeapi.Reply{Status: http.StatusServiceUnavailable, Header: retryNow, Body: `{"error": {"message": "The server is overloaded", "type": "server_error"}}`}
	limited := fakeapi.Reply{Status: http.StatusTooManyRequests, Header: retryNow, Body: `{"error": {"message": "Rate limit reached", "type": "requests", "code": "rate_limit_exceeded"}}`}
	for _, tc := range []struct {
		name    string
		answer  fakeapi.Reply
		failing int32  // reviewer requests answered so; -1: all until the resume
		reason  string // "": the mission seals at once
	}{
		{"a refused key", refused, -1, ReasonRefused},
		{"an outage", overloaded, -1, ReasonUnavailable},
		{"a rate limit", limited, -1, ReasonRateLimited},
		{"an overload that passes", overloaded, 2, ""}, // a call and its retry
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			writeFiles(t, root, map[string]string{
				".opencode/todo.md":           "- [ ] T1: a | file:a.txt\n",
				".opencode/orchestrator.json": `{"models": {"reviewer": "openai/reviewer"}}`,
			})
			var serves atomic.Bool
			var reviewerRequests atomic.Int32
			srv := fakeapi.OpenAI(t, func(r fakeapi.Request) fakeapi.Reply {
				switch {
				case r.Model != "reviewer":
					return fakeapi.Reply{Calls: []fakeapi.Call{fakeWrite("a.txt", "a\n"), fakeFinish}}
				case !serves.Load() && (tc.failing < 0 || reviewerRequests.Add(1) <= tc.failing):
					return tc.answer
				}
				return fakeapi.Reply{Calls: []fakeapi.Call{{ID: "f", Name: "finish", Args: `{"summary": "the work does what the objective asks"}`}}}
			})
			modelOptions := fakeAPIOptions(srv)
			modelOptions.MaxRetries = 1
			var ev events
			opts := Options{Root: root, Objective: "a file", Model: "openai/fake", ModelOptions: modelOptions, OnEvent: ev.add}
			out, err := Run(context.Background(), opts)
			if err != nil {
				t.Fatal(err)
			}
			const verdict = "openai/reviewer: 0 issues; the work does what the objective asks"
			if tc.reason == "" {
				if out.State != store.StateSealed || out.ModelReview.Verdict != verdict {
					t.Fatalf("outcome %+v", out)
				}
				if again := ev.find(EventAPIRetry, ""); len(again) != 1 || !strings.HasPrefix(again[0].Message, "asked the reviewer again after: openai/reviewer: ") {
					t.Errorf("retry events %+v", again)
				}
				return
			}
			if out.State != store.StateStopped || !strings.HasPrefix(out.Reason, tc.reason+": openai/reviewer: ") || out.Done != 1 || !out.ModelReview.Missing {
				t.Fatalf("outcome %+v", out)
			}

			serves.Store(true)
			opts.Resume = true
			if out, err = Run(context.Background(), opts); err != nil || out.State != store.StateSealed || out.ModelReview.Missing || out.ModelReview.Verdict != verdict {
				t.Fatalf("resumed: %+v, %v", out, err)
			}
		})
	}
}

// TestTheReportNamesWrittenFilesTheChecksCouldNotRead: a worker writes a minified bundle,
// which the static checks skip. The mission seals (nothing else is wrong), but the review
// event, the outcome and the final report say which file went unchecked and why, instead
// of letting it pass as clean.
func TestTheReportNamesWrittenFilesTheChecksCouldNotRead(t *testing.T) {
	root := t.TempDir()
	script := writeScript(t, t.TempDir(), model.Script{Turns: []model.ScriptTurn{
		{Role: "worker", Item: "T1", Calls: []model.ScriptCall{
			call("write_file", map[string]string{"path": "web/app.js", "content": "export function start() { return 1; }\n"}),
			call("write_file", map[string]string{"path": "web/app.min.js", "content": "export function start(){return 1}\n"}),
			call("finish", map[string]string{"summary": "wrote the app and its bundle"})}},
	}})
	writeFiles(t, root, map[string]string{".opencode/todo.md": "- [ ] T1: CREATE the app and its bundle | file:web/app.js,web/app.min.js\n"})
	var ev events
	out, err := Run(context.Background(), Options{Root: root, Objective: "an app", Model: script, OnEvent: ev.add})
	if err != nil {
		t.Fatal(err)
	}
	if out.State != store.StateSealed || len(out.Unchecked) != 1 || out.Unchecked["web/app.min.js"] != "minified" {
		t.Fatalf("outcome %+v", out)
	}
	reviews := ev.find(EventReview, "")
	if len(reviews) != 1 || !strings.HasSuffix(reviews[0].Message, "; not checked: web/app.min.js (minified)") {
		t.Errorf("review events %+v", reviews)
	}
	var printed strings.Builder
	report(&printed, root, out)
	if !strings.Contains(printed.String(), "\nNot checked: web/app.min.js (minified)\n") {
		t.Errorf("report:\n%s", printed.String())
	}
}

// TestAnItemsFileThatIsAFIFODoesNotHoldTheMissionUp: the item's file is a named pipe
// when the mission starts. Looking at it before the worker runs (for placeholders already
// there) does not wait for a writer; the worker's file replaces it and the mission seals.
func TestAnItemsFileThatIsAFIFODoesNotHoldTheMissionUp(t *testing.T) {
	root := t.TempDir()
	script := writeScript(t, t.TempDir(), model.Script{Turns: []model.ScriptTurn{
		{Role: "worker", Item: "T1", Calls: []model.ScriptCall{
			call("write_file", map[string]string{"path": "web/app.js", "content": "export function start() { return 1; }\n"}),
			call("finish", map[string]string{"summary": "wrote the app"})}},
	}})
	writeFiles(t, root, map[string]string{".opencode/todo.md": "- [ ] T1: CREATE the app | file:web/app.js\n", "web/README": "the app\n"})
	if err := syscall.Mkfifo(filepath.Join(root, "web/app.js"), 0o644); err != nil {
		t.Fatal(err)
	}
	type result struct {
		out Outcome
		err error
	}
	ended := make(chan result, 1)
	go func() {
		out, err := Run(context.Background(), Options{Root: root, Objective: "an app", Model: script})
		ended <- result{out, err}
	}()
	select {
	case r := <-ended:
		if r.err != nil || r.out.State != store.StateSealed {
			t.Fatalf("outcome %+v, %v", r.out, r.err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the mission waits on the FIFO")
	}
	if data, err := os.ReadFile(filepath.Join(root, "web/app.js")); err != nil || !strings.Contains(string(data), "start") {
		t.Errorf("web/app.js: %q, %v", data, err)
	}
}

// TestAPlanThatCannotRunIsRefusedBeforeAnyModelCall: duplicate ids, an unknown
// dependency, a cycle, and items without a file their worker could write, in a plan the
// user wrote, are theirs to fix (no worker may write todo.md), so the mission says where
// they are and does not start; once fixed, it runs. A blocked item waits as it is.
func TestAPlanThatCannotRunIsRefusedBeforeAnyModelCall(t *testing.T) {
	root := t.TempDir()
	broken := "- [ ] T1: CREATE a.txt | file:a.txt\n" +
		"- [ ] T1: CREATE b.txt | file:b.txt | depends:T9\n" +
		"- [ ] T2: CREATE c.txt | file:c.txt | depends:T3\n" +
		"- [ ] T3: CREATE d.txt | file:d.txt | depends:T2\n" +
		"- [ ] Write the docs\n" +
		"- [ ] Waiting for keys | status:blocked:no keys yet\n" +
		"- [ ] T4: CREATE e.txt | file:../e.txt,.git/hooks/pre-commit," + filepath.Join(root, "f.txt") + "\n" +
		"- [ ] T5: Write the cart package | file:cart/\n"
	writeFiles(t, root, map[string]string{".opencode/todo.md": broken, "cart/cart.go": "package cart\n"})
	script := writeScript(t, t.TempDir(), model.Script{Turns: []model.ScriptTurn{writesFile("", "a.txt", "a\n")}})
	_, err := Run(context.Background(), Options{Root: root, Objective: "four files", Model: script})
	var config ConfigError
	want := ".opencode/todo.md cannot be run as written; fix it (or empty it to have the planner write a new plan):\n" +
		"line 2: the id T1 is used twice\n" +
		"line 2: T1 depends on T9, which the plan does not have\n" +
		"line 3: dependency cycle: T2 -> T3 -> T2\n" +
		"line 5: Write the docs: names no file (| file:path)\n" +
		"line 7: T4: file cannot be written: ../e.txt is outside the workspace\n" +
		"line 7: T4: file cannot be written: .git/hooks/pre-commit is inside .git/, which tools may not write\n" +
		"line 7: T4: file " + filepath.Join(root, "f.txt") + " is not relative to the workspace root\n" +
		"line 8: T5: file cart/ is a directory; name the files the item writes (file:a.go,b.go)"
	if !errors.As(err, &config) || err.Error() != want {
		t.Fatalf("error %v, want the ConfigError\n%s", err, want)
	}
	if _, err := os.Stat(filepath.Join(root, ".opencode", store.StateFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused mission left a state behind: %v", err)
	}
	writeFiles(t, root, map[string]string{".opencode/todo.md": "- [ ] T1: CREATE a.txt | file:a.txt\n"})
	out, err := Run(context.Background(), Options{Root: root, Objective: "one file", Model: script})
	if err != nil || out.State != store.StateSealed {
		t.Fatalf("the fixed plan: %+v %v", out, err)
	}
}

// TestTheGateSendsWorkersBackUntilTheirFilesExistAndParse: after a worker calls finish,
// its item's files must exist and parse. The fake API (a test double of the remote model)
// plays six workers: T1 writes Go that does not parse, T2 stops without writing its
// file, T3 never writes it, T4 leaves its existing file as it is, T5 rewrites its file
// with "// ... existing code ..." in place of a function, T6 writes an abstract method
// that raises NotImplementedError. The first two hear what is wrong in their own session
// and put it right; T3 fails after two rounds of feedback instead of counting as done;
// T4 is asked once whether it meant to change nothing, and its second finish stands; T5
// is shown its placeholder and writes the whole file; T6 is too, and its second finish
// stands.
func TestTheGateSendsWorkersBackUntilTheirFilesExistAndParse(t *testing.T) {
	root := t.TempDir()
	const e = "package e\n\nfunc E() int { return 1 }\n\nfunc F() int { return 2 }\n"
	writeFiles(t, root, map[string]string{"d.txt": "d\n", "e.go": e,
		".opencode/todo.md": "- [ ] T1: CREATE a.go | file:a.go\n- [ ] T2: CREATE b.txt | file:b.txt\n- [ ] T3: CREATE c.txt | file:c.txt\n- [ ] T4: CHECK d.txt | file:d.txt\n" +
			"- [ ] T5: EDIT e.go | file:e.go\n- [ ] T6: CREATE the Shape base | file:f.py\n"})
	file := regexp.MustCompile(`Files you may write: (\w+\.\w+)`)
	srv := fakeapi.OpenAI(t, func(r fakeapi.Request) fakeapi.Reply {
		text := r.Text()
		m := file.FindStringSubmatch(text)
		if m == nil {
			return fakeapi.Reply{Text: "no task"}
		}
		told := strings.Contains(text, "do not exist") || strings.Contains(text, "do not parse") || strings.Contains(text, "without changing") ||
			strings.Contains(text, "placeholders where work belongs")
		switch {
		case m[1] == "a.go" && !told:
			return fakeapi.Reply{Calls: []fakeapi.Call{fakeWrite("a.go", "package a\n\nfunc A( {\n"), fakeFinish}}
		case m[1] == "a.go":
			return fakeapi.Reply{Calls: []fakeapi.Call{fakeWrite("a.go", "package a\n\nfunc A() {}\n"), fakeFinish}}
		case m[1] == "b.txt" && told:
			return fakeapi.Reply{Calls: []fakeapi.Call{fakeWrite("b.txt", "b\n"), fakeFinish}}
		case m[1] == "e.go" && !told: // a whole-file write that elides what it did not change
			return fakeapi.Reply{Calls: []fakeapi.Call{fakeWrite("e.go", "package e\n\nfunc E() int { return 10 }\n\n// ... existing code ...\n"), fakeFinish}}
		case m[1] == "e.go":
			return fakeapi.Reply{Calls: []fakeapi.Call{fakeWrite("e.go", strings.Replace(e, "return 1 ", "return 10 ", 1)), fakeFinish}}
		case m[1] == "f.py" && !told: // an abstract method: meant to stay
			return fakeapi.Reply{Calls: []fakeapi.Call{fakeWrite("f.py", "class Shape:\n    def area(self):\n        raise NotImplementedError\n"), fakeFinish}}
		}
		return fakeapi.Reply{Calls: []fakeapi.Call{fakeFinish}}
	})
	var ev events
	out, err := Run(context.Background(), Options{Root: root, Objective: "three files", Model: "openai/fake", MaxIterations: 1,
		ModelOptions: fakeAPIOptions(srv), OnEvent: ev.add})
	if err != nil {
		t.Fatal(err)
	}
	if out.State != store.StateStopped || out.Reason != ReasonMaxIterations || out.Done != 5 || out.Total != 6 {
		for _, e := range ev.all {
			t.Log(e.Kind, e.Item, e.Message)
		}
		t.Fatalf("outcome %+v", out)
	}
	gate := func(item string) []string {
		var msgs []string
		for _, e := range ev.find(EventLintGate, item) {
			msgs = append(msgs, e.Message)
		}
		return msgs
	}
	for item, want := range map[string][]string{
		"T1": {"1 syntax error (round 1)", "passed"},
		"T2": {"b.txt not written (round 1)", "passed"},
		"T3": {"c.txt not written (round 1)", "c.txt not written (round 2)", "c.txt not written (round 3)"},
		"T4": {"d.txt unchanged (round 1)", "passed"},
		"T5": {"1 placeholder (round 1)", "passed"},
		"T6": {"1 placeholder (round 1)", "passed"},
	} {
		if got := gate(item); strings.Join(got, "; ") != strings.Join(want, "; ") {
			t.Errorf("%s's gate: %q, want %q", item, got, want)
		}
	}
	if failed := ev.find(EventItemFailed, "T3"); len(failed) != 1 || failed[0].Message != "after 2 rounds of feedback: c.txt not written" {
		t.Errorf("T3's failure: %+v", failed)
	}
	var printed strings.Builder
	report(&printed, root, out)
	if !strings.Contains(printed.String(), "\nFailing items: 1\n  T3: after 2 rounds of feedback: c.txt not written\n") {
		t.Errorf("the report does not name the failing item:\n%s", printed.String())
	}
	var status, stderr strings.Builder
	if StatusCommand(context.Background(), []string{root}, nil, &status, &stderr) != 0 ||
		!strings.Contains(status.String(), "  pending     T3 CREATE c.txt\n              last run failed: after 2 rounds of feedback: c.txt not written\n  done        T4") ||
		strings.Count(status.String(), "last run failed") != 1 {
		t.Errorf("orchestrator status does not say why T3's last run failed (%s):\n%s", stderr.String(), status.String())
	}
	for _, told := range []string{
		"You called finish, but your item's files b.txt do not exist. Write them with write_file",
		"You called finish without changing your item's files d.txt. If the item needs a change there",
		"Your files hold placeholders where work belongs:\\n- e.go:5: // ... existing code ...\\nReplace them with the real code",
		"Your files hold placeholders where work belongs:\\n- f.py:3: raise NotImplementedError\\n",
	} {
		heard := 0
		for _, r := range srv.Requests() {
			if strings.Contains(r.Text(), told) {
				heard++
			}
		}
		if heard != 1 {
			t.Errorf("%q reached the model in %d requests, want 1", told, heard)
		}
	}
	todo, _ := os.ReadFile(filepath.Join(root, ".opencode/todo.md"))
	if string(todo) != "- [x] T1: CREATE a.go | file:a.go\n- [x] T2: CREATE b.txt | file:b.txt\n- [ ] T3: CREATE c.txt | file:c.txt\n- [x] T4: CHECK d.txt | file:d.txt\n"+
		"- [x] T5: EDIT e.go | file:e.go\n- [x] T6: CREATE the Shape base | file:f.py\n" {
		t.Errorf("todo.md:\n%s", todo)
	}
	if got, _ := os.ReadFile(filepath.Join(root, "e.go")); !strings.Contains(string(got), "func F() int { return 2 }") {
		t.Errorf("e.go lost F:\n%s", got)
	}
}

// TestAWorkerHearsWhichBuildErrorsAreAnotherWorkersWork: T2's worker has written b.go,
// which does not build yet, and is still at work when T1's worker runs go build. The
// build's output names b.go; T1's worker, which may not write it, is told that it is
// T2's, in progress, rather than left to chase it. The fake API (a test double of the
// remote model) orders the two sessions through channels.
func TestAWorkerHearsWhichBuildErrorsAreAnotherWorkersWork(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"go.mod":            "module example.com/m\n\ngo 1.22\n",
		".opencode/todo.md": "- [ ] T1: CREATE a.go | file:a.go\n- [ ] T2: CREATE b.go | file:b.go\n",
	})
	bWritten, buildSeen := make(chan struct{}), make(chan struct{})
	var heard atomic.Value
	srv := fakeapi.OpenAI(t, func(r fakeapi.Request) fakeapi.Reply {
		text := r.Text()
		switch {
		case strings.Contains(text, "Files you may write: b.go") && !strings.Contains(text, `"wb.go"`):
			return fakeapi.Reply{Calls: []fakeapi.Call{fakeWrite("b.go", "package m\n\nfunc B() int { return notYet }\n")}}
		case strings.Contains(text, "Files you may write: b.go"):
			close(bWritten)
			awaitSession(buildSeen)
			return fakeapi.Reply{Calls: []fakeapi.Call{fakeWrite("b.go", "package m\n\nfunc B() int { return 2 }\n"), fakeFinish}}
		case !strings.Contains(text, `"b"`):
			awaitSession(bWritten)
			return fakeapi.Reply{Calls: []fakeapi.Call{{ID: "b", Name: "run_command", Args: `{"command": "go build ./..."}`}}}
		default:
			heard.Store(text)
			close(buildSeen)
			return fakeapi.Reply{Calls: []fakeapi.Call{fakeWrite("a.go", "package m\n\nfunc A() int { return 1 }\n"), fakeFinish}}
		}
	})
	out, err := Run(context.Background(), Options{Root: root, Objective: "two files", Model: "openai/fake",
		ModelOptions: fakeAPIOptions(srv)})
	if err != nil {
		t.Fatal(err)
	}
	if out.State != store.StateSealed {
		t.Fatalf("outcome %+v", out)
	}
	text, _ := heard.Load().(string)
	if !strings.Contains(text, "notYet") || !strings.Contains(text, "(note: other workers are writing these files now: b.go (T2).") {
		t.Errorf("T1's worker heard: %s", text)
	}
}

// TestACommandCannotChangeAnotherWorkersFiles: T1's worker runs an allow-listed script
// while T2's worker is in the middle of its item. The script rewrites T1's own file, T2's
// b.txt, creates T2's e.txt before T2 has, and writes a file nobody owns. T2's files are
// put back (e.txt removed) and T1's worker is told; its own file and the unowned one keep
// the command's changes. The fake API (a test double of the remote model) orders the two
// sessions through channels.
func TestACommandCannotChangeAnotherWorkersFiles(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"fix.sh":                      "for f in a.txt b.txt e.txt free.txt; do echo 'the script was here' > $f; done\n",
		".opencode/todo.md":           "- [ ] T1: CREATE a.txt | file:a.txt\n- [ ] T2: CREATE b.txt and e.txt | file:b.txt | file:e.txt\n",
		".opencode/orchestrator.json": `{"approve": {"allow": ["sh fix.sh"]}}`,
	})
	bWritten, commandRan := make(chan struct{}), make(chan struct{})
	var heard atomic.Value
	srv := fakeapi.OpenAI(t, func(r fakeapi.Request) fakeapi.Reply {
		text := r.Text()
		switch {
		case strings.Contains(text, "Files you may write: b.txt") && !strings.Contains(text, `"wb.txt"`):
			return fakeapi.Reply{Calls: []fakeapi.Call{fakeWrite("b.txt", "T2's b\n")}}
		case strings.Contains(text, "Files you may write: b.txt"):
			close(bWritten)
			awaitSession(commandRan)
			return fakeapi.Reply{Calls: []fakeapi.Call{fakeWrite("e.txt", "T2's e\n"), fakeFinish}}
		case !strings.Contains(text, `"run"`):
			awaitSession(bWritten)
			return fakeapi.Reply{Calls: []fakeapi.Call{fakeWrite("a.txt", "T1's a\n"), {ID: "run", Name: "run_command", Args: `{"command": "sh fix.sh"}`}}}
		default:
			heard.Store(text)
			close(commandRan)
			return fakeapi.Reply{Calls: []fakeapi.Call{fakeFinish}}
		}
	})
	var ev events
	out, err := Run(context.Background(), Options{Root: root, Objective: "files", Model: "openai/fake",
		ModelOptions: fakeAPIOptions(srv), OnEvent: ev.add})
	if err != nil {
		t.Fatal(err)
	}
	if out.State != store.StateSealed {
		t.Fatalf("outcome %+v", out)
	}
	text, _ := heard.Load().(string)
	if !strings.Contains(text, "(note: the command also changed files other workers are writing now, and they were put back: b.txt (T2), e.txt (T2).") {
		t.Errorf("T1's worker heard: %s", text)
	}
	for file, want := range map[string]string{"a.txt": "the script was here\n", "b.txt": "T2's b\n", "e.txt": "T2's e\n", "free.txt": "the script was here\n"} {
		if got, err := os.ReadFile(filepath.Join(root, file)); err != nil || string(got) != want {
			t.Errorf("%s: %q (%v), want %q", file, got, err, want)
		}
	}
	if !slices.ContainsFunc(ev.find(EventCommand, "T1"), func(e Event) bool { return strings.Contains(e.Message, "put back") && e.Failed }) {
		t.Errorf("no event says what was put back: %+v", ev.find(EventCommand, ""))
	}
}

// TestItemsWrittenWithoutIDsGetThemAndRun: dispatch needs ids, so the controller gives
// the items of a hand-written plan that have none an id (DESIGN 4) before it dispatches;
// without that they would never run and the mission would stop on stagnation.
func TestItemsWrittenWithoutIDsGetThemAndRun(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{".opencode/todo.md": "# My plan\n\n- [ ] CREATE a.txt | file:a.txt\n- [ ] T1: CREATE b.txt | file:b.txt\n"})
	script := writeScript(t, t.TempDir(), model.Script{Turns: []model.ScriptTurn{writesFile("T1", "b.txt", "b\n"), writesFile("T2", "a.txt", "a\n")}})
	out, err := Run(context.Background(), Options{Root: root, Objective: "two files", Model: script})
	if err != nil || out.State != store.StateSealed || out.Iterations != 1 {
		t.Fatalf("outcome %+v, %v", out, err)
	}
	todo, _ := os.ReadFile(filepath.Join(root, ".opencode/todo.md"))
	if string(todo) != "# My plan\n\n- [x] T2: CREATE a.txt | file:a.txt\n- [x] T1: CREATE b.txt | file:b.txt\n" {
		t.Errorf("todo.md:\n%s", todo)
	}
}

// TestAnItemAddedWithoutAFileFailsWithoutAModelCall: the plan is checked when a mission
// starts; an item the user adds later without a file must not go to a worker that can
// write nothing and then count as done. It fails, and the report says why.
func TestAnItemAddedWithoutAFileFailsWithoutAModelCall(t *testing.T) {
	root := t.TempDir()
	todo := filepath.Join(root, ".opencode/todo.md")
	writeFiles(t, root, map[string]string{".opencode/todo.md": "- [ ] T1: CREATE a.txt | file:a.txt\n"})
	script := writeScript(t, t.TempDir(), model.Script{Turns: []model.ScriptTurn{writesFile("T1", "a.txt", "a\n"),
		{Role: "worker", Item: "T2", Calls: []model.ScriptCall{call("finish", map[string]string{"summary": "nothing to write"})}}}})
	var ev events
	onEvent := func(e Event) {
		ev.add(e)
		if e.Kind == EventItemDispatched && e.Item == "T1" { // the user adds an item while T1 runs
			data, _ := os.ReadFile(todo)
			if err := os.WriteFile(todo, append(data, "- [ ] Write the docs\n"...), 0o644); err != nil {
				t.Error(err)
			}
		}
	}
	out, err := Run(context.Background(), Options{Root: root, Objective: "a.txt", Model: script, MaxIterations: 2, OnEvent: onEvent})
	if err != nil {
		t.Fatal(err)
	}
	want := "T2: not run: names no file (| file:path); fix its line in todo.md"
	if out.State != store.StateStopped || out.Done != 1 || out.Total != 2 || strings.Join(out.Failures, "\n") != want {
		t.Fatalf("outcome %+v, want the failure %q", out, want)
	}
	if got, _ := os.ReadFile(todo); string(got) != "- [x] T1: CREATE a.txt | file:a.txt\n- [ ] T2: Write the docs\n" {
		t.Errorf("todo.md:\n%s", got)
	}
	if finished := ev.find(EventItemFinished, "T2"); len(finished) != 0 {
		t.Errorf("T2 finished: %+v", finished)
	}
}

// TestANewMissionRunsItemsLeftInProgress: the mission holds the workspace lock, so an
// item todo.md says is in progress (an abandoned mission, or a plan written that way) has
// nobody working on it; a new mission runs it instead of waiting for it forever.
func TestANewMissionRunsItemsLeftInProgress(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{".opencode/todo.md": "- [/] T1: CREATE a.txt | file:a.txt\n"})
	script := writeScript(t, t.TempDir(), model.Script{Turns: []model.ScriptTurn{writesFile("T1", "a.txt", "a\n")}})
	out, err := Run(context.Background(), Options{Root: root, Objective: "a.txt", Model: script})
	if err != nil || out.State != store.StateSealed || out.Iterations != 1 || out.Done != 1 {
		t.Fatalf("outcome %+v, %v", out, err)
	}
}

// TestCommandsTheMissionRunsDoNotSeeTheModelKeys: the commands a mission runs execute
// code the models wrote, and what they print reaches the models, the sync issues and
// the ledger. A test that prints its environment, and a worker that runs `env`, see the
// rest of it but not the API keys.
func TestCommandsTheMissionRunsDoNotSeeTheModelKeys(t *testing.T) {
	const openAIKey, anthropicKey = "sk-test-double-openai-0123456789", "sk-ant-test-double-9876543210"
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		".opencode/todo.md":           "- [ ] T1: CREATE a.txt | file:a.txt\n",
		".opencode/orchestrator.json": `{"commands": {"build": "true", "test": "echo \"openai=${OPENAI_API_KEY:-none} anthropic=${ANTHROPIC_API_KEY:-none} setting=$SHOP_SETTING\"; exit 1"}}`,
	})
	srv := fakeapi.OpenAI(t, func(r fakeapi.Request) fakeapi.Reply {
		if !strings.Contains(r.Text(), `"role":"tool"`) {
			return fakeapi.Reply{Calls: []fakeapi.Call{{ID: "env", Name: "run_command", Args: `{"command": "env"}`}}}
		}
		return fakeapi.Reply{Calls: []fakeapi.Call{
			{ID: "w", Name: "write_file", Args: `{"path": "a.txt", "content": "a\n"}`}, {ID: "f", Name: "finish", Args: `{"summary": "done"}`}}}
	})
	t.Setenv("OPENAI_API_KEY", openAIKey)
	t.Setenv("OPENAI_BASE_URL", srv.URL)
	t.Setenv("ANTHROPIC_API_KEY", anthropicKey)
	t.Setenv("SHOP_SETTING", "kept")
	out, err := Run(context.Background(), Options{Root: root, Objective: "a", Model: "openai/fake", MaxIterations: 1, Approver: FixedApprover(AllowOnce)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Issues) != 1 || !strings.HasSuffix(out.Issues[0].Problem, "failed with exit code 1: openai=none anthropic=none setting=kept") {
		t.Fatalf("the test command's sync issue: %+v", out.Issues)
	}
	ranEnv := false
	for _, r := range srv.Requests() {
		if strings.Contains(r.Text(), "SHOP_SETTING=kept") {
			ranEnv = true
		}
		if strings.Contains(r.Text(), openAIKey) || strings.Contains(r.Text(), anthropicKey) {
			t.Errorf("a key reached the model:\n%s", r.Text())
		}
	}
	if !ranEnv {
		t.Error("the worker's `env` did not reach the model")
	}
	for _, name := range []string{"mission-ledger.jsonl", "sync-issues.md", "work-log.md"} {
		data, err := os.ReadFile(filepath.Join(root, ".opencode", name))
		if err != nil || strings.Contains(string(data), openAIKey) || strings.Contains(string(data), anthropicKey) {
			t.Errorf("%s has a key (%v):\n%s", name, err, data)
		}
	}
}

// TestAMissionThatCreatesTheProjectChecksAndBuildsIt: the workspace starts empty and the
// workers write go.mod with the code. The review finds the module they made: the checks
// see the cross-file mistake and the build runs, where the mission used to seal with
// nothing built, its commands detected when there was no go.mod.
func TestAMissionThatCreatesTheProjectChecksAndBuildsIt(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{".opencode/todo.md": "- [ ] T1: CREATE go.mod | file:go.mod\n" +
		"- [ ] T2: CREATE cart/cart.go | file:cart/cart.go | depends:T1\n" +
		"- [ ] T3: CREATE main.go | file:main.go | depends:T2\n"})
	script := writeScript(t, t.TempDir(), model.Script{Turns: []model.ScriptTurn{
		writesFile("T1", "go.mod", "module example.com/shop\n\ngo 1.22\n"),
		writesFile("T2", "cart/cart.go", "package cart\n\nfunc Total(prices []int) int {\n\treturn len(prices)\n}\n"),
		writesFile("T3", "main.go", "package main\n\nimport \"example.com/shop/cart\"\n\nfunc main() { println(cart.Total([]int{1}, 2)) }\n"),
	}})
	out, err := Run(context.Background(), Options{Root: root, Objective: "a shop", Model: script, MaxIterations: 1})
	if err != nil {
		t.Fatal(err)
	}
	if out.State != store.StateStopped || out.Build.Command != "go build ./..." || !out.Build.Ran || out.Build.Passed {
		t.Fatalf("outcome %+v", out)
	}
	if len(out.Issues) != 1 || out.Issues[0].Rule != "arity-mismatch" || out.Issues[0].Files[0] != "main.go:5" {
		t.Errorf("issues %+v, want the checks' arity mismatch in main.go (the compiler's echo of it left out)", out.Issues)
	}
}

// TestAFileACommandMadeAFIFOOrADirectoryDoesNotStopTheMission: a worker writes its file,
// then its own approved command puts a FIFO or a directory in its place. The lint gate
// and the review read what the workers wrote: a FIFO must not hold them up (the worker
// hears that its file is not written, and writes it), and a directory ends the item with
// a reason the report gives, not the whole mission with a read error.
func TestAFileACommandMadeAFIFOOrADirectoryDoesNotStopTheMission(t *testing.T) {
	app := "export function start() { return 1; }\n"
	for _, replace := range []string{"mkfifo", "mkdir"} {
		t.Run(replace, func(t *testing.T) {
			root := t.TempDir()
			writeFiles(t, root, map[string]string{".opencode/todo.md": "- [ ] T1: CREATE the app | file:app.js\n"})
			script := writeScript(t, t.TempDir(), model.Script{Turns: []model.ScriptTurn{
				{Role: "worker", Item: "T1", Calls: []model.ScriptCall{
					call("write_file", map[string]string{"path": "app.js", "content": app}),
					call("run_command", map[string]string{"command": "rm app.js && " + replace + " app.js"}),
					call("finish", map[string]string{"summary": "wrote the app"})}},
				writesFile("T1", "app.js", app),
			}})
			type result struct {
				out Outcome
				err error
			}
			ended := make(chan result, 1)
			go func() {
				out, err := Run(context.Background(), Options{Root: root, Objective: "an app", Model: script, MaxIterations: 1, Approver: FixedApprover(AllowOnce)})
				ended <- result{out, err}
			}()
			var r result
			select {
			case r = <-ended:
			case <-time.After(time.Minute):
				t.Fatal("the mission waits on the FIFO")
			}
			if r.err != nil {
				t.Fatalf("the mission ended on an error: %v", r.err)
			}
			switch replace {
			case "mkfifo":
				if data, err := os.ReadFile(filepath.Join(root, "app.js")); r.out.State != store.StateSealed || err != nil || string(data) != app {
					t.Errorf("outcome %+v; app.js %q, %v", r.out, data, err)
				}
			case "mkdir":
				if r.out.State != store.StateStopped || len(r.out.Failures) != 1 || !strings.Contains(r.out.Failures[0], "app.js is a directory") {
					t.Errorf("outcome %+v", r.out)
				}
			}
		})
	}
}

// TestAPlannerThatFinishesWithoutAPlanHearsSoOnce: a planner whose plan write_plan refused
// (or that never called it) and that calls finish has stopped early; it is told so once,
// and a plan written then runs. One that still writes none stops the mission, saying why,
// without a third round.
func TestAPlannerThatFinishesWithoutAPlanHearsSoOnce(t *testing.T) {
	noItems := model.ScriptTurn{Role: "planner", Calls: []model.ScriptCall{
		call("write_plan", map[string]string{"markdown": "# Mission\n\nNothing to do, I think.\n"}),
		call("finish", map[string]string{"summary": "no plan"})}}
	plans := model.ScriptTurn{Role: "planner", Calls: []model.ScriptCall{
		call("write_plan", map[string]string{"markdown": "- [ ] T1: CREATE README.md | file:README.md\n"}),
		call("finish", map[string]string{"summary": "planned"})}}
	for name, c := range map[string]struct {
		turns []model.ScriptTurn
		state string
	}{
		"the second round plans": {[]model.ScriptTurn{noItems, plans, writesFile("T1", "README.md", "# Shop\n")}, store.StateSealed},
		"no round plans":         {[]model.ScriptTurn{noItems, noItems, plans, writesFile("T1", "README.md", "# Shop\n")}, store.StateStopped},
	} {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			var ev events
			out, err := Run(context.Background(), Options{Root: root, Objective: "a README", Model: writeScript(t, t.TempDir(), model.Script{Turns: c.turns}), OnEvent: ev.add})
			if err != nil || out.State != c.state {
				t.Fatalf("outcome %+v, %v", out, err)
			}
			if c.state == store.StateStopped && out.Reason != ReasonNoPlan {
				t.Errorf("stopped because %q", out.Reason)
			}
			finishes := 0
			for _, e := range ev.find(EventToolCall, "") {
				if e.Role == "planner" && strings.HasPrefix(e.Message, "finish") {
					finishes++
				}
			}
			if finishes != 2 {
				t.Errorf("the planner called finish %d times, want 2 (one push back)", finishes)
			}
		})
	}
}

package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/opencode-orchestrator/orchestrator/orchestrator"
)

// begun waits for a progress whose title starts with title and returns its token and
// begin.
func (e *editor) begun(t *testing.T, title string) (string, progressEvent) {
	t.Helper()
	var token string
	var begin progressEvent
	e.await(t, "a progress titled "+title, func() bool {
		for tok, events := range e.reports {
			if len(events) > 0 && events[0].Kind == "begin" && strings.HasPrefix(events[0].Title, title) {
				token, begin = tok, events[0]
				return true
			}
		}
		return false
	})
	return token, begin
}

// cancelProgress is the client's cancel button on a progress.
func (e *editor) cancelProgress(t *testing.T, token string) {
	t.Helper()
	if err := e.server.WorkDoneProgressCancel(e.ctx(), &protocol.WorkDoneProgressCancelParams{Token: protocol.String(token)}); err != nil {
		t.Fatal(err)
	}
}

// awaitProgressEnd waits for the end of token's progress and returns its message.
func (e *editor) awaitProgressEnd(t *testing.T, token string) string {
	t.Helper()
	var message string
	e.await(t, "the end of progress "+token, func() bool {
		events := e.reports[token]
		if len(events) == 0 || events[len(events)-1].Kind != "end" {
			return false
		}
		message = events[len(events)-1].Message
		return true
	})
	return message
}

// TestCancellingTheMissionsProgressStopsIt: the mission's progress is cancellable (the
// workspace's indexing is not), and the cancel button clients such as coc.nvim show on
// it stops the mission as ■ Stop does: here while it waits for the user's approval. The
// mission can be resumed, its item is pending again.
func TestCancellingTheMissionsProgressStopsIt(t *testing.T) {
	e := startEditor(t, t.TempDir(), editorOptions{})
	_, indexing := e.begun(t, "Checking the workspace")
	if indexing.Cancellable {
		t.Error("the indexing's progress is cancellable")
	}
	e.mustExecute(cmdTaskStart, map[string]string{"objective": "Write notes", "model": approvalScript(t)})
	token, mission := e.begun(t, "Orchestrator: Write notes")
	if !mission.Cancellable {
		t.Error("the mission's progress is not cancellable")
	}
	e.await(t, "the approval request", func() bool { return len(e.asked) > 0 })

	e.cancelProgress(t, token)
	if end := e.awaitProgressEnd(t, token); !strings.HasPrefix(end, "Mission stopped (0/1 done). ⟳ Resume continues it.") {
		t.Errorf("the progress ended with %q", end)
	}
	e.awaitMessage(t, "Mission stopped (0/1 done)")
	var st hostStatus
	if err := json.Unmarshal(e.mustExecute(cmdTaskStatus), &st); err != nil || st.State != "stopped" || st.StopReason != "interrupted" || st.InProgress != 0 || st.Running != "" {
		t.Errorf("after the cancel: %+v %v", st, err)
	}
	e.cancelProgress(t, token) // ended: nothing to cancel
	e.shutdown()
}

// TestAProgressSaysNothingAfterItsEnd: a mission's progress is reported on by every
// read of its state, and a read may race the mission's end. A report after the end makes
// the editor show a progress that never ends, so none is sent, however they interleave.
func TestAProgressSaysNothingAfterItsEnd(t *testing.T) {
	s := newSession(t, Options{}, nil)
	s.initializeWithProgress(t.TempDir())
	ctx := s.ctx()
	p := s.srv.startProgress(ctx, "Orchestrator: a long job", true, func() {})
	var reporters sync.WaitGroup
	for r := range 8 {
		reporters.Go(func() {
			for step := range 50 {
				p.report(ctx, step, 100, fmt.Sprintf("reporter %d, step %d", r, step))
				p.milestone(ctx, fmt.Sprintf("reporter %d, milestone %d", r, step))
			}
		})
	}
	s.client.await(t, "the reporters to be under way", func() bool { return len(s.client.reports[fmt.Sprint(p.token)]) > 40 })
	p.end(ctx, "finished")
	reporters.Wait()
	p.report(ctx, 100, 100, "late")
	p.milestone(ctx, "late")
	p.end(ctx, "ended again")

	// Notifications arrive in the order they were sent: after this one, nothing more of
	// the progress can come.
	s.srv.showMessage(protocol.MessageTypeInfo, "the job is over")
	s.client.awaitMessage(t, "the job is over")
	s.client.mu.Lock()
	events := slices.Clone(s.client.reports[fmt.Sprint(p.token)])
	s.client.mu.Unlock()
	last := events[len(events)-1]
	if last.Kind != "end" || last.Message != "finished" {
		t.Errorf("the progress's last value is %+v", last)
	}
	if ends := slices.IndexFunc(events, func(e progressEvent) bool { return e.Kind == "end" }); ends != len(events)-1 {
		t.Errorf("%d values follow the first end", len(events)-1-ends)
	}
}

// TestCancellingTheReviewsProgressStopsIt: a review waits for the project's tests; the
// cancel button on its progress kills them and the review answers that it stopped.
func TestCancellingTheReviewsProgressStopsIt(t *testing.T) {
	e := startEditor(t, workspaceWithCommands(t, "true", "sleep 600"), editorOptions{})
	answered := make(chan error, 1)
	go func() {
		_, err := e.execute(cmdReview)
		answered <- err
	}()
	token, review := e.begun(t, "Orchestrator: review")
	if !review.Cancellable {
		t.Error("the review's progress is not cancellable")
	}
	e.await(t, "the tests to start", func() bool {
		for _, ev := range e.reports[token] {
			if ev.Message == "running sleep 600" {
				return true
			}
		}
		return false
	})

	e.cancelProgress(t, token)
	if end := e.awaitProgressEnd(t, token); end != "stopped" {
		t.Errorf("the progress ended with %q", end)
	}
	var rpcErr *jsonrpc2.Error
	if err := <-answered; !errors.As(err, &rpcErr) || rpcErr.Code != protocol.ErrRequestCancelled.Code {
		t.Errorf("the review answered %v, want RequestCancelled", err)
	}
	e.shutdown()
}

// TestAReviewSaysWhichCommandCannotRun: the project's test runner is not installed; the
// review says so rather than that the tests failed.
func TestAReviewSaysWhichCommandCannotRun(t *testing.T) {
	e := startEditor(t, workspaceWithCommands(t, "true", "missing-test-runner"), editorOptions{})
	result, err := e.execute(cmdReview)
	var review struct{ Test orchestrator.CommandStatus }
	if err != nil || json.Unmarshal(result, &review) != nil || review.Test.CannotRun != "`missing-test-runner` is not installed here (or not on the PATH)" {
		t.Errorf("review: %s, %v", result, err)
	}
	e.awaitMessage(t, "build passed, tests cannot run: `missing-test-runner` is not installed here (or not on the PATH).")
	e.shutdown()
}

// TestAReviewPublishesAFindingInAFIFO: the build's error names a FIFO; its diagnostic is
// published without waiting for a writer to the pipe.
func TestAReviewPublishesAFindingInAFIFO(t *testing.T) {
	root := workspaceWithCommands(t, "echo 'pipe.ts:1:2: error: nothing writes here'; exit 1", "true")
	if err := syscall.Mkfifo(filepath.Join(root, "pipe.ts"), 0o644); err != nil {
		t.Fatal(err)
	}
	e := startEditor(t, root, editorOptions{})
	if _, err := e.execute(cmdReview); err != nil {
		t.Fatal(err)
	}
	e.awaitDiagnostics(t, uri.File(filepath.Join(root, "pipe.ts")), "the build error", func(ds []protocol.Diagnostic) bool {
		return len(ds) == 1 && ds[0].Message == protocol.String("nothing writes here")
	})
	e.shutdown()
}

// TestAReviewShowsADefectOnce: the compiler's error on a line where the checks already
// have a finding is not shown beside it; its error on another line is.
func TestAReviewShowsADefectOnce(t *testing.T) {
	root := writeWorkspace(t, map[string]string{
		".opencode/orchestrator.json": `{"commands": {"build": "go build ./...", "test": "true"}}`,
		"go.mod":                      "module example.com/b\n\ngo 1.22\n",
		"main.go":                     "package main\n\nfunc add(a, b int) int { return a + b }\n\nfunc main() {\n\tprintln(add(1, 2, 3))\n\tvar unused int\n}\n",
	})
	e := startEditor(t, root, editorOptions{})
	if _, err := e.execute(cmdReview); err != nil {
		t.Fatal(err)
	}
	ds := e.awaitDiagnostics(t, uri.File(filepath.Join(root, "main.go")), "the build error on line 7", func(ds []protocol.Diagnostic) bool {
		return slices.ContainsFunc(ds, func(d protocol.Diagnostic) bool { return d.Range.Start.Line == 6 })
	})
	for _, d := range ds {
		if d.Range.Start.Line == 5 && d.Code != protocol.String("arity-mismatch") {
			t.Errorf("line 6 has the compiler's echo of the arity finding: %+v", ds)
		}
	}
	e.shutdown()
}

// TestATestFailureWithoutAColumnMarksItsLine: go test says the line of a failing check
// alone; the editor marks the line's statement, not the tabs before it.
func TestATestFailureWithoutAColumnMarksItsLine(t *testing.T) {
	root := writeWorkspace(t, map[string]string{
		".opencode/orchestrator.json": `{"commands": {"build": "go vet ./...", "test": "go test ./..."}}`,
		"go.mod":                      "module example.com/b\n\ngo 1.22\n",
		"sum_test.go":                 "package b\n\nimport \"testing\"\n\nfunc TestSum(t *testing.T) {\n\tif got := 1 + 1; got != 3 {\n\t\tt.Errorf(\"got %d, want 3\", got) \n\t}\n}\n",
	})
	e := startEditor(t, root, editorOptions{})
	if _, err := e.execute(cmdReview); err != nil {
		t.Fatal(err)
	}
	ds := e.awaitDiagnostics(t, uri.File(filepath.Join(root, "sum_test.go")), "the test failure", func(ds []protocol.Diagnostic) bool { return len(ds) > 0 })
	want := protocol.Range{Start: protocol.Position{Line: 6, Character: 2}, End: protocol.Position{Line: 6, Character: 33}}
	if len(ds) != 1 || ds[0].Range != want {
		t.Errorf("want the failure over `t.Errorf(...)`, %+v: %+v", want, ds)
	}
	e.shutdown()
}

// workspaceWithCommands is a workspace whose configuration sets its build and test commands.
func workspaceWithCommands(t *testing.T, build, test string) string {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, ".opencode"), 0o755); err != nil {
		t.Fatal(err)
	}
	config, _ := json.Marshal(map[string]any{"commands": map[string]string{"build": build, "test": test}})
	if err := os.WriteFile(filepath.Join(root, ".opencode", "orchestrator.json"), config, 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

package server

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/store"
)

// TestASecondServerIsReadOnly: a second server on a workspace whose lock the first holds
// shows the mission but changes nothing, and says so; once the first exits, it takes over.
func TestASecondServerIsReadOnly(t *testing.T) {
	root := writeWorkspace(t, map[string]string{".opencode/todo.md": "# Plan\n\n- [ ] T1: first | file:a.txt\n"})
	first := startEditor(t, root, editorOptions{})
	first.awaitStatus(t, "the plan", func(st hostStatus) bool { return st.Total == 1 && !st.ReadOnly })

	second := startEditor(t, root, editorOptions{})
	second.awaitMessage(t, "Orchestrator is read-only in this window")
	st := second.awaitStatus(t, "read-only", func(st hostStatus) bool { return st.ReadOnly })
	if st.OwnerPID != first.pid {
		t.Errorf("owner pid %d, want %d", st.OwnerPID, first.pid)
	}
	if got := second.lenses()[0][0]; got != "read-only: pid "+itoa(first.pid)+" runs the missions" {
		t.Errorf("header lens of the read-only server: %q", got)
	}
	for _, c := range []struct {
		command string
		args    any
	}{{cmdTaskStart, map[string]string{"objective": "x"}}, {cmdTodoSetStatus, map[string]string{"id": "T1", "status": "done"}}, {cmdTodoRun, map[string]string{"id": "T1"}}} {
		if _, err := second.execute(c.command, c.args); err == nil || !strings.Contains(err.Error(), "read-only") {
			t.Errorf("%s on the read-only server: %v", c.command, err)
		}
	}
	second.mustExecute(cmdTaskStatus)

	first.shutdown()
	second.mustExecute(cmdTodoSetStatus, map[string]string{"id": "T1", "status": "done"})
	if todo, _ := os.ReadFile(filepath.Join(root, ".opencode/todo.md")); !strings.Contains(string(todo), "- [x] T1: first") {
		t.Errorf("todo.md after setStatus:\n%s", todo)
	}
	second.awaitStatus(t, "no longer read-only", func(st hostStatus) bool { return !st.ReadOnly && st.Done == 1 })
	second.shutdown()
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// applyEdits applies text edits (UTF-16 positions) to a text.
func applyEdits(t *testing.T, text string, edits []protocol.TextEdit) string {
	t.Helper()
	slices.SortFunc(edits, func(a, b protocol.TextEdit) int { return int(b.Range.Start.Line) - int(a.Range.Start.Line) })
	for _, e := range edits {
		lines := newLineIndex(text)
		start, end := lines.offset(e.Range.Start, protocol.PositionEncodingKindUTF16), lines.offset(e.Range.End, protocol.PositionEncodingKindUTF16)
		text = text[:start] + e.NewText + text[end:]
	}
	return text
}

// codeActions returns the actions offered at a line, by title.
func (e *editor) codeActions(u uri.URI, line uint32, diagnostics ...protocol.Diagnostic) map[string]*protocol.CodeAction {
	e.t.Helper()
	actions, err := e.server.CodeAction(e.ctx(), &protocol.CodeActionParams{TextDocument: protocol.TextDocumentIdentifier{URI: u},
		Range: protocol.Range{Start: protocol.Position{Line: line}, End: protocol.Position{Line: line}}, Context: protocol.CodeActionContext{Diagnostics: diagnostics}})
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]*protocol.CodeAction{}
	for _, a := range actions {
		action := a.(*protocol.CodeAction)
		out[action.Title] = action
	}
	return out
}

// TestCodeActionsGiveTheExpectedEdits: marking an item, adding a sync issue's FIX task
// (todo.md not open) and the import quick fix are edits that, applied, give the expected
// files; running an item and dispatching a fix are commands.
func TestCodeActionsGiveTheExpectedEdits(t *testing.T) {
	todo := "# Plan\n\n- [ ] T1: cart module | file:web/cart.ts\n- [ ] T2: app — uses the cart | file:web/app.ts | depends:T1\n"
	issues := store.RenderIssues([]store.Issue{{ID: "SYNC-1", Severity: "error", Rule: "missing-export", Files: []string{"web/app.ts:1", "web/cart.ts"},
		Problem: "\"./cart\" has no export `total`", Fix: "define and export the name in web/cart.ts, or use a name it does export"}})
	root := writeWorkspace(t, map[string]string{
		".opencode/todo.md":        todo,
		".opencode/sync-issues.md": string(issues),
		"web/app.ts":               "import { total } from './cart';\n\nconsole.log(total([1]));\n",
		"web/cart.ts":              "export const items: number[] = [];\n",
		"web/lib/sum.ts":           "export function total(xs: number[]) { return xs.length }\n",
	})
	e := startEditor(t, root, editorOptions{})
	todoURI, appURI := e.todoURI(), uri.File(filepath.Join(root, "web/app.ts"))

	// On T2 (waiting for T1): mark done or cancelled, not run.
	actions := e.codeActions(todoURI, 3)
	if _, ok := actions["Run T2"]; ok || actions["Mark T2 pending"] != nil {
		t.Errorf("actions on T2: %v", slices.Collect(maps.Keys(actions)))
	}
	done := actions["Mark T2 done"]
	if done == nil {
		t.Fatalf("no Mark T2 done among %v", slices.Collect(maps.Keys(actions)))
	}
	if got := applyEdits(t, todo, done.Edit.Changes[todoURI]); got != strings.Replace(todo, "- [ ] T2", "- [x] T2", 1) {
		t.Errorf("Mark T2 done gives:\n%s", got)
	}
	if run := e.codeActions(todoURI, 2)["Run T1"]; run == nil || run.Command.Command != cmdTodoRun || string(run.Command.Arguments[0]) != `{"id":"T1"}` {
		t.Errorf("Run T1: %+v", run)
	}

	// The sync issue shows in app.ts, merged with the live finding it still is.
	ds := e.awaitDiagnostics(t, appURI, "the sync issue", func(ds []protocol.Diagnostic) bool {
		return len(ds) == 1 && strings.HasSuffix(string(ds[0].Message.(protocol.String)), "[SYNC-1]")
	})
	actions = e.codeActions(appURI, 0, ds[0])
	add := actions["Add FIX task for SYNC-1 to todo.md"]
	if add == nil {
		t.Fatalf("no FIX task action among %v", slices.Collect(maps.Keys(actions)))
	}
	want := todo + "- [ ] T3: FIX SYNC-1 [missing-export]: \"./cart\" has no export `total` | file:web/app.ts,web/cart.ts | issue:SYNC-1\n"
	if got := applyEdits(t, todo, add.Edit.Changes[todoURI]); got != want {
		t.Errorf("Add FIX task gives:\n%s\nwant:\n%s", got, want)
	}
	if fix := actions["Dispatch a worker to fix SYNC-1"]; fix == nil || fix.Command.Command != cmdSyncFix {
		t.Errorf("dispatch action: %+v", fix)
	}
	imp := actions["Import from ./lib/sum (sum.ts has the names)"]
	if imp == nil {
		t.Fatalf("no import quick fix among %v", slices.Collect(maps.Keys(actions)))
	}
	app, _ := os.ReadFile(appURI.FsPath())
	if got := applyEdits(t, string(app), imp.Edit.Changes[appURI]); !strings.HasPrefix(got, "import { total } from './lib/sum';\n") {
		t.Errorf("the import quick fix gives:\n%s", got)
	}
	// A client that asks for quick fixes only gets no item actions.
	only, err := e.server.CodeAction(e.ctx(), &protocol.CodeActionParams{TextDocument: protocol.TextDocumentIdentifier{URI: todoURI},
		Range: protocol.Range{Start: protocol.Position{Line: 3}}, Context: protocol.CodeActionContext{Only: []protocol.CodeActionKind{protocol.CodeActionKindQuickFix}}})
	if err != nil || len(only) != 0 {
		t.Errorf("quick fixes on a todo item: %v %v", only, err)
	}
	e.shutdown()
}

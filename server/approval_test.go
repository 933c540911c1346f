package server

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/model"
)

// approvalScript is a scripted model whose worker runs a command that is not on the
// allow list before it writes its file.
func approvalScript(t *testing.T) string {
	t.Helper()
	call := func(tool string, args any) model.ScriptCall {
		raw, _ := json.Marshal(args)
		return model.ScriptCall{Tool: tool, Args: raw}
	}
	script := model.Script{Turns: []model.ScriptTurn{
		{Role: "planner", Calls: []model.ScriptCall{
			call("write_plan", map[string]string{"markdown": "# Notes\n\n- [ ] T1: WRITE notes.txt | file:notes.txt\n"}),
			call("finish", map[string]string{"summary": "planned"})}},
		{Role: "worker", Item: "T1", Calls: []model.ScriptCall{call("run_command", map[string]string{"command": "printf hello"})}},
		{Role: "worker", Item: "T1", Calls: []model.ScriptCall{
			call("write_file", map[string]string{"path": "notes.txt", "content": "notes\n"}),
			call("finish", map[string]string{"summary": "wrote notes.txt"})}},
	}}
	data, _ := json.Marshal(script)
	path := filepath.Join(t.TempDir(), "script.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return "scripted/" + path
}

// TestApprovalsAskTheUser: a command off the allow list is put to the user with
// window/showMessageRequest; the answer, no answer in time, or a client that cannot ask
// decide, and the ledger records the decision and who made it.
func TestApprovalsAskTheUser(t *testing.T) {
	answer := func(title string) func(protocol.ShowMessageRequestParams) *protocol.MessageActionItem {
		return func(protocol.ShowMessageRequestParams) *protocol.MessageActionItem {
			return &protocol.MessageActionItem{Title: title}
		}
	}
	cases := []struct {
		name    string
		opts    editorOptions
		changed map[string]any // the settings workspace/didChangeConfiguration gives before the mission
		ledger  string
		asked   bool
	}{
		{"allowed once", editorOptions{answer: answer(allowOnce)}, nil, "allowed (by the user): printf hello", true},
		{"always allowed", editorOptions{answer: answer(allowAlways)}, nil, "allowed for the mission (by the user): printf hello", true},
		{"denied", editorOptions{answer: answer(deny)}, nil, "denied (by the user): printf hello", true},
		{"no answer in time", editorOptions{settings: map[string]any{"approvalTimeoutSeconds": 0.2}}, nil, "denied (no answer from the editor within 200ms): printf hello", true},
		{"no answer in the time set since", editorOptions{}, map[string]any{"approvalTimeoutSeconds": 0.3}, "denied (no answer from the editor within 300ms): printf hello", true},
		{"a client that cannot ask", editorOptions{noMessageRequests: true, noProgress: true}, nil, "denied (the editor cannot ask the user (no window/showMessageRequest support)): printf hello", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			e := startEditor(t, root, c.opts)
			if c.changed != nil {
				e.changeSettings(c.changed)
			}
			e.mustExecute(cmdTaskStart, map[string]string{"objective": "Write notes", "model": approvalScript(t)})
			e.awaitMessage(t, "Mission sealed: 1/1 done")
			ledger, _ := os.ReadFile(filepath.Join(root, ".opencode", "mission-ledger.jsonl"))
			if !strings.Contains(string(ledger), c.ledger) {
				t.Errorf("the ledger lacks %q:\n%s", c.ledger, ledger)
			}
			e.mu.Lock()
			asked := e.asked
			e.mu.Unlock()
			if c.asked != (len(asked) == 1) {
				t.Fatalf("asked %d times, want asked=%v", len(asked), c.asked)
			}
			if c.asked {
				var titles []string
				for _, a := range asked[0].Actions {
					titles = append(titles, a.Title)
				}
				if strings.Join(titles, "|") != "Allow once|Always allow for this mission|Deny" || !strings.Contains(asked[0].Message, "printf hello") {
					t.Errorf("the question: %+v", asked[0])
				}
			}
			if c.opts.noProgress {
				// Without work-done progress, the milestones come as messages.
				e.awaitMessage(t, "Orchestrator: Write notes")
				e.awaitMessage(t, "Orchestrator: the plan is written, 1 item")
				e.awaitMessage(t, "Orchestrator: iteration 1")
				e.mu.Lock()
				if len(e.reports) > 0 {
					t.Errorf("progress sent to a client without support: %v", e.reports)
				}
				e.mu.Unlock()
			}
			e.shutdown()
		})
	}
}

package orchestrator

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/model"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/store"
)

// The work log takes the ledger's earlier missions from a read in the background and the
// running mission's entries as they are emitted: after a second mission in a workspace it
// is what rendering the whole ledger gives, both missions in order.
func TestWorkLogOfASecondMissionIsTheWholeLedgers(t *testing.T) {
	root := t.TempDir()
	const todo = ".opencode/todo.md"
	var turns []model.ScriptTurn
	for _, id := range []string{"T1", "T2", "T3"} {
		turns = append(turns, model.ScriptTurn{Role: "worker", Item: id, Calls: []model.ScriptCall{
			call("write_file", map[string]string{"path": strings.ToLower(id) + ".txt", "content": id + "\n"}),
			call("finish", map[string]string{"summary": "wrote " + id})}})
	}
	script := writeScript(t, t.TempDir(), model.Script{Turns: turns})

	writeFiles(t, root, map[string]string{todo: "- [ ] T1: first | file:t1.txt\n- [ ] T2: second | file:t2.txt\n"})
	if out, err := Run(context.Background(), Options{Root: root, Objective: "the first", Model: script}); err != nil || out.State != store.StateSealed {
		t.Fatalf("first mission: %+v %v", out, err)
	}
	plan, _ := os.ReadFile(filepath.Join(root, todo))
	writeFiles(t, root, map[string]string{todo: string(plan) + "- [ ] T3: third | file:t3.txt\n"})
	if out, err := Run(context.Background(), Options{Root: root, Objective: "the second", Model: script}); err != nil || out.State != store.StateSealed {
		t.Fatalf("second mission: %+v %v", out, err)
	}

	got, err := os.ReadFile(filepath.Join(root, ".opencode/work-log.md"))
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(root)
	size, _ := st.LedgerSize()
	whole := startWorkLog(st, size)
	<-whole.ready
	want := "# Work Log\n\nGenerated from mission-ledger.jsonl; edits are overwritten.\n" + strings.Join(whole.earlier, "\n") + "\n"
	if whole.err != nil || string(got) != want {
		t.Fatalf("work-log.md:\n%s\nthe whole ledger rendered (%v):\n%s", got, whole.err, want)
	}
	first, second := strings.Index(want, "## Mission: the first"), strings.Index(want, "## Mission: the second")
	if first < 0 || second < first || !strings.Contains(want[second:], "item_finished T3: wrote T3 (t3.txt)") || strings.Contains(want[second:], "item_dispatched T1") {
		t.Errorf("the missions' entries:\n%s", want)
	}
}

package orchestrator

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/store"
)

// copyDir copies a testdata workspace into a fresh directory.
func copyDir(t *testing.T, from string) string {
	t.Helper()
	to := t.TempDir()
	err := filepath.Walk(from, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return to
}

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

func demoScript(t *testing.T) string {
	abs, err := filepath.Abs("testdata/demo/script.json")
	if err != nil {
		t.Fatal(err)
	}
	return "scripted/" + abs
}

// TestAMissionWithAFixRoundSeals: the scripted worker of T1 writes a Total that takes a
// discount the plan did not ask for; the review finds the two callers' arity mismatches
// (and not again the compiler's echo of them), opens two sync issues and FIX items, the
// FIX round repairs cart.go, and the mission seals with the real go build and go test.
func TestAMissionWithAFixRoundSeals(t *testing.T) {
	root := copyDir(t, "testdata/demo/shop")
	var ev events
	out, err := Run(context.Background(), Options{Root: root, Objective: "Add a cart package with Total, its test, and a command that prints a total",
		Model: demoScript(t), OnEvent: ev.add})
	if err != nil {
		t.Fatal(err)
	}
	if out.State != store.StateSealed || out.Done != 5 || out.Total != 5 || len(out.Issues) != 0 || !out.Build.Passed || !out.Test.Passed || out.Build.Command != "go build ./..." || out.Iterations != 2 {
		t.Fatalf("outcome %+v", out)
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
	log, _ := os.ReadFile(filepath.Join(root, ".opencode/work-log.md"))
	if !strings.Contains(string(log), "item_finished T4") || !strings.Contains(string(log), "sealed") {
		t.Errorf("work-log.md:\n%s", log)
	}
	// A second run without --resume is a new mission; --resume of a sealed one is refused.
	if _, err := Run(context.Background(), Options{Root: root, Resume: true, Model: demoScript(t)}); err == nil || !strings.Contains(err.Error(), "no unfinished mission") {
		t.Errorf("resume of a sealed mission: %v", err)
	}
}

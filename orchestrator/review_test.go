package orchestrator

import (
	"testing"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/plan"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/store"
)

func TestFixItemsFollowTheIssues(t *testing.T) {
	p := plan.Parse([]byte("- [x] T1: cart | file:cart.go\n" +
		"- [ ] T2: FIX SYNC-1 | file:cart.go | issue:SYNC-1\n" +
		"- [/] T3: FIX SYNC-2 | file:main.go | issue:SYNC-2\n"))
	rec := store.Reconciled{
		Issues: []store.Issue{
			{ID: "SYNC-2", Rule: "missing-export", Files: []string{"main.go:4", "cart.go"}, Problem: "`cart.Sum` is not defined"},
			{ID: "SYNC-3", Rule: "arity-mismatch", Files: []string{"web/v2:7", "cart.go"}, Problem: "`Total` takes 1 argument"},
			{ID: "SYNC-4", Rule: "plan-cycle", Files: []string{".opencode/todo.md:3"}, Problem: "dependency cycle"},
		},
		Resolved: []store.Issue{{ID: "SYNC-1"}},
	}
	out, err := fixItems(p, rec)
	if err != nil {
		t.Fatal(err)
	}
	want := "- [x] T1: cart | file:cart.go\n" +
		"- [-] T2: FIX SYNC-1 | file:cart.go | issue:SYNC-1\n" + // resolved: cancelled
		"- [/] T3: FIX SYNC-2 | file:main.go | issue:SYNC-2\n" + // still being fixed: no second item
		"- [ ] T4: FIX SYNC-3 [arity-mismatch]: `Total` takes 1 argument | file:web/v2,cart.go | issue:SYNC-3\n"
	// SYNC-4 concerns the plan itself: no worker could fix it, so no FIX item.
	if string(out) != want {
		t.Errorf("todo.md:\n%s\nwant:\n%s", out, want)
	}
}

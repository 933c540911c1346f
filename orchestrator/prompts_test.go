package orchestrator

import (
	"context"
	"strings"
	"testing"

	"github.com/opencode-orchestrator/orchestrator/analysis"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/plan"
)

// A worker's first message maps the definitions beside its files (the other files of
// their directories, methods left out), not the rest of the workspace.
func TestWorkerTaskMapsTheCodeBesideItsFiles(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"go.mod":             "module example.com/shop\n",
		"cart/cart.go":       "package cart\n\ntype Cart struct{}\n\nfunc (c *Cart) Add(n int) {}\n\nfunc Total(prices ...int) int { return 0 }\n",
		"cart/tax.go":        "package cart\n\nfunc Tax(total, rate int) int { return 0 }\n",
		"billing/invoice.go": "package billing\n\nfunc Invoice() {}\n",
	})
	ix := analysis.NewIndex(root)
	if err := ix.Scan(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	p := plan.Parse([]byte("- [ ] T1: add a discount | file:cart/discount.go\n"))
	task := workerTask("a shop", p, p.Item("T1"), ix)
	want := "Code map (top-level definitions near your files):\n  cart/cart.go: type Cart; function Total/0+\n  cart/tax.go: function Tax/2\n"
	if !strings.Contains(task, want) || strings.Contains(task, "billing") || strings.Contains(task, "Add") {
		t.Errorf("worker task:\n%s\nwant its code map:\n%s", task, want)
	}
}

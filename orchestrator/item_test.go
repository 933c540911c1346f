package orchestrator

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/store"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/testkit"
)

// TestRunItemRunsOneReadyItem: ▶ Run on a todo item runs its worker alone and marks it
// done; an item still waiting for its dependency is refused with the reason; the status
// then shows who did the item and its latest ledger lines.
func TestRunItemRunsOneReadyItem(t *testing.T) {
	root := testkit.DemoWorkspace(t)
	if err := store.New(root).WriteFile(store.TodoFile, []byte(testkit.DemoPlan(t))); err != nil {
		t.Fatal(err)
	}
	opts := Options{Root: root, Model: testkit.DemoModel()}
	_, err := RunItem(context.Background(), opts, "T2")
	var cfg ConfigError
	if !errors.As(err, &cfg) || err.Error() != "T2 waiting for T1" {
		t.Fatalf("T2 before T1: %v", err)
	}
	if _, err := RunItem(context.Background(), opts, "T9"); err == nil || !strings.Contains(err.Error(), `no item "T9"`) {
		t.Fatalf("an unknown item: %v", err)
	}
	summary, err := RunItem(context.Background(), opts, "T1")
	if err != nil || summary == "" {
		t.Fatalf("T1: %q, %v", summary, err)
	}
	if _, err := os.Stat(filepath.Join(root, "cart/cart.go")); err != nil {
		t.Errorf("the worker did not write cart/cart.go: %v", err)
	}
	if _, err := RunItem(context.Background(), opts, "T1"); err == nil || err.Error() != "T1 is done" {
		t.Errorf("T1 again: %v", err)
	}
	st, err := ReadStatus(root)
	if err != nil {
		t.Fatal(err)
	}
	if st.Done != 1 || st.Total != 3 || st.State != "none" {
		t.Errorf("status %+v", st)
	}
	t1 := st.Items[0]
	if t1.ID != "T1" || t1.Status != "done" || !strings.HasPrefix(t1.Worker, "worker (scripted/") || t1.Since != nil || len(t1.Log) != logLines ||
		!strings.Contains(t1.Log[len(t1.Log)-1], "item_finished") {
		t.Errorf("T1 in the status: %+v", t1)
	}
}

// TestMonitorFollowsTheLedger: the monitor reads only what was appended since its last
// read, and starts over when the ledger is replaced.
func TestMonitorFollowsTheLedger(t *testing.T) {
	root := t.TempDir()
	s := store.New(root)
	if err := s.WriteFile(store.TodoFile, []byte("- [/] T1: a | file:a.go\n")); err != nil {
		t.Fatal(err)
	}
	l, err := s.OpenLedger()
	if err != nil {
		t.Fatal(err)
	}
	_ = l.Append(Event{Kind: EventItemDispatched, Item: "T1", Role: "worker", Model: "openai/x"})
	m := NewMonitor(root)
	st, err := m.Read()
	if err != nil || st.Items[0].Worker != "worker (openai/x)" || st.Items[0].Since == nil {
		t.Fatalf("after the dispatch: %+v %v", st.Items, err)
	}
	_ = l.Append(Event{Kind: EventToolCall, Item: "T1", Message: "write_file a.go"})
	_ = l.Close()
	if st, _ = m.Read(); len(st.Items[0].Log) != 2 || !strings.Contains(st.Items[0].Log[1], "write_file a.go") {
		t.Errorf("after a tool call: %+v", st.Items[0].Log)
	}
	if err := s.WriteFile(store.LedgerFile, []byte(`{"kind":"mission_started"}`+"\n")); err != nil {
		t.Fatal(err)
	}
	if st, _ = m.Read(); st.Items[0].Worker != "" || len(st.Items[0].Log) != 0 {
		t.Errorf("after the ledger was replaced: %+v", st.Items[0])
	}
}

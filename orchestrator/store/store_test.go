package store

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/plan"
)

// Both ways of replacing a file (durable at once, or durable with SyncFiles) leave no
// temporary file, keep the file's permissions, and keep the old file on a failure.
func TestReplacingAFileLeavesNoTemporaryFilesAndKeepsTheOldOnFailure(t *testing.T) {
	for name, write := range map[string]func(string, []byte) error{"WriteAtomic": WriteAtomic, "Replace": Replace} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "state.json")
			if err := write(path, []byte("one")); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := write(path, []byte("two")); err != nil {
				t.Fatal(err)
			}
			info, _ := os.Stat(path)
			if data, _ := os.ReadFile(path); string(data) != "two" || info.Mode().Perm() != 0o600 {
				t.Errorf("content %q, mode %v", data, info.Mode())
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				t.Errorf("left behind: %v", entries)
			}
			// A file deleted since it was written needs no sync, and a FIFO a command put in
			// the place of one does not wait for a writer.
			fifo := filepath.Join(dir, "fifo.go")
			if err := syscall.Mkfifo(fifo, 0o644); err != nil {
				t.Fatal(err)
			}
			synced := make(chan error, 1)
			go func() { synced <- SyncFiles([]string{path, filepath.Join(dir, "gone.go"), fifo}) }()
			select {
			case err := <-synced:
				if err != nil {
					t.Errorf("SyncFiles: %v", err)
				}
			case <-time.After(time.Minute):
				t.Fatal("SyncFiles waits on a FIFO")
			}
			if err := os.Remove(fifo); err != nil {
				t.Fatal(err)
			}
			// A directory that cannot be written: the error says so and the old file stays.
			if os.Geteuid() == 0 {
				t.Log("running as root: permissions do not stop writes; the failure half is not checked")
				return
			}
			if err := os.Chmod(dir, 0o500); err != nil {
				t.Fatal(err)
			}
			defer os.Chmod(dir, 0o755)
			if err := write(path, []byte("three")); err == nil {
				t.Error("a write into a read-only directory succeeded")
			}
			if data, _ := os.ReadFile(path); string(data) != "two" {
				t.Errorf("after a failed write the file has %q", data)
			}
		})
	}
}

// TestANewScriptIsExecutable: a new file whose first line is a #! line can be run, as
// its author meant (no tool offers a model chmod); other new files are not, and a file
// that exists keeps its permissions whatever it holds.
func TestANewScriptIsExecutable(t *testing.T) {
	dir := t.TempDir()
	kept := filepath.Join(dir, "kept.sh")
	if err := os.WriteFile(kept, []byte("echo old\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, content string
		want          os.FileMode
	}{
		{"test.sh", "#!/bin/sh\nexit 0\n", 0o755},
		{"notes.md", "# Notes\n#!/bin/sh is a shebang\n", 0o644},
		{"kept.sh", "#!/bin/sh\nexit 0\n", 0o640},
	} {
		path := filepath.Join(dir, c.name)
		if err := Replace(path, []byte(c.content)); err != nil {
			t.Fatal(err)
		}
		if info, err := os.Stat(path); err != nil || info.Mode().Perm() != c.want {
			t.Errorf("%s: %v %v, want %v", c.name, info.Mode(), err, c.want)
		}
	}
}

func TestLockIsExclusiveAndReleased(t *testing.T) {
	root := t.TempDir()
	a, b := New(root), New(root)
	if err := a.Lock(); err != nil {
		t.Fatal(err)
	}
	err := b.Lock()
	var locked ErrLocked
	if !errors.As(err, &locked) || locked.PID != os.Getpid() {
		t.Fatalf("second lock: %v", err)
	}
	if !strings.Contains(err.Error(), "runs this workspace's missions") {
		t.Errorf("message %q", err)
	}
	a.Unlock()
	if err := b.Lock(); err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	b.Unlock()
}

func TestLedgerSurvivesALineCutShort(t *testing.T) {
	s := New(t.TempDir())
	l, err := s.OpenLedger()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1, 2} {
		if err := l.Append(map[string]int{"n": n}); err != nil {
			t.Fatal(err)
		}
	}
	_ = l.Close()
	// A crash in the middle of the third record.
	f, _ := os.OpenFile(s.Path(LedgerFile), os.O_APPEND|os.O_WRONLY, 0)
	_, _ = f.WriteString(`{"n":`)
	_ = f.Close()

	l, err = s.OpenLedger()
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Append(map[string]int{"n": 4}); err != nil {
		t.Fatal(err)
	}
	_ = l.Close()
	var got []int
	skipped, err := s.ReadLedger(func(raw json.RawMessage) error {
		var r struct{ N int }
		if err := json.Unmarshal(raw, &r); err != nil {
			return err
		}
		got = append(got, r.N)
		return nil
	})
	if err != nil || skipped != 1 || len(got) != 3 || got[2] != 4 {
		t.Errorf("records %v, skipped %d, err %v", got, skipped, err)
	}
}

// TestADamagedLoopStateSaysWhereAndHowToGoOn: loop-state.json is written atomically, so
// a broken one was edited or damaged from outside; the error names the place and what to
// do, and nothing is changed.
func TestADamagedLoopStateSaysWhereAndHowToGoOn(t *testing.T) {
	s := New(t.TempDir())
	damaged := "{\n  \"objective\": \"ship it\",\n  \"iteration\": \"two\"\n}\n"
	if err := s.ReplaceFile(StateFile, []byte(damaged)); err != nil {
		t.Fatal(err)
	}
	st, err := s.State()
	want := s.Path(StateFile) + " is damaged (line 3, column 20: iteration must be int, not string): restore it, or remove it"
	if st != nil || err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("state %+v, error %v", st, err)
	}
	if data, _ := s.ReadFile(StateFile); string(data) != damaged {
		t.Errorf("the damaged file was changed: %q", data)
	}
}

func TestUpdatePlanRetriesWhenTheUserSavesMeanwhile(t *testing.T) {
	s := New(t.TempDir())
	if err := s.WriteFile(TodoFile, []byte("- [ ] T1: one\n- [ ] T2: two\n")); err != nil {
		t.Fatal(err)
	}
	calls := 0
	updated, err := s.UpdatePlan(func(p *plan.Plan) ([]byte, error) {
		calls++
		if calls == 1 { // the user saves an edit of their own between read and write
			if err := os.WriteFile(s.Path(TodoFile), []byte("- [ ] T1: one\n- [ ] T2: two, reworded\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return p.SetStatus("T1", plan.Done)
	})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := s.ReadFile(TodoFile)
	if calls != 2 || string(data) != "- [x] T1: one\n- [ ] T2: two, reworded\n" || string(updated.Src) != string(data) {
		t.Errorf("after %d attempts: %q", calls, data)
	}
	// A save in place (an editor that truncates and writes) that lands between the version
	// check and the write is not lost: it is put back, and the edit is applied to it.
	writes := 0
	updated, err = s.updatePlan(func(p *plan.Plan) ([]byte, error) { return p.SetStatus("T2", plan.Done) }, func(path string, data []byte) error {
		if writes++; writes == 1 {
			f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			defer f.Close()
			if _, err := f.WriteString("- [ ] T3: three\n"); err != nil {
				return err
			}
		}
		return WriteAtomic(path, data)
	})
	data, _ = s.ReadFile(TodoFile)
	if want := "- [x] T1: one\n- [x] T2: two, reworded\n- [ ] T3: three\n"; err != nil || string(data) != want || string(updated.Src) != want {
		t.Errorf("a save between the check and the write: %q, %v", data, err)
	}
	// A stale version is refused outright.
	if err := s.WritePlan(plan.VersionOf([]byte("old")), []byte("new")); !errors.Is(err, ErrConflict) {
		t.Errorf("stale write: %v", err)
	}
}

func TestIssuesKeepTheirIDsWhileTheProblemStays(t *testing.T) {
	missing := Issue{Severity: "error", Rule: "missing-export", Files: []string{"src/auth/logout.ts:3", "src/types/auth.ts"},
		Problem: "`logout.ts` imports `RefreshToken`, which `src/types/auth.ts` does not export", Fix: "export it"}
	arity := Issue{Severity: "error", Rule: "arity-mismatch", Files: []string{"a.go:7", "b.go"}, Problem: "`b.Run` takes 1 argument; this call passes 2"}

	first := Reconcile(nil, []Issue{missing, arity}, 0)
	if len(first.Opened) != 2 || first.Issues[0].ID != "SYNC-1" || first.Issues[1].ID != "SYNC-2" || first.Issued != 2 {
		t.Fatalf("first review: %+v", first)
	}
	// Written and read back, then the same problem on another line keeps its id; the
	// other is resolved, and a new problem gets a number never used before.
	open := ParseIssues(RenderIssues(first.Issues))
	if len(open) != 2 || open[0].Key() != first.Issues[0].Key() || open[0].Files[1] != "src/types/auth.ts" {
		t.Fatalf("round trip: %+v", open)
	}
	moved := missing
	moved.Files = []string{"src/auth/logout.ts:9", "src/types/auth.ts"}
	fresh := Issue{Severity: "error", Rule: "syntax-error", Files: []string{"c.py:1"}, Problem: "unexpected `)`"}
	second := Reconcile(open, []Issue{moved, fresh, moved}, first.Issued)
	var ids []string
	for _, i := range second.Issues {
		ids = append(ids, i.ID+" "+i.Rule)
	}
	if strings.Join(ids, ", ") != "SYNC-1 missing-export, SYNC-3 syntax-error" || len(second.Resolved) != 1 || second.Resolved[0].ID != "SYNC-2" {
		t.Errorf("second review: %v, resolved %+v", ids, second.Resolved)
	}
	if string(RenderIssues(nil)) != "# Sync Issues\n" {
		t.Errorf("no issues: %q", RenderIssues(nil))
	}
}

func TestConfigErrorsSayWhere(t *testing.T) {
	s := New(t.TempDir())
	cfg, err := s.Config()
	if err != nil || cfg.Limits.Worker != 4 || cfg.Limits.MaxIterations != 20 || cfg.ModelFor("worker") != DefaultModel {
		t.Fatalf("defaults: %+v %v", cfg, err)
	}
	cases := map[string]string{
		`{"model": "anthropic/claude-sonnet-4-5", "models": {"worker": "ollama/qwen2.5-coder:14b"}, "limits": {"worker": 8}}`: "",
		"{\n  \"limits\": {\"worker\": 4,}\n}":   "line 2, column 26",
		`{"limit": {}}`:                          `line 1, column 2: unknown key "limit"; the file can have: model, models, limits, commands, approve, prices`,
		"{\n  \"limits\": {\"wroker\": 2}\n}":    `line 2, column 14: unknown key "limits.wroker"; limits can have: planner, worker, reviewer,`,
		`{"prices": {"openai/x": {"inptu": 1}}}`: `unknown key "prices.openai/x.inptu"; prices.openai/x can have: input, output,`,
		`{"limits": {"worker": "four"}}`:         "limits.worker must be int",
		`{"limits": {"worker": 0}}`:              "line 1, column 13: limits.worker must be at least 1, not 0",
		`{"limits": {"firstTokenSeconds": -5}}`:  "line 1, column 13: limits.firstTokenSeconds must be at least 1, not -5",
		`{"models": {"planner": "gpt-4"}}`:       `line 1, column 13: models.planner: "gpt-4" is not provider/model`,
		`{"approve": {"mode": "sometimes"}}`:     `line 1, column 14: approve.mode: "sometimes"`,
		``:                                       "",
		`{"approve": {"mode": "all"}} trailing`:  "line 1, column 30: unexpected content",
		"{\n  \"limits\": {\"worker\": 2},\n  \"limits\": {\"planner\": 1}\n}":                                                         `line 3, column 3: duplicate key "limits" (first on line 2): its value would replace the first's`,
		`{"approve": {"allow": ["go test", "go vet"]}, "models": {"worker": "openai/a", "planner": "openai/b", "worker": "openai/c"}}`: `line 1, column 103: duplicate key "models.worker" (first on line 1)`,
	}
	for content, want := range cases {
		if err := s.WriteFile(ConfigFile, []byte(content)); err != nil {
			t.Fatal(err)
		}
		cfg, err := s.Config()
		switch {
		case want == "" && err != nil:
			t.Errorf("%s: %v", content, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), ".opencode/orchestrator.json")):
			t.Errorf("%s: error %v, want %q", content, err, want)
		case want == "" && content != "" && (cfg.ModelFor("worker") != "ollama/qwen2.5-coder:14b" || cfg.ModelFor("planner") != "anthropic/claude-sonnet-4-5" || cfg.Limits.Worker != 8 || cfg.Limits.Reviewer != 2):
			t.Errorf("%s: %+v", content, cfg)
		}
	}
	if err := s.WriteFile(AgentsFile, []byte(`{"docs": {"description": "writes docs", "canWrite": true}}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Agents(); err == nil || err.Error() != `.opencode/agents.json: line 1, column 2: agent "docs" has no systemPrompt` {
		t.Errorf("agents: %v", err)
	}
	if err := s.WriteFile(AgentsFile, []byte(`{"docs": {"systemprompt": "you write docs", "prompt": "x"}}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Agents(); err == nil || !strings.Contains(err.Error(), `line 1, column 45: unknown key "docs.prompt"; docs can have: description, systemPrompt, canWrite, canBash, model`) {
		t.Errorf("agents: %v", err)
	}
}

// TestCostCountsCachedInputAtItsPrice: input read from a provider's prompt cache costs
// its own price (a tenth of Anthropic's input price), or the input price when the
// configuration gives none.
func TestCostCountsCachedInputAtItsPrice(t *testing.T) {
	usage := TokenUsage{Input: 1_000_000, Output: 100_000, Cached: 600_000}
	if got := (Price{Input: 3, Output: 15, Cached: 0.3}).Cost(usage); math.Abs(got-(0.4*3+0.6*0.3+0.1*15)) > 1e-9 {
		t.Errorf("with a cached price: $%v", got)
	}
	if got := (Price{Input: 3, Output: 15}).Cost(usage); math.Abs(got-(3+0.1*15)) > 1e-9 {
		t.Errorf("without one: $%v", got)
	}
	// Input written to the prompt cache costs its own price (Anthropic: a quarter over
	// the input price), or the input price without one.
	writes := TokenUsage{Input: 1_000_000, Output: 100_000, Cached: 600_000, CacheWrite: 300_000}
	if got := (Price{Input: 3, Output: 15, Cached: 0.3, CacheWrite: 3.75}).Cost(writes); math.Abs(got-(0.1*3+0.6*0.3+0.3*3.75+0.1*15)) > 1e-9 {
		t.Errorf("with cache writes: $%v", got)
	}
	if got := (Price{Input: 3, Output: 15, Cached: 0.3}).Cost(writes); math.Abs(got-(0.4*3+0.6*0.3+0.1*15)) > 1e-9 {
		t.Errorf("cache writes without their price: $%v", got)
	}
	var total TokenUsage
	total.Add(usage)
	total.Add(TokenUsage{Input: 10, Output: 1, Cached: 5, CacheWrite: 2})
	if total != (TokenUsage{Input: 1_000_010, Output: 100_001, Cached: 600_005, CacheWrite: 2}) {
		t.Errorf("sum %+v", total)
	}
}

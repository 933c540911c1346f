// Package testkit is what the out-of-process and mission tests of several packages
// (orchestrator, server, editors) share: the binary built once per test run, and the
// offline demo (its Go module and its scripted model, a recorded replay and no model).
// Only tests import it.
package testkit

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/model"
)

// RunWithBinary is a TestMain: it builds the orchestrator binary into a temporary
// folder, sets *binary to its path, runs the tests and exits with their code.
func RunWithBinary(m *testing.M, binary *string) {
	dir, err := os.MkdirTemp("", "orchestrator-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	*binary = filepath.Join(dir, "orchestrator")
	build := exec.Command("go", "build", "-o", *binary, "github.com/opencode-orchestrator/orchestrator")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the binary:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// CopyWorkspace copies a folder of test files into a fresh temporary folder.
func CopyWorkspace(t testing.TB, from string) string {
	t.Helper()
	to := t.TempDir()
	if err := os.CopyFS(to, os.DirFS(from)); err != nil {
		t.Fatal(err)
	}
	return to
}

// demoDir is orchestrator/testdata/demo, wherever the test runs from.
func demoDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata", "demo")
}

// DemoWorkspace is a copy of the demo's Go module (example.com/shop, no code yet).
func DemoWorkspace(t testing.TB) string {
	return CopyWorkspace(t, filepath.Join(demoDir(), "shop"))
}

// DemoModel is the demo's scripted model: a plan of three items, a worker whose cart
// takes an extra argument, and the FIX round that repairs it.
func DemoModel() string {
	return "scripted/" + filepath.Join(demoDir(), "script.json")
}

// DemoPlan is the todo.md the demo's scripted planner writes.
func DemoPlan(t testing.TB) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(demoDir(), "script.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s model.Script
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	var args struct{ Markdown string }
	if err := json.Unmarshal(s.Turns[1].Calls[0].Args, &args); err != nil || args.Markdown == "" {
		t.Fatalf("the demo script's second turn is not write_plan: %v", err)
	}
	return args.Markdown
}

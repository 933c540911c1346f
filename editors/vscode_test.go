package editors

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/testkit"
)

// vscodeTools skips the test, saying why, unless the extension's npm packages are
// installed (npm ci in editors/vscode, which .ci/run does).
func vscodeTools(t *testing.T) string {
	t.Helper()
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Skip("SKIPPED: npm is not installed; the VS Code extension's tests did not run")
	}
	if _, err := os.Stat(filepath.Join("vscode", "node_modules", "vscode-languageclient")); err != nil {
		t.Skip("SKIPPED: editors/vscode has no node_modules (npm ci there, or .ci/run); the VS Code extension's tests did not run")
	}
	return npm
}

func npmRun(t *testing.T, npm string, script string) {
	t.Helper()
	cmd := exec.Command(npm, "run", "--silent", script)
	cmd.Dir = "vscode"
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm run %s: %v\n%s", script, err, out)
	}
}

// TestVSCodeExtensionUnits runs the extension's unit tests (node's test runner) after a
// type-checked build.
func TestVSCodeExtensionUnits(t *testing.T) {
	npm := vscodeTools(t)
	npmRun(t, npm, "build")
	npmRun(t, npm, "test")
}

// TestVSCodeExtensionEndToEnd installs the packaged extension in code-server and drives
// it through Chromium (editors/vscode/test/e2e.mjs).
func TestVSCodeExtensionEndToEnd(t *testing.T) {
	npm := vscodeTools(t)
	modules := os.Getenv("ORCHESTRATOR_VSCODE_E2E")
	if modules == "" {
		home, _ := os.UserHomeDir()
		modules = filepath.Join(home, ".cache", "orchestrator-vscode-e2e")
	}
	if _, err := os.Stat(filepath.Join(modules, ".installed-4.100.3")); err != nil {
		t.Skipf("SKIPPED: code-server is not installed in %s (.ci/vscode-e2e installs it); the VS Code end-to-end test did not run", modules)
	}
	if _, err := os.Stat("/usr/bin/chromium"); err != nil {
		t.Skip("SKIPPED: /usr/bin/chromium is not installed (.ci/vscode-e2e installs it); the VS Code end-to-end test did not run")
	}
	npmRun(t, npm, "package")

	root := testkit.DemoWorkspace(t)
	if err := os.MkdirAll(filepath.Join(root, ".opencode"), 0o755); err != nil {
		t.Fatal(err)
	}
	// One iteration: the mission stops with the review's sync issue still open.
	if err := os.WriteFile(filepath.Join(root, ".opencode", "orchestrator.json"), []byte(`{"limits":{"maxIterations":1}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	artifacts := abs(t, filepath.Join("vscode", "out", "e2e"))
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "test/e2e.mjs")
	cmd.Dir = "vscode"
	// code-server gets a home of its own: the Go build cache stays the warm one.
	gocache, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Env = append(os.Environ(), "GOCACHE="+strings.TrimSpace(string(gocache)), "E2E_MODULES="+modules, "VSIX="+abs(t, "vscode/dist/orchestrator.vsix"),
		"ORCHESTRATOR_BIN="+binary, "MODEL="+testkit.DemoModel(), "WORKSPACE="+root, "PORT="+freePort(t), "ARTIFACTS="+artifacts)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the VS Code end-to-end test failed: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

package server

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestNeovimSession runs a whole session from a client that is not ours: headless Neovim
// with its built-in LSP client, against the real binary.
func TestNeovimSession(t *testing.T) {
	nvim, err := exec.LookPath("nvim")
	if err != nil {
		t.Skip("SKIPPED: nvim is not installed (.ci/run installs it); the real-editor session did not run")
	}
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "main.go"), []byte("package main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs(filepath.Join("testdata", "nvim_session.lua"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout*2)
	defer cancel()
	cmd := exec.CommandContext(ctx, nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", "luafile "+script)
	cmd.Env = append(os.Environ(), "ORCHESTRATOR_BIN="+binary, "WORKSPACE="+root)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("neovim session failed: %v\n%s", err, out)
	}

	log, err := os.ReadFile(filepath.Join(root, "server.log"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"msg=initialize", "msg=opened", "msg=changed", "msg=saved", "msg=shutdown"} {
		if !strings.Contains(string(log), want) {
			t.Errorf("the server log lacks %q:\n%s", want, log)
		}
	}
	t.Logf("server log:\n%s", log)
	for _, bad := range []string{"level=WARN", "level=ERROR"} {
		if strings.Contains(string(log), bad) {
			t.Errorf("the session produced a warning or error:\n%s", log)
		}
	}
	saved, _ := os.ReadFile(filepath.Join(root, "main.go"))
	if want := "package demo\nfunc Hello() string { return \"héllo 🎉 日本\" }\n"; string(saved) != want {
		t.Errorf("neovim saved %q", saved)
	}
}

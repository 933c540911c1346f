package editors

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/testkit"
)

// TestNeovimPlugin runs each Lua test of editors/nvim/tests in headless Neovim with the
// plugin set up the way a user sets it up.
func TestNeovimPlugin(t *testing.T) {
	nvim, err := exec.LookPath("nvim")
	if err != nil {
		t.Skip("SKIPPED: nvim is not installed (.ci/run installs it); the Neovim plugin's tests did not run")
	}
	cases := []struct{ script, workspace string }{
		{"diagnostics.lua", "testdata/broken"},
		{"codelens.lua", "testdata/planned"},
		{"mission.lua", "../orchestrator/testdata/demo/shop"},
	}
	for _, c := range cases {
		t.Run(c.script, func(t *testing.T) {
			t.Parallel()
			root := testkit.CopyWorkspace(t, c.workspace)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n",
				"-c", "luafile "+abs(t, filepath.Join("nvim", "tests", c.script)))
			cmd.Dir = root
			cmd.Env = append(os.Environ(), "ORCHESTRATOR_BIN="+binary, "WORKSPACE="+root,
				"PLUGIN="+abs(t, "nvim"), "MODEL="+testkit.DemoModel())
			out, err := cmd.CombinedOutput()
			if err != nil {
				log, _ := os.ReadFile(filepath.Join(root, ".server.log"))
				t.Fatalf("%s failed: %v\n%s\nserver log:\n%s", c.script, err, out, log)
			}
		})
	}
}

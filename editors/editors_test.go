// Package editors holds no Go code: its tests run the Neovim plugin and the VS Code
// extension in the real editors against the real binary.
package editors

import (
	"path/filepath"
	"testing"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/testkit"
)

var binary string // built once by TestMain

func TestMain(m *testing.M) { testkit.RunWithBinary(m, &binary) }

func abs(t *testing.T, path string) string {
	t.Helper()
	p, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

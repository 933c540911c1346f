package orchestrator

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/session"
)

// TestACommandsChangeIsPutBackOnlyWhenNothingElseExplainsIt: T1's command runs while T2
// and T3 are at work. A change to T2's file is left when T2's own tools wrote it, or T2
// ran a command of its own meanwhile, whether still running or ended; the change to
// T3's file, which nothing of T3's explains, is put back.
func TestACommandsChangeIsPutBackOnlyWhenNothingElseExplainsIt(t *testing.T) {
	root := t.TempDir()
	sandbox, err := session.NewSandbox(root)
	if err != nil {
		t.Fatal(err)
	}
	guard := newCommandGuard()
	m := &mission{sandbox: sandbox.WithWriteGuard(guard.write), commandGuard: guard,
		writing: map[string]string{"a.txt": "T1", "b.txt": "T2", "c.txt": "T3"}}
	commandWrites := func(rel, content string) { // what a command does: no guard
		if err := os.WriteFile(filepath.Join(root, rel), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	content := func(rel string) string {
		data, _ := os.ReadFile(filepath.Join(root, rel))
		return string(data)
	}
	for _, rel := range []string{"b.txt", "c.txt"} {
		if err := m.sandbox.WriteFile(rel, []byte("the owner's\n")); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name   string
		during func()
	}{
		{"T2's tool writes", func() {
			if err := m.sandbox.WithWritable([]string{"b.txt"}).WriteFile("b.txt", []byte("T2 wrote\n")); err != nil {
				t.Fatal(err)
			}
		}},
		{"T2's command ends", func() {
			before := m.commandStarts("T2")
			commandWrites("b.txt", "T2's command wrote\n")
			if putBack := m.commandEnds("T2", before); len(putBack) != 0 {
				t.Errorf("T2's command put back %v", putBack)
			}
		}},
		{"T2's command is under way", func() {
			m.commandStarts("T2")
			commandWrites("b.txt", "T2's command is writing\n")
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := m.commandStarts("T1")
			commandWrites("c.txt", "T1's command wrote\n")
			c.during()
			putBack := m.commandEnds("T1", before)
			if !slices.Equal(putBack, []string{"c.txt (T3)"}) || content("c.txt") != "the owner's\n" {
				t.Errorf("put back %v; c.txt: %q", putBack, content("c.txt"))
			}
			if content("b.txt") == "the owner's\n" {
				t.Errorf("T2's change to b.txt was undone")
			}
		})
	}
}

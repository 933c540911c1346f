//go:build unix

package analysis

import (
	"context"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// A FIFO named like a source file is skipped: opening and reading it would wait for a
// writer that never comes.
func TestScanSkipsAFIFO(t *testing.T) {
	root := writeTree(t, map[string]string{"ok.py": "x = 1\n"})
	if err := unix.Mkfifo(filepath.Join(root, "pipe.py"), 0o644); err != nil {
		t.Fatal(err)
	}
	ix := NewIndex(root)
	if err := ix.Scan(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if why := ix.Skipped()["pipe.py"]; why != "not a regular file" || ix.Files() != 1 {
		t.Errorf("pipe.py skipped as %q; %d files checked", why, ix.Files())
	}
}

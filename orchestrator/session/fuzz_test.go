package session

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzSandbox: whatever path a model names, what the sandbox resolves lies inside the
// workspace after symlinks, and what it lets a tool write is outside .git/ and
// .opencode/, in a workspace with symlinks out of it, into .git/, dangling and looping.
func FuzzSandbox(f *testing.F) {
	for _, p := range []string{"a.go", "../x", "/etc/passwd", "out/x", "gitlink/config", "dangle/y", "loop/z",
		".git/config", "sub/../.opencode/todo.md", "sub/./../a.go", "./", ".", "sub//b", "\x00"} {
		f.Add(p)
	}
	root := f.TempDir()
	outside := f.TempDir()
	for _, d := range []string{".git", ".opencode", "sub"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			f.Fatal(err)
		}
	}
	for link, target := range map[string]string{"out": outside, "gitlink": ".git", "dangle": "../../nowhere", "loop": "loop", "sub/up": "../.."} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			f.Fatal(err)
		}
	}
	sandbox, err := NewSandbox(root)
	if err != nil {
		f.Fatal(err)
	}
	writer := sandbox.WithWriteAnywhere()
	f.Fuzz(func(t *testing.T, p string) {
		abs, rel, err := sandbox.Resolve(p)
		if err == nil && (rel == ".." || strings.HasPrefix(rel, "../") || filepath.Join(sandbox.Root(), filepath.FromSlash(rel)) != abs) {
			t.Fatalf("%q resolved outside the workspace: %s (%s)", p, abs, rel)
		}
		if _, rel, err := writer.ResolveWrite(p); err == nil {
			first, _, _ := strings.Cut(rel, "/")
			if first == ".git" || first == ".opencode" || first == ".." || rel == "." {
				t.Fatalf("%q may be written: %s", p, rel)
			}
		}
	})
}

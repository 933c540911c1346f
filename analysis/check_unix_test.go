//go:build unix

package analysis

import (
	"context"
	"io"
	"path/filepath"
	"slices"
	"testing"
	"time"

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

// The files the checks consult beside the sources (project files, a source map, the file
// a finding is in) are read as the sources are: one that is a FIFO reads as empty instead
// of waiting for a writer that never comes. Each step waited before.
func TestFIFOsBesideTheSourcesAreNotWaitedOn(t *testing.T) {
	root := writeTree(t, map[string]string{
		"web/app.ts":        "import { util } from \"lib/util\";\nutil();\n",
		"pkg/__init__.py":   "",
		"pkg/mod.py":        "import pkg._native\n",
		"dist/app.js":       "export function f(p) {\n    return p.x;\n}\n//# sourceMappingURL=app.js.map\n",
		"node/index.js":     "",
		"tsc/tsconfig.json": `{"compilerOptions": {"outDir": "out"}}`,
		"tsc/out/a.js":      "export function f(p) {\n    return p.x;\n}\n",
	})
	for _, fifo := range []string{"tsconfig.json", "pyproject.toml", "go.mod", "dist/app.js.map", "tsc/a.ts", "pipe.ts", "node/package.json"} {
		if err := unix.Mkfifo(filepath.Join(root, fifo), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var findings, placed []string
	var commands Commands
	for _, step := range []struct {
		name string
		run  func()
	}{
		{"the check (tsconfig.json, pyproject.toml)", func() {
			ix := NewIndex(root)
			if err := ix.Scan(context.Background(), nil); err != nil {
				t.Error(err)
			}
			findings = render(ix.Diagnostics())
		}},
		{"placing output (go.mod, a source map, a compiled file's source)", func() {
			failure := func(file string) string {
				return "not ok 1 - f\n  error: 'boom'\n  stack: |-\n    f (file://" + filepath.Join(root, file) + ":2:14)\n"
			}
			ds := ParseOutput(root, RuleTestFailure, "pipe.ts:1:2: error: bad\n"+failure("dist/app.js")+failure("tsc/out/a.js"))
			placed = render(ds)
			if err := WriteSARIF(io.Discard, ds, root, "test"); err != nil { // reads pipe.ts for UTF-16 columns
				t.Error(err)
			}
		}},
		{"detecting the commands (package.json)", func() { commands = DetectCommands(filepath.Join(root, "node")) }},
	} {
		done := make(chan struct{})
		go func() {
			defer close(done)
			step.run()
		}()
		select {
		case <-done:
		case <-time.After(time.Minute):
			t.Fatalf("%s waits on a FIFO", step.name)
		}
	}
	if want := []string{"pkg/mod.py:001:008:unresolved-import"}; !slices.Equal(findings, want) {
		t.Errorf("findings %v, want %v", findings, want)
	}
	if want := []string{"pipe.ts:001:002:build-error", "dist/app.js:002:014:test-failure", "tsc/a.ts:001:001:test-failure"}; !slices.Equal(placed, want) {
		t.Errorf("placed %v, want %v", placed, want)
	}
	if commands.Origin != "package.json" || commands.Test != "" { // a package.json without scripts
		t.Errorf("commands %+v", commands)
	}
}

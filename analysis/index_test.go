package analysis

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// locations lists findings as "file:line:col rule", 1-based.
func locations(ds []Diagnostic) string {
	return strings.Join(rendered(ds), "\n")
}

// TestIncrementalRecheckMatchesAFullScan changes a workspace step by step, telling the
// index what changed as the language server does, and compares its findings after each
// step with those of a fresh scan: only the changed files and the files that read them are
// checked again, so a missed dependency shows up here as a stale finding or a missed one.
func TestIncrementalRecheckMatchesAFullScan(t *testing.T) {
	root := writeTree(t, map[string]string{
		"go.mod":          "module example.com/w\n\ngo 1.22\n",
		"lib/lib.go":      "package lib\n\nfunc Add(a, b int) int { return a + b }\n",
		"lib/more.go":     "package lib\n\nfunc Mul(a, b int) int { return a * b }\n",
		"app/main.go":     "package main\n\nimport \"example.com/w/lib\"\n\nfunc main() { _ = lib.Add(1, 2) + lib.Mul(2, 3) }\n",
		"web/util.ts":     "export function fmt(a: number): string { return String(a); }\n",
		"web/barrel.ts":   "export * from \"./util\";\n",
		"web/app.ts":      "import { fmt } from \"./barrel\";\nimport { late } from \"./later\";\nfmt(1);\nlate();\n",
		"web/alias.ts":    "import { fmt, nothing } from \"@web/util\";\n", // a package until a tsconfig says otherwise
		"pkg/__init__.py": "from .core import run\n",
		"pkg/core.py":     "def run(a):\n    return a\n",
		"main.py":         "from pkg.core import run\n\nrun(1)\n",
	})
	ix := NewIndex(root)
	ctx := context.Background()
	if err := ix.Scan(ctx, nil); err != nil {
		t.Fatal(err)
	}

	write := func(rel, content string) {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := ix.Update(ctx, rel, []byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	remove := func(rel string) {
		if err := os.RemoveAll(filepath.Join(root, filepath.FromSlash(rel))); err != nil {
			t.Fatal(err)
		}
		ix.Remove(rel)
	}
	config := func(rel, content string) { // a file the index does not hold
		if err := os.WriteFile(filepath.Join(root, rel), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		ix.Touch(rel)
	}
	touch := func(rel string, dir bool) {
		p := filepath.Join(root, filepath.FromSlash(rel))
		var err error
		if dir {
			err = os.Mkdir(p, 0o755)
		} else {
			err = os.WriteFile(p, nil, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
		ix.Touch(rel)
	}

	steps := []struct {
		name   string
		change func()
		want   []string // rule and file of every finding after the change
	}{
		{"start: the missing ./later module", func() {}, []string{"web/app.ts unresolved-import"}},
		{"the imported module appears", func() { write("web/later.ts", "export function late() {}\n") }, nil},
		{"a Go function renamed in another file of the package", func() {
			write("lib/more.go", "package lib\n\nfunc Times(a, b int) int { return a * b }\n")
		}, []string{"app/main.go missing-export"}},
		{"renamed back", func() { write("lib/more.go", "package lib\n\nfunc Mul(a, b int) int { return a * b }\n") }, nil},
		{"a parameter added behind an export * chain", func() {
			write("web/util.ts", "export function fmt(a: number, b: number): string { return String(a + b); }\n")
		}, []string{"web/app.ts arity-mismatch"}},
		{"the re-exported module removed", func() { remove("web/util.ts") }, []string{"web/barrel.ts unresolved-import"}},
		{"a stylesheet takes its name", func() { touch("web/util.css", false) }, []string{"web/barrel.ts unresolved-import"}},
		{"the module restored", func() {
			write("web/util.ts", "export function fmt(a: number): string { return String(a); }\n")
		}, nil},
		{"a Python function renamed", func() { write("pkg/core.py", "def go(a):\n    return a\n") }, []string{"main.py missing-export", "pkg/__init__.py missing-export"}},
		{"the Python module removed", func() { remove("pkg/core.py") }, []string{"main.py unresolved-import", "pkg/__init__.py unresolved-import"}},
		{"a compiled extension of that name appears", func() { touch("pkg/core.so", false) }, nil},
		{"a Python module with a changed signature", func() {
			remove("pkg/core.so")
			write("pkg/core.py", "def run(a, b):\n    return a\n")
		}, []string{"main.py arity-mismatch"}},
		{"a Go duplicate in a new file", func() {
			write("lib/dup.go", "package lib\n\nfunc Add(a, b int) int { return a - b }\n")
		}, []string{"lib/lib.go duplicate-definition", "main.py arity-mismatch"}},
		{"the Go package removed", func() { remove("lib") }, []string{"app/main.go unresolved-import", "main.py arity-mismatch"}},
		{"a directory where the package was", func() { touch("lib", true) }, []string{"app/main.go unresolved-import", "main.py arity-mismatch"}},
		{"the package back", func() {
			write("lib/lib.go", "package lib\n\nfunc Add(a, b int) int { return a + b }\n\nfunc Mul(a, b int) int { return a * b }\n")
			write("pkg/core.py", "def run(a):\n    return a\n")
		}, nil},
		{"the Go package's one file left out of builds", func() {
			write("lib/lib.go", "//go:build ignore\n\npackage lib\n\nfunc Add(a, b int) int { return a + b }\n\nfunc Mul(a, b int) int { return a * b }\n")
		}, []string{"app/main.go unresolved-import"}},
		{"built again", func() {
			write("lib/lib.go", "package lib\n\nfunc Add(a, b int) int { return a + b }\n\nfunc Mul(a, b int) int { return a * b }\n")
		}, nil},
		{"the Go package renamed (its importers name it differently now)", func() {
			write("lib/lib.go", "package library\n\nfunc Sum(a, b int) int { return a + b }\n\nfunc Mul(a, b int) int { return a * b }\n")
		}, nil},
		{"a tsconfig makes @web/ a path alias", func() {
			config("tsconfig.json", `{"compilerOptions": {"baseUrl": ".", "paths": {"@web/*": ["web/*"]}}}`)
		}, []string{"web/alias.ts missing-export"}},
		{"the alias moved to a config it extends", func() {
			config("base.json", `{"compilerOptions": {"paths": {"@other/*": ["web/*"]}}}`)
			config("tsconfig.json", `{"extends": "./base.json"}`)
		}, nil},
		{"the extended config names @web/", func() {
			config("base.json", `{"compilerOptions": {"paths": {"@web/*": ["web/*"]}}}`)
		}, []string{"web/alias.ts missing-export"}},
		{"no tsconfig", func() { remove("tsconfig.json") }, nil},
		{"a module attribute one file sets and another reads", func() {
			write("pkg/env.py", "from pkg import core\n\ndef setup():\n    core.outbox = []\n")
			write("mail.py", "from pkg import core\n\nprint(core.outbox)\n")
		}, nil},
		{"no longer set", func() { write("pkg/env.py", "def setup():\n    pass\n") }, []string{"mail.py missing-export"}},
		{"set with setattr", func() {
			write("pkg/env.py", "from pkg import core\n\nsetattr(core, \"outbox\", [])\n")
		}, nil},
		{"__all__ lists a submodule not written yet", func() {
			write("pkg/__init__.py", "from .core import run\n\n__all__ = [\"run\", \"jobs\"]\n")
		}, []string{"pkg/__init__.py missing-export"}},
		{"the submodule written", func() { write("pkg/jobs.py", "def work(a):\n    return a\n") }, nil},
		{"the submodule removed again", func() { remove("pkg/jobs.py") }, []string{"pkg/__init__.py missing-export"}},
		{"and back", func() { write("pkg/jobs.py", "def work(a):\n    return a\n") }, nil},
		{"a call through import a.b whose def changes", func() {
			write("caller.py", "import pkg.jobs\n\npkg.jobs.work(1)\n")
			write("pkg/jobs.py", "def work(a, b):\n    return a\n")
		}, []string{"caller.py arity-mismatch"}},
		{"and changes back", func() { write("pkg/jobs.py", "def work(a):\n    return a\n") }, nil},
	}
	some := []string{"main.py", "web/app.ts"}
	for _, step := range steps {
		step.change()
		ofSome := ix.DiagnosticsOf(some) // the first to evaluate the change
		incremental := ix.Diagnostics()
		inSome := slices.DeleteFunc(slices.Clone(incremental), func(d Diagnostic) bool { return !slices.Contains(some, d.File) })
		if got, want := locations(ofSome), locations(inSome); got != want {
			t.Fatalf("%s: the findings of %v\n  %s\nout of all the findings\n  %s", step.name, some, got, want)
		}
		fresh := NewIndex(root)
		if err := fresh.Scan(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if got, want := locations(incremental), locations(fresh.Diagnostics()); got != want {
			t.Fatalf("%s: incremental findings\n  %s\na fresh scan's\n  %s", step.name, got, want)
		}
		var got []string
		for _, d := range incremental {
			got = append(got, d.File+" "+d.Rule)
		}
		if strings.Join(got, "\n") != strings.Join(step.want, "\n") {
			t.Fatalf("%s: findings\n  %s\nwant\n  %s", step.name, strings.Join(got, "\n  "), strings.Join(step.want, "\n  "))
		}
	}
}

// TestIncrementalRecheckReadsOnlyDependents checks that an edit re-checks the file and
// the files that read it, not the workspace.
func TestIncrementalRecheckReadsOnlyDependents(t *testing.T) {
	root := benchWorkspace(t, 300)
	ix := NewIndex(root)
	ctx := context.Background()
	if err := ix.Scan(ctx, nil); err != nil {
		t.Fatal(err)
	}
	ix.Diagnostics()
	src, _ := os.ReadFile(filepath.Join(root, "web/m4.ts"))
	if err := ix.Update(ctx, "web/m4.ts", append([]byte("// edited\n"), src...)); err != nil {
		t.Fatal(err)
	}
	ix.mu.Lock()
	stale := slices.Sorted(maps.Keys(ix.stale))
	ix.mu.Unlock()
	// m7.ts imports m4.ts; nothing else does.
	if strings.Join(stale, " ") != "web/m4.ts web/m7.ts" {
		t.Errorf("files to check again after editing web/m4.ts: %v", stale)
	}
}

// TestScanChecksInParallelAsOne: a scan's files are checked in batches on every core,
// each with its own evaluation. The findings, and the reads that later edits follow,
// must be those of one evaluation.
func TestScanChecksInParallelAsOne(t *testing.T) {
	files := map[string]string{"web/m0.ts": "export function f0() {}\n"}
	for i := 1; i < 3*checkBatch; i++ {
		files[fmt.Sprintf("web/m%d.ts", i)] = fmt.Sprintf("import { f%[1]d } from \"./m%[1]d\";\nexport function f%[2]d() { f%[1]d(); }\n", i-1, i)
	}
	files["web/m5.ts"] = "import { gone } from \"./later\";\nexport function f5() { gone(); }\n"
	files["web/m700.ts"] = "import { f699 } from \"./m699\";\nexport function f700() { f699(1, 2); }\n"
	root := writeTree(t, files)
	ix := NewIndex(root)
	ctx := context.Background()
	if err := ix.Scan(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if got, want := locations(ix.Diagnostics()), "web/m5.ts:1:22 unresolved-import\nweb/m700.ts:2:26 arity-mismatch"; got != want {
		t.Fatalf("findings\n%s\nwant\n%s", got, want)
	}
	// Reads recorded by the batches: a module appearing where m5's import looked, a
	// signature changing under m700.
	for rel, content := range map[string]string{"web/later.ts": "export function gone() {}\n", "web/m699.ts": "import { f698 } from \"./m698\";\nexport function f699(a: number, b: number) { f698(); }\n"} {
		if err := os.WriteFile(filepath.Join(root, filepath.FromSlash(rel)), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := ix.Update(ctx, rel, []byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if got := locations(ix.Diagnostics()); got != "" {
		t.Fatalf("findings after the fixes:\n%s", got)
	}
}

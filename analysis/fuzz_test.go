package analysis

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzCheck: whatever a source file holds, as Go, TypeScript, TSX, JavaScript or Python,
// indexing it and checking it beside modules that import it and call into it never
// panics (the index recovers a panic as a fault, so faults fail the target), and every
// finding lies inside the file it names.
func FuzzCheck(f *testing.F) {
	f.Add([]byte(cartPy))
	f.Add([]byte(formatTS))
	f.Add([]byte("package x\n\nfunc F(a int, rest ...string) int { return a }\n"))
	f.Add([]byte("function renamed() {}\nexport { run, renamed as r };\nrun(1);\n"))
	f.Add([]byte("__all__ = [\"f\", 'g'] + other.__all__\n__all__.append(\"h\")\nimport pkg.x\npkg.x.f(1)\n"))
	f.Add([]byte("class C:\n    @staticmethod\n    def s(a): pass\n\nC.s()\nfrom . import x\nx.f(\n"))
	f.Add([]byte("const d = y / z\nin58.push(1)\nexport import A = require('./a');\ntype F = ({\n  i\n}: T) => void | ((any) => 1) | [symbol: S];\nlet x /*\n*/ = `\x00`;\nif (m.init) m.init?.();\n/** @typedef {{a: {b: 1}}} P */\nexport * from './x' with {\n  t: 'j'\n};\n"))
	f.Add([]byte("interface I {\n  a: X<T>\n  /** doc */\n  <\n    M,\n  >(g: string): M\n}\ntype S = `$\\{${infer R}\\}\\\\` | { [K in keyof T]-? : T[K] };\nconst q = \"`\\`\", t = `\\`\\{`;\n"))
	files := map[string]string{
		"go.mod":          "module example.com/f\n\ngo 1.22\n",
		"pkg/__init__.py": "from .x import *\n",
		"main.py":         "import pkg.x\nfrom pkg.x import f, C\nfrom pkg import x\n\nf(1, k=2)\nC.s(1)\nx.g()\npkg.x.h(1)\n",
		"main.ts":         "import def, { a, run } from \"./pkg/x\";\nimport * as ns from \"./pkg/x.js\";\na(1);\nns.b(2, 3);\nrun();\n",
		"main.js":         "const { a } = require(\"./pkg/x\");\nimport { r } from \"./pkg/x.mjs\";\na(1);\n",
		"cmd/main.go":     "package main\n\nimport \"example.com/f/pkg\"\n\nfunc main() { x.F(1, \"a\") }\n",
	}
	ix := NewIndex(writeTree(f, files))
	ctx := context.Background()
	if err := ix.Scan(ctx, nil); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		src = bytes.Clone(src) // the index keeps it; the fuzzer reuses its buffer
		for _, rel := range []string{"pkg/x.go", "pkg/x.ts", "pkg/x.tsx", "pkg/x.js", "pkg/x.mjs", "pkg/x.py", "pkg/x.pyi"} {
			if err := ix.Update(ctx, rel, src); err != nil {
				t.Fatal(err)
			}
		}
		for _, d := range ix.Diagnostics() {
			content, fixed := files[d.File]
			if !fixed {
				content = string(src)
			}
			if d.Range.Start.Line < 0 || d.Range.End.Line < d.Range.Start.Line || d.Range.End.Line > strings.Count(content, "\n") {
				t.Fatalf("a finding outside its file: %+v", d)
			}
		}
		if faults := ix.Faults(); len(faults) > 0 {
			t.Fatalf("the checks failed: %q", faults)
		}
	})
}

// FuzzParseOutput: whatever a build or test command prints, the findings read from it
// name files inside the workspace, at lines that exist in numbering (1 or more).
func FuzzParseOutput(f *testing.F) {
	f.Add("src/a.ts(12,5): error TS2304: Cannot find name 'x'.\n")
	f.Add("/w/src/b.js\n  3:10  error  'y' is not defined  no-undef\n")
	f.Add("    cart_test.go:7: got 1\nFAIL\texample.com/shop/cart\t0.01s\n")
	f.Add("error[E0308]: mismatched types\n --> src/main.rs:2:18\n")
	f.Add("FAILED tests/test_cart.py::test_total - assert 1 == 2\n../outside.go:1:1: no\n")
	f.Add("--- FAIL: TestT (0.00s)\npanic: boom [recovered]\n\t/usr/lib/go/x.go:1 +0x1\n\ta.go:2\n\texample.com/shop/a.go:3 +0x2\npanic: boom\n\ta.go:2\n")
	f.Add("  ● adds\n\n    expect(received).toBe(expected)\n\n    Expected: 3\n\n      at Object.toBe (a.js:4:21)\n      at f (/w/node_modules/x.js:1:1)\nnot ok 2 - t\n  error: |-\n    x:\n\n    y\n  stack: |-\n    f (file:///a.js:2:3)\n    g (a.js:9:1)\n")
	f.Add("FAIL: test_t (t.T.test_t)\nTraceback (most recent call last):\n  File \"a.py\", line 3, in test_t\n  File \"/x/site-packages/a.py\", line 1\nAssertionError: 1 != 2\nValueError\n")
	f.Add("____ test_t ____\n\na.py:9: \nE   assert 1 == 2\nE    + where\na.py:3: AssertionError\n____ ERROR collecting a.py ____\n/usr/x.py:1: in f\na.py:1: in <module>\nE   ImportError: x\n=== short test summary info ===\n")
	f.Add("thread 't' (3) panicked at a.rs:2:5:\nboom\n  left: 1\nstack backtrace:\nthread 'u' panicked at 'x', a.rs:0:0\nthread 'v' panicked at a.rs:9:1:\n")
	f.Add("not ok 1 - t\n  stack: |-\n    f (lib/sum.js:5:22)\n    g (dist/sum.test.js:9:400)\n    h (inline/sum.js:99:1)\n")
	f.Add("=== RUN   TestA\n    a_test.go:3: note\n--- PASS: TestA (0.00s)\n--- FAIL: ExampleB (0.00s)\ngot:\nx\nwant:\ny\nFAIL\texample.com/shop\t0.01s\n")
	f.Add("==================\nWARNING: DATA RACE\nRead at 0x00c0 by goroutine 8:\n  shop.f()\n      /w/a.go:6 +0x33\n\nPrevious write at 0x00c0 by main goroutine:\n      example.com/shop/a.go:0 +0x1\nGoroutine 8 (running) created at:\n      a.go:2 +0x1\n==================\n")
	f.Add("test at a.js:29:1\n✖ slow (51ms)\n  'test timed out after 50ms'\nnot ok 2 - t\n  location: '/w/a.js:0:1'\n  failureType: 'subtestsFailed'\n")
	f.Add("**********************************************************************\nFile \"a.py\", line 4, in a.f\nFailed example:\n    f()\nExpected nothing\nGot:\n    1\nException raised:\n      File \"a.py\", line 0, in f\n    TypeError: x\n")
	f.Add("---- a.rs - f (line 0) stdout ----\nthread 'main' (1) panicked at a.rs:5:1:\nboom\n---- t stdout ----\nnote: test did not panic as expected at a.rs:3:8\n")
	f.Add("a.ts(1,14): error TS1: x\na.ts(1,99): error TS1: x\n --> a.rs:1:3\na.ts:1:4 parse  ━━\n\n  × x\n  /w/a.ts:1:2 - error: y\n")
	f.Add("  1) cart\n       total\n         sums:\n     Error: Timeout of 50ms exceeded. (/w/a.spec.js)\n  2) t:\n  x:\n+ actual - expected\n+ a\n      + expected - actual\n- b\n    - Expected  - 1\n")
	root := f.TempDir()
	if err := os.CopyFS(root, os.DirFS(filepath.Join("testdata", "compiled"))); err != nil { // compiled TypeScript
		f.Fatal(err)
	}
	for name, content := range map[string]string{"go.mod": "module example.com/shop\n", "a.go": "package shop\n", "a.js": "export {};\n", "a.py": "", "a.rs": "", "a.ts": "const s = \"日本😀\"; \xff\n"} {
		if err := os.WriteFile(filepath.Join(root, name), []byte(content), 0o644); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, output string) {
		for _, rule := range []string{RuleBuildError, RuleTestFailure} {
			for _, d := range ParseOutput(root, rule, output) {
				if d.File == "" || filepath.IsAbs(d.File) || d.File == ".." || strings.HasPrefix(d.File, "../") || d.Range.Start.Line < 0 || d.Range.Start.Column < 0 {
					t.Fatalf("a finding outside the workspace: %+v", d)
				}
			}
		}
	})
}

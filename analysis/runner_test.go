package analysis

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

func render(ds []Diagnostic) []string {
	var out []string
	for _, d := range ds {
		out = append(out, strings.Join([]string{d.File, itoa(d.Range.Start.Line + 1), itoa(d.Range.Start.Column + 1), d.Rule}, ":"))
	}
	return out
}

func itoa(n int) string { return fmt.Sprintf("%03d", n) }

// expectPlaced checks a command's findings, with their messages, against want.
func expectPlaced(t *testing.T, what string, ds []Diagnostic, res RunResult, err error, want []string) {
	t.Helper()
	if got := renderWithMessages(ds); err != nil || !slices.Equal(got, want) {
		t.Errorf("%s: %v\n%s\nwant\n%s\noutput:\n%s", what, err, strings.Join(got, "\n"), strings.Join(want, "\n"), res.Output)
	}
}

// debianPytest is the command that runs Debian's pytest (which .ci/run installs) without
// a cache in the workspace; the test is skipped where it is not installed.
func debianPytest(t *testing.T) string {
	const python = "/usr/bin/python3"
	if exec.Command(python, "-c", "import pytest").Run() != nil {
		t.Skip("no pytest for " + python + " here (apt-get install python3-pytest)")
	}
	return python + " -m pytest -p no:cacheprovider"
}

// renderWithMessages is render with each finding's message after it.
func renderWithMessages(ds []Diagnostic) []string {
	out := render(ds)
	for i, d := range ds {
		out[i] += " " + d.Message
	}
	return out
}

func TestDetectCommands(t *testing.T) {
	cases := []struct {
		files map[string]string
		want  Commands
	}{
		{map[string]string{"go.mod": "module x\n"}, Commands{Build: "go build ./...", Test: "go test ./...", Origin: "go.mod"}},
		{map[string]string{"package.json": `{"scripts":{"build":"tsc","test":"vitest"}}`, "pnpm-lock.yaml": ""}, Commands{Build: "pnpm run build", Test: "pnpm test", Origin: "package.json"}},
		{map[string]string{"package.json": `{"scripts":{"test":"jest"}}`, "yarn.lock": ""}, Commands{Test: "yarn test", Origin: "package.json"}},
		{map[string]string{"package.json": `{"scripts":{"build":"x"}}`}, Commands{Build: "npm run build", Origin: "package.json"}},
		{map[string]string{"pyproject.toml": ""}, Commands{Test: "python -m pytest", Origin: "pyproject.toml"}},
		{map[string]string{"Cargo.toml": ""}, Commands{Build: "cargo build", Test: "cargo test", Origin: "Cargo.toml"}},
		{map[string]string{"README.md": ""}, Commands{}},
	}
	for _, c := range cases {
		if got := DetectCommands(writeTree(t, c.files)); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%v: %+v, want %+v", c.files, got, c.want)
		}
	}
}

// TestUnavailableIsToldWithoutRunning: a program not on the PATH, a script that is not
// executable, or a Python without the module it runs; commands that start with a script
// not written yet (a worker may write it) or shell syntax are not judged.
func TestUnavailableIsToldWithoutRunning(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3 here")
	}
	root := writeTree(t, map[string]string{"scripts/plain.sh": "#!/bin/sh\n", "scripts/run.sh": "#!/bin/sh\n"})
	if err := os.Chmod(filepath.Join(root, "scripts/run.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	for command, want := range map[string]string{
		"no-such-program-here test ./...":   "`no-such-program-here` is not installed here (or not on the PATH)",
		"./scripts/plain.sh -v":             "`./scripts/plain.sh` is not executable (`chmod +x ./scripts/plain.sh`)",
		"./scripts/run.sh":                  "",
		python + " -m no_such_module_here":  "the command's Python has no module `no_such_module_here`",
		"python3 -m no_such_module_here -q": "the command's Python has no module `no_such_module_here`",
		python + " -m unittest":             "",
		"go test ./...":                     "",
		"cd web && no-such-program-here":    "",
		"trap '' INT; go test ./...":        "",
		"ulimit -n 4096 && go test ./...":   "",
		"if true; then go vet; fi":          "",
		"./scripts/test.sh":                 "",
		"CI=1 no-such-program-here":         "",
		"":                                  "",
	} {
		if got := Unavailable(root, command); got != want {
			t.Errorf("%q: %q, want %q", command, got, want)
		}
	}
}

// TestAModuleThePathHasAsAProgramIsNamed: pyenv's python lacks pytest, but the system's
// pytest is on the PATH; the user is told of it.
func TestAModuleThePathHasAsAProgramIsNamed(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3 here")
	}
	bin := writeTree(t, map[string]string{"no_such_module_here": "#!/bin/sh\n"})
	program := filepath.Join(bin, "no_such_module_here")
	if err := os.Chmod(program, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	want := "the command's Python has no module `no_such_module_here`: install it for that Python, or make the command `no_such_module_here` (" + program + " on the PATH, with a Python of its own) in .opencode/orchestrator.json's `commands`"
	if got := Unavailable(t.TempDir(), python+" -m no_such_module_here"); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// TestPythonTestsRunWithTheProjectsInterpreter: a project's virtual environment, where its
// pytest is installed, else python, else python3 where only that is installed.
func TestPythonTestsRunWithTheProjectsInterpreter(t *testing.T) {
	withVenv := writeTree(t, map[string]string{"pyproject.toml": "", ".venv/bin/python": "", "venv/bin/python": ""})
	if got := DetectCommands(withVenv).Test; got != ".venv/bin/python -m pytest" {
		t.Errorf("with .venv: %q", got)
	}
	onlyPython3 := writeTree(t, map[string]string{"python3": "#!/bin/sh\n"})
	if err := os.Chmod(filepath.Join(onlyPython3, "python3"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", onlyPython3)
	if got := DetectCommands(writeTree(t, map[string]string{"setup.cfg": ""})).Test; got != "python3 -m pytest" {
		t.Errorf("only python3 installed: %q", got)
	}
}

// TestCannotRunTellsAMissingProgramFromAFailure runs real commands: a program that is not
// installed, a script that is not executable, a Python without the module it runs, or a
// write to a full disk, cannot run; a failing test, a missing workspace script (a worker
// can write it), a test's own missing import and a test quoting the disk's error are
// failures.
func TestCannotRunTellsAMissingProgramFromAFailure(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3 here")
	}
	if _, err := exec.LookPath("npm"); err != nil {
		t.Skip("no npm here")
	}
	// A project whose test script's tool comes with dependencies nobody installed.
	root := writeTree(t, map[string]string{"package.json": `{"name": "x", "version": "1.0.0", "scripts": {"test": "jest"}}`,
		"scripts/plain.sh": "#!/bin/sh\nexit 0\n"})
	for _, c := range []struct{ command, want string }{
		{"no-such-program-here --version", "`no-such-program-here` is not installed here (or not on the PATH)"},
		{"true && no-such-program-here", "`no-such-program-here` is not installed here (or not on the PATH)"},
		{"bash -c no-such-program-here", "`no-such-program-here` is not installed here (or not on the PATH)"},
		{"npm test", "`jest` is not installed here: the project's dependencies are not (`npm install`)"},
		{python + " -m no_such_module_here", "the command's Python has no module `no_such_module_here`"},
		{"./scripts/missing.sh", ""},
		{"./scripts/plain.sh", "`./scripts/plain.sh` is not executable (`chmod +x ./scripts/plain.sh`)"},
		{"bash -c ./scripts/plain.sh", "`./scripts/plain.sh` is not executable (`chmod +x ./scripts/plain.sh`)"},
		{"echo 'sh: 1: ./data: Permission denied'; exit 1", ""},
		{python + " -c 'import no_such_module_here'", ""},
		{"echo 'FAILED test_a.py::test_x - assert 1 == 2'; exit 1", ""},
		{"exit 127", ""},
		// /dev/full fails every write with ENOSPC, as a full disk does.
		{"cp package.json /dev/full", "the disk is full (`cp: error writing '/dev/full': No space left on device`)"},
		{python + ` -c "f = open('/dev/full', 'w'); f.write('x'); f.close()"`, "the disk is full (`OSError: [Errno 28] No space left on device`)"},
		{`node -e "require('fs').writeFileSync('/dev/full', 'x')"`, "the disk is full (`Error: ENOSPC: no space left on device, write`)"},
		{`echo 'AssertionError: want "No space left on device", got nil'; exit 1`, ""},
		{"echo 'write /tmp/x: no space left on device'", ""},
	} {
		res, err := Run(context.Background(), root, c.command, nil, time.Minute)
		if got := CannotRun(c.command, res); err != nil || got != c.want {
			t.Errorf("%s: %q (%v), want %q; output %q", c.command, got, err, c.want, res.Output)
		}
	}
}

// TestAPanickingGoTestIsPlacedWhereItPanicked: a test that panics prints no assertion,
// only the goroutines' frames. The finding goes to the first frame in the workspace (the
// function that panicked, the file a FIX worker must change) and names the caller there,
// with absolute paths read against a relative root and -trimpath's module paths alike.
func TestAPanickingGoTestIsPlacedWhereItPanicked(t *testing.T) {
	root := writeTree(t, map[string]string{
		"go.mod":                        "module example.com/shop\n\ngo 1.22\n",
		"cart/cart.go":                  "package cart\n\nfunc Total(p []int) int {\n\treturn p[0] + p[1] + p[5]\n}\n",
		"cart/cart_test.go":             "package cart\n\nimport \"testing\"\n\nfunc TestTotal(t *testing.T) {\n\tif Total([]int{1, 2}) != 3 {\n\t\tt.Fatal(\"bad\")\n\t}\n}\n",
		"vendor/example.com/lib/lib.go": "package lib\n\nfunc Boom() { panic(\"boom\") }\n",
	})
	// A vendored module's frame is another project's code: the panic goes to the
	// workspace's own frame below it.
	vendored := "panic: boom\n\ngoroutine 1 [running]:\nexample.com/lib.Boom(...)\n\t" + filepath.Join(root, "vendor/example.com/lib/lib.go") +
		":3\nexample.com/shop/cart.Total(...)\n\t" + filepath.Join(root, "cart/cart.go") + ":4\n"
	if got := renderWithMessages(ParseOutput(root, RuleTestFailure, vendored)); !slices.Equal(got, []string{"cart/cart.go:004:001:test-failure panic: boom"}) {
		t.Errorf("a vendored frame: %q", got)
	}
	t.Chdir(root)
	want := "cart/cart.go:004:001:test-failure TestTotal panicked: runtime error: index out of range [5] with length 2 (called from cart/cart_test.go:6)"
	for _, test := range []string{"go test ./...", "go test -trimpath ./..."} {
		for _, dir := range []string{root, "."} {
			ds, res, err := CommandFindings(context.Background(), dir, test, RuleTestFailure, DetectCommands(dir), time.Minute)
			if got := render(ds); err != nil || len(got) != 1 || got[0]+" "+ds[0].Message != want {
				t.Errorf("%s in %s: %v %v, want %s\n%s", test, dir, got, ds, want, res.Output)
			}
		}
	}
}

// TestJavaScriptTestFailuresArePlacedWhereTheyFailed: each failing test is placed at its
// stack trace's first frame in the workspace (an assertion in the test, or the function
// that threw) and named with its error, not reported on package.json where no worker
// could mend it. node --test runs here, in its TAP (its default into a pipe) and spec
// reporters; Jest 30, Mocha 12 and Vitest 3 printed testdata/testoutput for the same tests.
func TestJavaScriptTestFailuresArePlacedWhereTheyFailed(t *testing.T) {
	sum := "function sum(a, b) { return a - b; }\nfunction boom() { return null.x; }\nmodule.exports = { sum, boom };\n"
	tests := func(define, assertion string) string {
		return define + "const { sum, boom } = require(\"../src/sum\");\n" +
			"test(\"adds\", () => {\n  " + assertion + ";\n});\ntest(\"throws\", () => {\n  boom();\n});\n"
	}
	root := writeTree(t, map[string]string{
		"package.json":        `{"name": "sum", "version": "1.0.0"}`,
		"src/sum.js":          sum,
		"test/node.test.js":   tests("const test = require(\"node:test\");\nconst assert = require(\"node:assert\");\n", "assert.strictEqual(sum(1, 2), 3)"),
		"test/sum.test.js":    tests("const assert = require(\"assert\");\n", "expect(sum(1, 2)).toBe(3)"),
		"test/mocha.spec.js":  strings.ReplaceAll(tests("const assert = require(\"assert\");\n", "assert.strictEqual(sum(1, 2), 3)"), "test(", "it("),
		"test/vi.test.js":     tests("import { test, expect } from \"vitest\";\n", "expect(sum(1, 2)).toBe(3)"),
		"test/broken.test.js": "const { sum } = require(\"../src/summ\");\n",
	})
	throws := "src/sum.js:002:031:test-failure throws: TypeError: Cannot read properties of null (reading 'x') (called from test/%s:%d)"
	runners := []struct{ name, output, command string }{
		{name: "node --test (TAP)", command: "node --test test/node.test.js"},
		{name: "node --test (spec)", command: "node --test --test-reporter=spec test/node.test.js"},
		{name: "jest", output: "jest.txt"},
		{name: "jest, a suite that does not load", output: "jest-suite.txt"},
		{name: "mocha", output: "mocha.txt"},
		{name: "vitest", output: "vitest.txt"},
	}
	want := map[string][]string{
		"node --test (TAP)": {"test/node.test.js:005:010:test-failure adds: Expected values to be strictly equal: -1 !== 3",
			fmt.Sprintf(strings.Replace(throws, "TypeError: ", "", 1), "node.test.js", 8)},
		"node --test (spec)": {"test/node.test.js:005:010:test-failure adds: AssertionError [ERR_ASSERTION]: Expected values to be strictly equal: -1 !== 3",
			fmt.Sprintf(strings.Replace(throws, "TypeError", "TypeError [Error]", 1), "node.test.js", 8)},
		"jest": {"test/sum.test.js:004:021:test-failure adds: expect(received).toBe(expected) // Object.is equality; Expected: 3; Received: -1",
			fmt.Sprintf(throws, "sum.test.js", 7)},
		"jest, a suite that does not load": {"test/broken.test.js:001:017:test-failure Test suite failed to run: Cannot find module '../src/summ' from 'test/broken.test.js'"},
		"mocha": {"test/mocha.spec.js:004:010:test-failure adds: AssertionError [ERR_ASSERTION]: Expected values to be strictly equal: -1 !== 3",
			fmt.Sprintf(throws, "mocha.spec.js", 7)},
		"vitest": {"test/vi.test.js:004:021:test-failure adds: AssertionError: expected -1 to be 3 // Object.is equality",
			fmt.Sprintf(throws, "vi.test.js", 7)},
	}
	for _, r := range runners {
		output := ""
		if r.command != "" {
			if _, err := exec.LookPath("node"); err != nil {
				t.Logf("%s: skipped, no node here", r.name)
				continue
			}
			res, err := Run(context.Background(), root, r.command, nil, time.Minute)
			if err != nil || res.ExitCode == 0 {
				t.Fatalf("%s: %v, exit %d\n%s", r.name, err, res.ExitCode, res.Output)
			}
			output = res.Output
		} else {
			data, err := os.ReadFile(filepath.Join("testdata", "testoutput", r.output))
			if err != nil {
				t.Fatal(err)
			}
			output = string(data)
		}
		got := renderWithMessages(ParseOutput(root, RuleTestFailure, output))
		if !slices.Equal(got, want[r.name]) {
			t.Errorf("%s:\n%s\nwant\n%s\noutput:\n%s", r.name, strings.Join(got, "\n"), strings.Join(want[r.name], "\n"), output)
		}
	}
	// A stack trace that no failure heads (console.trace, a deprecation warning) is none.
	if ds := ParseOutput(root, RuleTestFailure, "Trace: here\n    at boom (src/sum.js:2:31)\n"); len(ds) != 0 {
		t.Errorf("a trace without a failure: %+v", ds)
	}
}

// TestMochaSuitesTimeoutsAndDiffsAreRead: Mocha's title goes on over lines, one per suite;
// its timeout names only the test's file, and is placed at the test's `it` there (a hook's
// at the hook in the test's suite); an assertion's diff is quoted once (assert's, not
// Mocha's own of the same values after it), and Jest's too; Jest's timeouts read. Mocha
// 12 and Jest 30 printed testdata/testoutput for these files.
func TestMochaSuitesTimeoutsAndDiffsAreRead(t *testing.T) {
	root := writeTree(t, map[string]string{
		"package.json": `{"name": "cart", "version": "1.0.0"}`,
		"src/cart.js": "function total(items) { return items.reduce((s, i) => s + i.price, 1); }\n" +
			"function item(name) { return { name, price: 1, qty: 1 }; }\nmodule.exports = { total, item };\n",
		"test/cart.spec.js": "const assert = require(\"assert\");\nconst { total, item } = require(\"../src/cart\");\n\n" +
			"describe(\"cart\", () => {\n  describe(\"total\", () => {\n    it(\"sums\", () => {\n" +
			"      assert.strictEqual(total([{ price: 2 }]), 2);\n    });\n  });\n  it(\"item\", () => {\n" +
			"    assert.deepStrictEqual(item(\"a\"), { name: \"a\", price: 2, qty: 1 });\n  });\n" +
			"  /* 価格 */ it('waits', async function () {\n    this.timeout(50);\n    await new Promise(() => {});\n  });\n});\n",
		"test/cart.test.js": "const { item } = require(\"../src/cart\");\n\ntest(\"item\", () => {\n" +
			"  expect(item(\"a\")).toEqual({ name: \"a\", price: 2, qty: 1 });\n});\n",
		"test/hook.spec.js": "const assert = require(\"assert\");\ndescribe(\"shelf\", () => {\n  beforeEach(() => {});\n" +
			"  it(\"stands\", () => {});\n});\ndescribe(\"cart\", () => {\n  beforeEach(async function () {\n" +
			"    this.timeout(50);\n    await new Promise(() => {});\n  });\n  it(\"sums\", () => {});\n});\n" +
			"describe(\"shop\", () => {\n  before(function load() {\n    throw new Error(\"no stock\");\n  });\n" +
			"  it(\"sells\", () => {});\n});\n",
		"test/slow.test.js": "describe(\"cart\", () => {\n  test(\"waits\", async () => {\n    await new Promise(() => {});\n  }, 100);\n});\n",
		"test/hook.test.js": "describe(\"shop\", () => {\n  beforeEach(async () => {\n    await new Promise(() => {});\n  }, 100);\n" +
			"  test(\"sells\", () => {});\n});\n",
	})
	want := map[string][]string{
		"mocha-suites.txt": {
			"test/cart.spec.js:011:012:test-failure cart item: AssertionError [ERR_ASSERTION]: Expected values to be strictly deep-equal: + actual - expected; + price: 1,; - price: 2,",
			"test/cart.spec.js:013:016:test-failure cart waits: Error: Timeout of 50ms exceeded. For async tests and hooks, ensure \"done()\" is called; if returning a Promise, ensure it resolves.",
			"test/cart.spec.js:007:014:test-failure cart total sums: AssertionError [ERR_ASSERTION]: Expected values to be strictly equal: 3 !== 2",
		},
		"jest-diff.txt": {"test/cart.test.js:004:021:test-failure item: expect(received).toEqual(expected) // deep equality; - Expected + Received; - \"price\": 2,; + \"price\": 1,"},
		// A hook's timeout at the hook of its suite; its error at its frame.
		"mocha-hooks.txt": {
			"test/hook.spec.js:007:003:test-failure cart \"before each\" hook for \"sums\": Error: Timeout of 50ms exceeded. For async tests and hooks, ensure \"done()\" is called; if returning a Promise, ensure it resolves.",
			"test/hook.spec.js:015:011:test-failure shop \"before all\" hook: load for \"sells\": Error: no stock",
		},
		// Jest's timeout: the thrown string's first line, at the test's or hook's call,
		// with no caller (its suite's callback).
		"jest-timeouts.txt": {
			"test/hook.test.js:002:003:test-failure shop › sells: Exceeded timeout of 100 ms for a hook.",
			"test/slow.test.js:002:003:test-failure cart › waits: Exceeded timeout of 100 ms for a test.",
		},
	}
	for name, want := range want {
		data, err := os.ReadFile(filepath.Join("testdata", "testoutput", name))
		if err != nil {
			t.Fatal(err)
		}
		output := strings.ReplaceAll(string(data), "{root}", root) // Mocha's timeout names the file by its absolute path
		if got := renderWithMessages(ParseOutput(root, RuleTestFailure, output)); !slices.Equal(got, want) {
			t.Errorf("%s:\n%s\nwant\n%s", name, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// TestNodeTestFailuresWithoutAFrameArePlacedAtTheTest runs node --test: a test out of time
// or whose promise never settles has no stack trace, and is placed where the runner says
// the test is; a suite whose subtest failed is not a second finding; a deep-equality
// failure quotes its diff.
func TestNodeTestFailuresWithoutAFrameArePlacedAtTheTest(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("no node here")
	}
	root := writeTree(t, map[string]string{
		"package.json": `{"name": "slow", "version": "1.0.0"}`,
		"slow.test.js": `const { test, describe, it } = require("node:test");
const assert = require("node:assert");

describe("totals", () => {
  it("has the right keys", () => {
    assert.deepStrictEqual({ a: 1, b: 2 }, { a: 1, b: 3 });
  });
});

/* 価格 */ test("answers in time", { timeout: 20 }, async () => {
  await new Promise((resolve) => setTimeout(resolve, 300));
});

test("settles", async () => {
  await new Promise((resolve) => setTimeout(resolve, 60000).unref());
});
`,
	})
	want := []string{
		"slow.test.js:006:012:test-failure has the right keys: %sExpected values to be strictly deep-equal: + actual - expected; + b: 2; - b: 3",
		"slow.test.js:010:014:test-failure answers in time: test timed out after 20ms", // node counts UTF-16
		"slow.test.js:014:001:test-failure settles: Promise resolution is still pending but the event loop has already resolved",
	}
	for command, prefix := range map[string]string{"node --test": "", "node --test --test-reporter=spec": "AssertionError [ERR_ASSERTION]: "} {
		res, err := Run(context.Background(), root, command, nil, time.Minute)
		if err != nil || res.ExitCode == 0 {
			t.Fatalf("%s: %v, exit %d\n%s", command, err, res.ExitCode, res.Output)
		}
		got := renderWithMessages(ParseOutput(root, RuleTestFailure, res.Output))
		if expected := append([]string{fmt.Sprintf(want[0], prefix)}, want[1:]...); !slices.Equal(got, expected) {
			t.Errorf("%s:\n%s\nwant\n%s\noutput:\n%s", command, strings.Join(got, "\n"), strings.Join(expected, "\n"), res.Output)
		}
	}
}

// TestCompiledTypeScriptFailuresArePlacedInTheSource: a test run of tsc's output fails
// in compiled JavaScript, which the next build rewrites; the failure is placed in the
// TypeScript it came from, where a fix belongs. testdata/compiled holds what TypeScript
// 5.9.3 wrote for each way it places its output: without source maps, under the inputs'
// common directory or under rootDir, as ES modules or CommonJS, and with source maps
// beside the files or inside them. node --test runs each.
func TestCompiledTypeScriptFailuresArePlacedInTheSource(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("no node here")
	}
	root := t.TempDir()
	if err := os.CopyFS(root, os.DirFS(filepath.Join("testdata", "compiled"))); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"src/sum.test.ts:009:010:test-failure adds: Expected values to be strictly equal: -1 !== 3",
		"src/sum.ts:013:055:test-failure measures: Cannot read properties of undefined (reading 'x') (called from src/sum.test.ts:13)",
	}
	check := func(dir string) {
		t.Helper()
		res, err := Run(context.Background(), root, "node --test "+dir+"/", nil, time.Minute)
		if err != nil || res.ExitCode == 0 {
			t.Fatalf("%s: %v, exit %d\n%s", dir, err, res.ExitCode, res.Output)
		}
		ds := ParseOutput(root, RuleTestFailure, res.Output)
		if got := renderWithMessages(ds); !slices.Equal(got, want) {
			t.Errorf("%s:\n%s\nwant\n%s", dir, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if len(ds) == 2 && (len(ds[1].Related) != 1 || render([]Diagnostic{{File: ds[1].Related[0].File, Range: ds[1].Related[0].Range}})[0] != "src/sum.test.ts:013:015:") {
			t.Errorf("%s: the caller: %+v", dir, ds[1].Related)
		}
	}
	check("lib")
	check("rooted/src")
	check("cjs") // CommonJS: what the tests import is reached through each module's name

	// Compiled lines whose words no source line has (closing braces): the source file,
	// and where in the compiled file.
	failure := func(frames ...string) string {
		out := "not ok 1 - measures\n  error: 'boom'\n  stack: |-\n"
		for _, f := range frames {
			out += "    f (file://" + filepath.Join(root, f) + ")\n"
		}
		return out
	}
	unmatched := []string{"src/sum.ts:001:001:test-failure measures: boom (compiled to lib/sum.js:3) (called from src/sum.test.ts, compiled to lib/sum.test.js:7)"}
	if got := renderWithMessages(ParseOutput(root, RuleTestFailure, failure("lib/sum.js:3:1", "lib/sum.test.js:7:2"))); !slices.Equal(got, unmatched) {
		t.Errorf("unmatched lines:\n%s\nwant\n%s", got, unmatched)
	}
	// CommonJS whose helpers come from tslib (importHelpers, tsconfig.helpers.json), which
	// node cannot run here without tslib: the frames its run gave, with tslib installed.
	helpers := []string{"src/sum.test.ts:009:010:test-failure measures: boom", "src/sum.ts:013:055:test-failure measures: boom (called from src/sum.test.ts:13)"}
	got := renderWithMessages(ParseOutput(root, RuleTestFailure, failure("cjs-helpers/sum.test.js:9:27")))
	got = append(got, renderWithMessages(ParseOutput(root, RuleTestFailure, failure("cjs-helpers/sum.js:11:22", "cjs-helpers/sum.test.js:12:54")))...)
	if !slices.Equal(got, helpers) {
		t.Errorf("tslib's helpers:\n%s\nwant\n%s", got, helpers)
	}
	// Not compiled from a workspace source: JavaScript no tsconfig compiles, and compiled
	// output whose source is gone.
	gone := "export function gone(p) {\n    return p.missing.x;\n}\n"
	writeFiles(t, root, map[string]string{"lib/gone.js": gone, "scripts/tool.js": gone})
	for _, file := range []string{"lib/gone.js", "scripts/tool.js"} {
		want := []string{file + ":002:022:test-failure measures: boom"}
		if got := renderWithMessages(ParseOutput(root, RuleTestFailure, failure(file+":2:22"))); !slices.Equal(got, want) {
			t.Errorf("%s stays where it failed: %s, want %s", file, got, want)
		}
	}

	// Source maps alone place them, with no tsconfig left to say where outDir is; a map
	// naming a bundler's scheme, no file here, places nothing.
	configs, _ := filepath.Glob(filepath.Join(root, "tsconfig*.json"))
	for _, c := range configs {
		if err := os.Remove(c); err != nil {
			t.Fatal(err)
		}
	}
	check("dist")
	check("inline")
	data, err := os.ReadFile(filepath.Join(root, "dist", "sum.js.map"))
	if err != nil {
		t.Fatal(err)
	}
	for name, sourceMap := range map[string]string{
		"a map of a bundler's sources":       strings.Replace(string(data), "../src/sum.ts", "webpack://compiled/src/sum.ts", 1),
		"a map naming a sixth source of one": `{"version":3,"sources":["../src/sum.ts"],"mappings":";;;;AKAA"}`,
		"a map too large to read":            "{" + strings.Repeat(" ", maxFileBytes) + string(data)[1:],
	} {
		writeFiles(t, root, map[string]string{"dist/sum.js.map": sourceMap})
		if got := renderWithMessages(ParseOutput(root, RuleTestFailure, failure("dist/sum.js:5:22"))); !slices.Equal(got, []string{"dist/sum.js:005:022:test-failure measures: boom"}) {
			t.Errorf("%s: %s", name, got)
		}
	}
}

// TestPythonTracebacksArePlacedWhereTheyFailed runs unittest: a failed assertion is placed
// in the test, an exception at the innermost frame in the workspace (the code under test)
// with its caller, both named with the test and the exception.
func TestPythonTracebacksArePlacedWhereTheyFailed(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3 here")
	}
	root := writeTree(t, map[string]string{
		"shop/__init__.py": "",
		"shop/prices.py": "class NoPrices(Exception):\n    pass\n\n\ndef total(prices):\n    return len(prices)\n\n\n" +
			"def average(prices):\n    return sum(prices) / len(prices)\n\n\ndef cheapest(prices):\n    raise NoPrices(\"none\")\n",
		"tests/__init__.py": "",
		"tests/test_prices.py": "import unittest\n\nfrom shop.prices import average, cheapest, total\n\n\nclass TestPrices(unittest.TestCase):\n" +
			"    def test_total(self):\n        self.assertEqual(total([2, 3]), 5)\n\n" +
			"    def test_average_of_nothing(self):\n        self.assertEqual(average([]), 0)\n\n" +
			"    def test_cheapest(self):\n        cheapest([1])\n",
	})
	ds, res, err := CommandFindings(context.Background(), root, python+" -m unittest", RuleTestFailure, Commands{}, time.Minute)
	if len(ds) > 0 && (len(ds[0].Related) != 1 || ds[0].Related[0].File != "tests/test_prices.py" || ds[0].Related[0].Range.Start.Line != 10) {
		t.Errorf("the caller as related information: %+v", ds[0].Related)
	}
	expectPlaced(t, "unittest", ds, res, err, []string{
		"shop/prices.py:010:001:test-failure test_average_of_nothing: ZeroDivisionError: division by zero (called from tests/test_prices.py:11)",
		"shop/prices.py:014:001:test-failure test_cheapest: shop.prices.NoPrices: none (called from tests/test_prices.py:14)",
		"tests/test_prices.py:008:001:test-failure test_total: AssertionError: 2 != 5",
	})
}

// TestAHungGoTestIsPlacedWhereItWaits: go test's own timeout (here 1s, set in GOFLAGS
// as Run sets it a little under the command's) prints where every goroutine waits; the
// finding goes where the hung test's goroutine is blocked in the workspace.
func TestAHungGoTestIsPlacedWhereItWaits(t *testing.T) {
	root := writeTree(t, map[string]string{
		"go.mod":       "module example.com/hang\n\ngo 1.22\n",
		"hang.go":      "package hang\n\nfunc Wait(ch chan int) int { return <-ch }\n",
		"hang_test.go": "package hang\n\nimport \"testing\"\n\nfunc TestHang(t *testing.T) {\n\tWait(make(chan int))\n}\n",
	})
	c := Commands{Env: append(os.Environ(), "GOFLAGS=-timeout=1s")}
	ds, res, err := CommandFindings(context.Background(), root, "go test ./...", RuleTestFailure, c, time.Minute)
	want := "hang.go:003:001:test-failure TestHang: test timed out after 1s (called from hang_test.go:6)"
	if err != nil || len(ds) != 1 || render(ds)[0]+" "+ds[0].Message != want {
		t.Errorf("%v %+v, want %s\n%s", err, ds, want, res.Output)
	}
	// The caller is the waiting goroutine's, not a frame of the next goroutine listed.
	other := "panic: test timed out after 1s\n\trunning tests:\n\t\tTestHang (1s)\n\ngoroutine 7 [chan receive]:\nexample.com/hang.Wait(...)\n\t" +
		filepath.Join(root, "hang.go") + ":3\ncreated by testing.(*T).Run in goroutine 1\n\t/usr/local/go/src/testing/testing.go:2101 +0x4c5\n\n" +
		"goroutine 8 [select]:\nexample.com/hang.TestHang(0x0)\n\t" + filepath.Join(root, "hang_test.go") + ":6 +0x2f\n"
	want = "hang.go:003:001:test-failure TestHang: test timed out after 1s"
	if got := renderWithMessages(ParseOutput(root, RuleTestFailure, other)); !slices.Equal(got, []string{want}) {
		t.Errorf("two goroutines: %q, want %q", got, want)
	}
}

// TestGoTestGetsATimeoutOfItsOwn: a little under Run's, unless one is set already; in a Go
// module, whatever runs go test (make test, a script) passes it on.
func TestGoTestGetsATimeoutOfItsOwn(t *testing.T) {
	module, other := writeTree(t, map[string]string{"go.mod": "module example.com/m\n"}), t.TempDir()
	for _, c := range []struct {
		dir, command string
		env          []string
		timeout      time.Duration
		want         string // the GOFLAGS it runs with; "" when env stays as it was
	}{
		{other, "go test ./...", []string{"PATH=/bin"}, 10 * time.Minute, "-timeout=9m30s"},
		{other, "go vet ./... && go test ./...", []string{"GOFLAGS=-mod=mod"}, 20 * time.Second, "-mod=mod -timeout=18s"},
		{module, "go test ./...", []string{"GOFLAGS=-timeout=1s"}, time.Minute, ""},
		{module, "make test", []string{"PATH=/bin"}, time.Minute, "-timeout=54s"},
		{other, "npm test", []string{"PATH=/bin"}, time.Minute, ""},
	} {
		got := withGoTestTimeout(c.dir, c.command, c.env, c.timeout)
		switch {
		case c.want == "" && !slices.Equal(got, c.env):
			t.Errorf("%s with %q: %q, want it unchanged", c.command, c.env, got)
		case c.want != "" && (len(got) != len(c.env)+1 || got[len(got)-1] != "GOFLAGS="+c.want || !slices.Equal(got[:len(c.env)], c.env)):
			t.Errorf("%s with %q: %q, want GOFLAGS=%s added", c.command, c.env, got, c.want)
		}
	}
}

// TestPytestFailuresArePlacedWhereTheyFailed runs Debian's pytest (.ci/run installs it): an
// assertion in the test with what pytest found its values to be, an exception at its
// innermost frame in the workspace with the test's line, a module that does not import at
// its import.
func TestPytestFailuresArePlacedWhereTheyFailed(t *testing.T) {
	pytest := debianPytest(t)
	root := writeTree(t, map[string]string{
		"shop/__init__.py": "",
		"shop/prices.py":   "def total(prices):\n    return len(prices)\n\n\ndef average(prices):\n    return sum(prices) / len(prices)\n",
		"tests/test_prices.py": "from shop.prices import average, total\n\n\ndef test_total():\n    assert total([2, 3]) == 5\n\n\n" +
			"def test_average_of_nothing():\n    assert average([]) == 0\n",
	})
	want := []string{
		"tests/test_prices.py:005:001:test-failure test_total: assert 2 == 5; +  where 2 = total([2, 3])",
		"shop/prices.py:006:001:test-failure test_average_of_nothing: ZeroDivisionError: division by zero (called from tests/test_prices.py:9)",
	}
	// Its default long tracebacks, the short ones, which have no innermost line, and
	// Python's own (an assertion's message is then AssertionError's).
	native := slices.Clone(want)
	native[0] = strings.Replace(native[0], "test_total: assert 2 == 5; +  where 2 = total([2, 3])", "test_total: AssertionError: assert 2 == 5", 1)
	for command, want := range map[string][]string{pytest: want, pytest + " --tb=short": want, pytest + " --tb=native": native} {
		ds, res, err := CommandFindings(context.Background(), root, command, RuleTestFailure, Commands{}, time.Minute)
		expectPlaced(t, command, ds, res, err, want)
	}

	if err := os.WriteFile(filepath.Join(root, "tests", "test_more.py"), []byte("from shop.prices import totl\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ds, res, err := CommandFindings(context.Background(), root, pytest, RuleTestFailure, Commands{}, time.Minute)
	expectPlaced(t, "a collection error", ds, res, err, []string{"tests/test_more.py:001:001:test-failure ERROR collecting tests/test_more.py: " +
		"ImportError: cannot import name 'totl' from 'shop.prices' (" + filepath.Join(root, "shop", "prices.py") + ")"})
}

// TestPytestSetUpErrorsAndTheSummaryAloneArePlaced runs Debian's pytest: a fixture that
// does not exist is placed at the test asking for it; with --tb=no, each test the summary
// names is placed at its def (in its class), with what the summary says.
func TestPytestSetUpErrorsAndTheSummaryAloneArePlaced(t *testing.T) {
	pytest := debianPytest(t)
	root := writeTree(t, map[string]string{
		"tests/test_cart.py": "import pytest\n\n\ndef test_total(missing_fixture):\n    pass\n\n\nclass TestCart:\n    def test_total(self):\n        assert 1 == 2, \"one is not two\"\n\n    @pytest.mark.parametrize(\"n\", [1, 2])\n    def test_count(self, n):\n        assert n == 2\n",
	})
	ds, res, err := CommandFindings(context.Background(), root, pytest, RuleTestFailure, Commands{}, time.Minute)
	expectPlaced(t, "pytest", ds, res, err, []string{
		"tests/test_cart.py:004:001:test-failure ERROR at setup of test_total: fixture 'missing_fixture' not found",
		"tests/test_cart.py:010:001:test-failure TestCart.test_total: AssertionError: one is not two; assert 1 == 2",
		"tests/test_cart.py:014:001:test-failure TestCart.test_count[1]: assert 1 == 2",
	})
	ds, res, err = CommandFindings(context.Background(), root, pytest+" --tb=no", RuleTestFailure, Commands{}, time.Minute)
	expectPlaced(t, "pytest --tb=no", ds, res, err, []string{
		"tests/test_cart.py:009:009:test-failure TestCart.test_total: AssertionError: one is not two",
		"tests/test_cart.py:013:009:test-failure TestCart.test_count[1]: assert 1 == 2",
		"tests/test_cart.py:004:005:test-failure test_total: an error in its set-up or tear-down",
	})
	// pytest-asyncio's tests are coroutines.
	asyncTest := filepath.Join(root, "tests", "test_async.py")
	if err := os.WriteFile(asyncTest, []byte("class TestA:\n    async def test_a(self):\n        pass\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if line, col := pytestDefinition(asyncTest, "TestA::test_a"); line != 2 || col != 15 {
		t.Errorf("async def test_a at %d:%d, want 2:15", line, col)
	}
}

// TestDoctestsArePlaced runs Python's doctest alone, then Debian's pytest on the same
// doctests: a wrong output at its example, with what it printed and what it should have;
// an exception once, where it was raised, not again at the example.
func TestDoctestsArePlaced(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3 here")
	}
	root := writeTree(t, map[string]string{
		"calc.py": "def add(a, b):\n    \"\"\"Adds.\n\n    >>> add(1, 2)\n    4\n    \"\"\"\n    return a + b\n\n\n" +
			"def shout(x):\n    \"\"\"Shouts.\n\n    >>> shout(1)\n    '1!'\n    \"\"\"\n    return x + \"!\"\n\n\n" +
			"def quiet():\n    \"\"\"Prints nothing.\n\n    >>> quiet()\n    \"\"\"\n    return 1\n",
	})
	ds, res, err := CommandFindings(context.Background(), root, python+" -m doctest calc.py", RuleTestFailure, Commands{}, time.Minute)
	expectPlaced(t, "python3 -m doctest", ds, res, err, []string{
		"calc.py:004:001:test-failure calc.add: `add(1, 2)` printed 3, not 4",
		"calc.py:022:001:test-failure calc.quiet: `quiet()` printed 1, not nothing",
		"calc.py:016:001:test-failure calc.shout: TypeError: unsupported operand type(s) for +: 'int' and 'str' (in the example `shout(1)`)",
	})
	if len(ds) == 3 && (len(ds[2].Related) != 1 || ds[2].Related[0].Range.Start.Line != 12) {
		t.Errorf("the exception's example is not related: %+v", ds[2].Related)
	}

	pytest := debianPytest(t)
	ds, res, err = CommandFindings(context.Background(), root, pytest+" --doctest-modules", RuleTestFailure, Commands{}, time.Minute)
	expectPlaced(t, "pytest --doctest-modules", ds, res, err, []string{
		"calc.py:004:001:test-failure [doctest] calc.add: Expected: 4; Got: 3",
		"calc.py:022:001:test-failure [doctest] calc.quiet: Got: 1",
		"calc.py:016:001:test-failure [doctest] calc.shout: TypeError: unsupported operand type(s) for +: 'int' and 'str'",
	})
}

// TestRustTestPanicsArePlacedWhereTheyHappened runs cargo test: each panic is placed where
// Rust says it happened (an assertion in the test, an index in the library), with the
// test's name and the panic's message (a doc test's named by its heading, not its thread
// 'main'), and a #[should_panic] test that returned where Rust says the test is. Rust
// before 1.73 wrote the message first.
func TestRustTestPanicsArePlacedWhereTheyHappened(t *testing.T) {
	root := writeTree(t, map[string]string{
		"Cargo.toml":  "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
		"src/lib.rs":  "pub fn total(prices: &[i32]) -> i32 {\n    prices.len() as i32\n}\n\npub fn first(prices: &[i32]) -> i32 {\n    prices[3]\n}\n\n#[cfg(test)]\nmod tests {\n    use super::*;\n    #[test]\n    fn totals() {\n        assert_eq!(total(&[2, 3]), 5);\n    }\n    #[test]\n    #[should_panic]\n    fn returns() {\n        total(&[]);\n    }\n}\n\n/// ```\n/// assert_eq!(shop::doubled(1), 3);\n/// ```\npub fn doubled(x: i32) -> i32 {\n    x * 2\n}\n",
		"tests/it.rs": "#[test]\nfn first_of_one() {\n    assert_eq!(shop::first(&[1]), 1);\n}\n",
	})
	for name, output := range map[string]string{
		"Rust before 1.73":            "thread 'tests::totals' panicked at 'assertion failed: `(left == right)`', src/lib.rs:14:9\n",
		"an output cut after a panic": "thread 'tests::totals' (7) panicked at src/lib.rs:14:9:\nassertion failed",
	} {
		if got := render(ParseOutput(root, RuleTestFailure, output)); !slices.Equal(got, []string{"src/lib.rs:014:009:test-failure"}) {
			t.Errorf("%s: %v", name, got)
		}
	}
	if _, err := exec.LookPath("cargo"); err != nil {
		t.Skip("no cargo here")
	}
	c := Commands{Env: append(os.Environ(), "CARGO_TARGET_DIR="+t.TempDir())}
	ds, res, err := CommandFindings(context.Background(), root, "cargo test --offline --no-fail-fast", RuleTestFailure, c, 5*time.Minute)
	SortDiagnostics(ds) // a test binary's tests finish in any order
	expectPlaced(t, "cargo test", ds, res, err, []string{
		"src/lib.rs:006:005:test-failure first_of_one: index out of bounds: the len is 1 but the index is 3",
		"src/lib.rs:014:009:test-failure tests::totals: assertion `left == right` failed; left: 2; right: 5",
		"src/lib.rs:018:008:test-failure tests::returns: did not panic; it is marked #[should_panic]",
		"src/lib.rs:023:001:test-failure src/lib.rs - doubled (line 23): assertion `left == right` failed; left: 2; right: 3",
	})
}

func TestRealGoBuildAndTestFailuresArePlaced(t *testing.T) {
	root := writeTree(t, map[string]string{
		"go.mod":            "module example.com/shop\n\ngo 1.22\n",
		"cart/cart.go":      "package cart\n\nfunc Total(p []int) int { return len(p) }\n",
		"cart/cart_test.go": "package cart\n\nimport \"testing\"\n\nfunc TestTotal(t *testing.T) {\n\tif Total([]int{5}) != 5 {\n\t\tt.Errorf(\"Total = %d, want 5\", Total([]int{5}))\n\t}\n}\n",
		"web/web.go":        "package web\n\nimport \"example.com/shop/cart\"\n\nvar X = cart.Total(nil) + undefinedName\n",
	})
	c := DetectCommands(root)
	ds, res, err := CommandFindings(context.Background(), root, c.Build, RuleBuildError, c, time.Minute)
	if err != nil || res.ExitCode == 0 {
		t.Fatalf("build: %v %+v", err, res)
	}
	if got := render(ds); len(got) != 1 || got[0] != "web/web.go:005:027:build-error" || !strings.Contains(ds[0].Message, "undefinedName") {
		t.Errorf("build findings %v %+v\n%s", got, ds, res.Output)
	}
	// go vet says a type error after "vet: ".
	ds, res, err = CommandFindings(context.Background(), root, "go vet ./...", RuleBuildError, c, time.Minute)
	if got := render(ds); err != nil || len(got) != 1 || got[0] != "web/web.go:005:027:build-error" || !strings.Contains(ds[0].Message, "undefinedName") {
		t.Errorf("vet findings %v %+v\n%s", got, ds, res.Output)
	}

	// Tests: the assertion is placed in the package's test file.
	ds, res, err = CommandFindings(context.Background(), root, "go test ./cart/", RuleTestFailure, c, time.Minute)
	if err != nil || res.ExitCode == 0 {
		t.Fatalf("test: %v %+v", err, res)
	}
	if got := render(ds); len(got) != 1 || got[0] != "cart/cart_test.go:007:001:test-failure" || !strings.Contains(ds[0].Message, "want 5") {
		t.Errorf("test findings %v\n%s", got, res.Output)
	}
}

// TestAPassingGoTestsLogIsNoFailure: with -v, go test prints a passing test's t.Log lines
// as it prints a failing one's errors; only the failing tests' lines are findings, named
// with their test, with -v or without.
func TestAPassingGoTestsLogIsNoFailure(t *testing.T) {
	root := writeTree(t, map[string]string{
		"go.mod": "module example.com/notes\n\ngo 1.22\n",
		"notes_test.go": `package notes

import "testing"

func TestQuiet(t *testing.T) { t.Log("a note") }

func TestTable(t *testing.T) {
	for _, c := range []string{"p", "q"} {
		t.Run(c, func(t *testing.T) {
			t.Parallel()
			t.Logf("case %s", c)
			if c == "q" {
				t.Errorf("q is wrong")
			}
		})
	}
}
`,
		"ok/ok_test.go": "package ok\n\nimport \"testing\"\n\nfunc TestFine(t *testing.T) { t.Log(\"fine\") }\n",
	})
	expectGoTestsPlaced(t, root, []string{
		"notes_test.go:011:001:test-failure TestTable/q: case q",
		"notes_test.go:013:001:test-failure TestTable/q: q is wrong",
	})
}

// expectGoTestsPlaced runs go test with -v and without: both give the same findings.
func expectGoTestsPlaced(t *testing.T, root string, want []string) {
	t.Helper()
	for _, command := range []string{"go test ./...", "go test -v ./..."} {
		ds, res, err := CommandFindings(context.Background(), root, command, RuleTestFailure, DetectCommands(root), time.Minute)
		expectPlaced(t, command, ds, res, err, want)
	}
}

// TestAGoTestFailureWithoutAPlaceIsPlacedAtItsFunction: an Example's wrong output and a
// test that fails without a message say no file or line; they are placed at the test's
// function, with what the Example got and wanted, rather than on go.mod.
func TestAGoTestFailureWithoutAPlaceIsPlacedAtItsFunction(t *testing.T) {
	root := writeTree(t, map[string]string{
		"go.mod":        "module example.com/greet\n\ngo 1.22\n",
		"greet.go":      "package greet\n\nfunc Hello() string { return \"hi\" }\n",
		"greet_test.go": "package greet\n\nimport (\n\t\"fmt\"\n\t\"testing\"\n)\n\nfunc ExampleHello() {\n\tfmt.Println(Hello())\n\tfmt.Println(\"there\")\n\t// Output:\n\t// hello\n\t// there\n}\n\nfunc TestSilent(t *testing.T) {\n\tt.Run(\"quiet\", func(t *testing.T) { t.Fail() })\n}\n\nfunc TestFine(t *testing.T) {}\n",
	})
	expectGoTestsPlaced(t, root, []string{
		"greet_test.go:016:006:test-failure TestSilent failed in TestSilent/quiet, printing no message",
		"greet_test.go:008:006:test-failure ExampleHello: got: hi | there | want: hello | there",
	})
}

// TestADataRaceIsPlacedWhereItHappens runs go test -race: the race detector's report is
// placed at one access in the workspace, naming the other (which of the two the detector
// sees first depends on the scheduler), not at the test that happened to run it.
func TestADataRaceIsPlacedWhereItHappens(t *testing.T) {
	root := writeTree(t, map[string]string{
		"go.mod":        "module example.com/count\n\ngo 1.22\n",
		"count.go":      "package count\n\nfunc Count() int {\n\tn := 0\n\tdone := make(chan bool)\n\tgo func() { n++; done <- true }()\n\tn++\n\t<-done\n\treturn n\n}\n",
		"count_test.go": "package count\n\nimport \"testing\"\n\nfunc TestCount(t *testing.T) {\n\tif Count() != 2 {\n\t\tt.Fatal(\"bad count\")\n\t}\n}\n",
	})
	message := regexp.MustCompile(`^data race: this (?:read|write) races with a (?:read|write) at count\.go:(\d+) in another goroutine$`)
	for _, command := range []string{"go test -race ./...", "go test -race -v -trimpath ./..."} {
		ds, res, err := CommandFindings(context.Background(), root, command, RuleTestFailure, DetectCommands(root), time.Minute)
		if err != nil || len(ds) != 1 {
			t.Fatalf("%s: %v, %+v\n%s", command, err, ds, res.Output)
		}
		d, other := ds[0], ""
		if m := message.FindStringSubmatch(d.Message); m != nil {
			other = m[1]
		}
		lines := map[int]string{6: "7", 7: "6"} // the goroutine's n++ and Count's
		if d.File != "count.go" || lines[d.Range.Start.Line+1] != other || len(d.Related) != 1 || d.Related[0].File != "count.go" || fmt.Sprint(d.Related[0].Range.Start.Line+1) != other {
			t.Errorf("%s: %+v\n%s", command, d, res.Output)
		}
		// Another package's panic printed first: its trace's frames are read, and the race
		// report's frames stay the report's.
		panicked := "--- FAIL: TestOther (0.00s)\npanic: boom [recovered]\n\t" + filepath.Join(root, "count_test.go") + ":5 +0x1d\nFAIL\texample.com/count/other\t0.01s\n"
		if got := ParseOutput(root, RuleTestFailure, panicked+res.Output); len(got) != 2 || got[1].Message != d.Message {
			t.Errorf("%s after a panic: %+v", command, got)
		}
	}
}

// TestACompilersWarningsAndNotesAreNoErrors runs gcc: its error is the finding; its
// warning is not why the build failed, and its note ("declared here") is the error's
// related information, not an error of its own.
func TestACompilersWarningsAndNotesAreNoErrors(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("no gcc here")
	}
	root := writeTree(t, map[string]string{
		"add.c": "int add(int a, int b);\n\nint main(void) {\n    int unused;\n    return add(1);\n}\n",
	})
	ds, res, err := CommandFindings(context.Background(), root, "LC_ALL=C gcc -Wall -fno-diagnostics-color -c add.c -o /dev/null", RuleBuildError, Commands{}, time.Minute)
	expectPlaced(t, "gcc", ds, res, err, []string{"add.c:005:012:build-error too few arguments to function 'add'"})
	if len(ds) == 1 && (len(ds[0].Related) != 1 || ds[0].Related[0].Message != "declared here" || ds[0].Related[0].Range.Start != (Position{0, 4})) {
		t.Errorf("the note: %+v", ds[0].Related)
	}
}

func TestRealCargoErrorsArePlaced(t *testing.T) {
	// A rustup shim without a default toolchain is on the PATH but cannot build.
	if err := exec.Command("cargo", "--version").Run(); err != nil {
		t.Skipf("SKIPPED: cargo does not run (%v); the Cargo output parser was not exercised", err)
	}
	root := writeTree(t, map[string]string{
		"Cargo.toml":  "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
		"src/main.rs": "fn main() {\n    let x: i32 = \"text\";\n    println!(\"{}\", x);\n}\n",
	})
	ds, res, err := CommandFindings(context.Background(), root, "cargo build --offline --quiet", RuleBuildError, Commands{Origin: "Cargo.toml"}, 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if got := render(ds); len(got) != 1 || got[0] != "src/main.rs:002:018:build-error" {
		t.Errorf("cargo findings %v %+v\n%s", got, ds, res.Output)
	}
}

// TestRealEsbuildAndTscErrorsArePlaced runs the esbuild and tsc the VS Code extension builds
// with (editors/vscode/node_modules, which .ci/run installs): esbuild says where on the line
// below its message.
func TestRealEsbuildAndTscErrorsArePlaced(t *testing.T) {
	bin, err := filepath.Abs(filepath.Join("..", "editors", "vscode", "node_modules", ".bin"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(bin, "esbuild")); err != nil {
		t.Skip("SKIPPED: editors/vscode has no node_modules (npm ci there, or .ci/run); esbuild and tsc output were not exercised")
	}
	root := writeTree(t, map[string]string{
		"src/main.ts":  "export const a = 1;\nlet y = ;\n",
		"src/types.ts": "export const x: number = \"s\";\n",
	})
	for _, c := range []struct{ command, want string }{
		{bin + "/esbuild src/main.ts --bundle --outfile=out.js", "src/main.ts:002:009:build-error Unexpected \";\""},
		{bin + "/tsc --noEmit src/types.ts", "src/types.ts:001:014:build-error TS2322: Type 'string' is not assignable to type 'number'."},
		{bin + "/tsc --noEmit --pretty src/types.ts", "src/types.ts:001:014:build-error TS2322: Type 'string' is not assignable to type 'number'."},
	} {
		ds, res, err := CommandFindings(context.Background(), root, c.command, RuleBuildError, Commands{}, time.Minute)
		if got := renderWithMessages(ds); err != nil || !slices.Equal(got, []string{c.want}) {
			t.Errorf("%s: %v %q, want %q\n%s", c.command, err, got, c.want, res.Output)
		}
	}
}

// TestColumnsOnLinesWithEmojiAndCJKPointAtTheToken: tools count columns in their own units
// (tsc, eslint, pyright, V8's frames and source maps in UTF-16 code units, rustc and Biome
// in characters, esbuild in bytes); on a line with emoji and CJK text a finding still
// points at the token the tool names, in a compiled file's source too. The tools run where they are installed
// (.ci/run installs them); ESLint 9, Biome 2 and pyright 1.1 printed eslint-cjk.txt,
// biome-cjk.txt and pyright-cjk.txt in testdata/testoutput (whose warnings are no errors).
func TestColumnsOnLinesWithEmojiAndCJKPointAtTheToken(t *testing.T) {
	bin, err := filepath.Abs(filepath.Join("..", "editors", "vscode", "node_modules", ".bin"))
	if err != nil {
		t.Fatal(err)
	}
	root := writeTree(t, map[string]string{
		"package.json":       `{"type": "module"}`,
		"tsconfig.json":      `{"compilerOptions": {"outDir": "lib", "rootDir": "src", "module": "nodenext", "target": "es2022", "strict": true, "sourceMap": true}, "include": ["src"]}`,
		"src/price.ts":       "export function label(p: { name: string } | undefined): string {\n  return \"価格😀: \" + p!.name;\n}\n",
		"test/price.test.js": "import { test } from \"node:test\";\nimport { label } from \"../lib/price.js\";\ntest(\"価格 labels\", () => { label(undefined); });\n",
		"build/types.ts":     "export const s = \"日本😀\"; export const n: number = \"x\";\n",
		"build/main.ts":      "export const s = \"日本😀\"; let y = %;\n",
		"src/label.js":       "export const label = \"価格😀: \" + missing;\n",
		"src/a.js":           "const s = \"日本😀\"; const unused = 1; debugger;\nexport { s };\n",
		"src/b.js":           "const s = \"日本😀\"; let x = );\n",
		"pkg/a.py":           "s = \"日本😀\"; n: int = \"x\"\nprint(undefined_name)\n1 + 1\n",
		"Cargo.toml":         "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
		"src/main.rs":        "fn main() { let s = \"日本😀\"; let n: i32 = \"x\"; }\n",
	})
	// at is the 1-based byte column of token on a line of a workspace file.
	at := func(file string, line int, token string) string {
		data, err := os.ReadFile(filepath.Join(root, file))
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Split(string(data), "\n")[line-1]
		return fmt.Sprintf("%s:%03d:%03d:", file, line, strings.Index(text, token)+1)
	}
	recorded := func(name string) string {
		data, err := os.ReadFile(filepath.Join("testdata", "testoutput", name))
		if err != nil {
			t.Fatal(err)
		}
		return strings.ReplaceAll(string(data), "{root}", root)
	}
	compiled := at("src/price.ts", 2, "name") + "test-failure"
	cases := []struct {
		name, program, command, output, want string
	}{
		{name: "tsc", program: bin + "/tsc", command: bin + "/tsc --noEmit build/types.ts", want: at("build/types.ts", 1, "n:") + "build-error"},
		{name: "esbuild", program: bin + "/esbuild", command: bin + "/esbuild build/main.ts", want: at("build/main.ts", 1, "%") + "build-error"},
		{name: "eslint", output: recorded("eslint-cjk.txt"), want: at("src/label.js", 1, "missing") + "build-error"},
		{name: "biome", output: recorded("biome-cjk.txt"), want: at("src/a.js", 1, "debugger") + "build-error " + at("src/b.js", 1, ")") + "build-error"},
		{name: "pyright", output: recorded("pyright-cjk.txt"), want: at("pkg/a.py", 1, `"x"`) + "build-error " + at("pkg/a.py", 2, "undefined_name") + "build-error"},
		{name: "cargo", program: "cargo", command: "cargo build --offline --quiet", want: at("src/main.rs", 1, `"x"`) + "build-error"},
		{name: "node, no source map", program: bin + "/tsc", command: bin + "/tsc -p . --sourceMap false && node --test test/", want: compiled},
		{name: "node, a source map", program: bin + "/tsc", command: bin + "/tsc -p . && node --test test/", want: compiled},
	}
	for _, c := range cases {
		output := c.output
		if c.command != "" {
			if err := exec.Command(c.program, "--version").Run(); err != nil {
				t.Logf("%s: skipped, it does not run here (%v)", c.name, err)
				continue
			}
			res, err := Run(context.Background(), root, c.command, nil, 5*time.Minute)
			if err != nil || res.ExitCode == 0 {
				t.Fatalf("%s: %v, exit %d\n%s", c.name, err, res.ExitCode, res.Output)
			}
			output = res.Output
		}
		ds := ParseOutput(root, RuleTestFailure, output)
		if got := strings.Join(render(ds), " "); got != c.want {
			t.Errorf("%s: %v, want %s\noutput:\n%s", c.name, got, c.want, output)
			continue
		}
		if related := ds[0].Related; strings.HasPrefix(c.name, "node") && (len(related) != 1 || render([]Diagnostic{{File: related[0].File, Range: related[0].Range}})[0] != at("test/price.test.js", 3, "label(undefined)")) {
			t.Errorf("%s: the caller %+v", c.name, related)
		}
	}
	// A tool that counts bytes, naming the compiled file (its map is left from the last
	// run): the source map is asked in UTF-16 all the same.
	if _, err := os.Stat(filepath.Join(root, "lib", "price.js.map")); err == nil {
		printed := strings.TrimSuffix(at("lib/price.js", 2, "name"), ":") + ": a byte column"
		if got := render(ParseOutput(root, RuleBuildError, printed)); !slices.Equal(got, []string{at("src/price.ts", 2, "name") + "build-error"}) {
			t.Errorf("%s: %v", printed, got)
		}
	}
}

// TestAFailureWithoutAPlaceQuotesItsOutputWithoutColours: a failure the output places
// nowhere is reported on the project file with its last lines, as text.
func TestAFailureWithoutAPlaceQuotesItsOutputWithoutColours(t *testing.T) {
	root := writeTree(t, map[string]string{"package.json": `{"name": "x", "version": "1.0.0"}`})
	ds, res, err := CommandFindings(context.Background(), root, `printf '\033[31mtoo slow\033[0m\n'; exit 1`, RuleTestFailure, DetectCommands(root), time.Minute)
	expectPlaced(t, "a coloured failure", ds, res, err, []string{"package.json:001:001:test-failure `printf '\\033[31mtoo slow\\033[0m\\n'; exit 1` failed with exit code 1: too slow"})
}

// The formats of tools that cannot be installed here, as their documentation shows them.
func TestParseOtherToolsOutput(t *testing.T) {
	root := writeTree(t, map[string]string{"src/a.ts": "", "src/b.js": "", "tests/test_cart.py": ""})
	cases := []struct {
		name, rule, output string
		want               []string
	}{
		{"tsc", RuleBuildError, "src/a.ts(12,5): error TS2304: Cannot find name 'x'.\nFound 1 error.\n", []string{"src/a.ts:012:005:build-error"}},
		{"vite", RuleBuildError, "[vite:esbuild] Transform failed with 1 error:\n" + root + "/src/a.ts:4:8: ERROR: Unexpected \";\"\n", []string{"src/a.ts:004:009:build-error"}},
		{"eslint", RuleBuildError, root + "/src/b.js\n  3:10  error  'y' is not defined  no-undef\n  4:1   warning  Unexpected console statement  no-console\n\n✖ 2 problems\n", []string{"src/b.js:003:010:build-error"}},
		{"pytest", RuleTestFailure, "    def test_total():\n>       assert total([1]) == 2\nE       assert 1 == 2\n\ntests/test_cart.py:4: AssertionError\n=== short test summary info ===\nFAILED tests/test_cart.py::test_total - assert 1 == 2\n", []string{"tests/test_cart.py:004:001:test-failure"}},
		{"pytest summary only", RuleTestFailure, "FAILED tests/test_cart.py::test_total - assert 1 == 2\n", []string{"tests/test_cart.py:001:001:test-failure"}},
		{"generic", RuleBuildError, "src/a.ts:3:7: something broke\n/usr/lib/elsewhere.c:1:1: not ours\n", []string{"src/a.ts:003:007:build-error"}},
		{"repeated", RuleBuildError, "src/a.ts:3:7: same\nsrc/a.ts:3:7: same\n", []string{"src/a.ts:003:007:build-error"}},
	}
	for _, c := range cases {
		if got := render(ParseOutput(root, c.rule, c.output)); strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// TestACommandOutOfTimeIsInterruptedFirst: a command that runs out of time gets an
// interrupt, as Ctrl-C sends, before it is killed, and can say where it was; one whose
// run is stopped (the mission stopped) is killed at once. The shell's trap tells which.
func TestACommandOutOfTimeIsInterruptedFirst(t *testing.T) {
	dir := t.TempDir()
	ready := filepath.Join(dir, "ready")
	if err := syscall.Mkfifo(ready, 0o600); err != nil {
		t.Fatal(err)
	}
	// The trap is set, then the command says so through the FIFO and waits.
	const command = "trap 'echo interrupted; exit 130' INT; echo > ready; sleep 30 >/dev/null 2>&1 & wait"
	go func() { _, _ = os.ReadFile(ready) }()
	res, err := Run(context.Background(), dir, command, nil, time.Second)
	if err != nil || !res.TimedOut || !strings.Contains(res.Output, "interrupted") {
		t.Errorf("out of time: %v %+v", err, res)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan RunResult)
	go func() {
		res, _ := Run(ctx, dir, command, nil, time.Minute)
		done <- res
	}()
	if _, err := os.ReadFile(ready); err != nil { // the trap is set
		t.Fatal(err)
	}
	stop()
	if res := <-done; strings.Contains(res.Output, "interrupted") {
		t.Errorf("a stopped run was interrupted rather than killed: %+v", res)
	}
}

// TestAHungPytestTestIsPlacedWhereItWasInterrupted: out of time, pytest is interrupted and
// says where the test was; the finding goes there and says it ran out of time.
func TestAHungPytestTestIsPlacedWhereItWasInterrupted(t *testing.T) {
	pytest := debianPytest(t)
	root := writeTree(t, map[string]string{
		"tests/test_hang.py": "import time\n\n\ndef wait_forever():\n    while True:\n        time.sleep(0.05)\n\n\ndef test_hang():\n    wait_forever()\n",
	})
	ds, res, err := CommandFindings(context.Background(), root, pytest, RuleTestFailure, Commands{}, 2*time.Second)
	expectPlaced(t, "a hung test", ds, res, err, []string{"tests/test_hang.py:006:001:test-failure `" + pytest + "` did not finish within 2s; interrupted here: KeyboardInterrupt"})
}

func TestRunTimesOutAndCancels(t *testing.T) {
	root := t.TempDir()
	res, err := Run(context.Background(), root, "sleep 30 & sleep 30; echo never", nil, 200*time.Millisecond)
	if err != nil || !res.TimedOut || strings.Contains(res.Output, "never") {
		t.Errorf("timeout: %v %+v", err, res)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, root, "sleep 30", nil, time.Minute); err == nil {
		t.Error("a cancelled run did not fail")
	}
	ds, _, err := CommandFindings(context.Background(), root, "echo 'no location here'; exit 3", RuleTestFailure, Commands{Origin: "go.mod"}, time.Minute)
	if err != nil || len(ds) != 1 || ds[0].File != "go.mod" || !strings.Contains(ds[0].Message, "exit code 3: no location here") {
		t.Errorf("unplaced failure: %v %+v", err, ds)
	}
}

package analysis

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeTree(t testing.TB, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	writeFiles(t, root, files)
	return root
}

// writeFiles writes files (by slash-separated paths) under root.
func writeFiles(t testing.TB, root string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		path := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func runCheck(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = CheckCommand(CheckOptions{Version: "9.9.9"})(context.Background(), args, nil, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCheckExitCodesAndText(t *testing.T) {
	clean := writeTree(t, map[string]string{"a.go": "package a\n", "b.py": "x = 1\n"})
	if code, out, _ := runCheck(t, clean); code != 0 || out != "no findings in 2 files\n" {
		t.Errorf("clean tree: code %d, output %q", code, out)
	}
	// A build's findings may lie in files the checks do not read (Rust, Cargo.toml).
	var text bytes.Buffer
	rust := Diagnostic{File: "src/lib.rs", Severity: SeverityError, Rule: RuleTestFailure, Message: "it panicked"}
	if err := WriteText(&text, []Diagnostic{rust}, 0); err != nil || text.String() != "src/lib.rs:1:1: error: it panicked [test-failure]\n1 finding in 1 file, 0 files checked\n" {
		t.Errorf("findings outside the checked files: %q", text.String())
	}
	single := writeTree(t, map[string]string{"a.go": "package a\n"})
	if code, out, _ := runCheck(t, single); code != 0 || out != "no findings in 1 file\n" {
		t.Errorf("one clean file: code %d, output %q", code, out)
	}

	broken := writeTree(t, map[string]string{"pkg/a.go": "package a\n\nfunc f() { g( }\n", "ok.ts": "export const x = 1;\n"})
	code, out, _ := runCheck(t, broken)
	if code != 1 {
		t.Errorf("findings: code %d, want 1", code)
	}
	if want := "pkg/a.go:3:13: error: syntax error: unexpected `(` [syntax-error]\n1 finding in 1 of 2 files\n"; out != want {
		t.Errorf("text output:\n%s\nwant:\n%s", out, want)
	}

	for _, args := range [][]string{{"--format", "xml", clean}, {clean, clean}, {"--bogus"}} {
		if code, _, errOut := runCheck(t, args...); code != 2 || errOut == "" {
			t.Errorf("check %q: code %d, stderr %q; want 2 and a message", args, code, errOut)
		}
	}
	// A directory argument that is none says what it is instead, and a file what to give.
	for arg, says := range map[string]string{filepath.Join(clean, "nope"): "does not exist",
		filepath.Join(clean, "a.go"): "is not a directory\norchestrator check: give the workspace's directory: a file's imports and callers are in other files, and its findings are named by its path"} {
		if code, _, errOut := runCheck(t, arg); code != 2 || errOut != "orchestrator check: "+arg+" "+says+"\n" {
			t.Errorf("check %s: code %d, stderr %q; want 2 and %q", arg, code, errOut, says)
		}
	}
}

func TestCheckJSONContract(t *testing.T) {
	root := writeTree(t, map[string]string{"src/x.py": "def f(a='é':\n    pass\n"})
	code, out, _ := runCheck(t, root, "--format", "json")
	if code != 1 {
		t.Fatalf("code %d", code)
	}
	var doc struct {
		Diagnostics []map[string]any `json:"diagnostics"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(doc.Diagnostics) != 1 {
		t.Fatalf("%s", out)
	}
	d := doc.Diagnostics[0]
	for _, key := range []string{"file", "line", "column", "endLine", "endColumn", "severity", "rule", "message", "related"} {
		if _, ok := d[key]; !ok {
			t.Errorf("missing key %q in %v", key, d)
		}
	}
	if d["file"] != "src/x.py" || d["rule"] != "syntax-error" || d["severity"] != "error" || d["line"] != float64(1) {
		t.Errorf("diagnostic %v", d)
	}
	// Columns count bytes: "def f(a='é'" is 11 characters but 12 bytes, so the missing
	// ")" is at 1-based column 13 (12 if columns counted characters).
	if d["column"] != float64(13) || d["endColumn"] != float64(13) || d["message"] != "syntax error: missing `)`" {
		t.Errorf("diagnostic %v", d)
	}

	code, out, _ = runCheck(t, "--format", "json", writeTree(t, map[string]string{"a.go": "package a\n"}))
	if code != 0 || strings.TrimSpace(out) != "{\n  \"diagnostics\": []\n}" {
		t.Errorf("clean JSON: code %d, %q", code, out)
	}
}

func TestCheckSARIF(t *testing.T) {
	root := writeTree(t, map[string]string{"m.py": "def f(a='🎉':\n    pass\n"})
	code, out, _ := runCheck(t, "--format", "sarif", root)
	if code != 1 {
		t.Fatalf("code %d", code)
	}
	var doc struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name, Version string
					Rules         []struct{ ID string }
				}
			}
			Results []struct {
				RuleID    string
				Level     string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine, StartColumn int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != "2.1.0" || len(doc.Runs) != 1 || doc.Runs[0].Tool.Driver.Name != "orchestrator" || doc.Runs[0].Tool.Driver.Version != "9.9.9" {
		t.Fatalf("%s", out)
	}
	run := doc.Runs[0]
	if len(run.Tool.Driver.Rules) != 1 || run.Tool.Driver.Rules[0].ID != "syntax-error" || len(run.Results) != 1 {
		t.Fatalf("%s", out)
	}
	loc := run.Results[0].Locations[0].PhysicalLocation
	// The emoji is 4 bytes but 2 UTF-16 units, SARIF's default column unit: the missing
	// ")" is at byte column 15 but UTF-16 column 13.
	if loc.ArtifactLocation.URI != "m.py" || loc.Region.StartLine != 1 || loc.Region.StartColumn != 13 {
		t.Errorf("location %+v", loc)
	}
}

func TestScanSkipsWhatIsNotSourceAndSaysWhy(t *testing.T) {
	bundle := "var a=" + strings.Repeat("1+", 3000) + "1;"
	root := writeTree(t, map[string]string{
		"ok.go":               "package ok\n",
		"bin.js":              "\x00\x01\x02 binary",
		"dist/app.min.js":     "var a=1;",
		"bundle.js":           bundle,
		"huge.py":             strings.Repeat("x = 1\n", maxFileBytes/6+10),
		"gen.pb.go":           "// Code generated by protoc-gen-go. DO NOT EDIT.\n\npackage ok\n\nfunc broken( {\n",
		"bad_utf8.py":         "x = '\xff\xfe'\n",
		"ignored/build.go":    "package broken {{{",
		".gitignore":          "ignored/\n",
		"node_modules/m/x.js": "}}}",
	})
	if err := os.Symlink(root, filepath.Join(root, "loop")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "ok.go"), filepath.Join(root, "link.go")); err != nil {
		t.Fatal(err)
	}
	ix := NewIndex(root)
	if err := ix.Scan(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"bin.js": "binary", "dist/app.min.js": "minified", "bundle.js": "minified",
		"huge.py": "larger than 2 MiB", "link.go": "a symbolic link",
	}
	skipped := ix.Skipped()
	for rel, why := range want {
		if skipped[rel] != why {
			t.Errorf("%s: skipped as %q, want %q", rel, skipped[rel], why)
		}
	}
	if len(skipped) != len(want) {
		t.Errorf("skipped %v", skipped)
	}
	// The generated file is indexed (its definitions will count) but not reported on.
	if ds := ix.Diagnostics(); len(ds) != 0 {
		t.Errorf("findings %+v", ds)
	}
	if ix.Files() != 3 {
		t.Errorf("checked %d files, want ok.go, gen.pb.go and bad_utf8.py", ix.Files())
	}
}

// A file that does not parse where a line with a syntax error holds a template tag is a
// template, not code: ember-cli's blueprints (`<%= name %>`), cookiecutter's Python
// (`{% if %}`). It is not checked, with a note; its imports name files where it will be
// rendered. A module that writes such tags in its strings parses and is checked, and a
// broken file whose error is elsewhere is reported.
func TestTemplatesAreNotCheckedAsCode(t *testing.T) {
	root := writeTree(t, map[string]string{
		"blueprints/adapter/files/__name__.js": "import Adapter from './application';\n\nexport default class <%= classifiedModuleName %>Adapter extends Adapter {}\n",
		"{{cookiecutter.slug}}/app.py":         "{% if cookiecutter.db %}\nfrom .db import connect\n{% endif %}\n",
		"lib/render.js":                        "import { gone } from './gone';\nexport const greeting = template('<%= name %>');\n",
		"lib/broken.js":                        "export const t = '<%= name %>';\nexport function f( {\n",
	})
	ix := NewIndex(root)
	if err := ix.Scan(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	const why = "a template, with `<% %>` or `{% %}` tags"
	skipped := ix.Skipped()
	for _, rel := range []string{"blueprints/adapter/files/__name__.js", "{{cookiecutter.slug}}/app.py"} {
		if skipped[rel] != why {
			t.Errorf("%s: skipped as %q, want %q", rel, skipped[rel], why)
		}
	}
	if len(skipped) != 2 {
		t.Errorf("skipped %v", skipped)
	}
	expectFindings(t, root, "lib/broken.js:2:1 syntax-error", "lib/render.js:1:22 unresolved-import")
}

// Tree-sitter's recovery from some malformed input takes time growing with the square of
// its size (here a second or more on this machine). Such a file is not checked, with a
// note, in a scan and in an editor's update, and the parser goes on to the next file
// afresh. The budget is lowered for the test, far below that and far above a valid file's
// parse.
func TestAFileTooSlowToParseIsSkippedWithANote(t *testing.T) {
	defer func(budget time.Duration) { parseBudget = budget }(parseBudget)
	parseBudget = 100 * time.Millisecond
	slow := strings.Repeat("/** x\n", 3000)
	root := writeTree(t, map[string]string{
		"slow.js": slow,
		"ok.js":   "export const a = 1;\n",
		"use.js":  "import { a, gone } from './ok.js';\n",
	})
	ix := NewIndex(root)
	if err := ix.Scan(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	note := ix.Skipped()["slow.js"]
	if !strings.HasPrefix(note, "took longer than 100ms to parse") || ix.Files() != 2 {
		t.Errorf("slow.js skipped as %q, %d files checked", note, ix.Files())
	}
	if ds := ix.Diagnostics(); len(ds) != 1 || ds[0].File != "use.js" {
		t.Errorf("findings %+v, want use.js's gone", ds)
	}
	ctx := context.Background()
	if err := ix.Update(ctx, "ok.js", []byte("export const a = 1;\n"+slow)); err != nil {
		t.Fatal(err)
	}
	if ix.Skipped()["ok.js"] != note {
		t.Errorf("ok.js, typed into, skipped as %q", ix.Skipped()["ok.js"])
	}
	if err := ix.Update(ctx, "ok.js", []byte("export const a = 1, gone = 2;\n")); err != nil {
		t.Fatal(err)
	}
	if _, skipped := ix.Skipped()["ok.js"]; skipped || len(ix.Diagnostics()) != 0 {
		t.Errorf("after the fix: skipped %v, findings %+v", ix.Skipped(), ix.Diagnostics())
	}
}

// The demo's sample workspace must stay clean: `make demo` shows its findings appear
// only after the injected mistakes.
func TestDemoSampleIsClean(t *testing.T) {
	if code, out, errOut := runCheck(t, filepath.Join("testdata", "demo")); code != 0 || out != "no findings in 4 files\n" {
		t.Errorf("code %d, output %q, stderr %q", code, out, errOut)
	}
}

// TestCheckBuildSaysWhenACommandCannotRun: the build script's tool comes with the
// project's dependencies, which nobody installed. That is no finding in the workspace's
// code: the check says why it could not build, and exits 2 (the check is not done).
func TestCheckBuildSaysWhenACommandCannotRun(t *testing.T) {
	if _, err := exec.LookPath("npm"); err != nil {
		t.Skip("no npm here")
	}
	root := writeTree(t, map[string]string{
		"package.json": `{"name": "b", "version": "1.0.0", "scripts": {"build": "tsc"}}`,
		"index.js":     "module.exports = 1;\n",
	})
	code, out, errOut := runCheck(t, "--build", root)
	want := "orchestrator check: `npm run build` cannot run here: `tsc` is not installed here: the project's dependencies are not (`npm install`)\n"
	if code != 2 || out != "no findings in 1 file\n" || !strings.HasSuffix(errOut, want) {
		t.Errorf("code %d\nstdout:\n%s\nstderr:\n%s\nwant the end:\n%s", code, out, errOut, want)
	}
}

// TestCheckBuildReportsADefectOnce: the compiler's error on the line of a static finding
// is the same defect told twice; the check's own finding, which points at the definition,
// is the one kept.
func TestCheckBuildReportsADefectOnce(t *testing.T) {
	root := writeTree(t, map[string]string{
		"go.mod":  "module example.com/b\n\ngo 1.22\n",
		"main.go": "package main\n\nfunc add(a, b int) int { return a + b }\n\nfunc main() {\n\tprintln(add(1, 2, 3))\n\tvar unused int\n}\n",
	})
	code, out, errOut := runCheck(t, "--build", root)
	if code != 1 || strings.Count(out, "main.go:6:") != 1 || !strings.Contains(out, "main.go:6:10: error: `add` takes 2 arguments; this call passes 3 [arity-mismatch]") {
		t.Errorf("want the arity finding alone on line 6: code %d\n%s\n%s", code, out, errOut)
	}
	// The compiler's finding on a line of its own stays.
	if !strings.Contains(out, "main.go:7:") || !strings.Contains(out, "[build-error]") || !strings.HasSuffix(out, "2 findings in 1 of 1 file\n") {
		t.Errorf("want the build error on line 7 as well: %s", out)
	}
}

func TestCheckBuildRunsTheProjectsCommands(t *testing.T) {
	root := writeTree(t, map[string]string{
		"go.mod":     "module example.com/b\n\ngo 1.22\n",
		"main.go":    "package main\n\nfunc main() { var unused int }\n",
		"lib/lib.go": "package lib\n\nfunc F() int { return 1 }\n",
	})
	code, out, errOut := runCheck(t, "--build", root)
	// The compiler's wording varies by Go version; the place and the rule do not.
	if code != 1 || !strings.Contains(out, "main.go:3:19: error: ") || !strings.Contains(out, "unused") || !strings.Contains(out, "[build-error]") {
		t.Errorf("code %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "running `go build ./...`") || strings.Contains(errOut, "go test") {
		t.Errorf("a broken build should stop before the tests: %s", errOut)
	}
	if err := os.WriteFile(filepath.Join(root, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runCheck(t, root, "--build"); code != 0 || !strings.Contains(errOut, "running `go test ./...`") {
		t.Errorf("clean build: code %d\n%s\n%s", code, out, errOut)
	}
}

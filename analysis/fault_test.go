package analysis

import (
	"context"
	"strings"
	"testing"
)

// withFaultyPython makes the Python extractor misbehave the way a bug in the checks
// would, for as long as the test runs: it panics on a file that says "# boom-facts",
// and gives a file that says "# boom-rules" an import the rules then panic on (a
// negative relative level).
func withFaultyPython(t *testing.T) {
	lang := LanguageFor("x.py")
	extract := lang.extract
	lang.extract = func(rel string, tree *flatTree, f *fileFacts) {
		if strings.Contains(string(tree.src), "# boom-facts") {
			var none []int
			_ = none[len(tree.src)]
		}
		extract(rel, tree, f)
		if strings.Contains(string(tree.src), "# boom-rules") && f.py != nil && len(f.py.imports) > 0 {
			f.py.imports[0].level = -1
		}
	}
	t.Cleanup(func() { lang.extract = extract })
}

func TestAPanicInTheChecksLeavesOnlyItsFileUnchecked(t *testing.T) {
	withFaultyPython(t)
	root := writeTree(t, map[string]string{
		"pkg/__init__.py": "",
		"pkg/lib.py":      "def f(a):\n    return a\n",
		"pkg/use.py":      "from .lib import f\n\nf(1, 2)\n",
		"pkg/facts.py":    "# boom-facts\nfrom .lib import f\n\nf(1, 2)\n",
		"pkg/rules.py":    "# boom-rules\nfrom .lib import f\n\nf(1, 2)\n",
	})
	ix := NewIndex(root)
	if err := ix.Scan(context.Background(), nil); err != nil {
		t.Fatalf("a panic in one file's facts failed the scan: %v", err)
	}
	var found []string
	for _, d := range ix.Diagnostics() {
		found = append(found, d.File+" "+d.Rule)
	}
	if want := []string{"pkg/use.py arity-mismatch"}; strings.Join(found, ",") != strings.Join(want, ",") {
		t.Errorf("findings %q, want %q: the other files are still checked", found, want)
	}
	faults := ix.Faults()
	if note := faults["pkg/facts.py"]; !strings.Contains(note, "the checks failed on it (runtime error: index out of range") || !strings.Contains(note, "fault_test.go:") {
		t.Errorf("facts.py's note %q: want the panic and where it happened", note)
	}
	if note := faults["pkg/rules.py"]; !strings.Contains(note, "negative Repeat count") || !strings.Contains(note, "rules_py.go:") {
		t.Errorf("rules.py's note %q: want the panic and the rule's file", note)
	}
	if len(faults) != 2 {
		t.Errorf("faults %q, want facts.py's and rules.py's", faults)
	}

	// Edited to something the checks can read, each file is checked again and its note goes.
	for _, rel := range []string{"pkg/facts.py", "pkg/rules.py"} {
		if err := ix.Update(context.Background(), rel, []byte("from .lib import f\n\nf(1, 2)\n")); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(ix.Diagnostics()); got != 3 {
		t.Errorf("%d findings after the edits, want 3 (each file's arity mismatch)", got)
	}
	if faults := ix.Faults(); len(faults) != 0 {
		t.Errorf("faults after the edits: %q", faults)
	}

	// An edit that makes the checks fail again, live, neither errors nor keeps stale findings.
	if err := ix.Update(context.Background(), "pkg/use.py", []byte("# boom-facts\n")); err != nil {
		t.Fatalf("an update the checks fail on: %v", err)
	}
	if got := len(ix.Diagnostics()); got != 2 || ix.Faults()["pkg/use.py"] == "" {
		t.Errorf("after use.py's failing edit: %d findings (want 2), faults %q", got, ix.Faults())
	}
	ix.Remove("pkg")
	if faults := ix.Faults(); len(faults) != 0 {
		t.Errorf("faults of removed files: %q", faults)
	}
}

func TestCheckCommandNamesTheFilesItFailedOn(t *testing.T) {
	withFaultyPython(t)
	root := writeTree(t, map[string]string{
		"lib.py":   "def f(a):\n    return a\n",
		"use.py":   "from lib import f\n\nf(1, 2)\n",
		"boom.py":  "# boom-facts\n",
		"other.py": "# boom-rules\nimport lib\n",
	})
	code, out, errOut := runCheck(t, root)
	if code != 1 || !strings.HasPrefix(out, "use.py:3:1: error: ") || !strings.HasSuffix(out, "1 finding in 1 of 2 files\n") {
		t.Errorf("code %d, output %q: want use.py's finding, 2 files checked, and exit 1", code, out)
	}
	for _, rel := range []string{"boom.py", "other.py"} {
		if !strings.Contains(errOut, "orchestrator check: not checked: "+rel+": the checks failed on it (") {
			t.Errorf("stderr does not name %s as failed on:\n%s", rel, errOut)
		}
	}
}

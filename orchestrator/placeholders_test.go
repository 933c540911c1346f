package orchestrator

import (
	"strings"
	"testing"
)

func TestPlaceholdersFindsWorkLeftUndone(t *testing.T) {
	for _, line := range []string{
		"// ... existing code ...",
		"    # ... rest of the file unchanged",
		"/* … other methods … */",
		"// (rest of the implementation omitted)",
		"// Rest of the code stays the same",
		"# existing logic remains here",
		"// TODO: implement",
		"# TODO implement the parser",
		"// FIXME - add the real logic",
		"// your code here",
		"# Implementation goes here",
		`	panic("not implemented")`,
		`	panic("TODO: pagination")`,
		"        raise NotImplementedError",
		"    raise NotImplementedError(\"subclasses\")",
		`  throw new Error("Not implemented yet");`,
		"  throw new Error(`unimplemented`)",
		" * ... remaining cases",
		"<!-- ... existing markup ... -->",
	} {
		if got := placeholders("a.go", nil, []byte("x := 1\n"+line+"\n")); len(got) != 1 || got[0] != "a.go:2: "+strings.TrimSpace(line) {
			t.Errorf("%q: %q", line, got)
		}
	}
}

func TestPlaceholdersLeavesOrdinaryCodeAlone(t *testing.T) {
	for _, line := range []string{
		"// TODO: cache the parsed config once the API settles",
		"// Existing users keep their settings.",
		"// The rest of the tests run in CI.",
		"// remaining items are retried",
		"# Other functions call this one with a lock held",
		"/* ... */",
		"// see https://example.com/... for the format",
		`panic("unreachable: the switch covers every kind")`,
		`throw new Error("not found: " + id)`,
		"*p = rest // copy the remaining bytes",
		"--count;",
		`fmt.Println("TODO: implement")`,
	} {
		if got := placeholders("a.go", nil, []byte(line+"\n")); len(got) != 0 {
			t.Errorf("%q: %q", line, got)
		}
	}
	// A placeholder that was there before the worker's write is not its doing.
	before := []byte("package a\n\n// TODO: implement\nfunc A() {}\n")
	if got := placeholders("a.go", before, []byte("package a\n\n// TODO: implement\nfunc A() { b() }\n")); len(got) != 0 {
		t.Errorf("an old placeholder: %q", got)
	}
	// An abstract method raises NotImplementedError by design.
	abstract := "class Shape(ABC):\n    @abstractmethod\n    def area(self) -> float:\n        \"\"\"The area.\"\"\"\n        raise NotImplementedError\n"
	if got := placeholders("shape.py", nil, []byte(abstract)); len(got) != 0 {
		t.Errorf("an abstract method: %q", got)
	}
	// Prose is not code.
	if got := placeholders("README.md", nil, []byte("# ... rest of the guide\n")); len(got) != 0 {
		t.Errorf("markdown: %q", got)
	}
}

package analysis

import (
	"path"
	"regexp"
	"slices"
	"strings"
)

// maxUnderTest bounds the files a fix of a failing test may be given: more would hold
// too many files away from the other workers, and say little about where the fault is.
const maxUnderTest = 8

// testFileName matches the test files of JavaScript, TypeScript and Python runners:
// a.test.ts, a.spec.js, test_a.py, a_test.py, and anything under test/, tests/, __tests__/.
var testFileName = regexp.MustCompile(`(?:^|/)(?:__tests__|tests?)/|\.(?:test|spec)\.[cm]?[jt]sx?$|(?:^|/)test_[^/]*\.py$|_test\.py$`)

// CodeUnderTest returns the workspace files a failing test file exercises, which a fix may
// need to change rather than the test: a Go test's package (the other Go files of its
// directory), or the modules a JavaScript, TypeScript or Python test's check read (its
// imports, followed through re-exports). None when rel is no test file, or when there
// would be more than maxUnderTest.
func (ix *Index) CodeUnderTest(rel string) []string {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.evaluate() // what the test's check read
	var out []string
	switch {
	case strings.HasSuffix(rel, "_test.go"):
		for f := range ix.files {
			if path.Dir(f) == path.Dir(rel) && strings.HasSuffix(f, ".go") && !strings.HasSuffix(f, "_test.go") {
				out = append(out, f)
			}
		}
	case testFileName.MatchString(rel):
		for f := range ix.reads[rel] {
			if f != rel && ix.files[f] != nil && !testFileName.MatchString(f) {
				out = append(out, f)
			}
		}
	}
	if len(out) > maxUnderTest {
		return nil
	}
	slices.Sort(out)
	return out
}

package analysis

import (
	"bytes"
	"path"
	"path/filepath"
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

// CodeUnderTest returns the workspace files a test failing at line (0-based) of rel
// exercises, which a fix may need to change rather than the test: a Go test's package
// (the other Go files of its directory; in a larger package, those that define a name the
// failing test function uses), or the modules a JavaScript, TypeScript or Python test's
// check read (its imports, followed through re-exports). None when rel is no test file,
// or when there would be more than maxUnderTest.
func (ix *Index) CodeUnderTest(rel string, line int) []string {
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
		if len(out) > maxUnderTest {
			test, _ := ReadFile(filepath.Join(ix.root, filepath.FromSlash(rel)))
			out = ix.definingNamesUsed(out, goFunctionAround(test, line))
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

// definingNamesUsed keeps the files that define a name the text uses as a word.
func (ix *Index) definingNamesUsed(files []string, text []byte) []string {
	used := map[string]int{}
	for _, f := range files {
		for _, d := range ix.files[f].defs {
			used[d.Name] = 0
		}
	}
	countWords(text, used)
	return slices.DeleteFunc(files, func(f string) bool {
		return !slices.ContainsFunc(ix.files[f].defs, func(d Definition) bool { return used[d.Name] > 0 })
	})
}

// goFunctionAround is the text of the function of src that holds line (0-based), nil
// when it is in none. Functions are found by gofmt's layout, which Go code nearly always
// has: "func " opens one at the start of a line, "}" alone on a line closes it.
func goFunctionAround(src []byte, line int) []byte {
	lines := bytes.Split(src, []byte("\n"))
	if line < 0 || line >= len(lines) {
		return nil
	}
	start := line
	for ; !bytes.HasPrefix(lines[start], []byte("func ")); start-- {
		if start == 0 || start < line && isClosingBrace(lines[start]) {
			return nil
		}
	}
	if bytes.HasSuffix(bytes.TrimRight(lines[start], "\r"), []byte("}")) {
		return lines[start] // a function on one line
	}
	end := start
	for end < len(lines)-1 && !isClosingBrace(lines[end]) {
		end++
	}
	if end < line {
		return nil
	}
	return bytes.Join(lines[start:end+1], []byte("\n"))
}

func isClosingBrace(line []byte) bool { return string(bytes.TrimRight(line, "\r")) == "}" }

package analysis

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/opencode-orchestrator/orchestrator/analysis/workspace"
)

var (
	// go test prints assertions relative to the package directory ("    cart_test.go:12:
	// got 1") and names the package after them ("FAIL\texample.com/shop/cart\t0.01s").
	goTestLine    = regexp.MustCompile(`^\s+([\w.-]+_test\.go):(\d+): (.+)$`)
	goTestPackage = regexp.MustCompile(`^(?:FAIL|ok)\s+(\S+)\s`)
	// A failed test's result: "--- FAIL: TestTotal (0.00s)", indented for a subtest.
	goTestFailed = regexp.MustCompile(`^\s*--- FAIL: (\S+)`)
	// Whose output follows: a test's result heads its output ("--- FAIL: TestTotal"), and
	// -v names the test that prints next ("=== RUN   TestTotal", "=== CONT", "=== NAME").
	goTestOutputOf = regexp.MustCompile(`^\s*(?:--- (?:FAIL|PASS|SKIP):|=== (?:RUN|CONT|NAME)) +(\S+)`)
	// The race detector's report, between lines of "=": each access ("Read at 0x… by
	// goroutine 8:", "Previous write at …") with its frames (goFrame's, indented by spaces),
	// then where the goroutines were created, which is not where the race is.
	goRaceStart   = regexp.MustCompile(`^WARNING: DATA RACE$`)
	goRaceAccess  = regexp.MustCompile(`^(Previous )?(\w+(?: \w+)?) at 0x[0-9a-f]+ by (?:goroutine \d+|main goroutine):$`)
	goRaceCreated = regexp.MustCompile(`^Goroutine \d+ \(.*\) created at:$`)
)

// maxSaidLines bounds what a failed test printed after its result that a finding quotes.
const maxSaidLines = 8

// goTestRun reads go test's output one package's block at a time: the package's line at
// the block's end says the directory its assertions' file names are relative to.
type goTestRun struct {
	root      string
	module    goModule
	hasModule bool
	pending   []goAssertion
	// The package's failed tests, and the test printing: with -v, a passing test's t.Log
	// lines look like a failing one's, and only the results that follow tell them apart.
	failed  map[string]bool
	current string
	// What a failed top-level test printed after its result without a place (an Example's
	// got and want), for a failure placed nowhere else.
	failedTop []string
	said      map[string][]string
	saying    string
	// found.out's length when the block began: a failure placed in it (an assertion, a
	// panic's frame, a data race, a compiler error) needs no other place.
	placedBefore int
	racing       bool // in a race report, before where its goroutines were created
	accesses     []raceAccess
}

// raceAccess is one side of a data race: how it touched the memory, and its innermost
// frame in the workspace.
type raceAccess struct {
	kind  string
	place *sourcePosition
}

type goAssertion struct {
	file, msg, test string
	line            int
}

func newGoTestRun(root string) *goTestRun {
	g := &goTestRun{root: root}
	g.module, g.hasModule = readGoModule(root, "go.mod")
	g.reset(0)
	return g
}

func (g *goTestRun) reset(placed int) {
	g.pending, g.failed, g.current, g.failedTop, g.said, g.saying, g.placedBefore = nil, map[string]bool{}, "", nil, map[string][]string{}, "", placed
}

// heading follows whose output the lines are, and keeps what a failed test printed after
// its result. It reports the failed test a line names ("" for none).
func (g *goTestRun) heading(line string) (failed string) {
	if m := goTestOutputOf.FindStringSubmatch(line); m != nil {
		g.current, g.saying = m[1], ""
		if m := goTestFailed.FindStringSubmatch(line); m != nil {
			failed = m[1]
			g.failed[failed] = true
			if !strings.Contains(failed, "/") {
				g.failedTop, g.saying = append(g.failedTop, failed), failed
			}
		}
		return failed
	}
	switch text := strings.TrimSpace(line); {
	case g.saying == "":
	case text == "FAIL" || text == "PASS" || goTestPackage.MatchString(line):
		g.saying = ""
	case text != "" && !goTestLine.MatchString(line) && len(g.said[g.saying]) < maxSaidLines:
		g.said[g.saying] = append(g.said[g.saying], text)
	}
	return ""
}

// assertion takes a line placed relative to the package's directory, which its block's
// end names.
func (g *goTestRun) assertion(line string) bool {
	m := goTestLine.FindStringSubmatch(line)
	if m == nil {
		return false
	}
	l, _ := strconv.Atoi(m[2])
	g.pending = append(g.pending, goAssertion{m[1], m[3], g.current, l})
	return true
}

// packageEnd places the block's assertions of failed tests, named with their test, once
// its package's line says where they are. A failed test placed nowhere (an Example's
// output, a test that failed without a message) is placed at its function.
func (g *goTestRun) packageEnd(found *placed, line string) bool {
	m := goTestPackage.FindStringSubmatch(line)
	if m == nil {
		return false
	}
	if g.hasModule && underPath(m[1], g.module.path) {
		dir := strings.TrimPrefix(strings.TrimPrefix(m[1], g.module.path), "/")
		for _, a := range g.pending {
			switch {
			case a.test == "": // printed outside any test's output (TestMain)
				found.add(filepath.Join(dir, a.file), a.line, 0, byteColumns, RuleTestFailure, a.msg)
			case g.failed[a.test]:
				found.add(filepath.Join(dir, a.file), a.line, 0, byteColumns, RuleTestFailure, a.test+": "+a.msg)
			}
		}
		if len(found.out) == g.placedBefore {
			for _, test := range g.failedTop {
				if file, l, ok := goTestDefinition(g.root, dir, test); ok {
					found.add(file, l, len("func ")+1, byteColumns, RuleTestFailure, g.failure(test))
				}
			}
		}
	}
	g.reset(len(found.out))
	return true
}

// failure says how a test placed at its function failed: what it printed after its result,
// or which of its subtests failed.
func (g *goTestRun) failure(test string) string {
	if said := g.said[test]; len(said) > 0 {
		var b strings.Builder
		for i, text := range said {
			switch {
			case i == 0:
			case strings.HasSuffix(said[i-1], ":"): // "got:" then what it got
				b.WriteString(" ")
			default:
				b.WriteString(" | ")
			}
			b.WriteString(text)
		}
		return test + ": " + b.String()
	}
	var subtests []string
	for name := range g.failed {
		if strings.HasPrefix(name, test+"/") {
			subtests = append(subtests, name)
		}
	}
	if len(subtests) == 0 {
		return test + " failed, printing no message"
	}
	slices.Sort(subtests)
	return test + " failed in " + strings.Join(subtests, ", ") + ", printing no message"
}

// goTestDefinition finds `func test(` in the test files of the package in dir.
func goTestDefinition(root, dir, test string) (file string, line int, ok bool) {
	entries, _ := os.ReadDir(filepath.Join(root, dir))
	decl := []byte("func " + test + "(")
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		src, err := ReadFile(filepath.Join(root, dir, e.Name()))
		if err != nil {
			continue
		}
		for i, text := range bytes.Split(src, []byte("\n")) {
			if bytes.HasPrefix(text, decl) {
				return filepath.Join(dir, e.Name()), i + 1, true
			}
		}
	}
	return "", 0, false
}

// framePath makes a frame's path, absolute or (with -trimpath) under the module's path,
// one that placed.locate reads.
func (g *goTestRun) framePath(file string) string {
	if g.hasModule && !filepath.IsAbs(file) && underPath(file, g.module.path) {
		return strings.TrimPrefix(strings.TrimPrefix(file, g.module.path), "/")
	}
	return file
}

// race reads the race detector's reports: each is placed at its access's innermost frame
// in the workspace, naming the other access, which is also related information. It says
// whether the line was the report's.
func (g *goTestRun) race(found *placed, line string) bool {
	switch {
	case goRaceStart.MatchString(line):
		g.racing, g.accesses = true, nil
	case !g.racing:
		return false
	case goRaceAccess.MatchString(line):
		m := goRaceAccess.FindStringSubmatch(line)
		g.accesses = append(g.accesses, raceAccess{kind: strings.ToLower(m[2])})
	case goRaceCreated.MatchString(line):
		g.racing = false
		g.placeRace(found)
	case goFrame.MatchString(line) && len(g.accesses) > 0 && g.accesses[len(g.accesses)-1].place == nil:
		m := goFrame.FindStringSubmatch(line)
		l, _ := strconv.Atoi(m[2])
		if at, ok := found.locate(g.framePath(m[1]), l, 0, byteColumns); ok && !workspace.InSkippedDir(at.rel) {
			g.accesses[len(g.accesses)-1].place = &at
		}
	case strings.HasPrefix(line, "=================="):
		g.racing = false
		g.placeRace(found)
	}
	return true
}

// placeRace places the report read: at the first access the workspace has a frame of.
func (g *goTestRun) placeRace(found *placed) {
	accesses := g.accesses
	g.accesses = nil
	for i, a := range accesses {
		if a.place == nil {
			continue
		}
		message := "data race: this " + a.kind
		var related []Related
		for j, other := range accesses {
			switch {
			case j == i:
			case other.place == nil:
				message += " races with a " + other.kind + " in another goroutine"
			default:
				message += fmt.Sprintf(" races with a %s at %s:%d in another goroutine", other.kind, other.place.rel, other.place.line)
				related = append(related, other.place.related("the other access"))
			}
		}
		if found.addAt(*a.place, RuleTestFailure, message) {
			found.out[len(found.out)-1].Related = related
		}
		return
	}
}

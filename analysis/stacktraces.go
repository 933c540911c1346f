package analysis

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/opencode-orchestrator/orchestrator/analysis/workspace"
)

// Test runners print a failure as the failing test's name, its error and a stack trace;
// without reading them a failure could only be reported on the project file, where no
// worker can mend it. Go's panics are read in ParseOutput.

// stackTrace is a failure being read, given its trace's frames innermost first: it is
// placed at the first in the workspace, where the fault usually is, and names the next
// there, its caller (often the test).
type stackTrace struct {
	name, message string // the failing test, and its error
	detail        bool   // the message announced more on the lines below ("strictly equal:")
	unnamed       bool   // the next line is the error, unnamed (Jest's "Cannot find module …")
	at            int    // the finding's index once placed, plus one
	done          bool
	// Where the runner says the test is (node --test's TAP "location:", its spec
	// summary's "test at"), for a failure with no frame in the workspace, such as a
	// timeout; not for a test that failed only because its subtests did (aggregate).
	location   *jsLocation
	aggregate  bool
	diff       diffQuote
	diffHeader string // quoted with the diff's first line
	diffLines  int    // the "+"/"-" lines of an assertion's diff the message quotes
	// Mocha's title goes on over the lines below its heading, one per suite, more
	// indented than it ("1) cart" "     total" "       sums:"); title is its last part,
	// suite the part before.
	titleIndent  int
	title, suite string
}

// diffQuote is where the reading of an assertion's diff is.
type diffQuote int

const (
	diffNone    diffQuote = iota
	diffQuoting           // after its header
	diffDone              // after a second diff of the same values (Mocha's, after assert's)
)

type jsLocation struct {
	file      string
	line, col int
	unit      columnUnit // UTF-16 as node counts, bytes as a test's definition is found
}

// maxDiffLines bounds the lines of an assertion's diff a finding quotes.
const maxDiffLines = 4

// text is the finding's message.
func (s *stackTrace) text() string {
	switch {
	case s.name != "" && s.message != "":
		return s.name + ": " + s.message
	case s.name != "":
		return s.name
	}
	return s.message
}

// frame reads one frame of the trace. Frames outside the workspace, or in the directories
// every tool skips (installed packages: node_modules, site-packages, vendor), are passed.
func (s *stackTrace) frame(found *placed, file string, line, col int, unit columnUnit, rule string) {
	at, ok := found.locate(file, line, col, unit)
	switch {
	case s.done || !ok || workspace.InSkippedDir(at.rel):
	case s.at == 0:
		if found.addAt(at, rule, s.text()) {
			s.at = len(found.out)
		} else {
			s.done = true // the same failure again, as in a summary
		}
	default:
		// Said in the message for whoever reads only that (a worker's task), and as
		// related information: an editor links it, and a FIX item may write the file.
		d := &found.out[s.at-1]
		where := fmt.Sprintf("%s:%d", at.rel, at.line)
		if at.compiled != "" {
			where = at.rel + ", compiled to " + at.compiled
		}
		d.Message += " (called from " + where + ")"
		d.Related = append(d.Related, at.related("called from here"))
		s.done = true
	}
}

// JavaScript and TypeScript test runners: node --test with its TAP or spec reporter,
// Jest, Vitest, Mocha.
var (
	// "● adds" (Jest), "not ok 1 - adds" (TAP), "✖ adds (1.3ms)" (spec), "FAIL  a.test.ts > adds"
	// (Vitest), "1) adds:" (Mocha).
	jsTestHeading = regexp.MustCompile(`^\s*(?:● |not ok \d+ - |✖ |FAIL\s+\S+ > |\d+\) )(.+?):?(?: \([\d.]+m?s\))?$`)
	// "TypeError: ...", "AssertionError [ERR_ASSERTION]: ...", Jest's "expect(received).toBe(expected)".
	jsError = regexp.MustCompile(`^\s*((?:\w+\.)*\w*(?:Error|Exception)(?: \[\w+\])?: .*|expect\(.*\)\..*)$`)
	// TAP's YAML: "error: 'message'" (or in double quotes), or "error: |-" with the message
	// on the lines below.
	jsTAPError = regexp.MustCompile(`^\s*error: (?:['"](.*)['"]|\|-)$`)
	// Jest's values under its expect line.
	jsExpected = regexp.MustCompile(`^\s*((?:Expected|Received)(?: value)?: +.+)$`)
	// node --test's place of a test: TAP's "location: '/abs/a.test.js:29:1'", the spec
	// summary's "test at a.test.js:29:1" above the test's heading.
	jsTestLocation = regexp.MustCompile(`^\s*(?:location: '(.+?):(\d+):(\d+)'|(test at) (.+?):(\d+):(\d+))$`)
	// TAP's kind of a failure that is its subtests'.
	jsAggregate = regexp.MustCompile(`^\s*failureType: 'subtestsFailed'$`)
	// The spec reporter's message that is not an Error: "'test timed out after 50ms'".
	jsQuoted = regexp.MustCompile(`^\s*'(.+)'$`)
	// The header of an assertion's diff: assert's "+ actual - expected", Mocha's "+ expected
	// - actual", Jest's and Vitest's "- Expected  - 1" and "+ Received  + 1" (the counts
	// left out of the message).
	jsDiffHeader = regexp.MustCompile(`^([+-] (?:actual|expected|Expected|Received)(?: [+-] (?:actual|expected))?)(?:\s+[+-] \d+)?$`)
	// A line of the diff below it.
	jsDiffLine = regexp.MustCompile(`^[+-] `)
	// Mocha's heading: "1) cart", or "1) adds:" when it is the whole title.
	mochaHeading = regexp.MustCompile(`^(\s*)\d+\) `)
	// Mocha's error that names only the test's file: "Error: Timeout of 2000ms exceeded.
	// … (/abs/test/a.spec.js)".
	jsErrorInFile = regexp.MustCompile(`^(.*?) \(([^\s()]+\.[cm]?[jt]sx?)\)$`)
	// Jest's error when the test threw a string, the first of its lines: its timeout's
	// `thrown: "Exceeded timeout of 100 ms for a test.`.
	jestThrownLine = regexp.MustCompile(`^thrown: "([^"]*)$`)
	// The call of a test or hook in Jest's trace of its timeout: "at test (a.test.js:2:3)",
	// whose caller is only its suite's callback.
	jsRegistration = regexp.MustCompile(`^\s*at (?:test|it|beforeEach|afterEach|beforeAll|afterAll) \(`)
	// Mocha's title of a hook: `"before each" hook for "sums"`, `"before all" hook: load
	// for "sells"`.
	mochaHook = regexp.MustCompile(`^"(before|after) (all|each)" hook`)
	// "at f (src/a.js:2:31)", "at /abs/a.js:2:31", "at f (file:///abs/a.mjs:2:31)", TAP's
	// "f (file:///abs/a.js:2:31)", Vitest's "❯ f src/a.js:2:31".
	jsFrame = regexp.MustCompile(`^\s*(?:at (?:.*? \()?|❯ (?:\S+ )?|[\w$.<>]+ \()?(?:file://)?([^\s()'"]+\.[cm]?[jt]sx?):(\d+):(\d+)\)?$`)
)

// readJS reads one line of a JavaScript test runner's output into the failure s, which
// is placed at its first frame in the workspace. It says whether the line was a frame.
func (s *stackTrace) readJS(found *placed, line, rule string) bool {
	if m := jsFrame.FindStringSubmatch(line); m != nil {
		s.detail = false
		if s.name != "" || s.message != "" { // not the trace of a warning or a log
			l, _ := strconv.Atoi(m[2])
			c, _ := strconv.Atoi(m[3])
			s.frame(found, m[1], l, c, utf16Columns, rule)
			s.done = s.done || s.at > 0 && jsRegistration.MatchString(line)
		}
		return true
	}
	if m := jsTestLocation.FindStringSubmatch(line); m != nil {
		if m[4] == "" { // TAP's, below the test's heading
			l, _ := strconv.Atoi(m[2])
			c, _ := strconv.Atoi(m[3])
			s.location = &jsLocation{m[1], l, c, utf16Columns}
			return true
		}
		s.placeAtLocation(found, rule)
		l, _ := strconv.Atoi(m[6])
		c, _ := strconv.Atoi(m[7])
		*s = stackTrace{location: &jsLocation{m[5], l, c, utf16Columns}}
		return true
	}
	if m := jsTestHeading.FindStringSubmatch(line); m != nil {
		s.placeAtLocation(found, rule)
		var location *jsLocation
		if s.name == "" { // the spec summary's, above the heading
			location = s.location
		}
		*s = stackTrace{name: m[1], title: m[1], unnamed: strings.HasPrefix(strings.TrimSpace(line), "● "), location: location}
		if h := mochaHeading.FindStringSubmatch(line); h != nil && !strings.HasSuffix(line, ":") {
			s.titleIndent = len(h[1]) + 1
		}
		return false
	}
	if s.titleIndent > 0 {
		text := strings.TrimSpace(line)
		if text != "" && len(line)-len(strings.TrimLeft(line, " ")) >= s.titleIndent {
			s.suite, s.title = s.title, strings.TrimSuffix(text, ":")
			s.name += " " + s.title
			if strings.HasSuffix(text, ":") {
				s.titleIndent = 0
			}
			return false
		}
		s.titleIndent = 0
	}
	if jsAggregate.MatchString(line) {
		s.aggregate = true
		return true
	}
	tap, err := jsTAPError.FindStringSubmatch(line), jsError.FindStringSubmatch(line)
	if (tap != nil || err != nil) && (s.at > 0 || s.done) {
		*s = stackTrace{} // an error after a placed one: a crash outside any test
	}
	text := strings.TrimSpace(line)
	switch {
	case s.at > 0 || s.done || text == "":
	case s.message != "" && jsDiffHeader.MatchString(text):
		s.readDiffHeader(jsDiffHeader.FindStringSubmatch(text)[1])
	case s.detail:
		s.message = strings.TrimSpace(s.message + " " + text)
		s.detail = strings.HasSuffix(text, ":")
	case s.unnamed && s.message == "":
		s.message, s.unnamed = text, false
		if m := jestThrownLine.FindStringSubmatch(text); m != nil {
			s.message = m[1]
		}
	case tap != nil && s.message == "":
		s.message, s.detail = tap[1], tap[1] == ""
	case err != nil && s.message == "":
		s.message, s.detail = err[1], strings.HasSuffix(err[1], ":")
	case jsExpected.MatchString(line) && strings.HasPrefix(s.message, "expect("):
		s.message += "; " + text
	case s.message == "" && s.name != "" && jsQuoted.MatchString(line):
		s.message = jsQuoted.FindStringSubmatch(line)[1]
	case s.diff == diffQuoting && s.diffLines < maxDiffLines && jsDiffLine.MatchString(text):
		if s.diffLines == 0 {
			if strings.HasSuffix(s.message, ":") { // "strictly deep-equal:"
				s.message += " " + s.diffHeader
			} else {
				s.message += "; " + s.diffHeader
			}
		}
		s.message += "; " + strings.Join(strings.Fields(text), " ")
		s.diffLines++
	}
	return false
}

// readDiffHeader starts quoting the diff a header announces (with its first line: a
// diff of two numbers, "-4" "+5", is not quoted). Jest's and Vitest's header is two
// lines; a second diff of the same values is not quoted, nor the diff of Jest's and
// Vitest's toBe, whose message has both values already.
func (s *stackTrace) readDiffHeader(header string) {
	switch {
	case s.diff == diffNone && !strings.Contains(s.message, "// Object.is equality"):
		s.diff, s.diffHeader, s.detail = diffQuoting, header, false
	case s.diff == diffQuoting && s.diffLines == 0:
		s.diffHeader += " " + header
	default:
		s.diff = diffDone
	}
}

// placeAtLocation places a failure that no frame placed at the test's location: where
// the runner says the test is, or, when its error names only the test's file (Mocha's
// timeout), at the test's definition there.
func (s *stackTrace) placeAtLocation(found *placed, rule string) {
	if s.name == "" || s.at > 0 || s.done || s.aggregate {
		return
	}
	if m := jsErrorInFile.FindStringSubmatch(s.message); s.location == nil && m != nil {
		if rel, ok := inside(found.root, m[2]); ok {
			s.message = m[1]
			line, col := jsTestDefinition(filepath.Join(found.root, rel), s.suite, s.title)
			s.location = &jsLocation{rel, line, col, byteColumns}
		}
	}
	if s.location != nil {
		s.done = found.add(s.location.file, s.location.line, s.location.col, s.location.unit, rule, s.text())
	}
}

// jsTestDefinition finds the call that defines the test titled title in a file (`it("…"`,
// `test('…'`, with any quotes), or for a Mocha hook's title the first call of that hook
// after its suite's: its line and byte column, or the file's start.
func jsTestDefinition(file, suite, title string) (line, col int) {
	src, err := ReadFile(file)
	if err != nil {
		return 1, 1
	}
	lines := strings.Split(string(src), "\n")
	var i, at int
	if m := mochaHook.FindStringSubmatch(title); m != nil {
		hook := mochaHookCalls[m[1]+" "+m[2]]
		i, _ = titledCall(lines, suite)
		for i = max(i, 0); i < len(lines); i++ {
			if loc := hook.FindStringSubmatchIndex(lines[i]); loc != nil {
				at = loc[2]
				break
			}
		}
	} else {
		i, at = titledCall(lines, title)
	}
	if i < 0 || i >= len(lines) {
		return 1, 1
	}
	return i + 1, at + 1
}

// mochaHookCalls are the calls that define Mocha's hooks, by the words of their titles.
var mochaHookCalls = map[string]*regexp.Regexp{
	"before all":  regexp.MustCompile(`(?:^|[^\w$.])(before)\s*\(`),
	"before each": regexp.MustCompile(`(?:^|[^\w$.])(beforeEach)\s*\(`),
	"after each":  regexp.MustCompile(`(?:^|[^\w$.])(afterEach)\s*\(`),
	"after all":   regexp.MustCompile(`(?:^|[^\w$.])(after)\s*\(`),
}

// titledCall finds the call of a test or suite titled title (`it("…"`, `describe('…'`,
// with any quotes): its line's index and the call's byte offset, or -1.
func titledCall(lines []string, title string) (int, int) {
	for i, text := range lines {
		for _, quote := range []string{`"`, `'`, "`"} {
			at := strings.Index(text, "("+quote+title+quote)
			if at < 0 {
				continue
			}
			call := strings.TrimRightFunc(text[:at], func(r rune) bool {
				return r == '.' || r == '_' || r == '$' || unicode.IsLetter(r) || unicode.IsDigit(r)
			})
			return i, len(call)
		}
	}
	return -1, 0
}

// Python's doctest run alone (python -m doctest, doctest.testmod()) prints a block per
// failed example, after a line of asterisks; an exception's traceback is indented in it.
//
//	**********************************************************************
//	File "/abs/calc.py", line 4, in calc.add
//	Failed example:
//	    add(1, 2)
//	Expected:
//	    4
//	Got:
//	    3
var (
	doctestRule    = regexp.MustCompile(`^\*{70}$`)
	doctestExample = regexp.MustCompile(`^File "([^"]+)", line (\d+), in (\S+)$`)
	doctestPart    = regexp.MustCompile(`^(Failed example|Expected|Got|Exception raised)(:| nothing)$`)
)

// doctestFailure is a failed example's block being read.
type doctestFailure struct {
	armed     bool // after a line of asterisks: a block may begin
	name      string
	example   pyFrameAt
	part      string            // the part whose indented lines follow
	said      map[string]string // each part's first line
	exception string            // the last line of an exception's traceback
	raisedAt  *sourcePosition   // its innermost frame in the workspace
}

// read reads one line of output; it says whether the line was the block's.
func (d *doctestFailure) read(found *placed, line, rule string) bool {
	if doctestRule.MatchString(line) {
		d.flush(found, rule)
		d.armed = true
		return true
	}
	if d.armed {
		d.armed = false
		m := doctestExample.FindStringSubmatch(line)
		if m == nil {
			return false
		}
		l, _ := strconv.Atoi(m[2])
		*d = doctestFailure{name: m[3], example: pyFrameAt{m[1], l}, said: map[string]string{}}
		return true
	}
	if d.name == "" {
		return false
	}
	if m := doctestPart.FindStringSubmatch(line); m != nil {
		d.part = m[1]
		if m[2] == " nothing" { // "Expected nothing": no lines follow
			d.said[d.part], d.part = "nothing", ""
		}
		return true
	}
	text, indented := strings.CutPrefix(line, "    ")
	if !indented {
		d.flush(found, rule) // the summary after the last block
		return false
	}
	if d.part != "Exception raised" {
		if _, ok := d.said[d.part]; !ok {
			d.said[d.part] = strings.TrimSpace(text)
		}
		return true
	}
	if m := pyFrame.FindStringSubmatch(text); m != nil {
		l, _ := strconv.Atoi(m[2])
		if at, ok := found.locate(m[1], l, 0, byteColumns); ok && !workspace.InSkippedDir(at.rel) {
			d.raisedAt = &at // frames go outermost first: the last is the innermost
		}
	} else if !strings.HasPrefix(text, " ") && text != "Traceback (most recent call last):" {
		d.exception = text
	}
	return true
}

// flush places the block read: an exception where it was raised, a wrong output at its
// example.
func (d *doctestFailure) flush(found *placed, rule string) {
	if d.name == "" {
		return
	}
	example := d.said["Failed example"]
	switch {
	case d.exception != "" && d.raisedAt != nil:
		if found.addAt(*d.raisedAt, rule, d.name+": "+d.exception+" (in the example `"+example+"`)") {
			if at, ok := found.locate(d.example.file, d.example.line, 0, byteColumns); ok {
				found.out[len(found.out)-1].Related = []Related{at.related("the example")}
			}
		}
	case d.exception != "":
		found.add(d.example.file, d.example.line, 0, byteColumns, rule, d.name+": `"+example+"` raised "+d.exception)
	default:
		found.add(d.example.file, d.example.line, 0, byteColumns, rule, fmt.Sprintf("%s: `%s` printed %s, not %s", d.name, example, d.said["Got"], d.said["Expected"]))
	}
	*d = doctestFailure{}
}

// Python's tracebacks (unittest, a crash of a script or of pytest's collection) list the
// frames outermost first and the exception after them:
//
//	FAIL: test_total (tests.test_prices.TestPrices.test_total)
//	Traceback (most recent call last):
//	  File "/abs/tests/test_prices.py", line 8, in test_total
//	AssertionError: 2 != 5
var (
	unittestHeading = regexp.MustCompile(`^(?:FAIL|ERROR): (\w+) \(`) // "FAIL: test_total (…)"
	pyFrame         = regexp.MustCompile(`^\s*File "([^"]+)", line (\d+)`)
)

// pyTraceback gathers a traceback's frames until its exception, the first line after them
// that is not indented (the frames' source lines and carets are), places it.
type pyTraceback struct {
	name   string
	frames []pyFrameAt
}

type pyFrameAt struct {
	file string
	line int
}

// read reads one line of output; it says whether the line was a frame.
func (t *pyTraceback) read(found *placed, line, rule string) bool {
	// A test's heading: unittest's, or pytest's section (its --tb=native).
	m := unittestHeading.FindStringSubmatch(line)
	if m == nil {
		m = pytestSection.FindStringSubmatch(line)
	}
	if m != nil {
		*t = pyTraceback{name: m[1]}
		return false
	}
	if m = pyFrame.FindStringSubmatch(line); m != nil {
		l, _ := strconv.Atoi(m[2])
		t.frames = append(t.frames, pyFrameAt{m[1], l})
		return true
	}
	if len(t.frames) > 0 && line != "" && line[0] != ' ' && line[0] != '\t' {
		s := stackTrace{name: t.name, message: strings.TrimSpace(line)}
		for i := len(t.frames) - 1; i >= 0 && !s.done; i-- { // innermost first
			s.frame(found, t.frames[i].file, t.frames[i].line, 0, byteColumns, rule)
		}
		t.frames = nil
	}
	return false
}

// Rust's test panics say where they happened and what, on the lines below:
//
//	thread 'tests::totals' (660) panicked at src/lib.rs:14:9:
//	assertion `left == right` failed
//	  left: 2
//
// (before Rust 1.73: "thread 'tests::totals' panicked at 'message', src/lib.rs:14:9").
// Their columns are taken as characters, rustc's unit; a panic's counts a wide character
// as two and a tab as four (rust-lang/rust#148284), so after those it is off.
var (
	rustPanicked    = regexp.MustCompile(`^thread '([^']+)'(?: \(\d+\))? panicked at ([^\s:]+):(\d+):(\d+):$`)
	rustPanickedOld = regexp.MustCompile(`^thread '([^']+)' panicked at '(.*)', ([^\s:]+):(\d+):(\d+)$`)
	// A test's output is headed with its name ("tests::totals", a doc test's "src/lib.rs -
	// add (line 3)", whose thread is 'main'); a #[should_panic] test that returned has a
	// note of where it is.
	rustTestOutput = regexp.MustCompile(`^---- (.+) stdout ----$`)
	// A doc test's name says where its code block starts; its panic's place is a line of
	// the program rustdoc made of the block, not of the file.
	rustDocTest = regexp.MustCompile(`^(\S+) - .+ \(line (\d+)\)$`)
	rustNoPanic = regexp.MustCompile(`^note: test did not panic as expected at ([^\s:]+):(\d+):(\d+)$`)
)

// rustPanic is a panic whose message is being read.
type rustPanic struct {
	test, file string
	line, col  int
	message    []string
	output     string // the test whose output is being read
}

// read reads one line of output; it says whether the line was the panic's.
func (p *rustPanic) read(found *placed, line, rule string) bool {
	if m := rustTestOutput.FindStringSubmatch(line); m != nil {
		p.flush(found, rule)
		p.output = m[1]
		return true
	}
	if m := rustNoPanic.FindStringSubmatch(line); m != nil && p.output != "" {
		l, _ := strconv.Atoi(m[2])
		c, _ := strconv.Atoi(m[3])
		found.add(m[1], l, c, runeColumns, rule, p.output+": did not panic; it is marked #[should_panic]")
		return true
	}
	if m := rustPanickedOld.FindStringSubmatch(line); m != nil {
		l, _ := strconv.Atoi(m[4])
		c, _ := strconv.Atoi(m[5])
		found.add(m[3], l, c, runeColumns, rule, m[1]+": "+m[2])
		return true
	}
	if m := rustPanicked.FindStringSubmatch(line); m != nil {
		l, _ := strconv.Atoi(m[3])
		c, _ := strconv.Atoi(m[4])
		*p = rustPanic{test: m[1], file: m[2], line: l, col: c, output: p.output}
		if doc := rustDocTest.FindStringSubmatch(p.output); doc != nil && p.test == "main" {
			p.test, p.file, p.col = p.output, doc[1], 1
			p.line, _ = strconv.Atoi(doc[2])
		}
		return true
	}
	if p.file == "" {
		return false
	}
	if text := strings.TrimSpace(line); text != "" && text != "stack backtrace:" && !strings.HasPrefix(text, "note: ") {
		p.message = append(p.message, text)
		return true
	}
	p.flush(found, rule)
	return false
}

// flush records the panic read so far, if any.
func (p *rustPanic) flush(found *placed, rule string) {
	if p.file != "" {
		found.add(p.file, p.line, p.col, runeColumns, rule, p.test+": "+strings.Join(p.message, "; "))
	}
	*p = rustPanic{}
}

// pytest's failures, in its default long tracebacks: a section per test, outer frames as
// bare locations, the error on "E" lines, and the innermost frame with the exception's
// name last. A collection error (a module that does not import) has no innermost line.
//
//	______________________ TestPrices.test_average ______________________
//	>       self.assertEqual(average([]), 0)
//	tests/test_prices.py:11:
//	E       ZeroDivisionError: division by zero
//	shop/prices.py:6: ZeroDivisionError
var (
	pytestSection = regexp.MustCompile(`^_{3,} (.+?) _{3,}$`)
	// An outer frame, "tests/test_prices.py:11:", or where a fixture's error was, the
	// section's last line ("/abs/tests/test_prices.py:9").
	pytestOuter  = regexp.MustCompile(`^([\w./-]+\.py):(\d+)(?::(?: in \S+)?)?\s*$`)
	pytestError  = regexp.MustCompile(`^E\s+(.+)$`)
	pytestEnd    = regexp.MustCompile(`^([\w./-]+\.py):(\d+): (\w*(?:Error|Exception|Failed|Failure)\b.*|KeyboardInterrupt)$`)
	pytestBanner = regexp.MustCompile(`^={3,} `)
	// A doctest's section says what its example should print and what it printed, or the
	// exception it raised (whose traceback is read as Python's), instead of "E" lines.
	pytestDoctestSaid = regexp.MustCompile(`^(?:(Expected|Got):|(UNEXPECTED EXCEPTION: .+))$`)
)

// maxErrorLines bounds the "E" lines a finding quotes: the assertion and what pytest found
// its values to be.
const maxErrorLines = 3

// pytestFailure is a section of pytest's failures being read.
type pytestFailure struct {
	name   string
	errors []string
	outer  []pyFrameAt
	said   string // a doctest's "Expected" or "Got", whose value's first line comes next
	// found.out's length when the section began: a failure a traceback in it placed
	// (a doctest's exception) needs no second finding at the section's end.
	placedBefore int
}

// read reads one line of output; it says whether the line was the section's.
func (p *pytestFailure) read(found *placed, line, rule string) bool {
	if m := pytestSection.FindStringSubmatch(line); m != nil {
		p.flush(found, rule)
		*p = pytestFailure{name: m[1], placedBefore: len(found.out)}
		return true
	}
	if pytestBanner.MatchString(line) {
		p.flush(found, rule)
		*p = pytestFailure{}
		return false
	}
	if m := pytestOuter.FindStringSubmatch(line); m != nil {
		l, _ := strconv.Atoi(m[2])
		p.outer = append(p.outer, pyFrameAt{m[1], l})
		return true
	}
	if m := pytestDoctestSaid.FindStringSubmatch(line); m != nil && strings.HasPrefix(p.name, "[doctest] ") {
		p.said = m[1]
		if m[2] != "" && len(p.errors) < maxErrorLines {
			p.errors = append(p.errors, m[2])
		}
		return true
	}
	if p.said != "" && strings.HasPrefix(line, "    ") {
		if len(p.errors) < maxErrorLines {
			p.errors = append(p.errors, p.said+": "+strings.TrimSpace(line))
		}
		p.said = ""
		return true
	}
	if m := pytestError.FindStringSubmatch(line); m != nil {
		if len(p.errors) < maxErrorLines {
			p.errors = append(p.errors, strings.TrimSpace(m[1]))
		}
		return true
	}
	if m := pytestEnd.FindStringSubmatch(line); m != nil {
		if len(found.out) > p.placedBefore {
			*p = pytestFailure{name: p.name, placedBefore: len(found.out)}
			return true
		}
		l, _ := strconv.Atoi(m[2])
		message := strings.Join(p.errors, "; ")
		if message == "" {
			message = m[3]
		}
		s := stackTrace{name: p.name, message: message}
		s.frame(found, m[1], l, 0, byteColumns, rule)
		p.place(found, &s, rule)
		*p = pytestFailure{name: p.name, placedBefore: len(found.out)}
		return true
	}
	return false
}

// flush places a section that ended without an innermost frame at its last outer frame
// in the workspace.
func (p *pytestFailure) flush(found *placed, rule string) {
	if len(p.errors) > 0 {
		p.place(found, &stackTrace{name: p.name, message: strings.Join(p.errors, "; ")}, rule)
	}
}

// place gives s the section's outer frames, innermost first.
func (p *pytestFailure) place(found *placed, s *stackTrace, rule string) {
	for i := len(p.outer) - 1; i >= 0 && !s.done; i-- {
		s.frame(found, p.outer[i].file, p.outer[i].line, 0, byteColumns, rule)
	}
}

// pytest's short summary: "FAILED tests/test_a.py::TestK::test_m - AssertionError: no",
// "ERROR tests/test_a.py::test_c" (a fixture's error). With --tb=no it is all pytest says.
var pytestSummaryLine = regexp.MustCompile(`^(FAILED|ERROR) (\S+\.py)::(\S+?)(?: - (.*))?$`)

type pytestSummaryEntry struct {
	error               bool
	file, test, message string
}

// placeSummarized places the tests the summary names in a file that has no finding of the
// tracebacks: at the test's function, else at the file's start.
func placeSummarized(found *placed, summary []pytestSummaryEntry) {
	located := map[string]bool{}
	for _, d := range found.out {
		located[d.File] = located[d.File] || d.Rule == RuleTestFailure
	}
	for _, e := range summary {
		rel, ok := inside(found.root, e.file)
		if !ok || located[rel] {
			continue
		}
		message := e.message
		switch {
		case message != "":
		case e.error:
			message = "an error in its set-up or tear-down"
		default:
			message = "failed"
		}
		line, col := pytestDefinition(filepath.Join(found.root, rel), e.test)
		found.add(e.file, line, col, byteColumns, RuleTestFailure, strings.ReplaceAll(e.test, "::", ".")+": "+message)
	}
}

// pytestDefinition finds a test's def, "TestK::test_m[1-2]" in class TestK, in a file:
// its line and column, or the file's start.
func pytestDefinition(file, test string) (line, col int) {
	src, err := ReadFile(file)
	if err != nil {
		return 1, 1
	}
	test, _, _ = strings.Cut(test, "[") // a parametrized test's id
	names := strings.Split(test, "::")
	for i, text := range strings.Split(string(src), "\n") {
		code := strings.TrimLeft(text, " \t")
		if rest, ok := strings.CutPrefix(code, "async "); ok {
			code = rest
		}
		keyword := "def "
		if len(names) > 1 {
			keyword = "class "
		}
		if rest, ok := strings.CutPrefix(code, keyword+names[0]); ok && strings.IndexAny(rest, "(:") == 0 {
			if len(names) == 1 {
				return i + 1, len(text) - len(code) + len(keyword) + 1 // at the name
			}
			names = names[1:]
		}
	}
	return 1, 1
}

package analysis

import (
	"regexp"
	"strconv"
	"strings"
)

// JavaScript and TypeScript test runners (node --test with its TAP or spec reporter,
// Jest, Vitest, Mocha) print a failure as a heading that names the test, the error, and a
// stack trace. Without reading them a failure could only be reported on package.json,
// where no worker can mend it.
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
			s.frame(found, m[1], l, c, rule)
		}
		return true
	}
	if m := jsTestHeading.FindStringSubmatch(line); m != nil {
		*s = stackTrace{name: m[1]}
		return false
	}
	tap, err := jsTAPError.FindStringSubmatch(line), jsError.FindStringSubmatch(line)
	if (tap != nil || err != nil) && (s.at > 0 || s.done) {
		*s = stackTrace{} // an error after a placed one: a crash outside any test
	}
	text := strings.TrimSpace(line)
	switch {
	case s.at > 0 || s.done || text == "":
	case s.detail:
		s.message = strings.TrimSpace(s.message + " " + text)
		s.detail = strings.HasSuffix(text, ":")
	case tap != nil && s.message == "":
		s.message, s.detail = tap[1], tap[1] == ""
	case err != nil && s.message == "":
		s.message, s.detail = err[1], strings.HasSuffix(err[1], ":")
	case jsExpected.MatchString(line) && strings.HasPrefix(s.message, "expect("):
		s.message += "; " + text
	}
	return false
}

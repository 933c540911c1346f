package analysis

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// Commands are a workspace's build and test commands, run by `sh -c` in its root.
type Commands struct {
	Build, Test string
	Origin      string   // the project file they were detected from, where failures without a location are shown
	Env         []string // the environment they run in, as os.Environ gives it; nil: this process's
}

// DetectCommands picks the commands from the project's files: go.mod, package.json
// scripts (through the lock file's package manager), Python test configuration, Cargo.
func DetectCommands(root string) Commands {
	exists := func(name string) bool {
		_, err := os.Stat(filepath.Join(root, name))
		return err == nil
	}
	switch {
	case exists("go.mod"):
		return Commands{Build: "go build ./...", Test: "go test ./...", Origin: "go.mod"}
	case exists("Cargo.toml"):
		return Commands{Build: "cargo build", Test: "cargo test", Origin: "Cargo.toml"}
	case exists("package.json"):
		var pkg struct{ Scripts map[string]string }
		src, _ := ReadFile(filepath.Join(root, "package.json"))
		_ = json.Unmarshal(src, &pkg)
		manager, run := "npm", "npm run"
		switch {
		case exists("pnpm-lock.yaml"):
			manager, run = "pnpm", "pnpm run"
		case exists("yarn.lock"):
			manager, run = "yarn", "yarn run"
		case exists("bun.lockb"), exists("bun.lock"):
			manager, run = "bun", "bun run"
		}
		c := Commands{Origin: "package.json"}
		if _, ok := pkg.Scripts["build"]; ok {
			c.Build = run + " build"
		}
		if _, ok := pkg.Scripts["test"]; ok {
			c.Test = manager + " test"
		}
		return c
	}
	for _, name := range []string{"pyproject.toml", "setup.cfg", "pytest.ini", "tox.ini", "setup.py"} {
		if exists(name) {
			return Commands{Test: pythonOf(root) + " -m pytest", Origin: name}
		}
	}
	return Commands{}
}

// pythonOf is the interpreter a Python project's tests run with: its virtual environment's
// (uv, venv and virtualenv make `.venv` in the project; pytest is installed there, not in
// the system's Python), else `python`, or `python3` where only that is installed (Debian
// and Ubuntu without python-is-python3).
func pythonOf(root string) string {
	for _, venv := range []string{".venv", "venv"} {
		if info, err := os.Stat(filepath.Join(root, venv, "bin", "python")); err == nil && !info.IsDir() {
			return venv + "/bin/python"
		}
	}
	if _, err := exec.LookPath("python"); err != nil {
		if _, err := exec.LookPath("python3"); err == nil {
			return "python3"
		}
	}
	return "python"
}

var (
	// sh, dash, bash and busybox: "sh: 1: pytest: not found", "bash: line 1: jest: command not found".
	programNotFound = regexp.MustCompile(`(?m)^\S*sh: (?:(?:line )?\d+: )?([^\s:/]+): (?:command )?not found\s*$`)
	// python -m pytest without pytest: "/usr/bin/python3: No module named pytest".
	moduleNotFound = regexp.MustCompile(`(?m)^\S*python[\d.]*: No module named ([\w.]+)\s*$`)
	// The shell's exit 126 for a file it may not run: "sh: 1: ./test.sh: Permission denied".
	notExecutableFile = regexp.MustCompile(`(?m)^\S*sh: (?:(?:line )?\d+: )?(\S+): Permission denied\s*$`)
)

// CannotRun says why a build or test command's result shows that it could not run here
// at all, which no change to the workspace's files mends: a program it starts is not
// installed (the shell's exit 127; a missing file of the workspace, named with a path, is
// not this), a script it starts is not executable (126: tools write files, they cannot
// chmod them), Python lacks the module it runs with -m, or the disk is full. "" when it ran.
func CannotRun(command string, res RunResult) string {
	if line := DiskFull(res); line != "" {
		return "the disk is full (`" + line + "`)"
	}
	if m := notExecutableFile.FindStringSubmatch(res.Output); m != nil && res.ExitCode == 126 {
		return notExecutable(m[1])
	}
	if m := programNotFound.FindStringSubmatch(res.Output); m != nil && res.ExitCode == 127 {
		// A package script's tool (jest, tsc, vitest) comes with the project's dependencies.
		if manager, _, _ := strings.Cut(strings.TrimSpace(command), " "); slices.Contains([]string{"npm", "pnpm", "yarn", "bun"}, manager) && m[1] != manager {
			return fmt.Sprintf("`%s` is not installed here: the project's dependencies are not (`%s install`)", m[1], manager)
		}
		return notInstalled(m[1])
	}
	if m := moduleNotFound.FindStringSubmatch(res.Output); m != nil && res.ExitCode != 0 && strings.Contains(command, "-m "+m[1]) {
		return noModule(m[1])
	}
	return ""
}

// DiskFull returns the line of a failed command's output where a write failed for want of
// disk space ("" when there is none): the operating system's error as programs print it
// after a colon ("write /tmp/x: no space left on device", Node's "ENOSPC: no space left
// on device", cp's) or Python's "[Errno 28]". A test quoting the words is not this.
func DiskFull(res RunResult) string {
	if res.ExitCode == 0 && !res.TimedOut {
		return ""
	}
	line := strings.TrimSpace(outOfSpace.FindString(res.Output))
	if len(line) > maxQuotedLine {
		line = strings.ToValidUTF8(line[:maxQuotedLine], "") + "…"
	}
	return line
}

// maxQuotedLine bounds an output line quoted in a message.
const maxQuotedLine = 200

var outOfSpace = regexp.MustCompile(`(?im)^.*(?:: |\] )(?:no space left on device|disk quota exceeded).*$`)

// What CannotRun and Unavailable say.
func notInstalled(program string) string {
	return fmt.Sprintf("`%s` is not installed here (or not on the PATH)", program)
}

func notExecutable(path string) string {
	return fmt.Sprintf("`%s` is not executable (`chmod +x %s`)", path, path)
}

// noModule names the program of the module's name on the PATH, when there is one: that is
// another Python's (pytest from the system's packages or pipx beside pyenv's python), and
// the user's own `pytest` runs there.
func noModule(module string) string {
	why := fmt.Sprintf("the command's Python has no module `%s`", module)
	if program, err := exec.LookPath(module); err == nil {
		why += fmt.Sprintf(": install it for that Python, or make the command `%s` (%s on the PATH, with a Python of its own) in .opencode/orchestrator.json's `commands`", module, program)
	}
	return why
}

var (
	// A plain program name, which the shell looks for on the PATH.
	programName = regexp.MustCompile(`^[\w.+-]+$`)
	// Python running a module: `python -m pytest`, `.venv/bin/python3.12 -m unittest`.
	pythonModule = regexp.MustCompile(`^(\S*python[\d.]*) -m ([\w.]+)`)
)

// Unavailable says, without running it, why a build or test command cannot run here: the
// program it starts is not on the PATH, the script it starts is not executable, or its
// Python lacks the module it runs with -m. "" when it may run (a command that starts
// otherwise, with a script not there yet or shell syntax, is not judged). CannotRun says
// the same of a command that ran.
func Unavailable(dir, command string) string {
	command = strings.TrimSpace(command)
	program, _, _ := strings.Cut(command, " ")
	if m := pythonModule.FindStringSubmatch(command); m != nil {
		python := exec.Command(m[1], "-c", "import importlib.util, sys; sys.exit(importlib.util.find_spec(sys.argv[1]) is None)", m[2])
		python.Dir = dir
		var exit *exec.ExitError
		if err := python.Run(); errors.As(err, &exit) && exit.ExitCode() == 1 {
			return noModule(m[2])
		}
	}
	if strings.Contains(program, "/") {
		path := program
		if !filepath.IsAbs(path) {
			path = filepath.Join(dir, path)
		}
		if info, err := os.Stat(path); err == nil && info.Mode().IsRegular() && info.Mode().Perm()&0o111 == 0 {
			return notExecutable(program)
		}
		return ""
	}
	if !programName.MatchString(program) {
		return ""
	}
	// Asked of the shell that runs the command, which knows its builtins and keywords
	// (cd, trap, ulimit, if) beside the programs on its PATH.
	lookup := exec.Command("sh", "-c", `command -v -- "$1" >/dev/null`, "sh", program)
	lookup.Dir = dir
	var exit *exec.ExitError
	if err := lookup.Run(); errors.As(err, &exit) {
		return notInstalled(program)
	}
	return ""
}

// RunResult is what a command did.
type RunResult struct {
	Command  string
	ExitCode int
	Output   string // stdout and stderr interleaved; the tail when very long
	Duration time.Duration
	TimedOut bool
}

// maxOutput bounds what is kept of a command's output: failures show at the end.
const maxOutput = 4 << 20

// Run runs command in dir, in the environment env (nil: this process's), with a timeout.
// Cancelling ctx kills the whole process group at once, so a test runner's children go
// too; running out of time interrupts it first (interruptGrace).
func Run(ctx context.Context, dir, command string, env []string, timeout time.Duration) (RunResult, error) {
	stopped := ctx
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", command)
	cmd.Dir, cmd.Env = dir, withGoTestTimeout(dir, command, env, timeout)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var graceEnd atomic.Pointer[time.Timer] // set once the command is interrupted
	cmd.Cancel = func() error {
		group := -cmd.Process.Pid
		if stopped.Err() != nil {
			return syscall.Kill(group, syscall.SIGKILL)
		}
		// Out of time: interrupted first, as Ctrl-C does, so that a test runner says where
		// it was (pytest, Python); what is left after the grace is killed.
		graceEnd.Store(time.AfterFunc(interruptGrace, func() { _ = syscall.Kill(group, syscall.SIGKILL) }))
		return syscall.Kill(group, syscall.SIGINT)
	}
	cmd.WaitDelay = interruptGrace + 5*time.Second // then output pipes held open by a stray grandchild
	var out tailBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	if t := graceEnd.Load(); t != nil && t.Stop() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // what ignored the interrupt goes now
	}
	res := RunResult{Command: command, Output: out.String(), Duration: time.Since(start)}
	var exit *exec.ExitError
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		res.TimedOut, res.ExitCode = true, -1
		return res, nil
	case ctx.Err() != nil:
		return res, ctx.Err()
	case errors.As(err, &exit):
		res.ExitCode = exit.ExitCode()
	case err != nil:
		return res, fmt.Errorf("run %q: %w", command, err)
	}
	return res, nil
}

// interruptGrace is how long a command out of time has, after its interrupt, to say where
// it was before it is killed.
const interruptGrace = 3 * time.Second

// withGoTestTimeout gives a `go test` command a timeout of its own a little shorter than
// the one Run kills it at: go test then says where every goroutine waits, which places a
// hung test, instead of being killed without a word. A Go module's every command gets it,
// since `make test` or a script may run go test (GOFLAGS reach it through them, and go
// commands that have no -timeout ignore it). A GOFLAGS that sets one stands, and so does
// a -timeout on the command line (GOFLAGS are defaults).
func withGoTestTimeout(dir, command string, env []string, timeout time.Duration) []string {
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil && !strings.Contains(command, "go test") {
		return env
	}
	if env == nil {
		env = os.Environ()
	}
	flags := ""
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "GOFLAGS="); ok {
			flags = v // the last one counts, as in exec
		}
	}
	if strings.Contains(flags, "-timeout") {
		return env
	}
	own := timeout - min(timeout/10, 30*time.Second)
	return append(slices.Clip(env), "GOFLAGS="+strings.TrimSpace(flags+" -timeout="+own.String()))
}

// tailBuffer keeps the last maxOutput bytes written to it.
type tailBuffer struct{ bytes.Buffer }

func (t *tailBuffer) Write(p []byte) (int, error) {
	n, _ := t.Buffer.Write(p)
	if extra := t.Len() - maxOutput; extra > 0 {
		t.Next(extra)
	}
	return n, nil
}

// outputPattern is one way tools print a located message.
type outputPattern struct {
	re       *regexp.Regexp // named groups: file, line, col (optional), msg
	rule     string         // "" to take the rule of the command
	fromZero bool           // its columns count from 0
	unit     columnUnit     // and in what
}

// Compiler messages are build errors wherever they appear (a test run compiles too);
// other located lines take the rule of the command. (Test runners' failures, which span
// lines, are read in stacktraces.go.)
var outputPatterns = []outputPattern{
	// tsc: src/a.ts(12,5): error TS2304: Cannot find name 'x'.
	{re: regexp.MustCompile(`^(?P<file>[^\s(][^(]*)\((?P<line>\d+),(?P<col>\d+)\): error (?P<msg>TS\d+: .*)$`), rule: RuleBuildError, unit: utf16Columns},
	// tsc --pretty (or "pretty": true in tsconfig.json), its colours taken out:
	// src/a.ts:12:5 - error TS2304: Cannot find name 'x'.
	{re: regexp.MustCompile(`^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+) - error (?P<msg>TS\d+: .*)$`), rule: RuleBuildError, unit: utf16Columns},
	// pyright and basedpyright, under the file's name (the lines below, more indented, say
	// more of the same error; its warnings are not why it failed):
	//   /abs/pkg/a.py:2:7 - error: "x" is not defined (reportUndefinedVariable)
	{re: regexp.MustCompile(`^\s+(?P<file>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+) - error: (?P<msg>.+)$`), rule: RuleBuildError, unit: utf16Columns},
	// esbuild through Vite and other bundlers: /abs/src/main.ts:4:8: ERROR: Unexpected ";"
	{re: regexp.MustCompile(`^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+): ERROR: (?P<msg>.+)$`), rule: RuleBuildError, fromZero: true},
	// compilers and vet: file:line:col: message ("vet: ./a.go:3:13: …" for a type error)
	{re: regexp.MustCompile(`^(?:vet: )?(?P<file>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+): (?:error: )?(?P<msg>.+)$`), rule: RuleBuildError},
	// file:line: message
	{re: regexp.MustCompile(`^(?P<file>[^\s:][^:]*):(?P<line>\d+): (?:error: )?(?P<msg>.+)$`)},
}

var (
	// A test that panics: "--- FAIL: TestTotal (0.00s)", "panic: runtime error: ... [recovered]",
	// then the goroutines' frames, "\t/abs/path/cart.go:4 +0x1d" (module-relative with -trimpath).
	goPanicked = regexp.MustCompile(`^(?:panic|fatal error): (.+?)(?: \[recovered(?:, repanicked)?\])?$`)
	// go test's own timeout: "panic: test timed out after 9m30s", then "running tests:" and
	// "\t\tTestHang (9m30s)", then where every goroutine waits.
	goTimedOutTest = regexp.MustCompile(`^\t\t((?:Test|Example|Fuzz)\w*)\S* \(`)
	// A goroutine's frame: "\t/abs/cart.go:4 +0x1d" in a panic's trace, indented by spaces
	// in the race detector's report.
	goFrame = regexp.MustCompile(`^\s+(\S+\.go):(\d+)(?: \+0x[0-9a-f]+)?$`)
	// Messages whose location follows on a later line: Cargo's "error[E0308]: ..." then
	// "  --> src/main.rs:2:18", esbuild's "✘ [ERROR] ..." then "    src/main.ts:4:8:" (its
	// columns count from 0).
	cargoHeader     = regexp.MustCompile(`^error(?:\[\w+\])?: (.+)$`)
	cargoArrow      = regexp.MustCompile(`^\s*--> ([^:]+):(\d+):(\d+)$`)
	esbuildHeader   = regexp.MustCompile(`^✘ \[ERROR\] (.+)$`)
	esbuildLocation = regexp.MustCompile(`^ {4}([^\s:][^:]*):(\d+):(\d+):$`)
	// Biome's diagnostic: "src/a.js:1:36 lint/suspicious/noDebugger  FIXABLE  ━━━━", then
	// "  × message" below for an error ("!" a warning, "i" a hint); its columns count
	// characters.
	biomeHeader = regexp.MustCompile(`^([^\s:][^:]*):(\d+):(\d+) (\S+)(?:  FIXABLE)? +━+$`)
	biomeError  = regexp.MustCompile(`^\s+× (.+)$`)
	eslintFile  = regexp.MustCompile(`^(/[^:]*[^\s:]|\S+\.(?:[cm]?[jt]sx?))$`) // a path alone on its line
	eslintLine  = regexp.MustCompile(`^\s+(\d+):(\d+)\s+error\s+(.+?)\s{2,}(\S+)$`)
	ansiEscape  = regexp.MustCompile(`\x1b\[[0-9;]*m`) // colours some runners print even into a pipe
)

// ParseOutput turns a build or test command's output into findings placed where the
// output says, for files inside root. rule is the command's kind (build-error or
// test-failure). Repeated messages (one error printed per test variant) count once.
func ParseOutput(root, rule, output string) []Diagnostic {
	absRoot, err := filepath.Abs(root)
	if err != nil {
		absRoot = root
	}
	found := placed{root: root, seen: map[string]bool{}, compiled: compiledSources{root: absRoot, lines: lineCache{root: absRoot}}}
	add := found.add
	lines := strings.Split(strings.ReplaceAll(ansiEscape.ReplaceAllString(output, ""), "\r\n", "\n"), "\n")
	eslintCurrent, located := "", "" // located: a message whose location is still to come
	var biomeAt []string             // a location whose message is still to come
	goTests := newGoTestRun(root)
	var pytestSummary []pytestSummaryEntry
	goFailing := ""
	var goPanic, jsFailure stackTrace
	var pyFailure pyTraceback
	var doctests doctestFailure
	var rustFailure rustPanic
	var pytestSectionRead pytestFailure
	for _, line := range lines {
		if failed := goTests.heading(line); failed != "" {
			goFailing = failed
		}
		if m := goPanicked.FindStringSubmatch(line); m != nil {
			goPanic = stackTrace{message: "panic: " + m[1]}
			switch {
			case strings.HasPrefix(m[1], "test timed out"):
				goPanic.message = m[1]
			case goFailing != "":
				goPanic.message = goFailing + " panicked: " + m[1]
			}
			continue
		}
		if m := goTimedOutTest.FindStringSubmatch(line); m != nil && goPanic.at == 0 && goPanic.name == "" {
			goPanic.name = m[1]
			continue
		}
		if strings.HasPrefix(line, "goroutine ") && goPanic.at > 0 {
			goPanic.done = true // the caller is looked for in the panicking goroutine only
		}
		if goTests.race(&found, line) { // before a panic's frames: a report's frames are its own
			continue
		}
		if m := goFrame.FindStringSubmatch(line); m != nil && goPanic.message != "" {
			l, _ := strconv.Atoi(m[2])
			goPanic.frame(&found, goTests.framePath(m[1]), l, 0, byteColumns, RuleTestFailure)
			continue
		}
		if jsFailure.readJS(&found, line, rule) || doctests.read(&found, line, rule) || pyFailure.read(&found, line, rule) || rustFailure.read(&found, line, rule) || pytestSectionRead.read(&found, line, rule) {
			continue
		}
		if goTests.assertion(line) || goTests.packageEnd(&found, line) {
			continue
		}
		if m := cargoHeader.FindStringSubmatch(line); m != nil {
			located = m[1]
			continue
		}
		if m := esbuildHeader.FindStringSubmatch(line); m != nil {
			located = m[1]
			continue
		}
		if located != "" {
			m, fromZero, unit := cargoArrow.FindStringSubmatch(line), 0, runeColumns
			if m == nil {
				m, fromZero, unit = esbuildLocation.FindStringSubmatch(line), 1, byteColumns
			}
			if m != nil {
				l, _ := strconv.Atoi(m[2])
				c, _ := strconv.Atoi(m[3])
				add(m[1], l, c+fromZero, unit, RuleBuildError, located)
				located = ""
				continue
			}
		}
		if m := biomeHeader.FindStringSubmatch(line); m != nil {
			biomeAt = m
			continue
		}
		if biomeAt != nil && strings.TrimSpace(line) != "" {
			if m := biomeError.FindStringSubmatch(line); m != nil {
				l, _ := strconv.Atoi(biomeAt[2])
				c, _ := strconv.Atoi(biomeAt[3])
				add(biomeAt[1], l, c, runeColumns, RuleBuildError, m[1]+" ("+biomeAt[4]+")")
			}
			biomeAt = nil
			continue
		}
		if m := eslintLine.FindStringSubmatch(line); m != nil && eslintCurrent != "" {
			l, _ := strconv.Atoi(m[1])
			c, _ := strconv.Atoi(m[2])
			add(eslintCurrent, l, c, utf16Columns, RuleBuildError, m[3]+" ("+m[4]+")")
			continue
		}
		if eslintFile.MatchString(line) {
			eslintCurrent = line
			continue
		}
		if m := pytestSummaryLine.FindStringSubmatch(line); m != nil {
			pytestSummary = append(pytestSummary, pytestSummaryEntry{error: m[1] == "ERROR", file: m[2], test: m[3], message: m[4]})
			continue
		}
		for _, p := range outputPatterns {
			m := p.re.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			group := func(name string) string { return m[p.re.SubexpIndex(name)] }
			l, _ := strconv.Atoi(group("line"))
			c := 0
			if p.re.SubexpIndex("col") >= 0 {
				c, _ = strconv.Atoi(group("col"))
				if p.fromZero {
					c++
				}
			}
			r := p.rule
			if r == "" {
				r = rule
			}
			switch msg := group("msg"); {
			case strings.HasPrefix(msg, "in "): // a pytest frame, not a finding
			case strings.HasPrefix(msg, "warning: "): // not why the command failed
			case strings.HasPrefix(msg, "note: "): // gcc's "declared here", mypy's hints
				found.note(group("file"), l, c, p.unit, strings.TrimPrefix(msg, "note: "))
			default:
				add(group("file"), l, c, p.unit, r, msg)
			}
			break
		}
	}
	jsFailure.placeAtLocation(&found, rule)
	doctests.flush(&found, rule)
	rustFailure.flush(&found, rule)
	pytestSectionRead.flush(&found, rule)
	placeSummarized(&found, pytestSummary)
	return found.out
}

// placed gathers the findings of a command's output: in the workspace, each once (a
// message printed per test variant, or again in a summary, counts once), and in the
// source of a compiled file.
type placed struct {
	root     string
	out      []Diagnostic
	seen     map[string]bool
	compiled compiledSources
}

// locate resolves a printed position (its column counted in unit) to a workspace file's,
// in its source when the file was compiled.
func (p *placed) locate(file string, line, col int, unit columnUnit) (sourcePosition, bool) {
	rel, ok := inside(p.root, file)
	if !ok || line < 1 {
		return sourcePosition{}, false
	}
	return p.compiled.place(rel, line, col, unit), true
}

// add records a finding at a printed position; it says whether it is a new one.
func (p *placed) add(file string, line, col int, unit columnUnit, rule, msg string) bool {
	at, ok := p.locate(file, line, col, unit)
	return ok && p.addAt(at, rule, msg)
}

// note adds a compiler's note on the finding before it as related information.
func (p *placed) note(file string, line, col int, unit columnUnit, msg string) {
	if at, ok := p.locate(file, line, col, unit); ok && len(p.out) > 0 {
		last := &p.out[len(p.out)-1]
		last.Related = append(last.Related, at.related(msg))
	}
}

func (p *placed) addAt(at sourcePosition, rule, msg string) bool {
	msg = strings.TrimSpace(msg)
	if at.compiled != "" {
		msg += " (compiled to " + at.compiled + ")"
	}
	start := at.position()
	d := Diagnostic{File: at.rel, Range: Range{Start: start, End: start}, Severity: SeverityError, Rule: rule, Message: msg}
	key := fmt.Sprint(d.File, d.Range, d.Message)
	if p.seen[key] {
		return false
	}
	p.seen[key] = true
	p.out = append(p.out, d)
	return true
}

// inside resolves a path printed by a tool (relative to root, or absolute) to a file of
// the workspace. root may be relative (`orchestrator check .`) while the tool prints
// absolute paths (a Go panic's frames, eslint).
func inside(root, file string) (string, bool) {
	file = strings.TrimSpace(file)
	root, err := filepath.Abs(root)
	if err != nil {
		return "", false
	}
	abs := file
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(root, file)
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return "", false
	}
	if info, err := os.Stat(abs); err != nil || info.IsDir() {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// CommandFindings runs a build or test command in c's environment and returns its
// findings. A failure the output does not place anywhere is reported on c's project file,
// so it is never lost.
func CommandFindings(ctx context.Context, root, command, rule string, c Commands, timeout time.Duration) ([]Diagnostic, RunResult, error) {
	res, err := Run(ctx, root, command, c.Env, timeout)
	if err != nil {
		return nil, res, err
	}
	if res.ExitCode == 0 {
		return nil, res, nil
	}
	ds := ParseOutput(root, rule, res.Output)
	if res.TimedOut { // each placed where the interrupt found it
		for i := range ds {
			ds[i].Message = fmt.Sprintf("`%s` did not finish within %v; interrupted here: %s", command, timeout, ds[i].Message)
		}
	}
	if len(ds) == 0 {
		what := fmt.Sprintf("`%s` failed with exit code %d", command, res.ExitCode)
		if res.TimedOut {
			what = fmt.Sprintf("`%s` did not finish within %v", command, timeout)
		}
		if tail := lastLines(ansiEscape.ReplaceAllString(res.Output, ""), 3); tail != "" {
			what += ": " + tail
		}
		ds = []Diagnostic{{File: c.Origin, Severity: SeverityError, Rule: rule, Message: what}}
	}
	return ds, res, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], " | ")
}

package analysis

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strings"
	"time"
)

// CheckOptions bring into `orchestrator check` what lives above this package.
type CheckOptions struct {
	Version string // goes into SARIF output
	// Sources are further deterministic checks of a workspace (the plan rules on
	// .opencode/todo.md).
	Sources []func(root string) ([]Diagnostic, error)
	// Commands returns the configured build and test commands of a workspace, empty
	// ones to be detected.
	Commands func(root string) (Commands, error)
}

// StatDir returns nil when dir is a directory, else an error that says what it is
// instead: missing, a file, or out of reach.
func StatDir(dir string) error {
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s does not exist", dir)
	case err != nil:
		return err
	case !info.IsDir():
		return fmt.Errorf("%s is not a directory", dir)
	}
	return nil
}

// CheckCommand is the `orchestrator check` subcommand: the reviewer's deterministic checks
// alone, no model needed.
func CheckCommand(opts CheckOptions) func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return func(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
		fs := flag.NewFlagSet("check", flag.ContinueOnError)
		fs.SetOutput(stderr)
		format := fs.String("format", "text", "output `format`: text, json or sarif")
		build := fs.Bool("build", false, "also run the build and test commands (detected from go.mod, package.json, pyproject.toml, Cargo.toml)")
		timeout := fs.Duration("timeout", 10*time.Minute, "longest a build or test command may run")
		fs.Usage = func() {
			fmt.Fprint(fs.Output(), `usage: orchestrator check [--format text|json|sarif] [--build] [dir]

Runs the deterministic checks on the workspace dir (default: the current directory), in
Go, TypeScript/TSX, JavaScript and Python, respecting .gitignore: syntax errors,
unresolved imports, missing exports, arity mismatches, duplicate definitions, and the
plan rules on .opencode/todo.md. With --build, also the project's build and (when it builds) its tests: the commands of
.opencode/orchestrator.json, or else detected.
Exit status: 0 no findings, 1 findings, 2 usage or I/O error, or a build or test command
that cannot run here (its program not installed, its script not executable, a full disk).

flags:
`)
			fs.PrintDefaults()
		}
		if err := fs.Parse(ReorderFlags(args, "format", "timeout")); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return 2
		}
		if !slices.Contains([]string{"text", "json", "sarif"}, *format) {
			fmt.Fprintf(stderr, "orchestrator check: unknown format %q (want text, json or sarif)\n", *format)
			return 2
		}
		if fs.NArg() > 1 {
			fmt.Fprintf(stderr, "orchestrator check: one directory at most, got %q\n", fs.Args())
			return 2
		}
		dir := "."
		if fs.NArg() == 1 {
			dir = fs.Arg(0)
		}
		if err := StatDir(dir); err != nil {
			fmt.Fprintf(stderr, "orchestrator check: %v\n", err)
			if info, err := os.Stat(dir); err == nil && info.Mode().IsRegular() {
				fmt.Fprintf(stderr, "orchestrator check: give the workspace's directory: a file's imports and callers are in other files, and its findings are named by its path\n")
			}
			return 2
		}

		ix := NewIndex(dir)
		if err := ix.Scan(ctx, nil); err != nil {
			fmt.Fprintf(stderr, "orchestrator check: %v\n", err)
			return 2
		}
		if skipped := SkippedSummary(ix.Skipped()); skipped != "" {
			fmt.Fprintf(stderr, "orchestrator check: not checked: %s\n", skipped)
		}
		ds := ix.Diagnostics()
		noteFaults(stderr, ix.Faults())
		for _, source := range opts.Sources {
			found, err := source(dir)
			if err != nil {
				fmt.Fprintf(stderr, "orchestrator check: %v\n", err)
				return 2
			}
			ds = append(ds, found...)
		}
		SortDiagnostics(ds)
		var cannotRun []string
		if *build {
			found, cannot, err := runBuildAndTests(ctx, dir, opts.Commands, *timeout, stderr)
			if err != nil {
				fmt.Fprintf(stderr, "orchestrator check: %v\n", err)
				return 2
			}
			ds, cannotRun = append(ds, WithoutEchoes(found, ds)...), cannot
			SortDiagnostics(ds)
		}
		var err error
		switch *format {
		case "json":
			err = WriteJSON(stdout, ds)
		case "sarif":
			err = WriteSARIF(stdout, ds, dir, opts.Version)
		default:
			err = WriteText(stdout, ds, ix.Files())
		}
		if err != nil {
			fmt.Fprintf(stderr, "orchestrator check: %v\n", err)
			return 2
		}
		for _, why := range cannotRun {
			fmt.Fprintf(stderr, "orchestrator check: %s\n", why)
		}
		switch {
		case len(cannotRun) > 0: // the check is not done: no code of the workspace is at fault
			return 2
		case len(ds) > 0:
			return 1
		}
		return 0
	}
}

// runBuildAndTests runs the configured or detected build command, then the tests when it
// builds; cannotRun says why the commands that could not run here did not.
func runBuildAndTests(ctx context.Context, dir string, configured func(string) (Commands, error), timeout time.Duration, log io.Writer) (found []Diagnostic, cannotRun []string, err error) {
	c := DetectCommands(dir)
	if configured != nil {
		cfg, err := configured(dir)
		if err != nil {
			return nil, nil, err
		}
		if cfg.Build != "" || cfg.Test != "" {
			c = cfg
		}
	}
	if c.Build == "" && c.Test == "" {
		fmt.Fprintln(log, "orchestrator check: no build or test command found (go.mod, package.json, pyproject.toml, Cargo.toml)")
		return nil, nil, nil
	}
	found, err = RunBuildAndTests(ctx, dir, c, timeout, func(s Step) {
		if s.Result == nil {
			fmt.Fprintf(log, "orchestrator check: running `%s`\n", s.Command)
			return
		}
		fmt.Fprintf(log, "orchestrator check: `%s` exited %d after %v\n", s.Command, s.Result.ExitCode, s.Result.Duration.Round(time.Millisecond))
		if s.CannotRun != "" {
			cannotRun = append(cannotRun, fmt.Sprintf("`%s` cannot run here: %s", s.Command, s.CannotRun))
		}
	})
	return found, cannotRun, err
}

// Step is one command of RunBuildAndTests: Result is nil when it is about to run.
type Step struct {
	Command, Rule string
	Result        *RunResult
	Findings      []Diagnostic
	CannotRun     string // why the command could not run here (CannotRun); it has no findings then
}

// RunBuildAndTests runs the build command, then the test command when the build passed
// (tests of a broken build only repeat its errors), and returns their findings. A command
// that cannot run here has none: no code of the workspace is at fault. onStep, when set,
// hears of each command before and after it runs.
func RunBuildAndTests(ctx context.Context, dir string, c Commands, timeout time.Duration, onStep func(Step)) ([]Diagnostic, error) {
	var out []Diagnostic
	for _, step := range []Step{{Command: c.Build, Rule: RuleBuildError}, {Command: c.Test, Rule: RuleTestFailure}} {
		if step.Command == "" {
			continue
		}
		if onStep != nil {
			onStep(step)
		}
		found, res, err := CommandFindings(ctx, dir, step.Command, step.Rule, c, timeout)
		if err != nil {
			return out, err
		}
		step.Result, step.Findings, step.CannotRun = &res, found, CannotRun(step.Command, res)
		if step.CannotRun != "" {
			step.Findings = nil
		}
		if onStep != nil {
			onStep(step)
		}
		out = append(out, step.Findings...)
		if step.Rule == RuleBuildError && (res.ExitCode != 0 || res.TimedOut) {
			break
		}
	}
	return out, nil
}

// ReorderFlags lets flags follow positional arguments (`check . --format json`), as
// people type them; valued names the flags that take a value.
func ReorderFlags(args []string, valued ...string) []string {
	var flags, positional []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			positional = append(positional, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "-") && a != "-":
			flags = append(flags, a)
			if !strings.Contains(a, "=") && slices.Contains(valued, strings.TrimLeft(a, "-")) && i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
		default:
			positional = append(positional, a)
		}
	}
	return append(flags, positional...)
}

// noteFaults names on stderr, each on its own line, the files the checks failed on: a
// bug of ours that the user should see and can report.
func noteFaults(w io.Writer, faults map[string]string) {
	for _, rel := range slices.Sorted(maps.Keys(faults)) {
		fmt.Fprintf(w, "orchestrator check: not checked: %s: %s\n", rel, faults[rel])
	}
}

// SkippedSummary names, briefly, the files a scan did not check and why: the first five
// by path and how many more. It is "" when there are none.
func SkippedSummary(skipped map[string]string) string {
	rels := slices.Sorted(maps.Keys(skipped))
	const shown = 5
	var parts []string
	for _, rel := range rels[:min(len(rels), shown)] {
		parts = append(parts, fmt.Sprintf("%s (%s)", rel, skipped[rel]))
	}
	if len(rels) > shown {
		parts = append(parts, fmt.Sprintf("and %d more", len(rels)-shown))
	}
	return strings.Join(parts, ", ")
}

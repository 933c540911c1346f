package orchestrator

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/opencode-orchestrator/orchestrator/analysis"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/store"
)

// Exit codes of `orchestrator task` (DESIGN section 10).
const (
	ExitSealed      = 0
	ExitStopped     = 1
	ExitUsage       = 2
	ExitInterrupted = 130
)

// TaskCommand is `orchestrator task`: a whole mission in the current directory, with
// progress on stderr and the final report on stdout.
func TaskCommand(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("task", flag.ContinueOnError)
	fs.SetOutput(stderr)
	modelFlag := fs.String("model", "", "the mission's model, `provider/model` (openai/, anthropic/, ollama/, scripted/)")
	maxIterations := fs.Int("max-iterations", 0, "stop after `N` iterations (default from the configuration, 20)")
	approve := fs.String("approve", "", "commands outside the allow list: `allowlist` (refused), all (run) or none (only build and test run)")
	resume := fs.Bool("resume", false, "continue the workspace's unfinished mission")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: orchestrator task [--model provider/model] [--max-iterations N] [--approve allowlist|all|none] "objective"
       orchestrator task --resume

Runs a mission in the current directory: plans it into .opencode/todo.md, runs workers in
parallel, reviews their work with the deterministic checks, the build and the tests, and
loops until it is sealed or stops. Progress goes to stderr, the report to stdout.
Exit status: 0 sealed, 1 stopped unsealed, 2 usage or configuration error, 130 interrupted.

flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(analysis.ReorderFlags(args, "model", "max-iterations", "approve")); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return ExitUsage
	}
	objective := strings.TrimSpace(strings.Join(fs.Args(), " "))
	switch {
	case *resume && objective != "":
		fmt.Fprintln(stderr, "orchestrator task: --resume continues the existing mission; it takes no objective")
		return ExitUsage
	case !*resume && objective == "":
		fmt.Fprintln(stderr, "orchestrator task: give an objective, or --resume")
		fs.Usage()
		return ExitUsage
	case *approve != "" && !slices.Contains([]string{store.ApproveAllowlist, store.ApproveAll, store.ApproveNone}, *approve):
		fmt.Fprintf(stderr, "orchestrator task: --approve %q: want allowlist, all or none\n", *approve)
		return ExitUsage
	case *maxIterations < 0:
		fmt.Fprintln(stderr, "orchestrator task: --max-iterations must be positive")
		return ExitUsage
	}
	root, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(stderr, "orchestrator task: %v\n", err)
		return ExitUsage
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	progress := newProgress(stderr, isTerminal(stderr))
	progress.keepTime(time.Second)
	opts := Options{Root: root, Objective: objective, Resume: *resume, Model: *modelFlag, MaxIterations: *maxIterations,
		OnEvent: progress.event}
	if *approve != "" {
		opts.Approver = approverFor(*approve)
	}
	if strings.HasPrefix(*modelFlag, "scripted/") {
		fmt.Fprintln(stderr, "orchestrator task: using a SCRIPTED model: recorded answers are replayed, no model is called")
	}
	out, err := Run(ctx, opts)
	progress.close()
	var cfgErr ConfigError
	switch {
	case errors.As(err, &cfgErr):
		fmt.Fprintf(stderr, "orchestrator task: %v\n", err)
		return ExitUsage
	case errors.Is(err, ErrInterrupted):
		report(stdout, root, out)
		fmt.Fprintln(stderr, "orchestrator task: interrupted; the state is saved: continue with `orchestrator task --resume`")
		return ExitInterrupted
	case err != nil:
		fmt.Fprintf(stderr, "orchestrator task: %v\n", err)
		return ExitStopped
	}
	report(stdout, root, out)
	if out.State == store.StateSealed {
		return ExitSealed
	}
	return ExitStopped
}

// approverFor maps --approve to the decision for commands that are not allow-listed.
func approverFor(mode string) Approver {
	if mode == store.ApproveAll {
		return FixedApprover(AllowOnce)
	}
	return FixedApprover(Deny)
}

// report prints the final report.
func report(w io.Writer, root string, out Outcome) {
	st, _ := store.New(root).State()
	if st != nil {
		fmt.Fprintf(w, "Mission: %s\n", st.Objective)
	}
	state := strings.ToUpper(out.State)
	if out.Reason != "" {
		state += " (" + out.Reason + ")"
	}
	fmt.Fprintf(w, "State: %s\n", state)
	fmt.Fprintf(w, "Todo: %d/%d done\n", out.Done, out.Total)
	fmt.Fprintf(w, "Sync issues: %d open\n", len(out.Issues))
	for _, i := range out.Issues {
		fmt.Fprintf(w, "  %s [%s] %s: %s\n", i.ID, i.Rule, strings.Join(i.Files, " <-> "), i.Problem)
	}
	if len(out.Failures) > 0 {
		fmt.Fprintf(w, "Failing items: %d\n", len(out.Failures))
		for _, f := range out.Failures {
			fmt.Fprintf(w, "  %s\n", f)
		}
	}
	if len(out.Unchecked) > 0 {
		fmt.Fprintf(w, "Not checked: %s\n", analysis.SkippedSummary(out.Unchecked))
	}
	for _, c := range []struct {
		name   string
		status CommandStatus
	}{{"Build", out.Build}, {"Tests", out.Test}} {
		switch {
		case c.status.Command == "":
			fmt.Fprintf(w, "%s: none detected or configured\n", c.name)
		case !c.status.Ran:
			fmt.Fprintf(w, "%s: %s (not run)\n", c.name, c.status.Command)
		case c.status.CannotRun != "":
			fmt.Fprintf(w, "%s: %s cannot run: %s\n", c.name, c.status.Command, c.status.CannotRun)
		case c.status.Passed:
			fmt.Fprintf(w, "%s: %s passed\n", c.name, c.status.Command)
		default:
			fmt.Fprintf(w, "%s: %s failed\n", c.name, c.status.Command)
		}
	}
	if out.ModelReview.Verdict != "" {
		fmt.Fprintf(w, "Model review: %s\n", out.ModelReview.Verdict)
	}
	fmt.Fprintf(w, "Iterations: %d\n", out.Iterations)
	cached := ""
	if out.Tokens.Cached > 0 {
		cached = fmt.Sprintf(", %d of it from the prompt cache", out.Tokens.Cached)
	}
	if out.Tokens.CacheWrite > 0 {
		cached += fmt.Sprintf(", %d written to it", out.Tokens.CacheWrite)
	}
	fmt.Fprintf(w, "Tokens: %d (input %d%s, output %d)\n", out.Tokens.Total(), out.Tokens.Input, cached, out.Tokens.Output)
	if out.CostUSD > 0 {
		fmt.Fprintf(w, "Cost: $%.4f\n", out.CostUSD)
	}
}

// StatusCommand is `orchestrator status [--format json] [dir]`.
func StatusCommand(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("status", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output `format`: text or json")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "usage: orchestrator status [--format text|json] [dir]\n\nPrints the mission state of a workspace (default: the current directory) from .opencode/.\n\nflags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(analysis.ReorderFlags(args, "format")); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return ExitUsage
	}
	if *format != "text" && *format != "json" || fs.NArg() > 1 {
		fs.Usage()
		return ExitUsage
	}
	root := "."
	if fs.NArg() == 1 {
		root = fs.Arg(0)
	}
	if err := analysis.StatDir(root); err != nil {
		fmt.Fprintf(stderr, "orchestrator status: %v\n", err)
		return ExitUsage
	}
	st, err := ReadStatus(root)
	if err != nil {
		fmt.Fprintf(stderr, "orchestrator status: %v\n", err)
		return ExitUsage
	}
	owner := store.New(root).LockOwner()
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(struct {
			Status
			OwnerPID int `json:"ownerPid,omitempty"` // the process running the workspace's missions, as the server's status has it
		}{st, owner})
		return 0
	}
	if st.State == "none" && st.Total == 0 {
		fmt.Fprintln(stdout, "No mission in this workspace (.opencode/ has no state or plan).")
		return 0
	}
	if st.Objective != "" {
		fmt.Fprintf(stdout, "Mission: %s\n", st.Objective)
	}
	state := strings.ToUpper(st.State)
	if st.StopReason != "" {
		state += " (" + st.StopReason + ")"
	}
	switch active := st.State != store.StateStopped && st.Unfinished(); {
	case st.State == "none":
		state = "NOT STARTED" // a plan written by hand, no mission yet
	case active && owner != 0:
		state += fmt.Sprintf(" (process %d runs it)", owner)
	case active:
		state += " (no process runs it: the one that did was killed or crashed)"
	}
	if st.State != "none" {
		state += fmt.Sprintf(", iteration %d", st.Iteration)
	}
	fmt.Fprintf(stdout, "State: %s\n", state)
	fmt.Fprintf(stdout, "Todo: %d/%d done, %d in progress\n", st.Done, st.Total, st.InProgress)
	for _, it := range st.Items {
		fmt.Fprintf(stdout, "  %s%-11s %s %s\n", strings.Repeat("  ", it.Depth), it.Status, it.ID, it.Title)
		if it.Failure != "" {
			fmt.Fprintf(stdout, "  %s%-11s last run failed: %s\n", strings.Repeat("  ", it.Depth), "", it.Failure)
		}
	}
	fmt.Fprintf(stdout, "Sync issues: %d open\n", st.OpenIssues)
	for _, i := range st.Issues {
		fmt.Fprintf(stdout, "  %s [%s] %s: %s\n", i.ID, i.Rule, strings.Join(i.Files, " <-> "), i.Problem)
	}
	fmt.Fprintf(stdout, "Tokens: %d\n", st.Tokens.Total())
	if st.CostUSD > 0 {
		fmt.Fprintf(stdout, "Cost: $%.4f\n", st.CostUSD)
	}
	switch {
	case st.Unfinished() && owner == 0:
		fmt.Fprintln(stdout, "Continue it with `orchestrator task --resume`.")
	case st.Unfinished() && st.State == store.StateStopped:
		// Stopped, yet the lock is held: --resume here would be refused.
		fmt.Fprintf(stdout, "Process %d holds this workspace (an editor's language server, or another `orchestrator task`): resume the mission there, or with `orchestrator task --resume` once that process ends.\n", owner)
	case st.State == "none" && st.Done < st.Total:
		fmt.Fprintf(stdout, "Start it with `orchestrator task \"objective\"`: the plan in %s/%s runs as it is written.\n", store.Dir, store.TodoFile)
	}
	return 0
}

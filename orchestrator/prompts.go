package orchestrator

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/opencode-orchestrator/orchestrator/analysis"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/plan"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/store"
)

// The system prompts are short on purpose: the controller, not the model, decides what
// happens next, so the model needs its task and its tools, not the mission's rules.

const plannerPrompt = `You are the planner of a coding mission. Read the workspace with the tools, then call write_plan once with the plan as markdown checkbox items, then call finish.

Plan format: one line per item, nested by indentation:
- [ ] T1: CREATE ` + "`path/file.go`" + ` with what it must contain | file:path/file.go
- [ ] T2: ... | file:other.go | depends:T1
Rules: every leaf item names the files it writes (file:, comma-separated) and no two items that can run at the same time write the same file; depends: lists the ids it needs first; keep items small (one or two files). Say in each title the exact names other items rely on (functions, types, exports).
In finish, summarise the project for later planners: language, layout, build and test commands, conventions (at most 100 lines).`

const workerPrompt = `You are a worker of a coding mission. You implement exactly one item of the plan and write only its files. Read what you need with the tools, write the files in full (write_file replaces a whole file: never a placeholder such as "... existing code ..."), then call finish with a one-paragraph summary. Other workers write the other files at the same time: use the names the plan and the code map give, exactly.`

const replanPrompt = `You are the planner of a coding mission that has stopped making progress. The evidence below says what keeps failing. Read the workspace, then call write_plan with the whole revised plan: keep every done item (same id, still [x]), change or add pending items so the failures get fixed, then call finish.`

const reviewerPrompt = `You are the reviewer of a coding mission. Every item of the plan is done and the deterministic checks, the build and the tests pass. Judge whether the work does what the objective and the plan ask: read the files with the tools, run a command if you must. For each real defect (missing behaviour, a wrong result, a case the plan names that the code does not handle) call report_issue with the files, the problem and the fix; each becomes a fix item. Do not report style or preferences. Then call finish; report nothing when the work is right.`

// reviewerTask is the model reviewer's first message: the objective, the plan, what the
// mission wrote and the commands that passed.
func reviewerTask(objective string, p *plan.Plan, written []string, build, test CommandStatus) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Mission objective: %s\n\nThe plan (.opencode/todo.md):\n\n%s\n\n", objective, strings.TrimSpace(string(p.Src)))
	fmt.Fprintf(&b, "Files the mission wrote: %s\n", strings.Join(written, ", "))
	for _, c := range []CommandStatus{build, test} {
		if c.Command != "" {
			fmt.Fprintf(&b, "Passed: %s\n", c.Command)
		}
	}
	b.WriteString("\nReview the work, report its defects with report_issue, then call finish.")
	return b.String()
}

// workerTask is a worker's first message: its own item line verbatim (no other item's
// line), the files it may write, and a compact map of the code around them.
func workerTask(objective string, p *plan.Plan, it *plan.Item, ix *analysis.Index) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Mission objective: %s\n\nYour item of the plan (.opencode/todo.md):\n\n%s\n\n", objective, strings.TrimSpace(string(p.Src[it.Start:it.End])))
	fmt.Fprintf(&b, "Files you may write: %s\n", strings.Join(it.Files(), ", "))
	if m := codeMap(it, ix); m != "" {
		fmt.Fprintf(&b, "\nCode map (top-level definitions near your files):\n%s", m)
	}
	b.WriteString("\nWhen the files are written, call finish.")
	return b.String()
}

const maxCodeMapLines = 60

// codeMap lists the definitions of the indexed files in the directories of the item's
// files: what the worker's code will most likely import or call.
func codeMap(it *plan.Item, ix *analysis.Index) string {
	var dirs []string
	for _, f := range it.Files() {
		dirs = append(dirs, path.Dir(f))
	}
	var lines []string
	for _, rel := range ix.PathsIn(dirs...) {
		var names []string
		for _, d := range ix.Outline(rel) {
			if d.Kind == "method" {
				continue
			}
			name := d.Kind + " " + d.Name
			if d.Arity != nil {
				name += fmt.Sprintf("/%s", arity(*d.Arity))
			}
			names = append(names, name)
		}
		if len(names) > 0 {
			lines = append(lines, fmt.Sprintf("  %s: %s", rel, strings.Join(names, "; ")))
		}
		if len(lines) == maxCodeMapLines {
			lines = append(lines, "  (more files; use list_files)")
			break
		}
	}
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

func arity(a analysis.Arity) string {
	switch {
	case a.Max < 0:
		return fmt.Sprintf("%d+", a.Min)
	case a.Min == a.Max:
		return fmt.Sprint(a.Min)
	}
	return fmt.Sprintf("%d-%d", a.Min, a.Max)
}

// plannerTask is the planner's message: the objective, the project context and files.
func plannerTask(objective, context string, files []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Objective: %s\n", objective)
	if context != "" {
		fmt.Fprintf(&b, "\nProject context (.opencode/context.md):\n%s\n", context)
	}
	const shown = 200
	fmt.Fprintf(&b, "\nWorkspace files (%d):\n", len(files))
	for _, f := range files[:min(len(files), shown)] {
		fmt.Fprintf(&b, "  %s\n", f)
	}
	if len(files) > shown {
		b.WriteString("  ...\n")
	}
	return b.String()
}

// replanTask gives the planner the evidence of the stagnation.
func replanTask(objective string, p *plan.Plan, issues []store.Issue, failures []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Objective: %s\n\nThe current plan:\n\n%s\n", objective, p.Src)
	if len(issues) > 0 {
		b.WriteString("\nOpen sync issues:\n")
		for _, i := range issues {
			fmt.Fprintf(&b, "- %s [%s] %s: %s\n", i.ID, i.Rule, strings.Join(i.Files, ", "), i.Problem)
		}
	}
	if len(failures) > 0 {
		b.WriteString("\nFailures:\n")
		for _, f := range slices.Compact(failures) {
			fmt.Fprintf(&b, "- %s\n", f)
		}
	}
	return b.String()
}

// plannerWithoutPlan is what a planner hears, once, when it calls finish without a plan
// written: nothing could run, and the mission would stop there (or, in a re-plan, go on
// with the plan that stopped making progress).
const plannerWithoutPlan = "You called finish, but no plan was written: .opencode/todo.md is unchanged. Call write_plan with the whole plan (if it refused your last one, fix what its error says), then call finish again."

// maxPlaceholdersListed bounds the list in the gate's feedback: the first ones show the
// worker what to look for.
const maxPlaceholdersListed = 10

// feedback is the gate's message to a worker that called finish: its item's files it did
// not write (missing, or, once, untouched), once the placeholders it wrote, and the syntax
// errors in those it wrote.
func (g gate) feedback() string {
	var b strings.Builder
	if len(g.missing) > 0 {
		fmt.Fprintf(&b, "You called finish, but your item's files %s do not exist. Write them with write_file, then call finish again.\n", strings.Join(g.missing, ", "))
	}
	if len(g.untouched) > 0 {
		fmt.Fprintf(&b, "You called finish without changing your item's files %s. If the item needs a change there, make it with edit_file or write_file, then call finish. If they already do what the item asks, call finish again and say in the summary where.\n", strings.Join(g.untouched, ", "))
	}
	if len(g.placeholders) > 0 {
		b.WriteString("Your files hold placeholders where work belongs:\n")
		for i, p := range g.placeholders {
			if i == maxPlaceholdersListed {
				fmt.Fprintf(&b, "- and %d more\n", len(g.placeholders)-i)
				break
			}
			fmt.Fprintf(&b, "- %s\n", p)
		}
		b.WriteString("Replace them with the real code (write_file replaces the whole file: a comment such as \"... existing code ...\" deletes the code it stands for). If one is meant to stay, call finish again and say why in the summary.\n")
	}
	if len(g.syntax) > 0 {
		b.WriteString("The files you wrote do not parse. Fix these errors, then call finish again:\n")
	}
	for _, d := range g.syntax {
		fmt.Fprintf(&b, "- %s:%d:%d: %s\n", d.File, d.Range.Start.Line+1, d.Range.Start.Column+1, d.Message)
	}
	return b.String()
}

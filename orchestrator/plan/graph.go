package plan

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/opencode-orchestrator/orchestrator/analysis"
)

// Counts is the plan's completion, every item at every depth counted.
type Counts struct {
	Done, Total, InProgress, Blocked int
}

// Count tallies the items. A cancelled item counts as finished; a parent counts as done
// when all its children are.
func (p *Plan) Count() Counts {
	var c Counts
	for _, it := range p.Items {
		c.Total++
		_, blocked := it.Blocked()
		switch {
		case it.Finished():
			c.Done++
		case blocked:
			c.Blocked++
		case it.Status == InProgress && len(it.Items) == 0:
			c.InProgress++
		}
	}
	return c
}

// Complete reports whether every item is finished.
func (p *Plan) Complete() bool {
	for _, it := range p.Roots {
		if !it.Finished() {
			return false
		}
	}
	return true
}

// dependencies are the items an item waits for: its depends, and its parent's (a child
// of a waiting parent waits too).
func (p *Plan) dependencies(it *Item) []*Item {
	var out []*Item
	for a := it; a != nil; a = a.Parent {
		for _, id := range a.Depends() {
			if d := p.Item(id); d != nil {
				out = append(out, d)
			}
		}
	}
	return out
}

// Waiting returns why a pending item cannot start yet ("" when it can): no id yet or one
// another item has too (updates name items by id), a dependency not finished, an unknown
// dependency, a block, or a cancelled ancestor.
func (p *Plan) Waiting(it *Item) string {
	switch {
	case it.ID == "":
		return "has no id yet (a mission gives it one)"
	case p.sharedIDs[it.ID]:
		return "its id " + it.ID + " is used twice"
	}
	for a := it; a != nil; a = a.Parent {
		if reason, blocked := a.Blocked(); blocked {
			if reason == "" {
				reason = "blocked"
			}
			return reason
		}
		if a.Status == Cancelled {
			return "cancelled"
		}
		for _, id := range a.Depends() {
			d := p.Item(id)
			switch {
			case d == nil:
				return "depends on " + id + ", which the plan does not have"
			case !d.Finished():
				return "waiting for " + id
			}
		}
	}
	return ""
}

// Ready returns the leaf items a worker can take now, in document order: pending, with
// an id, nothing to wait for, and no file shared with a busy one (busy maps a file to the
// item that holds it).
func (p *Plan) Ready(busy map[string]string) []*Item {
	var out []*Item
	taken := map[string]bool{}
	inCycle := p.inCycle()
	for _, it := range p.Items {
		if len(it.Items) > 0 || it.Status != Pending || p.Waiting(it) != "" || inCycle[it.index] {
			continue
		}
		free := true
		for _, f := range it.Files() {
			if busy[f] != "" || taken[f] {
				free = false
			}
		}
		if !free {
			continue
		}
		for _, f := range it.Files() {
			taken[f] = true
		}
		out = append(out, it)
	}
	return out
}

// cycleMembers marks the items on a dependency cycle, by index.
func (p *Plan) cycleMembers() []bool {
	out := make([]bool, len(p.Items))
	for _, c := range p.cycles() {
		for _, it := range c {
			out[it.index] = true
		}
	}
	return out
}

// cycles finds the dependency cycles, each once, starting at its first item in document
// order. A dependency on one's own ancestor is a cycle too: the ancestor finishes only
// when its children do.
func (p *Plan) cycles() [][]*Item {
	const (
		unvisited = iota
		visiting
		visited
	)
	state := map[*Item]int{}
	var stack []*Item
	var out [][]*Item
	var visit func(it *Item)
	visit = func(it *Item) {
		state[it] = visiting
		stack = append(stack, it)
		next := p.dependencies(it)
		next = append(next, it.Items...) // a parent waits for its children
		for _, d := range next {
			switch state[d] {
			case unvisited:
				visit(d)
			case visiting:
				for i := range stack {
					if stack[i] == d {
						out = append(out, append([]*Item(nil), stack[i:]...))
					}
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[it] = visited
	}
	for _, it := range p.Items {
		if state[it] == unvisited {
			visit(it)
		}
	}
	return out
}

// Validate applies the plan-* rules to the todo.md at rel (relative to root, which
// plan-missing-file resolves files against).
func (p *Plan) Validate(root, rel string) []analysis.Diagnostic {
	var out []analysis.Diagnostic
	lines := newLines(p.Src)
	at := func(from, to int) analysis.Range {
		return analysis.Range{Start: lines.position(from), End: lines.position(to)}
	}
	idRange := func(it *Item) analysis.Range {
		if it.ID == "" {
			return at(it.contentFrom, it.End)
		}
		return at(it.idStart, it.idStart+len(it.ID))
	}
	first := map[string]*Item{}
	for _, it := range p.Items {
		if it.ID == "" {
			continue
		}
		if f, dup := first[it.ID]; dup {
			out = append(out, analysis.Diagnostic{File: rel, Range: idRange(it), Severity: analysis.SeverityError,
				Rule: analysis.RulePlanDuplicateID, Message: fmt.Sprintf("the id %s is used twice", it.ID),
				Related: []analysis.Related{{File: rel, Range: idRange(f), Message: "first used here"}}})
			continue
		}
		first[it.ID] = it
	}
	for _, it := range p.Items {
		for _, m := range it.Meta {
			switch {
			case m.Key == "depends":
				for _, id := range entries(m.Value) {
					if p.Item(id.text) == nil {
						from := m.Start + len("depends:") + id.offset
						out = append(out, analysis.Diagnostic{File: rel, Range: at(from, from+len(id.text)), Severity: analysis.SeverityError,
							Rule: analysis.RulePlanUnknownDependency, Message: fmt.Sprintf("%s depends on %s, which the plan does not have", label(it), id.text)})
					}
				}
			case m.Key == "file" && it.Status == Done:
				for _, f := range entries(m.Value) {
					if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(f.text))); err != nil {
						from := m.Start + len("file:") + f.offset
						out = append(out, analysis.Diagnostic{File: rel, Range: at(from, from+len(f.text)), Severity: analysis.SeverityError,
							Rule: analysis.RulePlanMissingFile, Message: fmt.Sprintf("%s is done but its file %s does not exist", label(it), f.text)})
					}
				}
			}
		}
	}
	for _, cycle := range p.cycles() {
		var names []string
		var related []analysis.Related
		for _, it := range cycle {
			names = append(names, label(it))
			if it != cycle[0] {
				related = append(related, analysis.Related{File: rel, Range: idRange(it), Message: label(it) + " is part of the cycle"})
			}
		}
		names = append(names, label(cycle[0]))
		out = append(out, analysis.Diagnostic{File: rel, Range: idRange(cycle[0]), Severity: analysis.SeverityError,
			Rule: analysis.RulePlanCycle, Message: "dependency cycle: " + strings.Join(names, " -> "), Related: related})
	}
	analysis.SortDiagnostics(out)
	return out
}

func label(it *Item) string {
	if it.ID != "" {
		return it.ID
	}
	return fmt.Sprintf("the item on line %d", it.Line+1)
}

// lines converts byte offsets to analysis positions (lines split at "\n").
type lines []int

func newLines(src []byte) lines {
	l := lines{0}
	for i, b := range src {
		if b == '\n' {
			l = append(l, i+1)
		}
	}
	return l
}

func (l lines) position(offset int) analysis.Position {
	line := sort.SearchInts(l, offset+1) - 1
	return analysis.Position{Line: line, Column: offset - l[line]}
}

// File is where a workspace's plan lives, relative to its root.
const File = ".opencode/todo.md"

// CheckWorkspace applies the plan rules to the workspace's todo.md, when it has one.
func CheckWorkspace(root string) ([]analysis.Diagnostic, error) {
	src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(File)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return Parse(src).Validate(root, File), nil
}

package server

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"go.lsp.dev/protocol"

	"github.com/opencode-orchestrator/orchestrator/analysis"
	"github.com/opencode-orchestrator/orchestrator/orchestrator"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/plan"
)

// CodeLens shows the mission on .opencode/todo.md: a header with its state and the action
// that fits (▶ Start, ■ Stop, ⟳ Resume), and a lens per item (▶ Run, running, ✓ done,
// blocked, waiting), after why its last run failed when it did. Statuses come from the
// text the user sees; who works on an item since when, and failures, from the mission
// state.
func (s *Server) CodeLens(_ context.Context, params *protocol.CodeLensParams) ([]protocol.CodeLens, error) {
	doc, ok := s.todo(params.TextDocument.URI)
	h := s.workspaceHost()
	if !ok || h == nil {
		return []protocol.CodeLens{}, nil
	}
	st := h.current()
	live := make(map[string]orchestrator.StatusItem, len(st.Items))
	for _, it := range st.Items {
		live[it.ID] = it
	}
	top := protocol.Range{}
	lenses := []protocol.CodeLens{lens(top, headerAction(st)), lens(top, commandTo(headerSummary(st), cmdTaskStatus))}
	now := time.Now()
	for _, it := range doc.plan.Items {
		if it.ID == "" {
			continue
		}
		r := doc.lineRange(it)
		if why := live[it.ID].Failure; why != "" && it.Status == plan.Pending {
			lenses = append(lenses, lens(r, commandTo("✗ last run failed: "+brief(why, 80), "")))
		}
		lenses = append(lenses, lens(r, itemLens(doc.plan, it, live[it.ID], now)))
	}
	return lenses, nil
}

// brief is the first line of s, cut to at most n characters: a lens is one short line.
func brief(s string, n int) string {
	s, _, _ = strings.Cut(s, "\n")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func lens(r protocol.Range, c protocol.Command) protocol.CodeLens {
	return protocol.CodeLens{Range: protocol.Range{Start: r.Start, End: r.Start}, Command: c}
}

// commandTo is a lens or action command; an empty name makes a label.
func commandTo(title, name string, args ...any) protocol.Command {
	c := protocol.Command{Title: title, Command: name}
	for _, a := range args {
		raw, _ := json.Marshal(a)
		c.Arguments = append(c.Arguments, raw)
	}
	return c
}

func headerAction(st hostStatus) protocol.Command {
	switch {
	case st.Running == "mission":
		return commandTo("■ Stop", cmdTaskStop)
	case st.Running != "":
		return commandTo("■ Stop "+st.Running, cmdTaskStop)
	case st.ReadOnly:
		return commandTo(fmt.Sprintf("read-only: pid %d runs the missions", st.OwnerPID), cmdTaskStatus)
	case st.Unfinished():
		return commandTo("⟳ Resume", cmdTaskResume)
	}
	return commandTo("▶ Start", cmdTaskStart)
}

func headerSummary(st hostStatus) string {
	state := st.State
	switch {
	case st.State == "none":
		state = "no mission"
	case st.StopReason != "":
		// The reason's head: its details (a planner's error, what to install) would make a
		// lens a paragraph; the hover, the status and the stop's message have them.
		head, _, _ := strings.Cut(st.StopReason, ": ")
		state += ": " + head
	}
	return fmt.Sprintf("%s · iteration %d · %d/%d done · %s", state, st.Iteration, st.Done, st.Total, analysis.Count(st.OpenIssues, "open sync issue"))
}

func itemLens(p *plan.Plan, it *plan.Item, live orchestrator.StatusItem, now time.Time) protocol.Command {
	if len(it.Items) > 0 && it.Status != plan.Cancelled {
		done := 0
		for _, c := range it.Items {
			if c.Finished() {
				done++
			}
		}
		return commandTo(fmt.Sprintf("%d/%d done", done, len(it.Items)), "")
	}
	if reason, blocked := it.Blocked(); blocked && !it.Finished() {
		return commandTo("⏸ blocked: "+reason, "")
	}
	switch it.Status {
	case plan.Done:
		if live.Seconds > 0 {
			return commandTo("✓ done in "+duration(time.Duration(live.Seconds*float64(time.Second))), "")
		}
		return commandTo("✓ done", "")
	case plan.Cancelled:
		return commandTo("– cancelled", "")
	case plan.InProgress:
		return commandTo(workingOn(live, now), "")
	}
	if waits := p.Waiting(it); waits != "" {
		return commandTo("⏳ "+waits, "")
	}
	return commandTo("▶ Run", cmdTodoRun, map[string]string{"id": it.ID})
}

// workingOn describes an item in progress: who works on it and for how long.
func workingOn(live orchestrator.StatusItem, now time.Time) string {
	text := "● running"
	if live.Worker != "" {
		text += " · " + live.Worker
	}
	if live.Since != nil {
		text += " · " + duration(now.Sub(*live.Since))
	}
	return text
}

// duration is a short human duration: 42s, 3m12s, 1h05m.
func duration(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

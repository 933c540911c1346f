package server

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.lsp.dev/protocol"

	"github.com/opencode-orchestrator/orchestrator/orchestrator"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/plan"
)

// Hover on a todo item: its status, who works on it and for how long, its files, its
// dependencies and their state, and its latest ledger lines.
func (s *Server) Hover(_ context.Context, params *protocol.HoverParams) (*protocol.Hover, error) {
	doc, ok := s.todo(params.TextDocument.URI)
	h := s.workspaceHost()
	if !ok || h == nil {
		return nil, nil
	}
	it := doc.itemAt(params.Position.Line)
	if it == nil {
		return nil, nil
	}
	var live orchestrator.StatusItem
	for _, candidate := range h.current().Items {
		if candidate.ID == it.ID && it.ID != "" {
			live = candidate
		}
	}

	var b strings.Builder
	fmt.Fprintf(&b, "**%s**\n\n", markdownEscape(title(it)))
	status := string(it.Status)
	switch reason, blocked := it.Blocked(); {
	case blocked:
		status += " · blocked: " + reason
	case it.Status == plan.InProgress:
		status = workingOn(live, time.Now())
	case live.Worker != "" && live.Seconds > 0:
		status += fmt.Sprintf(" · %s took %s", live.Worker, duration(time.Duration(live.Seconds*float64(time.Second))))
	}
	fmt.Fprintf(&b, "Status: %s\n\n", markdownEscape(status))
	if files := it.Files(); len(files) > 0 {
		fmt.Fprintf(&b, "Files: `%s`\n\n", strings.Join(files, "`, `"))
	}
	if deps := it.Depends(); len(deps) > 0 {
		var parts []string
		for _, id := range deps {
			state := "not in the plan"
			if d := doc.plan.Item(id); d != nil {
				state = string(d.Status)
			}
			parts = append(parts, fmt.Sprintf("%s (%s)", id, state))
		}
		fmt.Fprintf(&b, "Depends on: %s\n\n", markdownEscape(strings.Join(parts, ", ")))
	}
	if waits := doc.plan.Waiting(it); waits != "" && it.Status == plan.Pending {
		fmt.Fprintf(&b, "Waiting: %s\n\n", markdownEscape(waits))
	}
	if len(live.Log) > 0 {
		b.WriteString("Latest:\n")
		for _, line := range live.Log {
			fmt.Fprintf(&b, "- %s\n", markdownEscape(line))
		}
	}
	r := doc.lineRange(it)
	return &protocol.Hover{Range: &r, Contents: &protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: strings.TrimSpace(b.String())}}, nil
}

// markdownEscape keeps text from the plan or the ledger from turning into markup.
func markdownEscape(s string) string {
	return strings.NewReplacer("*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "<", `\<`, "#", `\#`, "`", "\\`").Replace(s)
}

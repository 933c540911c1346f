package server

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/opencode-orchestrator/orchestrator/analysis"
	"github.com/opencode-orchestrator/orchestrator/orchestrator"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/plan"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/store"
)

var codeActionKinds = []protocol.CodeActionKind{protocol.CodeActionKindQuickFix, protocol.CodeActionKindRefactorRewrite}

// CodeAction offers: on a sync issue, a FIX task added to todo.md (an edit) or a worker
// dispatched to fix it (a command); on a broken import, the one module that has its
// names; on a todo item, marking it done, pending or cancelled (edits) and running it.
func (s *Server) CodeAction(_ context.Context, params *protocol.CodeActionParams) ([]protocol.CommandOrCodeAction, error) {
	var actions []*protocol.CodeAction
	if doc, ok := s.todo(params.TextDocument.URI); ok {
		actions = append(actions, todoItemActions(doc, params.Range)...)
	}
	for _, d := range params.Context.Diagnostics {
		if source, _ := d.Source.Get(); source != "orchestrator" {
			continue
		}
		if id := syncIssueOf(d); id != "" {
			actions = append(actions, s.syncIssueActions(d, id)...)
		}
		if fix := s.importFix(params.TextDocument.URI, d); fix != nil {
			actions = append(actions, fix)
		}
	}
	out := []protocol.CommandOrCodeAction{}
	for _, a := range actions {
		if wanted(*a.Kind, params.Context.Only) {
			out = append(out, a)
		}
	}
	return out, nil
}

// wanted applies the client's filter: a kind is wanted when it is, or is below, one it asked for.
func wanted(kind protocol.CodeActionKind, only []protocol.CodeActionKind) bool {
	if len(only) == 0 {
		return true
	}
	return slices.ContainsFunc(only, func(o protocol.CodeActionKind) bool {
		return kind == o || strings.HasPrefix(string(kind), string(o)+".")
	})
}

// todoItemActions are the actions on the item under the cursor.
func todoItemActions(doc *todoDocument, r protocol.Range) []*protocol.CodeAction {
	it := doc.itemAt(r.Start.Line)
	if it == nil || it.ID == "" {
		return nil
	}
	kind := protocol.CodeActionKindRefactorRewrite
	var out []*protocol.CodeAction
	for _, status := range []plan.Status{plan.Done, plan.Pending, plan.Cancelled} {
		if it.Status == status {
			continue
		}
		updated, err := doc.plan.SetStatus(it.ID, status)
		if err != nil {
			continue
		}
		out = append(out, &protocol.CodeAction{
			Title: fmt.Sprintf("Mark %s %s", it.ID, status),
			Kind:  &kind,
			Edit:  &protocol.WorkspaceEdit{Changes: map[uri.URI][]protocol.TextEdit{doc.uri: {doc.edit(string(updated))}}},
		})
	}
	if orchestrator.Runnable(doc.plan, it.ID) == nil {
		out = append(out, &protocol.CodeAction{Title: "Run " + it.ID, Kind: &kind, Command: commandTo("Run "+it.ID, cmdTodoRun, map[string]string{"id": it.ID})})
	}
	return out
}

var syncIssueID = regexp.MustCompile(`\bSYNC-\d+\b`)

// syncIssueOf returns the sync issue a diagnostic shows: from its data, or from its
// message for clients that do not send data back.
func syncIssueOf(d protocol.Diagnostic) string {
	var data diagnosticData
	if len(d.Data) > 0 && json.Unmarshal(d.Data, &data) == nil && data.SyncIssue != "" {
		return data.SyncIssue
	}
	if msg, ok := d.Message.(protocol.String); ok {
		return syncIssueID.FindString(string(msg))
	}
	return ""
}

// syncIssueActions: "Add FIX task to todo.md" while the issue has no unfinished FIX item,
// and "Dispatch a worker to fix this".
func (s *Server) syncIssueActions(d protocol.Diagnostic, id string) []*protocol.CodeAction {
	h := s.workspaceHost()
	if h == nil {
		return nil
	}
	st := h.current()
	i := slices.IndexFunc(st.Issues, func(i orchestrator.StatusIssue) bool { return i.ID == id })
	if i < 0 {
		return nil // resolved meanwhile
	}
	issue := st.Issues[i]
	quickfix := protocol.CodeActionKindQuickFix
	var out []*protocol.CodeAction
	s.mu.Lock()
	root, enc := s.root, s.encoding
	s.mu.Unlock()
	todo := s.todoAt(root, enc)
	if orchestrator.FixItemOf(todo.plan, id) == nil {
		updated, _, err := orchestrator.AddFixItem(todo.plan, store.Issue{ID: issue.ID, Rule: issue.Rule, Files: issue.Files, Problem: issue.Problem, Fix: issue.Fix})
		if err == nil {
			out = append(out, &protocol.CodeAction{
				Title:       fmt.Sprintf("Add FIX task for %s to todo.md", id),
				Kind:        &quickfix,
				Diagnostics: []protocol.Diagnostic{d},
				Edit:        &protocol.WorkspaceEdit{Changes: map[uri.URI][]protocol.TextEdit{todo.uri: {todo.edit(string(updated))}}},
			})
		}
	}
	out = append(out, &protocol.CodeAction{
		Title:       fmt.Sprintf("Dispatch a worker to fix %s", id),
		Kind:        &quickfix,
		Diagnostics: []protocol.Diagnostic{d},
		Command:     commandTo("Dispatch a worker to fix "+id, cmdSyncFix, map[string]string{"id": id}),
	})
	return out
}

// importFix is the quick fix of an unresolved-import or missing-export finding when
// exactly one workspace module has the names the import asks for.
func (s *Server) importFix(u uri.URI, d protocol.Diagnostic) *protocol.CodeAction {
	code, _ := d.Code.(protocol.String)
	if code != analysis.RuleUnresolvedImport && code != analysis.RuleMissingExport {
		return nil
	}
	c := s.workspaceChecker()
	if c == nil {
		return nil
	}
	rel, ok := c.relative(u)
	if !ok {
		return nil
	}
	msg, _ := d.Message.(protocol.String)
	for _, f := range c.ix.Diagnostics() {
		if f.File != rel || f.Rule != string(code) || f.Range.Start.Line != int(d.Range.Start.Line) || !strings.HasPrefix(string(msg), f.Message) {
			continue
		}
		fix, ok := c.ix.SuggestImport(f)
		if !ok {
			return nil
		}
		s.mu.Lock()
		enc := s.encoding
		s.mu.Unlock()
		edit := protocol.TextEdit{Range: newTextPositions(c.text(rel)).toRange(fix.Range, enc), NewText: fix.Spec}
		quickfix := protocol.CodeActionKindQuickFix
		return &protocol.CodeAction{
			Title:       fmt.Sprintf("Import from %s (%s has the names)", fix.Spec, path.Base(fix.Target)),
			Kind:        &quickfix,
			Diagnostics: []protocol.Diagnostic{d},
			IsPreferred: ptr(true),
			Edit:        &protocol.WorkspaceEdit{Changes: map[uri.URI][]protocol.TextEdit{u: {edit}}},
		}
	}
	return nil
}

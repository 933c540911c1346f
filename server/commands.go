package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/opencode-orchestrator/orchestrator/analysis"
	"github.com/opencode-orchestrator/orchestrator/orchestrator"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/plan"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/store"
)

// The commands of DESIGN section 8: editor plugins and code lenses call them by name.
const (
	cmdTaskStart     = "orchestrator.task.start"
	cmdTaskStop      = "orchestrator.task.stop"
	cmdTaskResume    = "orchestrator.task.resume"
	cmdTaskStatus    = "orchestrator.task.status"
	cmdReview        = "orchestrator.review"
	cmdTodoRun       = "orchestrator.todo.run"
	cmdTodoSetStatus = "orchestrator.todo.setStatus"
	cmdSyncFix       = "orchestrator.sync.fix"
)

// commandArgs is the first argument of a command: an object with the fields the
// command takes ({objective, model}, {id}, {id, status}). A bare string stands for the
// objective or the id.
type commandArgs struct {
	Objective string `json:"objective"`
	Model     string `json:"model"`
	ID        string `json:"id"`
	Status    string `json:"status"`
}

type command struct {
	run func(ctx context.Context, s *Server, h *host, args commandArgs) (any, error)
	// needs names the argument it cannot do without.
	needs string
}

var commands = map[string]command{
	cmdTaskStart:     {run: startTask},
	cmdTaskStop:      {run: func(ctx context.Context, _ *Server, h *host, _ commandArgs) (any, error) { return nil, h.stop(ctx) }},
	cmdTaskResume:    {run: resumeTask},
	cmdTaskStatus:    {run: taskStatus},
	cmdReview:        {run: review},
	cmdTodoRun:       {run: runTodo, needs: "id"},
	cmdTodoSetStatus: {run: setTodoStatus, needs: "id"},
	cmdSyncFix:       {run: fixSyncIssue, needs: "id"},
}

func commandNames() []string {
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// codeRequestFailed is LSP's RequestFailed: the request was valid, the state did not allow
// it (a mission runs already, the server is read-only, the item is not ready).
const codeRequestFailed = -32803

// ExecuteCommand runs one of the orchestrator's commands.
func (s *Server) ExecuteCommand(ctx context.Context, params *protocol.ExecuteCommandParams) (protocol.LSPAny, error) {
	cmd, ok := commands[params.Command]
	if !ok {
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, fmt.Sprintf("unknown command %q; the server runs %v", params.Command, commandNames()))
	}
	var args commandArgs
	if len(params.Arguments) > 0 {
		raw := params.Arguments[0]
		var text string
		if json.Unmarshal(raw, &text) == nil {
			args.Objective, args.ID = text, text
		} else if err := json.Unmarshal(raw, &args); err != nil {
			return nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, fmt.Sprintf("%s: the argument must be a string or an object of objective, model, id and status strings: %v", params.Command, err))
		}
	}
	if cmd.needs == "id" && args.ID == "" {
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, params.Command+" needs an argument {\"id\": ...}")
	}
	h := s.workspaceHost()
	if h == nil {
		return nil, jsonrpc2.NewError(codeRequestFailed, "open a folder first: the orchestrator works on a workspace")
	}
	result, err := cmd.run(ctx, s, h, args)
	if err != nil {
		s.log.Info("command refused", "command", params.Command, "reason", err.Error())
		var wire *jsonrpc2.Error
		if errors.As(err, &wire) {
			return nil, err
		}
		return nil, jsonrpc2.NewError(codeRequestFailed, err.Error())
	}
	raw, err := json.Marshal(result)
	if err != nil {
		return nil, err
	}
	return raw, nil
}

func startTask(_ context.Context, s *Server, h *host, args commandArgs) (any, error) {
	if args.Objective == "" {
		p, err := h.store.Plan()
		if err != nil {
			return nil, err
		}
		if len(p.Items) == 0 || p.Complete() {
			return nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, "give an objective: {\"objective\": \"what the mission should achieve\"}")
		}
		args.Objective = "Complete the plan in .opencode/todo.md"
	}
	return nil, h.startMission(args.Objective, s.modelOr(args.Model), false)
}

func resumeTask(_ context.Context, s *Server, h *host, args commandArgs) (any, error) {
	return nil, h.startMission("", s.modelOr(args.Model), true)
}

// modelOr is the model a command names, else the editor's setting ("" leaves it to
// .opencode/orchestrator.json).
func (s *Server) modelOr(model string) string {
	if model != "" {
		return model
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.settings.Model
}

// taskStatus reads the state fresh: the command answers what is on disk now.
func taskStatus(_ context.Context, _ *Server, h *host, _ commandArgs) (any, error) {
	st, err := orchestrator.ReadStatus(h.root)
	if err != nil {
		return nil, err
	}
	return h.describe(st), nil
}

// runTodo runs an item's worker now; while a mission runs, the mission dispatches it.
func runTodo(_ context.Context, _ *Server, h *host, args commandArgs) (any, error) {
	p, err := h.store.Plan()
	if err != nil {
		return nil, err
	}
	if err := orchestrator.Runnable(p, args.ID); err != nil {
		return nil, err
	}
	if j := h.running(); j != nil && j.item == "" {
		return map[string]string{"item": args.ID, "message": "the running mission dispatches " + args.ID + " when a worker slot frees"}, nil
	}
	if err := h.runItem(args.ID); err != nil {
		return nil, err
	}
	return map[string]string{"item": args.ID, "message": "a worker is running " + args.ID}, nil
}

func setTodoStatus(_ context.Context, _ *Server, h *host, args commandArgs) (any, error) {
	status, ok := plan.ParseStatus(args.Status)
	if !ok {
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, fmt.Sprintf("unknown status %q: pending, in_progress, done or cancelled", args.Status))
	}
	if err := h.claim(); err != nil {
		return nil, err
	}
	if j := h.running(); j != nil {
		p, err := h.store.Plan()
		if err != nil {
			return nil, err
		}
		if it := p.Item(args.ID); it != nil && it.Status == plan.InProgress {
			return nil, fmt.Errorf("a worker is working on %s; stop the mission first", args.ID)
		}
	}
	if _, err := h.store.UpdatePlan(func(p *plan.Plan) ([]byte, error) { return p.SetStatus(args.ID, status) }); err != nil {
		return nil, err
	}
	h.changed()
	return nil, nil
}

// fixSyncIssue dispatches a worker to fix a sync issue: its FIX item, added when it has
// none, runs now (or in the running mission).
func fixSyncIssue(ctx context.Context, s *Server, h *host, args commandArgs) (any, error) {
	if err := h.claim(); err != nil {
		return nil, err
	}
	issues, err := h.store.Issues()
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(issues, func(i store.Issue) bool { return i.ID == args.ID })
	if i < 0 {
		return nil, fmt.Errorf("%s is not an open sync issue", args.ID)
	}
	var id string
	_, err = h.store.UpdatePlan(func(p *plan.Plan) ([]byte, error) {
		if it := orchestrator.FixItemOf(p, args.ID); it != nil {
			id = it.ID
			return p.Src, nil
		}
		out, added, err := orchestrator.AddFixItem(p, issues[i])
		id = added
		return out, err
	})
	if err != nil {
		return nil, err
	}
	h.changed()
	return runTodo(ctx, s, h, commandArgs{ID: id})
}

// reviewTimeout bounds each build or test command of a review.
const reviewTimeout = 10 * time.Minute

// reviewResult answers orchestrator.review.
type reviewResult struct {
	Findings int                        `json:"findings"` // static findings in the workspace
	Build    orchestrator.CommandStatus `json:"build"`
	Test     orchestrator.CommandStatus `json:"test"`
}

// review runs the checks, the build and the tests now and shows their findings.
func review(ctx context.Context, s *Server, h *host, _ commandArgs) (any, error) {
	c := s.workspaceChecker()
	cmds, err := orchestrator.ProjectCommands(h.root)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	p := s.startProgress(ctx, "Orchestrator: review", true, cancel)
	out := reviewResult{Build: orchestrator.CommandStatus{Command: cmds.Build}, Test: orchestrator.CommandStatus{Command: cmds.Test}}
	found, err := analysis.RunBuildAndTests(ctx, h.root, cmds, reviewTimeout, func(step analysis.Step) {
		status := &out.Build
		if step.Rule == analysis.RuleTestFailure {
			status = &out.Test
		}
		if step.Result == nil {
			p.milestone(ctx, "running "+step.Command)
			return
		}
		status.Ran, status.Passed = true, step.Result.ExitCode == 0 && !step.Result.TimedOut
		status.CannotRun = step.CannotRun
	})
	if err != nil {
		p.end(ctx, "stopped")
		if ctx.Err() != nil {
			return nil, protocol.ErrRequestCancelled // the progress's cancel button, or $/cancelRequest
		}
		return nil, err
	}
	c.commandFindingsChanged(found)
	out.Findings = len(c.ix.Diagnostics())
	summary := fmt.Sprintf("Review: %s, build %s, tests %s.", analysis.Count(out.Findings, "finding"), verdict(out.Build), verdict(out.Test))
	p.end(ctx, summary)
	s.showMessage(protocol.MessageTypeInfo, summary)
	return out, nil
}

func verdict(c orchestrator.CommandStatus) string {
	switch {
	case c.Command == "":
		return "not configured"
	case !c.Ran:
		return "not run"
	case c.CannotRun != "":
		return "cannot run: " + c.CannotRun
	case c.Passed:
		return "passed"
	}
	return "failed"
}

package server

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.lsp.dev/protocol"

	"github.com/opencode-orchestrator/orchestrator/orchestrator"
)

// The answers of an approval request.
const (
	allowOnce   = "Allow once"
	allowAlways = "Always allow for this mission"
	deny        = "Deny"
)

// approvalTimeout is how long an approval waits for the user unless the editor's settings
// say otherwise.
const approvalTimeout = 2 * time.Minute

// editorApprover asks the user, through window/showMessageRequest, whether a command that
// is not allow-listed may run. No answer in time, or a client that cannot ask, denies;
// the mission logs the decision and who made it in the ledger.
type editorApprover struct {
	s       *Server
	timeout time.Duration
}

func (s *Server) approver() orchestrator.Approver {
	s.mu.Lock()
	defer s.mu.Unlock()
	return editorApprover{s: s, timeout: s.approvalTimeout}
}

func (a editorApprover) Approve(ctx context.Context, command string) (orchestrator.Decision, error) {
	a.s.mu.Lock()
	supported := a.s.messageRequests
	a.s.mu.Unlock()
	if !supported {
		return orchestrator.Deny, errors.New("the editor cannot ask the user (no window/showMessageRequest support)")
	}
	ctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	answer, err := a.s.client.ShowMessageRequest(ctx, &protocol.ShowMessageRequestParams{
		Type:    protocol.MessageTypeWarning,
		Message: fmt.Sprintf("The mission wants to run a command that is not on the allow list:\n\n%s", command),
		Actions: []protocol.MessageActionItem{{Title: allowOnce}, {Title: allowAlways}, {Title: deny}},
	})
	switch {
	case ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded):
		return orchestrator.Deny, fmt.Errorf("no answer from the editor within %v", a.timeout)
	case err != nil:
		return orchestrator.Deny, fmt.Errorf("the editor could not ask: %v", err)
	case answer == nil:
		return orchestrator.Deny, nil // dismissed
	}
	switch answer.Title {
	case allowOnce:
		return orchestrator.AllowOnce, nil
	case allowAlways:
		return orchestrator.AllowAlways, nil
	}
	return orchestrator.Deny, nil
}

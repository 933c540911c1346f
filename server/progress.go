package server

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"go.lsp.dev/protocol"
)

var progressTokens atomic.Int64

// progress is one work-done progress shown by the client: begin, reports, end. A client
// without progress support gets window/showMessage milestones instead when the work is
// one the user started (a mission, a review); otherwise nothing.
type progress struct {
	s          *Server
	token      protocol.ProgressToken // nil without client support
	milestones bool

	mu      sync.Mutex
	percent int64 // the last percentage sent; reports never go back
	message string
}

// startProgress creates a progress token and sends begin.
func (s *Server) startProgress(ctx context.Context, title string, milestones bool) *progress {
	s.mu.Lock()
	supported := s.workDoneProgress
	s.mu.Unlock()
	p := &progress{s: s}
	if !supported {
		p.milestones = milestones
		p.milestone(ctx, title)
		return p
	}
	token := protocol.String(fmt.Sprintf("orchestrator-%d", progressTokens.Add(1)))
	if err := s.client.WorkDoneProgressCreate(ctx, &protocol.WorkDoneProgressCreateParams{Token: token}); err != nil {
		s.log.Debug("the client refused a progress token", "error", err)
		return p
	}
	p.token = token
	p.send(ctx, &protocol.WorkDoneProgressBegin{Kind: "begin", Title: title, Percentage: ptr(uint32(0)), Cancellable: ptr(false)})
	return p
}

// report sends done/total as a percentage, with message, when either changed. A total
// that grows (a FIX round adds items) never moves the bar back.
func (p *progress) report(ctx context.Context, done, total int, message string) {
	if p == nil || p.token == nil || total == 0 {
		return
	}
	pct := int64(done * 100 / total)
	p.mu.Lock()
	pct = max(pct, p.percent)
	if pct == p.percent && message == p.message {
		p.mu.Unlock()
		return
	}
	p.percent, p.message = pct, message
	p.mu.Unlock()
	p.send(ctx, &protocol.WorkDoneProgressReport{Kind: "report", Message: &message, Percentage: ptr(uint32(pct))})
}

// milestone is a step worth telling: a report message, or without progress support a
// window/showMessage.
func (p *progress) milestone(ctx context.Context, message string) {
	switch {
	case p == nil:
	case p.token != nil:
		p.send(ctx, &protocol.WorkDoneProgressReport{Kind: "report", Message: &message})
	case p.milestones:
		p.s.showMessage(protocol.MessageTypeInfo, message)
	}
}

func (p *progress) end(ctx context.Context, message string) {
	if p != nil && p.token != nil {
		p.send(ctx, &protocol.WorkDoneProgressEnd{Kind: "end", Message: &message})
	}
}

func (p *progress) send(ctx context.Context, value any) {
	raw, err := protocol.Marshal(value)
	if err != nil {
		return
	}
	_ = p.s.client.Progress(ctx, &protocol.ProgressParams{Token: p.token, Value: raw})
}

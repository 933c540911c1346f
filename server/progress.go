package server

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"go.lsp.dev/protocol"
)

var progressTokens atomic.Int64

// progress is one work-done progress shown by the client: begin, reports, end, and
// nothing after the end (a client would show a late report as a progress that never
// ends). A client without progress support gets window/showMessage milestones instead
// when the work is one the user started (a mission, a review); otherwise nothing.
type progress struct {
	s *Server

	// mu orders what is sent: a report that raced the end is dropped, not sent after it.
	mu         sync.Mutex
	token      protocol.ProgressToken // nil before begin and without client support
	milestones bool
	cancel     context.CancelFunc // what the client's cancel button calls; nil when it has none
	ended      bool
	percent    int64 // the last percentage sent; reports never go back
	message    string
}

// startProgress creates a progress and begins it.
func (s *Server) startProgress(ctx context.Context, title string, milestones bool, cancel context.CancelFunc) *progress {
	p := &progress{s: s}
	p.begin(ctx, title, milestones, cancel)
	return p
}

// begin creates the progress token and sends begin. With cancel, the progress is
// cancellable: the client may offer a cancel button, which calls it.
func (p *progress) begin(ctx context.Context, title string, milestones bool, cancel context.CancelFunc) {
	s := p.s
	s.mu.Lock()
	supported := s.workDoneProgress
	s.mu.Unlock()
	if !supported {
		p.mu.Lock()
		p.milestones = milestones
		p.mu.Unlock()
		p.milestone(ctx, title)
		return
	}
	token := protocol.String(fmt.Sprintf("orchestrator-%d", progressTokens.Add(1)))
	if err := s.client.WorkDoneProgressCreate(ctx, &protocol.WorkDoneProgressCreateParams{Token: token}); err != nil {
		s.log.Debug("the client refused a progress token", "error", err)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.token, p.cancel = token, cancel
	if cancel != nil {
		s.mu.Lock()
		s.cancellable[token] = p
		s.mu.Unlock()
	}
	p.send(ctx, &protocol.WorkDoneProgressBegin{Kind: "begin", Title: title, Percentage: ptr(uint32(0)), Cancellable: ptr(cancel != nil)})
}

// WorkDoneProgressCancel is the client's cancel button on a cancellable progress: the
// work stops as the stop command stops it. A token that has ended, or was never
// cancellable, is ignored.
func (s *Server) WorkDoneProgressCancel(_ context.Context, params *protocol.WorkDoneProgressCancelParams) error {
	s.mu.Lock()
	p := s.cancellable[params.Token]
	s.mu.Unlock()
	if p != nil {
		s.log.Info("the client cancelled a progress", "token", fmt.Sprint(params.Token))
		p.cancel()
	}
	return nil
}

// report sends done/total as a percentage, with message, when either changed. A total
// that grows (a FIX round adds items) never moves the bar back.
func (p *progress) report(ctx context.Context, done, total int, message string) {
	if total == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	pct := max(int64(done*100/total), p.percent)
	if p.token == nil || p.ended || (pct == p.percent && message == p.message) {
		return
	}
	p.percent, p.message = pct, message
	p.send(ctx, &protocol.WorkDoneProgressReport{Kind: "report", Message: &message, Percentage: ptr(uint32(pct))})
}

// milestone is a step worth telling: a report message, or without progress support a
// window/showMessage.
func (p *progress) milestone(ctx context.Context, message string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.ended:
	case p.token != nil:
		p.send(ctx, &protocol.WorkDoneProgressReport{Kind: "report", Message: &message})
	case p.milestones:
		p.s.showMessage(protocol.MessageTypeInfo, message)
	}
}

// end sends the end once; it stops the cancel button from reaching the work.
func (p *progress) end(ctx context.Context, message string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ended {
		return
	}
	p.ended = true
	if p.token == nil {
		return
	}
	p.s.mu.Lock()
	delete(p.s.cancellable, p.token)
	p.s.mu.Unlock()
	p.send(ctx, &protocol.WorkDoneProgressEnd{Kind: "end", Message: &message})
}

// send writes one progress value; p.mu is held.
func (p *progress) send(ctx context.Context, value any) {
	raw, err := protocol.Marshal(value)
	if err != nil {
		return
	}
	_ = p.s.client.Progress(ctx, &protocol.ProgressParams{Token: p.token, Value: raw})
}

package server

import (
	"context"
	"fmt"
	"sync/atomic"

	"go.lsp.dev/protocol"
)

var progressTokens atomic.Int64

// progress is one work-done progress shown by the client: begin, reports, end. Without
// client support every call is a no-op.
type progress struct {
	s     *Server
	token protocol.ProgressToken
	last  int64 // the last percentage sent, -1 before any
}

// startProgress creates a progress token and sends begin.
func (s *Server) startProgress(ctx context.Context, title string) *progress {
	s.mu.Lock()
	supported := s.workDoneProgress
	s.mu.Unlock()
	if !supported {
		return &progress{}
	}
	token := protocol.String(fmt.Sprintf("orchestrator-%d", progressTokens.Add(1)))
	if err := s.client.WorkDoneProgressCreate(ctx, &protocol.WorkDoneProgressCreateParams{Token: token}); err != nil {
		s.log.Debug("the client refused a progress token", "error", err)
		return &progress{}
	}
	p := &progress{s: s, token: token, last: -1}
	p.send(ctx, &protocol.WorkDoneProgressBegin{Kind: "begin", Title: title, Percentage: ptr(uint32(0))})
	return p
}

// report sends a percentage when it changed, so a large scan sends at most 100 reports.
func (p *progress) report(ctx context.Context, done, total int, message string) {
	if p.token == nil || total == 0 {
		return
	}
	pct := int64(done * 100 / total)
	if pct == atomic.LoadInt64(&p.last) {
		return
	}
	atomic.StoreInt64(&p.last, pct)
	p.send(ctx, &protocol.WorkDoneProgressReport{Kind: "report", Message: &message, Percentage: ptr(uint32(pct))})
}

func (p *progress) end(ctx context.Context, message string) {
	if p.token != nil {
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

package orchestrator

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// progress renders events on stderr: a redrawn bar line on a terminal, plain lines
// otherwise (logs, CI, pipes).
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	terminal bool
	start    time.Time
	last     Event
	running  map[string]bool

	stopClock, clockStopped chan struct{} // keepTime's, when it runs
}

func newProgress(w io.Writer, terminal bool) *progress {
	return &progress{w: w, terminal: terminal, start: time.Now(), running: map[string]bool{}}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// keepTime redraws a terminal's bar every interval until close, so its elapsed time
// moves while no event comes: a model call may send nothing for minutes (a reasoning
// model thinking, a local model reading a long prompt), and a frozen clock looks hung.
func (p *progress) keepTime(interval time.Duration) {
	if !p.terminal {
		return
	}
	p.stopClock, p.clockStopped = make(chan struct{}), make(chan struct{})
	ticker := time.NewTicker(interval)
	go func() {
		defer close(p.clockStopped)
		defer ticker.Stop()
		for {
			select {
			case <-ticker.C:
				p.mu.Lock()
				p.redraw()
				p.mu.Unlock()
			case <-p.stopClock:
				return
			}
		}
	}()
}

func (p *progress) event(e Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch e.Kind {
	case EventItemDispatched:
		p.running[e.Item] = true
	case EventItemFinished, EventItemFailed:
		delete(p.running, e.Item)
	}
	if e.Total > 0 {
		p.last.Done, p.last.Total = e.Done, e.Total
	}
	p.last.Iteration, p.last.Tokens = e.Iteration, e.Tokens
	if e.Kind == EventToolCall && !e.Failed {
		if p.terminal {
			p.redraw()
		}
		return // too many to list; failures are worth a line
	}
	line := describe(e)
	if p.terminal {
		fmt.Fprintf(p.w, "\r\033[K%s\n", line)
		p.redraw()
		return
	}
	fmt.Fprintf(p.w, "[%s] %s\n", time.Since(p.start).Round(time.Second), line)
}

func (p *progress) redraw() {
	const width = 20
	filled := 0
	if p.last.Total > 0 {
		filled = p.last.Done * width / p.last.Total
	}
	fmt.Fprintf(p.w, "\r\033[K[%s%s] %d/%d · iteration %d · %d running · %s · %d tokens",
		strings.Repeat("#", filled), strings.Repeat("-", width-filled), p.last.Done, p.last.Total,
		p.last.Iteration, len(p.running), time.Since(p.start).Round(time.Second), p.last.Tokens.Total())
}

func (p *progress) close() {
	if p.stopClock != nil {
		close(p.stopClock)
		<-p.clockStopped // no bar after the report
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.terminal {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

func describe(e Event) string {
	s := string(e.Kind)
	if e.Item != "" {
		s += " " + e.Item
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if len(e.Files) > 0 {
		s += " [" + strings.Join(e.Files, ", ") + "]"
	}
	if e.Total > 0 && (e.Kind == EventItemFinished || e.Kind == EventReview || e.Kind == EventPlanWritten) {
		s += fmt.Sprintf(" (%d/%d done)", e.Done, e.Total)
	}
	return s
}
